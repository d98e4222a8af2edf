// Package coordination is the coordinators' side of the mechanism: matching
// offers to requirements (suggestions, the allocation plan and its
// application) and deconfliction. It loads only what the viewer may see and
// hands the figures to the pure engine in internal/matching.
package coordination

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/matching"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/readings"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Config holds the coordinators' settings.
type Config struct {
	// Weights is the gain per euro covered, per priority; a request may
	// override it. Critical comes first.
	Weights Weights
	// StaleAfterDays is how long a proposed pledge may wait for its donor's
	// confirmation before deconfliction lists it.
	StaleAfterDays int
}

// Weights maps a priority to its weight; a missing priority weighs zero and
// is not planned for.
type Weights map[model.Priority]int64

// DefaultConfig doubles the weight at every step up in priority, so that a
// euro for a critical need outweighs one for each lower level put together
// would not: 8 > 4 + 2 + 1.
func DefaultConfig() Config {
	return Config{
		Weights:        Weights{model.PriorityCritical: 8, model.PriorityHigh: 4, model.PriorityMedium: 2, model.PriorityLow: 1},
		StaleAfterDays: 14,
	}
}

// maxWeight bounds a weight so that weight × EUR stays far from overflow.
const maxWeight = 1_000_000

func (w Weights) check() error {
	for p, x := range w {
		if !p.Valid() {
			return model.Invalid("weights", "%q is not a priority; use critical, high, medium or low", p)
		}
		if x < 0 || x > maxWeight {
			return model.Invalid("weights", "the weight of %s must be between 0 and %d", p, maxWeight)
		}
	}
	return nil
}

type Service struct {
	store        Store
	now          func() time.Time
	cfg          Config
	requirements *requirements.Service
	offers       *offers.Service
	pledges      *pledges.Service
	readings     *readings.Kept
	// folds keeps each viewer's deconfliction findings by ranges of
	// requirements (kept_findings.go).
	folds *readings.ByViewer[findingsFold]
}

func NewService(s Store, now func() time.Time, cfg Config, r *requirements.Service, o *offers.Service, p *pledges.Service) *Service {
	// Eight readings: a few coordinators' open requirements.
	return &Service{store: s, now: now, cfg: cfg, requirements: r, offers: o, pledges: p, readings: readings.New(8),
		folds: &readings.ByViewer[findingsFold]{Max: keptFindingsFor}}
}

// Settings returns the configured defaults.
func (s *Service) Settings() Config { return s.cfg }

func need(r requirements.View, w Weights) matching.Need {
	since := r.CreatedAt
	if r.ValidatedAt != nil {
		since = *r.ValidatedAt
	}
	return matching.Need{
		ID: r.ID, Sector: string(r.Sector), Category: string(r.Category), Line: string(r.LineOfEffort), Region: r.Region,
		Weight: w[r.Priority], Rank: r.Priority.Rank(), Since: since,
		Remaining: max(0, r.EstimatedEURMinor-r.PledgedEURMinor),
	}
}

func offerOf(o offers.View) matching.Offer {
	strs := func(n int, at func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = at(i)
		}
		return out
	}
	return matching.Offer{
		ID: o.ID, Available: o.AvailableEURMinor,
		Sectors:    strs(len(o.Sectors), func(i int) string { return string(o.Sectors[i]) }),
		Categories: strs(len(o.Categories), func(i int) string { return string(o.Categories[i]) }),
		Lines:      strs(len(o.Lines), func(i int) string { return string(o.Lines[i]) }),
		Regions:    o.Regions,
	}
}

// OpenToPledges lists the requirements v may see that take pledges, the
// validated before those in delivery, without their pledges. The status is
// the delivery stage v's view derives, so the store cannot select it: each
// status asked of requirements.All read every requirement and every
// pledge, and one reading serves both. The list is kept while the records
// stand and shared between requests: callers must not change it.
func (s *Service) OpenToPledges(ctx context.Context, v policy.Viewer) ([]requirements.View, error) {
	if err := policy.Require(v, policy.MatchingSuggest); err != nil {
		return nil, err
	}
	return s.openToPledges(ctx, v)
}

// openToPledges is OpenToPledges for callers that checked their own
// permission.
func (s *Service) openToPledges(ctx context.Context, v policy.Viewer) ([]requirements.View, error) {
	rs, err := s.readings.Get(ctx, s.store.RecordVersion, "open to pledges", v, model.DateOf(s.now()), func(ctx context.Context) (any, error) {
		return s.readOpenToPledges(ctx, v)
	})
	if err != nil {
		return nil, err
	}
	return rs.([]requirements.View), nil
}

func (s *Service) readOpenToPledges(ctx context.Context, v policy.Viewer) ([]requirements.View, error) {
	var byStatus [2][]requirements.View
	err := s.requirements.EachSummary(ctx, v, func(batch []requirements.View) error {
		for _, r := range batch {
			switch r.Status {
			case model.ReqValidated:
				byStatus[0] = append(byStatus[0], r)
			case model.ReqInDelivery:
				byStatus[1] = append(byStatus[1], r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return append(byStatus[0], byStatus[1]...), nil
}

// openRequirements are the requirements open to pledges that still need
// money, which suggestions and the plan spread offers over.
func (s *Service) openRequirements(ctx context.Context, v policy.Viewer) ([]requirements.View, error) {
	rs, err := s.openToPledges(ctx, v)
	if err != nil {
		return nil, err
	}
	var out []requirements.View
	for _, r := range rs {
		if r.EstimatedEURMinor > r.PledgedEURMinor {
			out = append(out, r)
		}
	}
	return out, nil
}

// usableOffers are the offers v may see that coordinators may draw on today.
func (s *Service) usableOffers(ctx context.Context, v policy.Viewer) ([]offers.View, error) {
	return s.usableOffersWhere(ctx, v, model.OfferFilter{}, func(model.Offer) bool { return true })
}

// usableOffersWhere is usableOffers of the offers f selects and keep keeps.
func (s *Service) usableOffersWhere(ctx context.Context, v policy.Viewer, f model.OfferFilter, keep func(model.Offer) bool) ([]offers.View, error) {
	today := model.DateOf(s.now())
	f.Status = model.OfferOpen
	os, err := s.offers.AllWhere(ctx, v, f, func(o model.Offer) bool {
		return o.Usable(today) && keep(o)
	})
	if err != nil {
		return nil, err
	}
	out := os[:0]
	for _, o := range os {
		if o.Usable && o.AvailableEURMinor > 0 {
			out = append(out, o)
		}
	}
	return out, nil
}

// ---- Suggestions ----

// RequirementBrief is what a suggestion shows of a requirement.
type RequirementBrief struct {
	ID                string             `json:"id"`
	Ref               string             `json:"ref"`
	Title             string             `json:"title"`
	BeneficiaryOrgID  string             `json:"beneficiary_org_id"`
	Sector            model.Sector       `json:"sector"`
	Category          model.Category     `json:"category"`
	LineOfEffort      model.LineOfEffort `json:"line_of_effort"`
	Region            string             `json:"region,omitempty"`
	Priority          model.Priority     `json:"priority"`
	EstimatedEURMinor int64              `json:"estimated_eur_minor"`
	PledgedEURMinor   int64              `json:"pledged_eur_minor"`
	BilateralEURMinor int64              `json:"bilateral_eur_minor"`
	TLP               model.TLP          `json:"tlp"`
}

func briefOf(r requirements.View) RequirementBrief {
	return RequirementBrief{
		ID: r.ID, Ref: r.Ref, Title: r.Title, BeneficiaryOrgID: r.BeneficiaryOrgID, Sector: r.Sector, Category: r.Category,
		LineOfEffort: r.LineOfEffort, Region: r.Region, Priority: r.Priority, EstimatedEURMinor: r.EstimatedEURMinor,
		PledgedEURMinor: r.PledgedEURMinor, BilateralEURMinor: r.BilateralEURMinor, TLP: r.TLP,
	}
}

// OfferBrief is what a suggestion shows of an offer.
type OfferBrief struct {
	ID                string           `json:"id"`
	Title             string           `json:"title"`
	DonorOrgID        string           `json:"donor_org_id"`
	Kind              model.PledgeKind `json:"kind"`
	AvailableEURMinor int64            `json:"available_eur_minor"`
	ValidUntil        model.Date       `json:"valid_until"`
	TLP               model.TLP        `json:"tlp"`
}

func offerBriefOf(o offers.View) OfferBrief {
	return OfferBrief{ID: o.ID, Title: o.Title, DonorOrgID: o.DonorOrgID, Kind: o.Kind, AvailableEURMinor: o.AvailableEURMinor, ValidUntil: o.ValidUntil, TLP: o.TLP}
}

// Suggestion is one ranked match with why it fits.
type Suggestion struct {
	Requirement RequirementBrief    `json:"requirement"`
	Offer       OfferBrief          `json:"offer"`
	Reasons     matching.Suggestion `json:"reasons"`
}

// MaxSuggestions bounds one answer.
const MaxSuggestions = 50

// SuggestForRequirement ranks the offers v may see that can serve the
// requirement.
func (s *Service) SuggestForRequirement(ctx context.Context, v policy.Viewer, requirementID string) ([]Suggestion, error) {
	if err := policy.Require(v, policy.MatchingSuggest); err != nil {
		return nil, err
	}
	r, err := s.requirements.Get(ctx, v, requirementID)
	if err != nil {
		return nil, err
	}
	if !r.Status.OpenToPledges() {
		return nil, model.Broken("requirement", "requirement_not_open", "requirement %s is %s; only validated requirements are matched", r.Ref, r.Status)
	}
	// Only the offers that fit the need are read, those of its sector and
	// category selected by the database, and valued: reading every offer
	// of the catalogue was most of a suggestion at 10,000 offers, and what
	// an offer has committed is read from the pledges drawn from it.
	n := need(r, s.cfg.Weights)
	os, err := s.usableOffersWhere(ctx, v, model.OfferFilter{Sector: r.Sector, Category: r.Category}, func(o model.Offer) bool {
		return offerOf(offers.View{Offer: o}).Fits(n)
	})
	if err != nil {
		return nil, err
	}
	return s.offersFor(r, n, os), nil
}

// offersFor ranks the offers os for the requirement r, whose need is n.
func (s *Service) offersFor(r requirements.View, n matching.Need, os []offers.View) []Suggestion {
	byID := make(map[string]offers.View, len(os))
	mos := make([]matching.Offer, len(os))
	for i, o := range os {
		byID[o.ID] = o
		mos[i] = offerOf(o)
	}
	var out []Suggestion
	for _, sg := range matching.OffersFor(n, mos, s.now(), MaxSuggestions) {
		out = append(out, Suggestion{Requirement: briefOf(r), Offer: offerBriefOf(byID[sg.OfferID]), Reasons: sg})
	}
	return out
}

// SuggestForOffer ranks the requirements v may see that the offer can serve.
func (s *Service) SuggestForOffer(ctx context.Context, v policy.Viewer, offerID string) ([]Suggestion, error) {
	if err := policy.Require(v, policy.MatchingSuggest); err != nil {
		return nil, err
	}
	o, err := s.offers.Get(ctx, v, offerID)
	if err != nil {
		return nil, err
	}
	if !o.Usable {
		return nil, model.Broken("offer", "offer_not_usable", "this offer is %s, awaiting review or expired; it cannot be matched", o.Status)
	}
	rs, err := s.openRequirements(ctx, v)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]requirements.View, len(rs))
	needs := make([]matching.Need, len(rs))
	for i, r := range rs {
		byID[r.ID] = r
		needs[i] = need(r, s.cfg.Weights)
		// Every open need is suggested, weighted or not: a zero weight
		// only keeps it out of the plan.
		needs[i].Weight = max(needs[i].Weight, 0)
	}
	var out []Suggestion
	for _, sg := range matching.NeedsFor(offerOf(o), needs, s.now(), MaxSuggestions) {
		out = append(out, Suggestion{Requirement: briefOf(byID[sg.NeedID]), Offer: offerBriefOf(o), Reasons: sg})
	}
	return out, nil
}

// ---- The allocation plan ----

// PlanInput is a coordinator's request for a plan; nil Weights uses the
// configured ones.
type PlanInput struct {
	Weights Weights `json:"weights"`
}

// Line is one allocation of the plan, with what a coordinator needs to read it.
type Line struct {
	OfferID       string         `json:"offer_id"`
	OfferTitle    string         `json:"offer_title"`
	DonorOrgID    string         `json:"donor_org_id"`
	RequirementID string         `json:"requirement_id"`
	Ref           string         `json:"requirement_ref"`
	Title         string         `json:"requirement_title"`
	Priority      model.Priority `json:"priority"`
	EURMinor      int64          `json:"eur_minor"`
}

// RequirementEffect is a requirement's coverage before and after the plan.
type RequirementEffect struct {
	RequirementBrief
	PlannedEURMinor int64          `json:"planned_eur_minor"`
	CoverageBefore  model.Coverage `json:"coverage_before"`
	CoverageAfter   model.Coverage `json:"coverage_after"`
}

// DonorEffect is what the plan asks of one donor.
type DonorEffect struct {
	DonorOrgID string `json:"donor_org_id"`
	EURMinor   int64  `json:"eur_minor"`
	Lines      int    `json:"lines"`
}

// Totals sum the open requirements v may see before and after the plan.
type Totals struct {
	OpenRequirements int   `json:"open_requirements"`
	Offers           int   `json:"offers"`
	NeededEURMinor   int64 `json:"needed_eur_minor"`
	PledgedBefore    int64 `json:"pledged_before_eur_minor"`
	PledgedAfter     int64 `json:"pledged_after_eur_minor"`
	UncoveredBefore  int   `json:"uncovered_before"`
	UncoveredAfter   int   `json:"uncovered_after"`
	CoveredBefore    int   `json:"covered_before"`
	CoveredAfter     int   `json:"covered_after"`
	// ByPriority is the EUR the plan puts toward each priority.
	ByPriority map[model.Priority]int64 `json:"planned_by_priority"`
}

// Plan is the preview of an optimal allocation.
type Plan struct {
	Weights      Weights             `json:"weights"`
	Objective    string              `json:"objective"` // Σ weight × EUR minor units; a decimal string, it can exceed 2^53
	PlannedTotal int64               `json:"planned_eur_minor"`
	Lines        []Line              `json:"lines"`
	Requirements []RequirementEffect `json:"requirements"`
	Donors       []DonorEffect       `json:"donors"`
	Totals       Totals              `json:"totals"`
}

func (s *Service) weights(in Weights) (Weights, error) {
	if in == nil {
		return s.cfg.Weights, nil
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	return in, nil
}

// plannable leaves RED records out: they are for named people only, and
// turning them into pledges for others is for those people to decide.
func plannable(t model.TLP) bool { return t != model.TLPRed }

// Preview computes the optimal plan over everything v may see.
func (s *Service) Preview(ctx context.Context, v policy.Viewer, in PlanInput) (Plan, error) {
	if err := policy.Require(v, policy.MatchingPlan); err != nil {
		return Plan{}, err
	}
	w, err := s.weights(in.Weights)
	if err != nil {
		return Plan{}, err
	}
	rs, err := s.openRequirements(ctx, v)
	if err != nil {
		return Plan{}, err
	}
	os, err := s.usableOffers(ctx, v)
	if err != nil {
		return Plan{}, err
	}
	// A new list: the open requirements are shared with other requests.
	rs = slices.DeleteFunc(slices.Clone(rs), func(r requirements.View) bool { return !plannable(r.TLP) })
	os = slices.DeleteFunc(os, func(o offers.View) bool { return !plannable(o.TLP) })
	needs := make([]matching.Need, len(rs))
	for i, r := range rs {
		needs[i] = need(r, w)
	}
	mos := make([]matching.Offer, len(os))
	for i, o := range os {
		mos[i] = offerOf(o)
	}
	return s.describe(rs, os, w, matching.Allocate(mos, needs)), nil
}

func (s *Service) describe(rs []requirements.View, os []offers.View, w Weights, p matching.Plan) Plan {
	reqBy := make(map[string]requirements.View, len(rs))
	for _, r := range rs {
		reqBy[r.ID] = r
	}
	offerBy := make(map[string]offers.View, len(os))
	for _, o := range os {
		offerBy[o.ID] = o
	}
	out := Plan{Weights: w, Objective: p.Objective.String(), PlannedTotal: p.Covered, Lines: []Line{}, Requirements: []RequirementEffect{}, Donors: []DonorEffect{},
		Totals: Totals{OpenRequirements: len(rs), Offers: len(os), ByPriority: map[model.Priority]int64{}}}
	planned := map[string]int64{}
	donors := map[string]*DonorEffect{}
	var reqOrder []string
	for _, a := range p.Allocations {
		r, o := reqBy[a.NeedID], offerBy[a.OfferID]
		out.Lines = append(out.Lines, Line{
			OfferID: o.ID, OfferTitle: o.Title, DonorOrgID: o.DonorOrgID, RequirementID: r.ID, Ref: r.Ref, Title: r.Title,
			Priority: r.Priority, EURMinor: a.EURMinor,
		})
		if _, ok := planned[r.ID]; !ok {
			reqOrder = append(reqOrder, r.ID)
		}
		planned[r.ID] += a.EURMinor
		out.Totals.ByPriority[r.Priority] += a.EURMinor
		d := donors[o.DonorOrgID]
		if d == nil {
			d = &DonorEffect{DonorOrgID: o.DonorOrgID}
			donors[o.DonorOrgID] = d
		}
		d.EURMinor += a.EURMinor
		d.Lines++
	}
	for _, id := range reqOrder {
		r := reqBy[id]
		out.Requirements = append(out.Requirements, RequirementEffect{
			RequirementBrief: briefOf(r), PlannedEURMinor: planned[id],
			CoverageBefore: model.CoverageOf(r.PledgedEURMinor, r.EstimatedEURMinor),
			CoverageAfter:  model.CoverageOf(r.PledgedEURMinor+planned[id], r.EstimatedEURMinor),
		})
	}
	for _, d := range donors {
		out.Donors = append(out.Donors, *d)
	}
	slices.SortFunc(out.Donors, func(a, b DonorEffect) int {
		if c := cmp.Compare(b.EURMinor, a.EURMinor); c != 0 {
			return c
		}
		return cmp.Compare(a.DonorOrgID, b.DonorOrgID)
	})
	t := &out.Totals
	for _, r := range rs {
		t.NeededEURMinor += r.EstimatedEURMinor
		t.PledgedBefore += r.PledgedEURMinor
		t.PledgedAfter += r.PledgedEURMinor + planned[r.ID]
		if r.PledgedEURMinor == 0 {
			t.UncoveredBefore++
		}
		if r.PledgedEURMinor+planned[r.ID] == 0 {
			t.UncoveredAfter++
		}
		if r.PledgedEURMinor >= r.EstimatedEURMinor {
			t.CoveredBefore++
		}
		if r.PledgedEURMinor+planned[r.ID] >= r.EstimatedEURMinor {
			t.CoveredAfter++
		}
	}
	return out
}

// ApplyLine is one allocation a coordinator applies.
type ApplyLine struct {
	OfferID       string `json:"offer_id"`
	RequirementID string `json:"requirement_id"`
	EURMinor      int64  `json:"eur_minor"`
}

// ApplyInput applies the given lines of a previewed plan, or, when Lines is
// nil, the whole plan computed now with Weights.
type ApplyInput struct {
	Weights Weights     `json:"weights"`
	Lines   []ApplyLine `json:"lines"`
}

// Applied is what applying a plan created.
type Applied struct {
	Pledges []model.Pledge `json:"pledges"`
	Total   int64          `json:"eur_minor"`
}

// tlpRank orders labels from the widest audience to the narrowest.
var tlpRank = map[model.TLP]int{model.TLPClear: 0, model.TLPGreen: 1, model.TLPAmber: 2, model.TLPAmberStrict: 3, model.TLPRed: 4}

// stricter is the narrower of two labels: a pledge drawn from an offer for a
// requirement is seen by no one who could see only one of them.
func stricter(a, b model.TLP) model.TLP {
	if tlpRank[a] >= tlpRank[b] {
		return a
	}
	return b
}

// Apply turns plan lines into proposed pledges of the offering donors, in
// one transaction with one audit event for the plan and one per pledge. Every
// line is checked again against what the records allow now: the offer fits
// the requirement, no offer gives more than it has left, no requirement
// receives more than it still needs.
func (s *Service) Apply(ctx context.Context, v policy.Viewer, in ApplyInput) (Applied, error) {
	if err := policy.Require(v, policy.MatchingPlan); err != nil {
		return Applied{}, err
	}
	lines := in.Lines
	if lines == nil {
		plan, err := s.Preview(ctx, v, PlanInput{Weights: in.Weights})
		if err != nil {
			return Applied{}, err
		}
		for _, l := range plan.Lines {
			lines = append(lines, ApplyLine{OfferID: l.OfferID, RequirementID: l.RequirementID, EURMinor: l.EURMinor})
		}
	}
	if len(lines) == 0 {
		return Applied{}, model.Invalid("lines", "has nothing to apply")
	}
	rs, err := s.openRequirements(ctx, v)
	if err != nil {
		return Applied{}, err
	}
	os, err := s.usableOffers(ctx, v)
	if err != nil {
		return Applied{}, err
	}
	reqBy := make(map[string]requirements.View, len(rs))
	for _, r := range rs {
		reqBy[r.ID] = r
	}
	offerBy := make(map[string]offers.View, len(os))
	for _, o := range os {
		offerBy[o.ID] = o
	}
	for i, l := range lines {
		o, ok := offerBy[l.OfferID]
		if !ok || !plannable(o.TLP) {
			return Applied{}, model.Invalid("lines", "line %d: no usable offer you can see has the id %q", i+1, l.OfferID)
		}
		r, ok := reqBy[l.RequirementID]
		if !ok || !plannable(r.TLP) {
			return Applied{}, model.Invalid("lines", "line %d: no open requirement you can see has the id %q", i+1, l.RequirementID)
		}
		if l.EURMinor <= 0 {
			return Applied{}, model.Invalid("lines", "line %d: the amount must be more than zero", i+1)
		}
		if !offerOf(o).Fits(need(r, nil)) {
			return Applied{}, model.Broken("lines", "offer_does_not_fit", "line %d: offer %q does not cover requirement %s (sector, category, line of effort or region)", i+1, o.Title, r.Ref)
		}
	}
	var out Applied
	err = s.store.InTx(ctx, func(q store.Queries) error {
		// The limits are the coordinator's own view of them, as the plan
		// page shows them: a pledge the coordinator may not see never
		// shapes a refusal, which could otherwise be probed line by line
		// until it gave a hidden total away. Over-coverage this allows is
		// accepted by design and listed by deconfliction.
		committed := make(map[string]int64, len(offerBy))
		for id, o := range offerBy {
			committed[id] = o.CommittedEURMinor
		}
		pledged := make(map[string]int64, len(reqBy))
		for id, r := range reqBy {
			pledged[id] = r.PledgedEURMinor
		}
		for i, l := range lines {
			o, r := offerBy[l.OfferID], reqBy[l.RequirementID]
			if committed[o.ID]+l.EURMinor > o.EURMinor {
				return model.Broken("lines", "offer_exhausted", "line %d: offer %q has not that much left as you see it", i+1, o.Title)
			}
			if pledged[r.ID]+l.EURMinor > r.EstimatedEURMinor {
				return model.Broken("lines", "need_exceeded", "line %d: requirement %s does not need that much any more as you see it", i+1, r.Ref)
			}
			committed[o.ID] += l.EURMinor
			pledged[r.ID] += l.EURMinor
			desc := o.Title
			if o.Description != "" {
				desc += "\n\n" + o.Description
			}
			p, err := s.pledges.ProposeInTx(ctx, q, v, pledges.Proposal{
				DonorOrgID: o.DonorOrgID, RequirementID: r.ID, EURMinor: l.EURMinor, Kind: o.Kind,
				Description: desc, TLP: stricter(o.TLP, r.TLP), Reviewed: o.Review == model.ReviewApproved,
			})
			if err != nil {
				var fe *model.FieldError
				if errors.As(err, &fe) {
					return model.Broken("lines", fe.Code, "line %d: %v", i+1, fe)
				}
				return err
			}
			if err := q.LinkOfferPledge(ctx, model.OfferPledge{OfferID: o.ID, PledgeID: p.ID}); err != nil {
				return err
			}
			out.Pledges = append(out.Pledges, p)
			out.Total += p.EURMinor
		}
		// The plan's own event names its pledges only: each pledge has its
		// event, filtered by its label for audit readers.
		ids := make([]string, 0, len(out.Pledges))
		for _, p := range out.Pledges {
			ids = append(ids, p.ID)
		}
		_, err := audit.Record(ctx, q, s.now(), audit.By(v), audit.Change{
			Action: "plan.apply", ObjectType: "plan", ObjectID: uuid.Must(uuid.NewV7()).String(),
			After: map[string]any{"pledge_ids": ids},
		})
		return err
	})
	if err != nil {
		return Applied{}, err
	}
	return out, nil
}
