// Package reports computes the figures people decide on: what has been
// pledged, by whom and for what, and which needs still wait. Every figure is
// computed over the records the viewer may see, and over nothing else.
package reports

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/readings"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

type Service struct {
	store        Store
	requirements *requirements.Service
	pledges      *pledges.Service
	// kept holds the front page's figures per viewer while the records
	// they are computed from stand (kept.go).
	kept *readings.Kept
	// folds holds each viewer's figures of the needs by ranges of
	// requirements, folded again where they changed (folds.go); corrected
	// its corrections likewise.
	folds     *readings.ByViewer[needsFold]
	corrected *readings.ByViewer[correctionsFold]
	// sharedRead counts the pledges shared with a viewer read for its
	// corrections, for the tests that prove a change reads again only
	// those it touched.
	sharedRead atomic.Int64
}

func NewService(s Store, r *requirements.Service, p *pledges.Service) *Service {
	return &Service{store: s, requirements: r, pledges: p, kept: readings.New(keptReadings),
		folds: &readings.ByViewer[needsFold]{Max: keptFolds}, corrected: &readings.ByViewer[correctionsFold]{Max: keptCorrected}}
}

// Row is one group of a summary. EURMinor is the pledged figure, kept
// under its first name for the clients that read it.
type Row struct {
	Key      string `json:"key"`
	Label    string `json:"label"`
	EURMinor int64  `json:"eur_minor"`
	Count    int    `json:"count"`
	Stages
}

// Stages are a total at each stage of help: pledged (every pledge still
// standing, neither withdrawn, rejected nor suspended), committed
// (confirmed and later), disbursed (the tranches paid out) and delivered
// (delivered, or its receipt confirmed).
type Stages struct {
	PledgedEURMinor   int64 `json:"pledged_eur_minor"`
	CommittedEURMinor int64 `json:"committed_eur_minor"`
	DisbursedEURMinor int64 `json:"disbursed_eur_minor"`
	DeliveredEURMinor int64 `json:"delivered_eur_minor"`
}

// add counts p at every stage it has reached.
func (st *Stages) add(p model.Pledge) {
	if p.Status.Counts() {
		st.PledgedEURMinor += p.EURMinor
	}
	if p.Status.Committed() {
		st.CommittedEURMinor += p.EURMinor
	}
	if p.Status.Delivered() {
		st.DeliveredEURMinor += p.EURMinor
	}
	if p.Status != model.PledgeRejected {
		st.DisbursedEURMinor += p.DisbursedEURMinor
	}
}

func (st *Stages) sum(o Stages) {
	st.PledgedEURMinor += o.PledgedEURMinor
	st.CommittedEURMinor += o.CommittedEURMinor
	st.DisbursedEURMinor += o.DisbursedEURMinor
	st.DeliveredEURMinor += o.DeliveredEURMinor
}

// counted reports whether p counts in any total: standing, or money paid
// out on it before it was suspended or withdrawn.
func counted(p model.Pledge) bool {
	return p.Status.Counts() || (p.Status != model.PledgeRejected && p.DisbursedEURMinor > 0)
}

// Dimensions are the groupings of GET /api/v1/reports/summary. By donor,
// a pass-through pledge is its funder's; by implementer, its donor's.
var Dimensions = []string{"donor", "line", "sector", "category", "status", "month", "implementer"}

// Summary groups the mechanism pledges v may see by one dimension.
// Bilateral reports are kept apart, as the mechanism counts them separately.
type Summary struct {
	By             string `json:"by"`
	Rows           []Row  `json:"rows"`
	TotalEURMinor  int64  `json:"total_eur_minor"`
	BilateralRows  []Row  `json:"bilateral_rows"`
	BilateralTotal int64  `json:"bilateral_total_eur_minor"`
	// The mechanism's totals at each stage.
	Stages
}

// Dashboard is the front page's figures.
type Dashboard struct {
	PledgedEURMinor int64 `json:"pledged_eur_minor"`
	// The headline: what donors have committed through the mechanism; and
	// what they paid out and delivered.
	CommittedEURMinor int64 `json:"committed_eur_minor"`
	DisbursedEURMinor int64 `json:"disbursed_eur_minor"`
	DeliveredEURMinor int64 `json:"delivered_eur_minor"`
	BilateralEURMinor int64 `json:"bilateral_eur_minor"`
	// BilateralUnvalued counts the reports left out of BilateralEURMinor
	// for want of a euro value (an imported amount in XDR, or before 1999).
	BilateralUnvalued int   `json:"bilateral_unvalued_count"`
	PledgeCount       int   `json:"pledge_count"`
	ByDonor           []Row `json:"by_donor"`
	ByImplementer     []Row `json:"by_implementer"`
	ByLine            []Row `json:"by_line"`
	// Validated needs: how many, how many fully covered, and the share of
	// their estimated euros that pledges cover (capped per need, so that one
	// over-covered need does not hide another's gap).
	ValidatedCount  int   `json:"validated_count"`
	CoveredCount    int   `json:"covered_count"`
	NeedEURMinor    int64 `json:"need_eur_minor"`
	CoveredEURMinor int64 `json:"covered_eur_minor"`
	CoveredPermille int   `json:"covered_permille"`
	ByStatus        []Row `json:"by_status"`
	// CriticalOpen are the MaxCriticalOpen validated critical needs not yet
	// covered that have waited longest; CriticalOpenCount counts them all.
	CriticalOpen      []requirements.View `json:"critical_open"`
	CriticalOpenCount int                 `json:"critical_open_count"`
	// Label is the strictest label of the records the figures were
	// computed from: a printed dashboard carries it.
	Label model.TLP `json:"-"`
}

type data struct {
	reqs    []requirements.View
	byID    map[string]requirements.View
	pledges []model.Pledge
	orgs    map[string]model.Organisation
}

func (s *Service) load(ctx context.Context, v policy.Viewer) (data, error) {
	reqs, err := s.requirements.All(ctx, v, model.RequirementFilter{})
	if err != nil {
		return data{}, err
	}
	pl, err := s.pledges.All(ctx, v, model.PledgeFilter{})
	if err != nil {
		return data{}, err
	}
	orgs, err := s.store.ListOrganisations(ctx)
	if err != nil {
		return data{}, err
	}
	d := data{reqs: reqs, pledges: pl, byID: map[string]requirements.View{}, orgs: map[string]model.Organisation{}}
	for _, r := range reqs {
		d.byID[r.ID] = r
	}
	for _, o := range orgs {
		d.orgs[o.ID] = o
	}
	return d, nil
}

// group sums counting pledges by key; label names a key for people.
func group(pl []model.Pledge, key func(model.Pledge) (string, string)) []Row {
	rows := map[string]*Row{}
	for _, p := range pl {
		if !counted(p) {
			continue
		}
		k, label := key(p)
		row := rows[k]
		if row == nil {
			row = &Row{Key: k, Label: label}
			rows[k] = row
		}
		row.add(p)
		if p.Status.Counts() {
			row.EURMinor += p.EURMinor
			row.Count++
		}
	}
	out := make([]Row, 0, len(rows))
	for _, r := range rows {
		out = append(out, *r)
	}
	sortRows(out)
	return out
}

// sortRows puts the largest figure first, then by key.
func sortRows(out []Row) {
	slices.SortFunc(out, func(a, b Row) int {
		if a.EURMinor != b.EURMinor {
			if a.EURMinor > b.EURMinor {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Key, b.Key)
	})
}

func (d data) keyFunc(by string) func(model.Pledge) (string, string) {
	req := func(p model.Pledge) (requirements.View, bool) {
		r, ok := d.byID[p.RequirementID]
		return r, ok
	}
	const none = "none"
	switch by {
	case "donor":
		// The funder's: each euro counted once, under whose money it is.
		return func(p model.Pledge) (string, string) { return p.Funder(), d.orgs[p.Funder()].Name }
	case "implementer":
		return func(p model.Pledge) (string, string) { return p.DonorOrgID, d.orgs[p.DonorOrgID].Name }
	case "line":
		return func(p model.Pledge) (string, string) {
			if r, ok := req(p); ok {
				return string(r.LineOfEffort), string(r.LineOfEffort)
			}
			return none, none
		}
	case "sector":
		return func(p model.Pledge) (string, string) {
			if r, ok := req(p); ok {
				return string(r.Sector), string(r.Sector)
			}
			return none, none
		}
	case "category":
		return func(p model.Pledge) (string, string) {
			if r, ok := req(p); ok {
				return string(r.Category), string(r.Category)
			}
			return none, none
		}
	case "status":
		return func(p model.Pledge) (string, string) { return string(p.Status), string(p.Status) }
	case "month":
		return func(p model.Pledge) (string, string) {
			m := p.PledgeDate.String()[:7]
			return m, m
		}
	}
	return nil
}

// Summary answers GET /api/v1/reports/summary?by=…, from the totals the
// database maintains by audience class (see sums.go).
func (s *Service) Summary(ctx context.Context, v policy.Viewer, by string) (Summary, error) {
	if !slices.Contains(Dimensions, by) {
		return Summary{}, model.Invalid("by", "%q is not a grouping; use one of %s", by, strings.Join(Dimensions, ", "))
	}
	mech, bil, err := s.summed(ctx, v, by)
	if err != nil {
		return Summary{}, err
	}
	return summaryOf(by, mech, bil), nil
}

// SummaryFromRecords is Summary computed from every record v may see, as
// it was before the totals were maintained: the reference the maintained
// figures are checked against.
func (s *Service) SummaryFromRecords(ctx context.Context, v policy.Viewer, by string) (Summary, error) {
	if !slices.Contains(Dimensions, by) {
		return Summary{}, model.Invalid("by", "%q is not a grouping; use one of %s", by, strings.Join(Dimensions, ", "))
	}
	d, err := s.load(ctx, v)
	if err != nil {
		return Summary{}, err
	}
	mech, bil := split(d.pledges)
	return summaryOf(by, group(mech, d.keyFunc(by)), group(bil, d.keyFunc(by))), nil
}

func summaryOf(by string, mech, bil []Row) Summary {
	out := Summary{By: by, Rows: mech, BilateralRows: bil}
	for _, r := range out.Rows {
		out.TotalEURMinor += r.EURMinor
		out.Stages.sum(r.Stages)
	}
	for _, r := range out.BilateralRows {
		out.BilateralTotal += r.EURMinor
	}
	if by == "month" {
		// Months read in calendar order.
		for _, rows := range [][]Row{out.Rows, out.BilateralRows} {
			slices.SortFunc(rows, func(a, b Row) int { return strings.Compare(a.Key, b.Key) })
		}
	}
	return out
}

func split(pl []model.Pledge) (mechanism, bilateral []model.Pledge) {
	for _, p := range pl {
		if p.Channel == model.ChannelBilateral {
			bilateral = append(bilateral, p)
		} else {
			mechanism = append(mechanism, p)
		}
	}
	return mechanism, bilateral
}

// Dashboard computes the front page for v: the pledges' figures from the
// maintained totals (sums.go), the needs' from the requirements v may see.
func (s *Service) Dashboard(ctx context.Context, v policy.Viewer) (Dashboard, error) {
	d, err := keep(ctx, s, "dashboard", v, func(ctx context.Context) (Dashboard, error) { return s.dashboard(ctx, v) })
	return d.clone(), err
}

func (s *Service) dashboard(ctx context.Context, v policy.Viewer) (Dashboard, error) {
	in, err := s.read(ctx, v, dashboardDims...)
	if err != nil {
		return Dashboard{}, err
	}
	return in.dashboard(), nil
}

// Front is the front page: Dashboard and Charts from one reading of the
// records and totals they share.
func (s *Service) Front(ctx context.Context, v policy.Viewer) (Dashboard, Charts, error) {
	f, err := keep(ctx, s, "front", v, func(ctx context.Context) (front, error) {
		in, err := s.read(ctx, v, slices.Concat(dashboardDims, chartDims)...)
		if err != nil {
			return front{}, err
		}
		c, err := s.charts(ctx, in)
		if err != nil {
			return front{}, err
		}
		return front{in.dashboard(), c}, nil
	})
	return f.d.clone(), f.c.clone(), err
}

type front struct {
	d Dashboard
	c Charts
}

var dashboardDims = []string{"donor", "implementer", "line", "label"}

// inputs are what the dashboard and the charts are computed from: the
// figures of the needs v may see, folded over the requirements as lists
// show them (needs.go), v's maintained totals under the groupings asked,
// and the organisations' names; v, for the lead times.
type inputs struct {
	v     policy.Viewer
	needs *needFigures
	f     map[string]sumTable
	names map[string]string
}

func (s *Service) read(ctx context.Context, v policy.Viewer, dims ...string) (inputs, error) {
	// The callers' lists are shared by every request: sorted on a copy.
	dims = slices.Compact(slices.Sorted(slices.Values(dims)))
	needs, err := s.needs(ctx, v)
	if err != nil {
		return inputs{}, err
	}
	f, err := s.figures(ctx, v, dims...)
	if err != nil {
		return inputs{}, err
	}
	names, err := s.orgNames(ctx)
	if err != nil {
		return inputs{}, err
	}
	return inputs{v: v, needs: needs, f: f, names: names}, nil
}

func (in inputs) dashboard() Dashboard {
	f, names := in.f, in.names
	out := Dashboard{}
	out.ByDonor, _ = f["donor"].rows(names)
	out.ByImplementer, _ = f["implementer"].rows(names)
	out.ByLine, _ = f["line"].rows(nil)
	out.Label = model.TLPClear
	for k, sum := range f["label"] {
		if sum.Records != 0 {
			out.Label = policy.Stricter(out.Label, model.TLP(k.key))
		}
	}
	pledgeTotals(&out, f["donor"])
	in.needs.setOn(&out)
	return out
}

// DashboardFromRecords is Dashboard computed from every record v may see:
// the reference the maintained figures are checked against.
func (s *Service) DashboardFromRecords(ctx context.Context, v policy.Viewer) (Dashboard, error) {
	d, err := s.load(ctx, v)
	if err != nil {
		return Dashboard{}, err
	}
	return dashboard(d), nil
}

// pledgeTotals sets the headline totals from the totals of one grouping,
// in which every pledge has one key.
func pledgeTotals(out *Dashboard, t sumTable) {
	var st Stages
	for k, sum := range t {
		if k.channel == string(model.ChannelBilateral) {
			out.BilateralEURMinor += sum.EUR
			out.BilateralUnvalued += int(sum.Unvalued)
			continue
		}
		st.sum(Stages{PledgedEURMinor: sum.EUR, CommittedEURMinor: sum.Committed, DisbursedEURMinor: sum.Disbursed, DeliveredEURMinor: sum.Delivered})
		out.PledgeCount += int(sum.N)
	}
	out.PledgedEURMinor, out.CommittedEURMinor, out.DisbursedEURMinor, out.DeliveredEURMinor = st.PledgedEURMinor, st.CommittedEURMinor, st.DisbursedEURMinor, st.DeliveredEURMinor
}

// dashboard computes the front page's figures from what was loaded; the
// charts declare their totals from the same computation.
func dashboard(d data) Dashboard {
	mech, bil := split(d.pledges)
	out := Dashboard{ByDonor: group(mech, d.keyFunc("donor")), ByImplementer: group(mech, d.keyFunc("implementer")), ByLine: group(mech, d.keyFunc("line"))}
	out.Label = model.TLPClear
	for _, p := range d.pledges {
		out.Label = policy.Stricter(out.Label, p.TLP)
	}
	var st Stages
	for _, p := range mech {
		st.add(p)
		if p.Status.Counts() {
			out.PledgeCount++
		}
	}
	out.PledgedEURMinor, out.CommittedEURMinor, out.DisbursedEURMinor, out.DeliveredEURMinor = st.PledgedEURMinor, st.CommittedEURMinor, st.DisbursedEURMinor, st.DeliveredEURMinor
	for _, p := range bil {
		if p.Status.Counts() {
			out.BilateralEURMinor += p.EURMinor
			if p.NoEURValue {
				out.BilateralUnvalued++
			}
		}
	}
	needsOf(d.reqs).setOn(&out)
	return out
}
