package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// A reader's total of the log is kept between requests and brought forward
// when the log grows, instead of counted again over every event.
//
// Every change to a record appends its event, about that record, in the
// change's own transaction. So the events after the head a total was
// counted at name every record changed since, and the events whose reader
// may be decided otherwise are those about these records and their
// neighbours (store.AuditSpansAbout). The events of the types the store
// decides are counted by span of the log: bringing a total forward counts
// again only the spans that hold such an event, and those of the new
// events. Adding the new events to the total would not do: a relabel can
// hide a record's earlier events, and a pledge can hide or show its
// requirement's.
//
// The events of the other types are decided one by one in Go, from lookups
// the store cannot follow; they are few, and counted again whenever the
// head moves.

// spanWidth is how many events of the log a span holds: a change makes its
// neighbours' spans be counted again, a few dozen events each. A span's
// count is kept in 16 bits.
const spanWidth = 256

// maxTotals bounds the totals kept: one per reader of the log, 8 kB per
// object type at a million events.
const maxTotals = 128

type totals struct {
	width int64
	mu    sync.Mutex
	kept  map[string]*total
	// How many totals were brought forward, and how many counted whole.
	forwarded, whole atomic.Int64
}

// total is one reader's totals, the log's and each object type's: a reader
// who filters the log by type is counted once.
type total struct {
	// busy holds one token: one request brings a total forward at a time,
	// and those asking meanwhile find it brought forward.
	busy chan struct{}
	// head is the head the spans were counted at, and headHash its hash;
	// spans[t][k] is how many events of type t in span k the reader sees,
	// for the types the store decides.
	head     int64
	headHash string
	spans    map[string][]uint16
	// undecided counts the other events by type, at undecidedHead.
	undecided     map[string]int
	undecidedHead int64
}

func newTotals() *totals { return &totals{width: spanWidth, kept: map[string]*total{}} }

// take returns key's total, for the caller alone until it calls release.
func (t *totals) take(ctx context.Context, key string) (*total, error) {
	t.mu.Lock()
	k := t.kept[key]
	if k == nil {
		if len(t.kept) >= maxTotals {
			for other := range t.kept {
				delete(t.kept, other)
				break
			}
		}
		k = &total{busy: make(chan struct{}, 1)}
		t.kept[key] = k
	}
	t.mu.Unlock()
	select {
	case k.busy <- struct{}{}:
		return k, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (k *total) release() { <-k.busy }

// sum is the reader's total of objectType ("" for every type) at k.head.
func (k *total) sum(objectType string) int {
	n := 0
	for t, spans := range k.spans {
		if objectType == "" || t == objectType {
			for _, c := range spans {
				n += int(c)
			}
		}
	}
	for t, c := range k.undecided {
		if objectType == "" || t == objectType {
			n += c
		}
	}
	return n
}

// maxReplay bounds the events read to bring a total forward: past it, or
// past a quarter of the log, the spans are all counted again.
const maxReplay = 50_000

// total returns how many events matching f v reads, Page's order aside.
func (s *Service) total(ctx context.Context, v policy.Viewer, f model.AuditFilter) (int, error) {
	sight := s.sight(v)
	if f.ObjectID != "" {
		// One record's events, found by its index: nothing to keep.
		return s.countedTotal(ctx, v, f, sight)
	}
	k, err := s.totals.take(ctx, fmt.Sprintf("%+v", v))
	if err != nil {
		return 0, err
	}
	defer k.release()
	// Read once the total is this request's alone: a head read before
	// could be older than the one another request brought it to.
	head, err := s.headSeq(ctx)
	if err != nil {
		return 0, err
	}
	if k.spans != nil {
		if same, err := s.sameEvent(ctx, k.head, k.headHash); err != nil {
			return 0, err
		} else if !same {
			// The log was restored or replaced under the server: nothing
			// kept of it holds.
			*k = total{busy: k.busy}
		}
	}
	if k.undecided == nil || k.undecidedHead != head {
		undecided := map[string]int{}
		for _, t := range sight.Undecided {
			_, n, err := s.readable(ctx, v, reading{f: model.AuditFilter{ObjectType: t}, sight: &sight, undecidedOnly: true, countOnly: true})
			if err != nil {
				return 0, err
			}
			undecided[t] = n
		}
		k.undecided, k.undecidedHead = undecided, head
	}
	if err := s.forward(ctx, k, sight, head); err != nil {
		// Some spans may have been counted at head and others not.
		*k = total{busy: k.busy}
		return 0, err
	}
	return k.sum(f.ObjectType), nil
}

// countedTotal is the total counted over the whole log.
func (s *Service) countedTotal(ctx context.Context, v policy.Viewer, f model.AuditFilter, sight store.AuditSight) (int, error) {
	n, err := s.store.CountSeenAuditEvents(ctx, f, sight)
	if err != nil {
		return 0, err
	}
	_, more, err := s.readable(ctx, v, reading{f: f, sight: &sight, undecidedOnly: true, countOnly: true})
	return n + more, err
}

// sameEvent says whether the log's event seq still has the hash it had.
func (s *Service) sameEvent(ctx context.Context, seq int64, hash string) (bool, error) {
	if seq == 0 {
		return true, nil
	}
	es, err := s.store.ListAuditEvents(ctx, model.AuditFilter{}, seq-1, 1)
	if err != nil {
		return false, err
	}
	return len(es) == 1 && es[0].Seq == seq && es[0].Hash == hash, nil
}

// forward brings k's spans to head.
func (s *Service) forward(ctx context.Context, k *total, sight store.AuditSight, head int64) error {
	w := s.totals.width
	if head == k.head && k.spans != nil {
		return nil
	}
	whole := k.spans == nil || head-k.head > min(maxReplay, head/4)
	// Every type's spans, grown to head from those kept unless counted
	// whole.
	spans := make(map[string][]uint16, len(k.spans))
	grown := func(t string) []uint16 {
		if spans[t] == nil {
			spans[t] = make([]uint16, (head+w-1)/w)
			if !whole {
				copy(spans[t], k.spans[t])
			}
		}
		return spans[t]
	}
	if !whole {
		for t := range k.spans {
			grown(t)
		}
	}
	set := func(counts []store.AuditSpanCount) {
		for _, c := range counts {
			if sp := grown(c.Type); c.Span < int64(len(sp)) {
				sp[c.Span] = uint16(c.N)
			}
		}
	}
	if whole {
		counts, err := s.store.CountSeenAuditSpans(ctx, model.AuditFilter{}, sight, 1, head, w)
		if err != nil {
			return err
		}
		set(counts)
		return s.keep(ctx, k, head, spans, &s.totals.whole)
	}
	records, err := s.changedSince(ctx, k.head, head)
	if err != nil {
		return err
	}
	dirty, err := s.store.AuditSpansAbout(ctx, records, sight, w)
	if err != nil {
		return err
	}
	// The new events' spans, whatever they are about.
	for span := k.head / w; span*w < head; span++ {
		dirty = append(dirty, span)
	}
	for _, run := range runs(dirty) {
		from, to := run[0]*w+1, min((run[1]+1)*w, head)
		counts, err := s.store.CountSeenAuditSpans(ctx, model.AuditFilter{}, sight, from, to, w)
		if err != nil {
			return err
		}
		// A span counted again holds what it now counts of every type.
		for _, sp := range spans {
			for span := run[0]; span <= run[1] && span < int64(len(sp)); span++ {
				sp[span] = 0
			}
		}
		set(counts)
	}
	return s.keep(ctx, k, head, spans, &s.totals.forwarded)
}

// keep makes spans k's, counted at head; done counts how.
func (s *Service) keep(ctx context.Context, k *total, head int64, spans map[string][]uint16, done *atomic.Int64) error {
	hash := ""
	if head > 0 {
		es, err := s.store.ListAuditEvents(ctx, model.AuditFilter{}, head-1, 1)
		if err != nil {
			return err
		}
		if len(es) == 1 {
			hash = es[0].Hash
		}
	}
	k.head, k.headHash, k.spans = head, hash, spans
	done.Add(1)
	return nil
}

// runs are the maximal runs of consecutive spans, each as its first and
// last, in order; spans may repeat.
func runs(spans []int64) [][2]int64 {
	seen := make(map[int64]bool, len(spans))
	for _, s := range spans {
		seen[s] = true
	}
	var out [][2]int64
	for _, s := range slices.Sorted(maps.Keys(seen)) {
		if !seen[s] || seen[s-1] {
			continue
		}
		end := s
		for seen[end+1] {
			end++
		}
		out = append(out, [2]int64{s, end})
	}
	return out
}

// changedSince names the records of the types the store decides that the
// events after seq from up to head are about, with the requirements a
// pledge was on before and after each change.
func (s *Service) changedSince(ctx context.Context, from, head int64) (store.AuditRecords, error) {
	var out store.AuditRecords
	for from < head {
		events, err := s.store.ListAuditEvents(ctx, model.AuditFilter{}, from, 1000)
		if err != nil {
			return out, err
		}
		if len(events) == 0 {
			break
		}
		for _, e := range events {
			if e.Seq > head {
				return out, nil
			}
			switch e.ObjectType {
			case store.AuditRequirement, store.AuditReview:
				out.Requirements = append(out.Requirements, e.ObjectID)
			case store.AuditPledge:
				out.Pledges = append(out.Pledges, e.ObjectID)
				for _, state := range []json.RawMessage{e.Before, e.After} {
					var p struct {
						RequirementID string `json:"requirement_id"`
					}
					if json.Unmarshal(state, &p) == nil && p.RequirementID != "" {
						out.PledgeRequirements = append(out.PledgeRequirements, p.RequirementID)
					}
				}
			case store.AuditOffer:
				out.Offers = append(out.Offers, e.ObjectID)
			}
		}
		from = events[len(events)-1].Seq
	}
	return out, nil
}

func (s *Service) headSeq(ctx context.Context) (int64, error) {
	e, err := s.store.LastAuditEvent(ctx)
	if errors.Is(err, model.ErrNotFound) {
		return 0, nil
	}
	return e.Seq, err
}
