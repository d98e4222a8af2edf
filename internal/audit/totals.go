package audit

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// totals remembers the log's totals counted at its current head. Every
// change to a record appends its event in the change's own transaction, so
// the head's sequence number names the state of every record a total is
// decided from: a total counted at a head is exact for as long as the head
// has not moved, on any server. A reader asking again, or another request
// of the same reader, is answered without counting the log again; readers
// asking at once while it is counted wait for that one count.
type totals struct {
	mu       sync.Mutex
	head     int64
	counted  map[string]int
	inflight map[string]chan struct{}
}

// maxTotals bounds the totals kept for one head.
const maxTotals = 4096

func (t *totals) get(head int64, key string) (int, bool, chan struct{}) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if head == t.head {
		if n, ok := t.counted[key]; ok {
			return n, true, nil
		}
	}
	if ch, ok := t.inflight[key]; ok {
		return 0, false, ch
	}
	if t.inflight == nil {
		t.inflight = map[string]chan struct{}{}
	}
	t.inflight[key] = make(chan struct{})
	return 0, false, nil
}

// done ends the count of key begun at head; ok says it holds at head.
func (t *totals) done(head int64, key string, n int, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	close(t.inflight[key])
	delete(t.inflight, key)
	if !ok || head < t.head {
		return
	}
	if head > t.head || len(t.counted) >= maxTotals {
		t.head, t.counted = head, map[string]int{}
	}
	t.counted[key] = n
}

// countAt is count(), remembered by the log's head, v and f.
func (s *Service) countAt(ctx context.Context, v policy.Viewer, f model.AuditFilter, count func() (int, error)) (int, error) {
	head, err := s.headSeq(ctx)
	if err != nil {
		return 0, err
	}
	key := fmt.Sprintf("%+v\x00%+v", v, f)
	for {
		n, ok, wait := s.totals.get(head, key)
		if ok {
			return n, nil
		}
		if wait == nil {
			break
		}
		select {
		case <-wait:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	n, err := count()
	if err != nil {
		s.totals.done(head, key, 0, false)
		return 0, err
	}
	// Kept only if nothing was appended meanwhile: the count may have read
	// records as a later event left them.
	after, err := s.headSeq(ctx)
	s.totals.done(head, key, n, err == nil && after == head)
	return n, nil
}

func (s *Service) headSeq(ctx context.Context) (int64, error) {
	e, err := s.store.LastAuditEvent(ctx)
	if errors.Is(err, model.ErrNotFound) {
		return 0, nil
	}
	return e.Seq, err
}
