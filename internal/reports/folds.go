package reports

import (
	"context"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/readings"
)

// The needs' half of the dashboard and the charts folds every requirement
// a viewer may see: seconds at 100,000 requirements. A change touches a
// few, so each viewer's fold is kept by ranges of requirement ids, and
// after a change only the ranges holding a requirement the database marked
// as changed (store.RequirementChanges) are folded again. The figures of
// the ranges add up to the figures of all (needFigures.merge).

// foldBatch is how many requirements a kept range holds when it is folded:
// folding one again after a change reads that many.
var foldBatch = 2000

// maxChanged bounds the changed requirements read at once: beyond, every
// range is likely touched and all are folded again.
const maxChanged = 10_000

// keptFolds bounds the viewers whose folds are kept: at a million pledges
// a fold is about fifty ranges, each with its longest-waiting critical
// needs, a few hundred kB in all.
const keptFolds = 16

// needRange is the fold of the requirements a viewer sees with ids below
// below and from from on, "" being no bound. A kept fold's ranges are
// newest first, and each range's from is the next one's below, so that
// they cover every id.
type needRange struct {
	below, from string
	figures     *needFigures
}

type needsFold struct {
	mu sync.Mutex
	// version is the record version read before the ranges were folded.
	version int64
	ranges  []needRange
}

type needFolds struct {
	mu      sync.Mutex
	entries map[string]*needsFold
	order   []string // the most recently used first
	// folded counts the ranges folded, for the test that proves a change
	// folds again only the ranges it touched.
	folded atomic.Int64
}

func (fs *needFolds) of(v policy.Viewer) *needsFold {
	key := readings.ViewerKey(v)
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f := fs.entries[key]
	if f == nil {
		if fs.entries == nil {
			fs.entries = map[string]*needsFold{}
		}
		f = &needsFold{}
		fs.entries[key] = f
	}
	fs.order = slices.DeleteFunc(fs.order, func(k string) bool { return k == key })
	fs.order = slices.Insert(fs.order, 0, key)
	if len(fs.order) > keptFolds {
		for _, k := range fs.order[keptFolds:] {
			delete(fs.entries, k)
		}
		fs.order = fs.order[:keptFolds]
	}
	return f
}

// needs are the figures of the needs v may see, as EachSummary's fold of
// every requirement would give them.
func (s *Service) needs(ctx context.Context, v policy.Viewer) (*needFigures, error) {
	f := s.folds.of(v)
	f.mu.Lock()
	defer f.mu.Unlock()
	// Read before the records: a change after this reading advances the
	// version and marks its requirements at it or later.
	version, err := s.store.RecordVersion(ctx)
	if err != nil {
		return nil, err
	}
	ranges := f.ranges
	switch {
	case ranges == nil:
		ranges, err = s.foldRange(ctx, v, "", "")
	case version != f.version:
		ranges, err = s.refold(ctx, v, f.ranges, f.version)
	}
	if err != nil {
		return nil, err
	}
	f.version, f.ranges = version, ranges
	total := newNeedFigures()
	for _, r := range ranges {
		total.merge(r.figures)
	}
	return total, nil
}

// refold folds again the ranges holding a requirement changed since the
// version the ranges were folded at.
func (s *Service) refold(ctx context.Context, v policy.Viewer, ranges []needRange, since int64) ([]needRange, error) {
	ids, all, err := s.store.RequirementsChangedSince(ctx, since, maxChanged)
	if err != nil {
		return nil, err
	}
	if all {
		return s.foldRange(ctx, v, "", "")
	}
	touched := make([]bool, len(ranges))
	for _, id := range ids {
		touched[rangeOf(ranges, id)] = true
	}
	out := make([]needRange, 0, len(ranges))
	for i, r := range ranges {
		if !touched[i] {
			out = append(out, r)
			continue
		}
		again, err := s.foldRange(ctx, v, r.below, r.from)
		if err != nil {
			return nil, err
		}
		out = append(out, again...)
	}
	return out, nil
}

// rangeOf is the index of the range of ranges holding id: the first, the
// newest, whose lower bound id reaches. The last range has none.
func rangeOf(ranges []needRange, id string) int {
	return sort.Search(len(ranges), func(i int) bool { return ranges[i].from <= id })
}

// foldRange folds the requirements v sees with ids below below and from
// from on, foldBatch at a time, each batch a range of its own.
func (s *Service) foldRange(ctx context.Context, v policy.Viewer, below, from string) ([]needRange, error) {
	var out []needRange
	for {
		views, last, full, err := s.requirements.SummariesWithin(ctx, v, below, from, foldBatch)
		if err != nil {
			return nil, err
		}
		s.folds.folded.Add(1)
		r := needRange{below: below, from: from, figures: needsOf(views)}
		// A range folded again usually holds what it held: its oldest
		// requirement is its bound, and nothing is left below it.
		done := !full || last == from
		if !done {
			r.from = last
		}
		out = append(out, r)
		if done {
			return out, nil
		}
		below = last
	}
}
