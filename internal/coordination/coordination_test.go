package coordination_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/coordination"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

func ptr[T any](v T) *T { return &v }

type world struct {
	t    testing.TB
	a    *app.App
	c    apptest.Cast
	now  time.Time
	ctx  context.Context
	reqs map[string]string
}

func newWorld(t testing.TB, s store.Store) *world {
	w := &world{t: t, now: time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC), ctx: context.Background(), reqs: map[string]string{}}
	w.a, w.c = apptest.New(t, s, func() time.Time { return w.now })
	return w
}

// need creates and validates a requirement of the requester's organisation.
func (w *world) need(name string, sector model.Sector, prio model.Priority, eur int64, tlp model.TLP, cat ...model.Category) string {
	w.t.Helper()
	category := model.Category("edr")
	if len(cat) > 0 {
		category = cat[0]
	}
	in := requirements.Input{
		Title: ptr("Need " + name), Description: ptr("For the tests"), Sector: &sector, Category: &category,
		LineOfEffort: ptr(model.LineSupport), Priority: &prio, EstimatedEURMinor: &eur,
		NeededBy: ptr(model.DateOf(w.now).AddDays(90)), TLP: &tlp,
	}
	if tlp == model.TLPRed {
		in.NamedUserIDs = &[]string{w.c.Users["validator"].ID}
	}
	r, err := w.a.Requirements.Create(w.ctx, w.c.Viewer("requester"), in)
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.a.Requirements.Submit(w.ctx, w.c.Viewer("requester"), r.ID); err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.a.Requirements.Validate(w.ctx, w.c.Viewer("validator"), r.ID, model.DecisionApprove, ""); err != nil {
		w.t.Fatal(err)
	}
	w.reqs[name] = r.ID
	return r.ID
}

func (w *world) offer(as string, eur int64, sectors ...model.Sector) offers.View {
	w.t.Helper()
	o, err := w.a.Offers.Create(w.ctx, w.c.Viewer(as), offers.Input{
		Title: ptr("Budget of " + as), AmountMinor: &eur, Currency: ptr("EUR"), Sectors: &sectors,
		ValidUntil: ptr(model.DateOf(w.now).AddDays(30)),
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return o
}

func (w *world) pledge(as, reqID string, eur int64, edit func(*pledges.Input)) model.Pledge {
	w.t.Helper()
	in := pledges.Input{AmountMinor: &eur, Currency: ptr("EUR")}
	if reqID != "" {
		in.RequirementID = &reqID
	}
	if edit != nil {
		edit(&in)
	}
	p, err := w.a.Pledges.Create(w.ctx, w.c.Viewer(as), in)
	if err != nil {
		w.t.Fatal(err)
	}
	return p.Pledge
}

func TestPlanApply(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		w := newWorld(t, s)
		coord := w.c.Viewer("coordinator")
		crit := w.need("crit", "energy", model.PriorityCritical, 60_000_00, model.TLPAmber)
		low := w.need("low", "energy", model.PriorityLow, 80_000_00, model.TLPAmber)
		water := w.need("water", "water", model.PriorityHigh, 30_000_00, model.TLPAmber)
		w.need("red", "energy", model.PriorityCritical, 10_000_00, model.TLPRed)
		flex := w.offer("donor", 70_000_00)      // any sector
		w.offer("donor_ee", 50_000_00, "energy") // energy only

		plan, err := w.a.Coordination.Preview(w.ctx, coord, coordination.PlanInput{})
		if err != nil {
			t.Fatal(err)
		}
		// Optimal: energy's offer goes to energy, so that the flexible one
		// can cover water too. Critical is full; the rest goes to low.
		got := map[string]int64{}
		for _, l := range plan.Lines {
			got[l.RequirementID] += l.EURMinor
			if l.RequirementID == w.reqs["red"] {
				t.Fatal("a RED requirement was planned")
			}
		}
		if got[crit] != 60_000_00 || got[water] != 30_000_00 || got[low] != 30_000_00 {
			t.Fatalf("planned %v", got)
		}
		if plan.Totals.UncoveredBefore != 3 || plan.Totals.UncoveredAfter != 0 || plan.Totals.CoveredAfter != 2 {
			t.Fatalf("totals %+v", plan.Totals)
		}
		if plan.PlannedTotal != 120_000_00 || len(plan.Donors) != 2 {
			t.Fatalf("plan %+v", plan)
		}

		// A line past what is left fails the whole request: nothing written.
		before, _ := w.a.Pledges.All(w.ctx, coord, model.PledgeFilter{})
		_, err = w.a.Coordination.Apply(w.ctx, coord, coordination.ApplyInput{Lines: []coordination.ApplyLine{
			{OfferID: flex.ID, RequirementID: water, EURMinor: 30_000_00},
			{OfferID: flex.ID, RequirementID: low, EURMinor: 50_000_00},
		}})
		if !errors.Is(err, model.ErrRule) {
			t.Fatalf("over-spending: %v", err)
		}
		after, _ := w.a.Pledges.All(w.ctx, coord, model.PledgeFilter{})
		if len(after) != len(before) {
			t.Fatal("a failed plan left pledges behind")
		}

		applied, err := w.a.Coordination.Apply(w.ctx, coord, coordination.ApplyInput{})
		if err != nil {
			t.Fatal(err)
		}
		if applied.Total != 120_000_00 {
			t.Fatalf("applied %d", applied.Total)
		}
		for _, p := range applied.Pledges {
			if p.Status != model.PledgeProposed || p.Channel != model.ChannelMechanism || p.CreatedBy != coord.UserID {
				t.Fatalf("pledge %+v", p)
			}
		}
		// The donor confirms its pledge; what is left of its offer shrinks.
		var mine model.Pledge
		for _, p := range applied.Pledges {
			if p.DonorOrgID == w.c.Orgs["us"].ID {
				mine = p
			}
		}
		if _, err := w.a.Pledges.Confirm(w.ctx, w.c.Viewer("donor"), mine.ID); err != nil {
			t.Fatal(err)
		}
		o, err := w.a.Offers.Get(w.ctx, w.c.Viewer("donor"), flex.ID)
		if err != nil {
			t.Fatal(err)
		}
		if o.AvailableEURMinor != 0 || o.CommittedEURMinor != 70_000_00 {
			t.Fatalf("offer after the plan: %+v", o)
		}
		// Nothing is left to plan.
		again, err := w.a.Coordination.Preview(w.ctx, coord, coordination.PlanInput{})
		if err != nil {
			t.Fatal(err)
		}
		if len(again.Lines) != 0 {
			t.Fatalf("planned twice: %v", again.Lines)
		}
		events, err := w.a.Audit.List(w.ctx, w.c.Viewer("admin"), model.AuditFilter{}, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, e := range events {
			actions[e.Action]++
		}
		if actions["plan.apply"] != 1 || actions["pledge.propose"] != len(applied.Pledges) {
			t.Fatalf("audit %v", actions)
		}
	})
}

func TestSuggestionsRespectTLP(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		w := newWorld(t, s)
		amber := w.need("amber", "energy", model.PriorityHigh, 10_000_00, model.TLPAmber)
		green := w.need("green", "energy", model.PriorityCritical, 10_000_00, model.TLPGreen)
		o := w.offer("donor_company", 5_000_00, "energy")
		// The company's offer awaits review: not usable yet.
		if _, err := w.a.Coordination.SuggestForOffer(w.ctx, w.c.Viewer("donor_company"), o.ID); !errors.Is(err, model.ErrRule) {
			t.Fatalf("unreviewed offer: %v", err)
		}
		if _, err := w.a.Offers.Review(w.ctx, w.c.Viewer("coordinator"), o.ID, model.DecisionApprove, ""); err != nil {
			t.Fatal(err)
		}
		got, err := w.a.Coordination.SuggestForOffer(w.ctx, w.c.Viewer("donor_company"), o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Requirement.ID != green {
			t.Fatalf("the company sees only the GREEN need: %+v", got)
		}
		got, err = w.a.Coordination.SuggestForOffer(w.ctx, w.c.Viewer("coordinator"), o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Requirement.ID != green || got[1].Requirement.ID != amber {
			t.Fatalf("critical first: %+v", got)
		}
		if got[0].Reasons.Fit.Sector != "sector" || got[0].Reasons.Fit.Category != "any" || got[0].Reasons.Coverable != 5_000_00 {
			t.Fatalf("reasons %+v", got[0].Reasons)
		}
		if _, err := w.a.Coordination.SuggestForRequirement(w.ctx, w.c.Viewer("donor_company"), amber); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("hidden requirement: %v", err)
		}
	})
}

func keysOf(as []coordination.Alert) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Key)
	}
	return out
}

func TestDeconfliction(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		w := newWorld(t, s)
		coord := w.c.Viewer("coordinator")
		crit := w.need("crit", "energy", model.PriorityCritical, 10_000_00, model.TLPAmber, "training")
		high := w.need("high", "energy", model.PriorityHigh, 10_000_00, model.TLPAmber)
		full := w.need("full", "energy", model.PriorityLow, 10_000_00, model.TLPAmber)
		red := w.need("red", "energy", model.PriorityCritical, 10_000_00, model.TLPRed)
		_ = red
		// Duplicate and over-coverage on "full": the United States twice,
		// Estonia once, together past the need.
		w.pledge("donor", full, 6_000_00, nil)
		w.pledge("donor", full, 3_000_00, nil)
		w.pledge("donor_ee", full, 2_000_00, nil)
		// A bilateral report on "high" next to a mechanism pledge.
		w.pledge("donor_ee", high, 1_000_00, nil)
		w.pledge("donor_eu", high, 1_000_00, func(in *pledges.Input) { in.Channel = ptr(model.ChannelBilateral) })
		// A bilateral report on no requirement, same beneficiary, category
		// and period as a mechanism pledge on "crit".
		w.pledge("donor_ee", crit, 1_000_00, nil)
		bil := w.pledge("donor_eu", "", 5_000_00, func(in *pledges.Input) {
			in.Channel = ptr(model.ChannelBilateral)
			in.BeneficiaryOrgID = ptr(w.c.Orgs["ssscip"].ID)
			in.Sector, in.Category = ptr(model.Sector("energy")), ptr(model.Category("training"))
			in.PeriodStart = ptr(model.DateOf(w.now).AddDays(-10))
			in.PeriodEnd = ptr(model.DateOf(w.now).AddDays(100))
		})

		alerts, err := w.a.Coordination.Alerts(w.ctx, coord, coordination.AlertFilter{})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"gap:" + crit, "gap:" + high, // critical first
			"over_coverage:" + full,
			"duplicate:" + full + ":" + w.c.Orgs["us"].ID,
			"bilateral:" + bil.ID + ":" + crit, "bilateral:" + high,
		}
		if got := keysOf(alerts); !slices.Equal(got, want) {
			t.Fatalf("alerts\n%v\nwant\n%v", got, want)
		}
		if alerts[2].EURMinor != 1_000_00 {
			t.Fatalf("over-coverage by %d", alerts[2].EURMinor)
		}

		// Proposed pledges wait too long: stale.
		w.now = w.now.AddDate(0, 0, 20)
		stale, err := w.a.Coordination.Alerts(w.ctx, coord, coordination.AlertFilter{Kind: model.AlertStalePledge})
		if err != nil {
			t.Fatal(err)
		}
		if len(stale) != 5 || stale[0].DaysWaiting != 20 {
			t.Fatalf("stale %v", keysOf(stale))
		}

		// The validator named on the RED need sees no alert about it unless
		// they may read deconfliction at all: they may not.
		if _, err := w.a.Coordination.Alerts(w.ctx, w.c.Viewer("validator"), coordination.AlertFilter{}); !errors.Is(err, model.ErrForbidden) {
			t.Fatalf("validator: %v", err)
		}
		if _, err := w.a.Coordination.Acknowledge(w.ctx, coord, "gap:"+red, "Seen"); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("an alert on a hidden record: %v", err)
		}

		a, err := w.a.Coordination.Acknowledge(w.ctx, coord, "gap:"+crit, "Poland is preparing a pledge")
		if err != nil {
			t.Fatal(err)
		}
		if a.Acknowledged == nil || a.Acknowledged.Comment != "Poland is preparing a pledge" {
			t.Fatalf("acknowledged %+v", a)
		}
		open, err := w.a.Coordination.Alerts(w.ctx, coord, coordination.AlertFilter{Kind: model.AlertGap, Open: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := keysOf(open); !slices.Equal(got, []string{"gap:" + high}) {
			t.Fatalf("open gaps %v", got)
		}
	})
}
