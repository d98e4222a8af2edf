package coordination

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/readings"
)

// A coordinator's findings are computed over every requirement and pledge
// it may see: 16 to 19 s at a million pledges on one core, 12 to 15 s with
// its ranges computed on two (findingsOver). Kept whole under the version of
// the records, they were computed again after any change, so that while
// pledges came in every board read them all again. Every finding but those
// about the bilateral reports on no requirement is about one requirement:
// its pledges, or a pledge of the viewer's organisation on it when the
// viewer may not see the requirement. So each viewer's findings are kept
// by ranges of requirement ids, as the dashboard's figures are
// (reports/folds.go), each range's alerts in blocks of the list of its
// own; after a change only the ranges holding a requirement the database
// marked (store.RequirementChanges) are computed again, and their alerts
// ranked among the others (findingsPacker.merged).
//
// Everything is computed again on a new day (the days waiting rank the
// alerts), when the bilateral reports on no requirement the viewer sees
// changed (one may duplicate pledges on any requirement), when an
// organisation changed, and when more than maxChanged requirements did.

// findingsBatch is how many requirements a kept range holds when it is
// computed: after a change, computing one again reads that many, with
// their pledges. (A variable, for the tests.)
var findingsBatch = 500

// maxChanged bounds the changed requirements read at once: beyond, most
// ranges are likely touched, and all are computed again.
const maxChanged = 10_000

// keptFindingsFor bounds the viewers whose findings are kept: a
// coordinator's, at a million pledges, are about 42 MB.
const keptFindingsFor = 4

// findingsRange is the findings about the requirements with ids below
// below ("": no bound) and from from on: n requirements the viewer sees,
// whose alerts the blocks of the list hold. A fold's ranges are newest
// first, each one's from the next one's below, so that they cover every
// id.
type findingsRange struct {
	below, from string
	n           int
	blocks      []int
}

// findingsFold is a viewer's findings on a day, as computed at a version
// of the records, with the bilateral reports on no requirement they were
// computed with.
type findingsFold struct {
	mu      readings.Lock
	version int64
	today   model.Date
	reports []model.Pledge
	folded
}

// folded is the findings' list by ranges, with the ids of the viewer's
// organisation's proposed mechanism pledges, by requirement (ownProposed),
// it was computed with.
type folded struct {
	list   *findingsList
	ranges []findingsRange
	own    map[string][]string
}

// keptFindings are the findings over the records v may see, kept while
// the records stand and computed again where they changed; the list is
// shared between requests and never changed.
//
// The version is read once before waiting for v's fold: a fold another
// request made meanwhile, at that version or a later one, reflects every
// change made before this request began and answers it too.
func (s *Service) keptFindings(ctx context.Context, v policy.Viewer, today model.Date) (*findingsList, error) {
	f := s.folds.Of(v)
	version, err := s.store.RecordVersion(ctx)
	if err != nil {
		return nil, err
	}
	if err := f.mu.Lock(ctx); err != nil {
		return nil, err
	}
	if f.list != nil && f.today == today && f.version >= version {
		defer f.mu.Unlock()
		return f.list, nil
	}
	return readings.Detached(ctx, &f.mu, findingsTimeout, func(ctx context.Context) (*findingsList, error) {
		reports, err := s.reportsOffRequirements(ctx, v)
		if err != nil {
			return nil, err
		}
		var next folded
		if f.list == nil || f.today != today || !reflect.DeepEqual(reports, f.reports) {
			next, err = s.allFindings(ctx, v, today, reports)
		} else {
			next, err = s.findingsAgain(ctx, v, f, reports)
		}
		if err != nil {
			return nil, err
		}
		f.version, f.today, f.reports, f.folded = version, today, reports, next
		return f.list, nil
	})
}

// findingsTimeout bounds a computation of a viewer's findings that no
// request waits for any more (readings.Detached): a whole reading takes
// 12 to 15 s at a million pledges on two cores.
const findingsTimeout = 5 * time.Minute

// reportsOffRequirements are the bilateral reports v sees on no
// requirement, newest first.
func (s *Service) reportsOffRequirements(ctx context.Context, v policy.Viewer) ([]model.Pledge, error) {
	bilat, err := s.pledges.All(ctx, v, model.PledgeFilter{Channel: model.ChannelBilateral})
	if err != nil {
		return nil, err
	}
	var reports []model.Pledge
	for _, b := range bilat {
		if b.RequirementID == "" {
			reports = append(reports, b)
		}
	}
	return reports, nil
}

// allFindings computes v's findings over every requirement, in ranges of
// findingsBatch requirements.
func (s *Service) allFindings(ctx context.Context, v policy.Viewer, today model.Date, reports []model.Pledge) (folded, error) {
	own, err := s.ownProposed(ctx, v)
	if err != nil {
		return folded{}, err
	}
	// The ranges are cut before they are read, so that they are computed
	// at once, as many as there are cores: read one after the other, each
	// bounded by the last id of the one before, they kept one core busy.
	spans, err := s.requirements.SpansWithin(ctx, "", "", findingsBatch)
	if err != nil {
		return folded{}, err
	}
	p := newFindingsPacker()
	ranges, err := s.findingsOver(ctx, v, today, p, reportsByHelp(reports), own, spans)
	if err != nil {
		return folded{}, err
	}
	return folded{list: p.done(), ranges: joinShortRanges(slices.Concat(ranges...)), own: own}, nil
}

// findingsAgain computes again the ranges of f holding a requirement
// changed since f was computed, or every range when an organisation or
// more than maxChanged requirements changed.
func (s *Service) findingsAgain(ctx context.Context, v policy.Viewer, f *findingsFold, reports []model.Pledge) (folded, error) {
	ids, all, err := s.store.RequirementsChangedSince(ctx, f.version, maxChanged)
	if err != nil {
		return folded{}, err
	}
	if all {
		return s.allFindings(ctx, v, f.today, reports)
	}
	if len(ids) == 0 {
		// The version moved and no requirement was marked: a bilateral
		// report on none, or its access list, whose findings were
		// compared above.
		return f.folded, nil
	}
	// A change to a pledge marks its requirement, before and after a move:
	// the organisation's proposed pledges on the requirements marked are
	// read again, into a copy, f being left as it was should this fail.
	own, err := s.ownAgain(ctx, v, f.own, ids)
	if err != nil {
		return folded{}, err
	}
	changed := readings.Touched(f.ranges, func(r findingsRange) string { return r.from }, ids)
	var drop []int
	var spans []readings.Span
	for i, r := range f.ranges {
		if changed[i] {
			drop = append(drop, r.blocks...)
			spans = append(spans, readings.Span{Below: r.below, From: r.from})
		}
	}
	p := repack(f.list, drop)
	again, err := s.findingsOver(ctx, v, f.today, p, reportsByHelp(reports), own, spans)
	if err != nil {
		return folded{}, err
	}
	out := make([]findingsRange, 0, len(f.ranges)+len(again))
	for i, r := range f.ranges {
		if !changed[i] {
			out = append(out, r)
			continue
		}
		out, again = append(out, again[0]...), again[1:]
	}
	return folded{list: p.merged(f.list, drop), ranges: joinShortRanges(out), own: own}, nil
}

// ownReadAgain bounds the requirements whose proposed pledges of the
// viewer's organisation are read one requirement at a time after a change;
// beyond, they are all read again by donor, in one reading.
const ownReadAgain = 64

// ownAgain is own (ownProposed) with the pledges on the requirements of ids
// read again, in a copy.
func (s *Service) ownAgain(ctx context.Context, v policy.Viewer, own map[string][]string, ids []string) (map[string][]string, error) {
	if v.Org.ID == "" {
		return own, nil
	}
	if len(ids) > ownReadAgain {
		return s.ownProposed(ctx, v)
	}
	changed := make(map[string]bool, len(ids))
	for _, id := range ids {
		changed[id] = true
	}
	out := make(map[string][]string, len(own))
	for id, some := range own {
		if !changed[id] {
			out[id] = some
		}
	}
	read := map[string][]string{}
	for id := range changed {
		err := s.store.EachPledge(ctx, model.PledgeFilter{RequirementID: id, DonorOrgID: v.Org.ID}, func(p model.Pledge) error {
			if p.Channel == model.ChannelMechanism && p.Status == model.PledgeProposed {
				read[id] = append(read[id], p.ID)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	maps.Copy(out, detached(read))
	return out, nil
}

// rangeFound is a range's findings before they are packed.
type rangeFound struct {
	r      findingsRange
	alerts alerts
}

// findingsOver packs into p the findings about the requirements of spans,
// newest first, computed readings.Workers() spans at once and packed in
// their order, and returns the ranges each span makes.
func (s *Service) findingsOver(ctx context.Context, v policy.Viewer, today model.Date, p *findingsPacker,
	reports offRequirementReports, own map[string][]string, spans []readings.Span) ([][]findingsRange, error) {
	ranges := make([][]findingsRange, len(spans))
	err := readings.InOrder(ctx, len(spans), readings.Workers(), func(ctx context.Context, k int) ([]rangeFound, error) {
		return s.findingsWithin(ctx, v, today, reports, own, spans[k].Below, spans[k].From)
	}, func(k int, found []rangeFound) error {
		for _, each := range found {
			p.add(each.alerts)
			each.r.blocks = p.cut()
			ranges[k] = append(ranges[k], each.r)
		}
		return nil
	})
	return ranges, err
}

// findingsWithin computes the findings about the requirements with ids
// below below and from from on, findingsBatch requirements at a time, each
// batch a range of its own: the findings about each requirement v sees,
// and the stale pledges of own on those v does not see. It runs beside
// others: what it shares it only reads.
func (s *Service) findingsWithin(ctx context.Context, v policy.Viewer, today model.Date,
	reports offRequirementReports, own map[string][]string, below, from string) ([]rangeFound, error) {
	var found []rangeFound
	// The requirements of own within the span, newest first as the ranges
	// are read: each range takes those from its lower bound on.
	var mine []string
	for id := range own {
		if (below == "" || id < below) && id >= from {
			mine = append(mine, id)
		}
	}
	slices.Sort(mine)
	slices.Reverse(mine)
	for {
		views, next, err := s.requirements.ViewsWithin(ctx, v, below, from, findingsBatch)
		if err != nil {
			return nil, err
		}
		s.folds.Folded.Add(1)
		r := findingsRange{below: below, from: from, n: len(views)}
		done := next == ""
		if !done {
			r.from = next
		}
		var out alerts
		seen := make(map[string]bool, len(views))
		for _, view := range views {
			seen[view.ID] = true
			out.onRequirement(view, reports, today, s.cfg.StaleAfterDays)
		}
		// The policy shows a pledge on a requirement hidden from v only to
		// its donor's organisation: those of v's are asked about.
		left := map[string][]string{}
		for ; len(mine) > 0 && mine[0] >= r.from; mine = mine[1:] {
			if !seen[mine[0]] {
				left[mine[0]] = own[mine[0]]
			}
		}
		off, err := s.proposedOffRequirements(ctx, v, left)
		if err != nil {
			return nil, err
		}
		out.stalePledges(off, today, s.cfg.StaleAfterDays)
		found = append(found, rangeFound{r: r, alerts: out})
		if done {
			return found, nil
		}
		below = next
	}
}

// joinShortRanges joins neighbouring ranges that together hold no more
// than findingsBatch requirements: new requirements fall in the newest
// range, whose computing again leaves a short range of its oldest each
// time, and the ranges would otherwise grow in number with every reading.
func joinShortRanges(ranges []findingsRange) []findingsRange {
	out := ranges[:0:0]
	for _, r := range ranges {
		if last := len(out) - 1; last >= 0 && out[last].n+r.n <= findingsBatch {
			out[last] = findingsRange{below: out[last].below, from: r.from, n: out[last].n + r.n,
				blocks: slices.Concat(out[last].blocks, r.blocks)}
			continue
		}
		out = append(out, r)
	}
	return out
}
