package reports

import (
	"context"
	"slices"
	"time"

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
// folding one again after a change reads that many. A whole fold reads as
// many ranges at once as there are cores (foldOver), each a part at a time
// (foldRead).
var foldBatch = 1000

// foldRead is how many requirements a fold reads at once. Two ranges are
// folded at once (foldOver), and a range read whole held the pledge classes
// of its thousand requirements, each class read as a pledge: 17.5 MB of the
// server's peak under load at a million pledges. (A variable, for the
// tests.)
var foldRead = 250

// maxChanged bounds the changed requirements read at once: beyond, every
// range is likely touched and all are folded again.
const maxChanged = 10_000

// keptFolds bounds the viewers whose needs are kept folded: at a million
// pledges a fold is about a hundred ranges, each with its longest-waiting
// critical needs, a few hundred kB in all. keptCorrected bounds those whose
// corrections are kept: most viewers reach few records through a relation,
// a company engaged on 17,500 requirements 35 spans.
const (
	keptFolds     = 32
	keptCorrected = 128
)

// span is the requirements with ids below below and from from on, ""
// being no bound; none holds no requirement.
type span struct {
	below, from string
	none        bool
}

func (sp span) holds(id string) bool {
	return !sp.none && (sp.below == "" || id < sp.below) && id >= sp.from
}

// needRange is the fold of the requirements of a span a viewer sees. A
// kept fold's ranges are newest first, and each range's from is the next
// one's below, so that they cover every id.
type needRange struct {
	span
	figures *needFigures
	n       int // the requirements folded
}

type needsFold struct {
	mu readings.Lock
	// version is the record version read before the ranges were folded.
	version int64
	ranges  []needRange
}

// needs are the figures of the needs v may see, as EachSummary's fold of
// every requirement would give them.
func (s *Service) needs(ctx context.Context, v policy.Viewer) (*needFigures, error) {
	f := s.folds.Of(v)
	// Read before the records, and before waiting for v's fold: a change
	// after this reading advances the version and marks its requirements
	// at it or later, and a fold another request made meanwhile, at this
	// version or a later one, answers this one too.
	version, err := s.store.RecordVersion(ctx)
	if err != nil {
		return nil, err
	}
	if err := f.mu.Lock(ctx); err != nil {
		return nil, err
	}
	if f.ranges != nil && f.version >= version {
		defer f.mu.Unlock()
		return totalOf(f.ranges), nil
	}
	// Folded on, should the request go away: the next one finds it.
	return readings.Detached(ctx, &f.mu, foldTimeout, func(ctx context.Context) (*needFigures, error) {
		var ranges []needRange
		var err error
		if f.ranges == nil {
			ranges, err = s.foldAll(ctx, v)
		} else {
			ranges, err = s.refold(ctx, v, f.ranges, f.version)
		}
		if err != nil {
			return nil, err
		}
		f.version, f.ranges = version, ranges
		return totalOf(ranges), nil
	})
}

// foldTimeout bounds a fold that no request waits for any more
// (readings.Detached).
const foldTimeout = 5 * time.Minute

func totalOf(ranges []needRange) *needFigures {
	total := newNeedFigures()
	for _, r := range ranges {
		total.merge(r.figures)
	}
	return total
}

// refold folds again the ranges holding a requirement changed since the
// version the ranges were folded at.
func (s *Service) refold(ctx context.Context, v policy.Viewer, ranges []needRange, since int64) ([]needRange, error) {
	ids, all, err := s.store.RequirementsChangedSince(ctx, since, maxChanged)
	if err != nil {
		return nil, err
	}
	if all {
		return s.foldAll(ctx, v)
	}
	changed := readings.Touched(ranges, func(r needRange) string { return r.from }, ids)
	var spans []readings.Span
	for i, r := range ranges {
		if changed[i] {
			spans = append(spans, readings.Span{Below: r.below, From: r.from})
		}
	}
	again, err := s.foldOver(ctx, v, spans)
	if err != nil {
		return nil, err
	}
	out := make([]needRange, 0, len(ranges)+len(again))
	for i, r := range ranges {
		if !changed[i] {
			out = append(out, r)
			continue
		}
		out, again = append(out, again[0]...), again[1:]
	}
	return joinShort(out), nil
}

// foldAll folds every requirement v sees, in ranges of foldBatch
// requirements cut before they are read, so that they are folded at once,
// as many as there are cores.
func (s *Service) foldAll(ctx context.Context, v policy.Viewer) ([]needRange, error) {
	spans, err := s.requirements.SpansWithin(ctx, "", "", foldBatch)
	if err != nil {
		return nil, err
	}
	ranges, err := s.foldOver(ctx, v, spans)
	if err != nil {
		return nil, err
	}
	return joinShort(slices.Concat(ranges...)), nil
}

// foldOver folds the requirements v sees in each of spans, readings.Workers()
// spans at once, and returns the ranges each span makes.
func (s *Service) foldOver(ctx context.Context, v policy.Viewer, spans []readings.Span) ([][]needRange, error) {
	out := make([][]needRange, len(spans))
	err := readings.InOrder(ctx, len(spans), readings.Workers(), func(ctx context.Context, k int) ([]needRange, error) {
		return s.foldRange(ctx, v, spans[k].Below, spans[k].From)
	}, func(k int, ranges []needRange) error {
		out[k] = ranges
		return nil
	})
	return out, err
}

// joinShort joins neighbouring ranges that together hold no more than
// foldBatch requirements: new requirements fall in the newest range, whose
// folding again leaves a short range of its oldest each time, and the
// ranges would otherwise grow in number with every reading.
func joinShort(ranges []needRange) []needRange {
	out := ranges[:0:0]
	for _, r := range ranges {
		if last := len(out) - 1; last >= 0 && out[last].n+r.n <= foldBatch {
			joined := newNeedFigures()
			joined.merge(out[last].figures)
			joined.merge(r.figures)
			out[last] = needRange{span: span{below: out[last].below, from: r.from}, figures: joined, n: out[last].n + r.n}
			continue
		}
		out = append(out, r)
	}
	return out
}

// foldRange folds the requirements v sees with ids below below and from
// from on, foldBatch to a range, read foldRead at a time. It runs beside
// others: each range's figures are its own.
func (s *Service) foldRange(ctx context.Context, v policy.Viewer, below, from string) ([]needRange, error) {
	var out []needRange
	r := needRange{span: span{below: below, from: from}, figures: newNeedFigures()}
	for {
		// Read a part of the range at a time and fold it in: the figures
		// add up (needFigures.add), and what a read holds, the pledge
		// classes of its requirements, is let go before the next.
		views, next, err := s.requirements.SummariesWithin(ctx, v, below, from, min(foldRead, foldBatch-r.n))
		if err != nil {
			return nil, err
		}
		r.figures.add(views...)
		r.n += len(views)
		if next == "" {
			s.folds.Folded.Add(1)
			return append(out, r), nil
		}
		below = next
		if r.n >= foldBatch {
			s.folds.Folded.Add(1)
			r.from = next
			out = append(out, r)
			r = needRange{span: span{below: next, from: from}, figures: newNeedFigures()}
		}
	}
}

// corrBatch is how many requirements a viewer reaches through a relation
// one span of its kept corrections holds when they are all found: found
// again after a change, a span reads the records of that many.
var corrBatch = 500

// correctionsFold is a viewer's corrections (sums.go) by spans of
// requirements, newest first, each span's from the next one's below, and
// the total with those of the pledges on no requirement.
type correctionsFold struct {
	mu      readings.Lock
	version int64
	spans   []corrections
	total   map[string]sumTable
	// rel are v's relations as read at version; their pledges nil when
	// none or more than keptShared, to be read whole again.
	rel relations
}

type corrections struct {
	span
	tables map[string]sumTable
}

// keptCorrections are v's corrections as correctionsIn over every record
// would find them, found again after a change only in the spans holding a
// requirement the database marked. After any change, v's relations (the ids
// of the records shared with it or naming it, and those pledges) are read
// again where a change marked them (relationsAgain), and the pledges on no
// requirement, which no mark names, found again: few viewers are shared or
// named on many.
//
// The version is read once before waiting for v's fold: a fold another
// request made meanwhile, at that version or a later one, reflects every
// change made before this request began and answers it too. While pledges
// are written, every request finds a new version: a viewer's requests that
// each waited for the one before and then folded again, in turn, took
// seconds.
func (s *Service) keptCorrections(ctx context.Context, v policy.Viewer, aud policy.Audience) (map[string]sumTable, error) {
	f := s.corrected.Of(v)
	version, err := s.store.RecordVersion(ctx)
	if err != nil {
		return nil, err
	}
	if err := f.mu.Lock(ctx); err != nil {
		return nil, err
	}
	if f.spans != nil && f.version >= version {
		defer f.mu.Unlock()
		return f.total, nil
	}
	return readings.Detached(ctx, &f.mu, foldTimeout, func(ctx context.Context) (map[string]sumTable, error) {
		return s.correctionsAgain(ctx, v, aud, f, version)
	})
}

// correctionsAgain finds v's corrections at version, whole or where they
// changed since f's, into f, which the caller holds.
func (s *Service) correctionsAgain(ctx context.Context, v policy.Viewer, aud policy.Audience, f *correctionsFold, version int64) (map[string]sumTable, error) {
	var rel relations
	var err error
	if f.spans == nil || f.rel.pledges == nil {
		rel, err = s.relationsOf(ctx, aud, nil, nil)
	} else {
		rel, err = s.relationsAgain(ctx, aud, f.rel, f.version)
	}
	if err != nil {
		return nil, err
	}
	spans := f.spans
	if spans == nil {
		spans, err = s.allCorrections(ctx, v, aud, rel)
	} else {
		spans, err = s.correctAgain(ctx, v, aud, rel, spans, f.version)
	}
	if err != nil {
		return nil, err
	}
	total, _, err := s.correctionsIn(ctx, v, aud, rel, span{none: true}, true)
	if err != nil {
		return nil, err
	}
	for _, c := range spans {
		for by, t := range c.tables {
			for _, sum := range t {
				total[by].add(*sum, +1)
			}
		}
	}
	f.version, f.spans, f.total, f.rel = version, spans, total, rel
	if len(rel.pledges) > keptShared {
		// Read whole again next time rather than held: a fold is kept
		// for each of keptCorrected viewers.
		f.rel = relations{}
	}
	return total, nil
}

// keptShared bounds the pledges shared with a viewer that its fold keeps
// between changes: a few MB at most for each viewer.
var keptShared = 2000

// relationsAgain is relationsOf after the changes made since kept was
// read, at version since: of the pledges shared with v or naming it, only
// those whose requirement a change marked since (a change to a pledge or
// its access list marks its requirement, before and after a move) and
// those that serve none are read again. A company is shared or named on
// thousands of pledges, and after every change reading them all was half
// of folding its corrections again.
func (s *Service) relationsAgain(ctx context.Context, aud policy.Audience, kept relations, since int64) (relations, error) {
	ids, all, err := s.store.RequirementsChangedSince(ctx, since, maxChanged)
	if err != nil {
		return relations{}, err
	}
	if all {
		return s.relationsOf(ctx, aud, nil, nil)
	}
	changed := make(map[string]bool, len(ids))
	for _, id := range ids {
		changed[id] = true
	}
	return s.relationsOf(ctx, aud, kept.pledges, changed)
}

// allCorrections finds v's corrections over every requirement, in spans of
// corrBatch of the requirements v reaches through a relation.
func (s *Service) allCorrections(ctx context.Context, v policy.Viewer, aud policy.Audience, rel relations) ([]corrections, error) {
	engaged, err := s.store.EngagedRequirementIDs(ctx, aud.OrgID, rel.engagedOnly, "", "")
	if err != nil {
		return nil, err
	}
	rel.engaged = engaged
	if rel.engaged == nil {
		rel.engaged = []string{} // read, and none
	}
	reached := slices.Concat(engaged, rel.requirements)
	for _, p := range rel.pledges {
		if p.RequirementID != "" {
			reached = append(reached, p.RequirementID)
		}
	}
	slices.Sort(reached)
	reached = slices.Compact(reached)
	slices.Reverse(reached)
	var bounds []string
	for i := corrBatch - 1; i < len(reached)-1; i += corrBatch {
		bounds = append(bounds, reached[i])
	}
	// The spans are found at once, as many as there are cores: they share
	// rel, which each only reads.
	spans := readings.Spans("", "", bounds)
	out := make([]corrections, len(spans))
	err = readings.InOrder(ctx, len(spans), readings.Workers(), func(ctx context.Context, k int) (map[string]sumTable, error) {
		sp := span{below: spans[k].Below, from: spans[k].From}
		tables, _, err := s.correctionsIn(ctx, v, aud, rel, sp, false)
		if err == nil {
			s.corrected.Folded.Add(1)
		}
		return tables, err
	}, func(k int, tables map[string]sumTable) error {
		out[k] = corrections{span{below: spans[k].Below, from: spans[k].From}, tables}
		return nil
	})
	return out, err
}

// correctAgain finds again the spans of corrections holding a requirement
// changed since version since, or all of them when a span has grown to
// many times its size.
func (s *Service) correctAgain(ctx context.Context, v policy.Viewer, aud policy.Audience, rel relations, spans []corrections, since int64) ([]corrections, error) {
	ids, all, err := s.store.RequirementsChangedSince(ctx, since, maxChanged)
	if err != nil {
		return nil, err
	}
	if all {
		return s.allCorrections(ctx, v, aud, rel)
	}
	changed := readings.Touched(spans, func(c corrections) string { return c.from }, ids)
	out := slices.Clone(spans)
	for i := range out {
		if !changed[i] {
			continue
		}
		tables, read, err := s.correctionsIn(ctx, v, aud, rel, out[i].span, false)
		if err != nil {
			return nil, err
		}
		s.corrected.Folded.Add(1)
		if len(read) > 4*corrBatch {
			return s.allCorrections(ctx, v, aud, rel)
		}
		out[i].tables = tables
	}
	return out, nil
}
