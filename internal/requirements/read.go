package requirements

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/readings"
)

// viewOf builds what v sees of r given every pledge linked to it, or
// reports false when v may not see r at all.
func viewOf(v policy.Viewer, r model.Requirement, pledges []model.Pledge) (View, bool) {
	res := policy.RequirementResource(r, pledges)
	if !policy.Visible(v, res) {
		return View{}, false
	}
	view := View{Requirement: r}
	// Most viewers see every pledge on most requirements: the view then
	// shares the slice it was given (capped, so that appending to one view
	// never writes into another's), and copies the pledges only from the
	// first it leaves out.
	shared := true
	for i, p := range pledges {
		if p.RequirementID != r.ID || !policy.Visible(v, policy.PledgeResource(p, &res)) {
			if shared {
				// From nil when none is seen yet: a requirement whose
				// pledges are all hidden looks like one with none.
				shared = false
				if i > 0 {
					view.Pledges = append(make([]model.Pledge, 0, len(pledges)-1), pledges[:i]...)
				}
			}
			continue
		}
		if !shared {
			view.Pledges = append(view.Pledges, p)
		}
		if !p.Status.Counts() {
			continue
		}
		if p.Channel == model.ChannelBilateral {
			view.BilateralEURMinor += p.EURMinor
		} else {
			view.PledgedEURMinor += p.EURMinor
		}
	}
	if shared && len(pledges) > 0 {
		view.Pledges = pledges[:len(pledges):len(pledges)]
	}
	view.Coverage = model.CoverageOf(view.PledgedEURMinor, r.EstimatedEURMinor)
	// Delivery is derived from pledges: a viewer who does not see them all
	// is told the stage its own view of them shows, never one a hidden
	// pledge put the requirement in.
	switch r.Status {
	case model.ReqValidated, model.ReqInDelivery, model.ReqDelivered:
		if len(view.Pledges) < countOn(r.ID, pledges) {
			view.Status = model.DeliveryStage(view.Pledges)
		}
	}
	// The access lists name organisations and people; only those who can
	// already see the record in full need them.
	if !policy.SeesAccessLists(v, res) {
		view.SharedOrgIDs = nil
		view.NamedUserIDs = nil
	}
	return view, true
}

func countOn(id string, pledges []model.Pledge) int {
	n := 0
	for _, p := range pledges {
		if p.RequirementID == id {
			n++
		}
	}
	return n
}

// Get returns the requirement as v sees it; a requirement v may not see is
// ErrNotFound, exactly like one that does not exist.
func (s *Service) Get(ctx context.Context, v policy.Viewer, id string) (View, error) {
	r, err := s.store.RequirementByID(ctx, id)
	if err != nil {
		return View{}, err
	}
	pledges, err := s.store.PledgesForRequirements(ctx, []string{r.ID})
	if err != nil {
		return View{}, err
	}
	view, ok := viewOf(v, r, pledges)
	if !ok {
		return View{}, model.ErrNotFound
	}
	return view, nil
}

// Seen reports which of the requirements ids v may see, decided by the
// database as the lists' totals are (policy.AudienceOf), in one query: a
// search checks up to a thousand hits at once, and reading each with its
// pledges was most of its time. The records a search then shows still go
// through Read.
func (s *Service) Seen(ctx context.Context, v policy.Viewer, ids []string) (map[string]bool, error) {
	found, err := s.store.SeenRequirementIDs(ctx, policy.AudienceOf(v), ids)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(found))
	for _, id := range found {
		seen[id] = true
	}
	return seen, nil
}

// Read reports which of the requirements ids v may see, as Get would
// answer for each, reading them and their pledge classes as lists do
// (Summaries): every pledge on a search's hits is thousands of rows at
// 100,000 pledges, and who may see a requirement needs only which
// organisations are engaged on it.
func (s *Service) Read(ctx context.Context, v policy.Viewer, ids []string) (map[string]bool, error) {
	views, err := s.Summaries(ctx, v, ids)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(views))
	for _, view := range views {
		seen[view.ID] = true
	}
	return seen, nil
}

// Summaries returns, of the requirements ids, those v may see as a list
// shows them: with the sums, coverage and stage of the pledges v sees on
// them but not the pledges, read in two queries, for a page of records
// that each name a requirement. Getting each with every pledge on it was
// most of the time of a page of pledges.
func (s *Service) Summaries(ctx context.Context, v policy.Viewer, ids []string) ([]View, error) {
	return s.listed(ctx, v, ids, "")
}

// MaxPage bounds one page of any list.
const MaxPage = 200

// List returns up to limit requirements that v may see, and the cursor of
// the next page ("" at the end). Visibility is decided per record by the
// policy, so the store is read in batches until the page is full.
func (s *Service) List(ctx context.Context, v policy.Viewer, f model.RequirementFilter, after string, limit int) ([]View, string, error) {
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	if err := s.checkReviewFilter(f); err != nil {
		return nil, "", err
	}
	f, stage := SplitStage(f)
	var out []View
	cursor := after
	for {
		batch, err := s.store.ListRequirements(ctx, f, cursor, limit+1)
		if err != nil {
			return nil, "", err
		}
		views, err := s.visible(ctx, v, batch, stage)
		if err != nil {
			return nil, "", err
		}
		for _, view := range views {
			if len(out) == limit {
				// More visible records remain: the page ends at the last one kept.
				return out, out[len(out)-1].ID, nil
			}
			out = append(out, view)
		}
		if len(batch) < limit+1 {
			return out, "", nil
		}
		cursor = batch[len(batch)-1].ID
	}
}

// All returns every requirement v may see that matches f, for reports and exports.
func (s *Service) All(ctx context.Context, v policy.Viewer, f model.RequirementFilter) ([]View, error) {
	if err := s.checkReviewFilter(f); err != nil {
		return nil, err
	}
	f, stage := SplitStage(f)
	batch, err := s.store.ListRequirements(ctx, f, "", 0)
	if err != nil {
		return nil, err
	}
	return s.visible(ctx, v, batch, stage)
}

// EachSummary calls fn with the requirements v may see, as a list shows
// them (without their pledges), a batch at a time, newest first as All
// returns them: for figures folded over every requirement, so that no
// reading holds them all, nor any pledge.
func (s *Service) EachSummary(ctx context.Context, v policy.Viewer, fn func([]View) error) error {
	return s.each(ctx, v, s.summaries, fn)
}

// SummariesWithin returns, as EachSummary does, up to limit of the
// requirements v may see with ids below below and from from on ("": no
// bound), newest first: a range of the requirements a reader keeps what it
// computed of, read again when one of them changed. When v sees more than
// limit there, next is the id of the oldest requirement returned, the
// bound below which the rest are read; otherwise next is "" and every one
// was returned. next may name a requirement the policy then hid.
func (s *Service) SummariesWithin(ctx context.Context, v policy.Viewer, below, from string, limit int) (views []View, next string, err error) {
	return s.within(ctx, v, below, from, limit, s.summaries)
}

// ViewsWithin is SummariesWithin with each requirement read whole, with the
// pledges v sees on it, as Get shows it.
func (s *Service) ViewsWithin(ctx context.Context, v policy.Viewer, below, from string, limit int) (views []View, next string, err error) {
	return s.within(ctx, v, below, from, limit, s.visible)
}

// SpansWithin cuts the requirements below below and from from on into
// spans of size requirements each, newest first, for a reading that
// computes its ranges at once (readings.InOrder). The spans are cut
// whatever v may see, and never shown: a viewer who sees few requirements
// finds few in each.
func (s *Service) SpansWithin(ctx context.Context, below, from string, size int) ([]readings.Span, error) {
	bounds, err := s.store.RequirementBounds(ctx, below, from, size)
	if err != nil {
		return nil, err
	}
	return readings.Spans(below, from, bounds), nil
}

func (s *Service) within(ctx context.Context, v policy.Viewer, below, from string, limit int,
	as func(context.Context, policy.Viewer, []model.Requirement, model.RequirementStatus) ([]View, error)) (views []View, next string, err error) {
	// One more is read to tell whether the span holds more than limit: a
	// span cut at the limit-th id of every requirement (SpansWithin) ends
	// on one v may not see, and asking below the last one v sees would read
	// the span again to find nothing.
	batch, err := s.store.RequirementsWithin(ctx, policy.AudienceOf(v), below, from, limit+1)
	if err != nil || len(batch) == 0 {
		return nil, "", err
	}
	if len(batch) > limit {
		batch = batch[:limit]
		next = batch[limit-1].ID
	}
	views, err = as(ctx, v, batch, "")
	return views, next, err
}

func (s *Service) each(ctx context.Context, v policy.Viewer,
	views func(context.Context, policy.Viewer, []model.Requirement, model.RequirementStatus) ([]View, error), fn func([]View) error) error {
	aud := policy.AudienceOf(v)
	after := ""
	for {
		batch, err := s.store.PageRequirements(ctx, model.RequirementFilter{}, aud, model.Sort{}, after, summaryBatch)
		if err != nil || len(batch) == 0 {
			return err
		}
		seen, err := views(ctx, v, batch, "")
		if err != nil {
			return err
		}
		if err := fn(seen); err != nil {
			return err
		}
		if len(batch) < summaryBatch {
			return nil
		}
		after = batch[len(batch)-1].ID
	}
}

// summaryBatch bounds what EachSummary holds at once.
var summaryBatch = 1000

// Those returns, of the requirements of ids, the ones v may see, as v sees
// them: for a report that starts from records hanging off a few
// requirements rather than from every requirement.
func (s *Service) Those(ctx context.Context, v policy.Viewer, ids []string) ([]View, error) {
	batch, err := s.store.RequirementsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	return s.visible(ctx, v, batch, "")
}

// SplitStage takes a delivery stage out of a filter: the stage is derived
// for each viewer over the pledges it may see (SeenBy), so it is matched on
// the viewer's view, never on the stored status. It returns the filter to
// ask the store with and the stage to match, "" for none.
func SplitStage(f model.RequirementFilter) (model.RequirementFilter, model.RequirementStatus) {
	switch f.Status {
	case model.ReqValidated, model.ReqInDelivery, model.ReqDelivered:
		stage := f.Status
		f.Status = ""
		return f, stage
	}
	return f, ""
}

// SeenBy is what v sees of r given every pledge on it, or false when v may
// not see r: for exports that read the store themselves.
func SeenBy(v policy.Viewer, r model.Requirement, pledges []model.Pledge) (View, bool) {
	return viewOf(v, r, pledges)
}

func (s *Service) visible(ctx context.Context, v policy.Viewer, batch []model.Requirement, stage model.RequirementStatus) ([]View, error) {
	return s.viewsWith(ctx, v, batch, stage, s.store.PledgesForRequirements)
}

// summaries is visible for a list, which shows of each requirement what
// v sees of it and the sums, coverage and delivery stage of the pledges v
// sees on it, never the pledges themselves: the pledges are read as the
// classes the policy tells apart (store.PledgeClassesOf), a few rows per
// requirement instead of every pledge on it. A class is seen whole or not
// at all, so each figure is the one the pledges give. The views carry no
// pledges.
func (s *Service) summaries(ctx context.Context, v policy.Viewer, batch []model.Requirement, stage model.RequirementStatus) ([]View, error) {
	return s.summariesWith(ctx, v, batch, stage, s.store.PledgeClassesOf)
}

// listed is summaries of the requirements of ids, for a page of a list,
// from the records kept of the requirements the lists showed last
// (keptRecords). Reports that read every requirement in turn ask the
// store, and a list filtered on a delivery stage keeps nothing it reads:
// they would only push the pages people come back to out of what is
// kept.
func (s *Service) listed(ctx context.Context, v policy.Viewer, ids []string, stage model.RequirementStatus) ([]View, error) {
	batch, classes, err := s.kept.of(ctx, s.store, ids, stage == "")
	if err != nil {
		return nil, err
	}
	return s.summariesWith(ctx, v, batch, stage, func(context.Context, []string) ([]model.Pledge, error) {
		return classes, nil
	})
}

// Resources returns the requirements of ids that exist as the policy reads
// them, with the organisations engaged on each, from the records the lists
// keep: a page of pledges decides what its viewer sees of each pledge from
// its requirement, and read those requirements and their engagements anew
// for every page. What it reads is kept as a list's is.
func (s *Service) Resources(ctx context.Context, ids []string) (map[string]*policy.Resource, error) {
	return s.kept.resources(ctx, s.store, ids)
}

func (s *Service) summariesWith(ctx context.Context, v policy.Viewer, batch []model.Requirement, stage model.RequirementStatus,
	pledgesOf func(context.Context, []string) ([]model.Pledge, error)) ([]View, error) {
	views, err := s.viewsWith(ctx, v, batch, stage, pledgesOf)
	for i := range views {
		views[i].Pledges = nil
	}
	return views, err
}

func (s *Service) viewsWith(ctx context.Context, v policy.Viewer, batch []model.Requirement, stage model.RequirementStatus,
	pledgesOf func(context.Context, []string) ([]model.Pledge, error)) ([]View, error) {
	if len(batch) == 0 {
		return nil, nil
	}
	ids := make([]string, len(batch))
	for i, r := range batch {
		ids[i] = r.ID
	}
	pledges, err := pledgesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	byReq := byRequirement(pledges)
	out := make([]View, 0, len(batch))
	for _, r := range batch {
		if view, ok := viewOf(v, r, byReq[r.ID]); ok && (stage == "" || view.Status == stage) {
			out = append(out, view)
		}
	}
	return out, nil
}

// byRequirement groups pledges by requirement as sub-slices of pledges
// itself when each requirement's pledges come together, as the pledge
// classes of a list do (store.PledgeClassesOf): a page's 1,800 classes
// copied one by one into a slice per requirement were a fifth of a list's
// time. So do whole pledges (store.PledgesForRequirements). Pledges that
// come interleaved are copied once, into one array.
func byRequirement(pledges []model.Pledge) map[string][]model.Pledge {
	out := make(map[string][]model.Pledge)
	start := 0
	for i := 1; i <= len(pledges); i++ {
		if i < len(pledges) && pledges[i].RequirementID == pledges[start].RequirementID {
			continue
		}
		id := pledges[start].RequirementID
		if _, again := out[id]; again {
			return regrouped(pledges)
		}
		out[id] = pledges[start:i:i]
		start = i
	}
	return out
}

func regrouped(pledges []model.Pledge) map[string][]model.Pledge {
	counts := make(map[string]int)
	var order []string
	for _, p := range pledges {
		if counts[p.RequirementID] == 0 {
			order = append(order, p.RequirementID)
		}
		counts[p.RequirementID]++
	}
	starts := make(map[string]int, len(order))
	next := make(map[string]int, len(order))
	at := 0
	for _, id := range order {
		starts[id], next[id] = at, at
		at += counts[id]
	}
	grouped := make([]model.Pledge, len(pledges))
	for _, p := range pledges {
		grouped[next[p.RequirementID]] = p
		next[p.RequirementID]++
	}
	out := make(map[string][]model.Pledge, len(order))
	for _, id := range order {
		end := starts[id] + counts[id]
		out[id] = grouped[starts[id]:end:end]
	}
	return out
}

// History is the record of what happened to a requirement: the validators'
// decisions and the audit trail of every change, each shown only to a
// viewer who may read it (see audit.Service.History).
type History struct {
	Validations []model.ValidationRecord
	Events      []model.AuditEvent
}

func (s *Service) History(ctx context.Context, v policy.Viewer, id string) (History, error) {
	r, err := s.store.RequirementByID(ctx, id)
	if err != nil {
		return History{}, err
	}
	pledges, err := s.store.PledgesForRequirements(ctx, []string{r.ID})
	if err != nil {
		return History{}, err
	}
	res := policy.RequirementResource(r, pledges)
	if !policy.Visible(v, res) {
		return History{}, model.ErrNotFound
	}
	var h History
	// The validators' decisions and comments speak of the requirement as it
	// was before validation: only those who could read it then read them.
	res.Unvalidated = true
	if policy.Visible(v, res) {
		if h.Validations, err = s.store.Validations(ctx, id); err != nil {
			return History{}, err
		}
	}
	if h.Events, err = s.trail.History(ctx, v, "requirement", id); err != nil {
		return History{}, err
	}
	return h, nil
}

// SuspendedEURMinor is what the mechanism pledges v sees suspended on the
// requirement were worth: the part of the gap a suspension reopened.
func (v View) SuspendedEURMinor() int64 {
	var sum int64
	for _, p := range v.Pledges {
		if p.Channel == model.ChannelMechanism && p.Status == model.PledgeSuspended {
			sum += p.EURMinor
		}
	}
	return sum
}
