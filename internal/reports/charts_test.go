package reports_test

import (
	"context"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/delivery"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/reports"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

func ptr[T any](v T) *T { return &v }

// TestChartsFollowTLP: every series is computed over what the viewer may
// see; a visitor's charts hold the CLEAR records only.
func TestChartsFollowTLP(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 10, 9, 0, 0, 0, time.UTC)
		a, cast := apptest.New(t, s, func() time.Time { return now })
		need := func(tlp model.TLP, prio model.Priority, sector model.Sector) string {
			r, err := a.Requirements.Create(ctx, cast.Viewer("requester"), requirements.Input{
				Title: ptr("Need"), Sector: &sector, Category: ptr(model.Category("edr")), LineOfEffort: ptr(model.LineSupport),
				Priority: &prio, EstimatedEURMinor: ptr(int64(100_000_00)), NeededBy: ptr(model.DateOf(now).AddDays(90)), TLP: &tlp,
			})
			if err == nil {
				_, err = a.Requirements.Submit(ctx, cast.Viewer("requester"), r.ID)
			}
			if err == nil {
				_, err = a.Requirements.Validate(ctx, cast.Viewer("validator"), r.ID, model.DecisionApprove, "")
			}
			if err != nil {
				t.Fatal(err)
			}
			return r.ID
		}
		pledge := func(as, reqID string, eur int64, tlp model.TLP, date model.Date) string {
			v := cast.Viewer(as)
			p, err := a.Pledges.Create(ctx, v, pledges.Input{RequirementID: &reqID, AmountMinor: &eur, Currency: ptr("EUR"), TLP: &tlp, PledgeDate: &date})
			if err == nil {
				_, err = a.Pledges.Confirm(ctx, v, p.ID)
			}
			if err != nil {
				t.Fatal(err)
			}
			return p.ID
		}
		clear := need(model.TLPClear, model.PriorityCritical, "energy")
		amber := need(model.TLPAmber, model.PriorityHigh, "telecom")
		pledge("donor_ee", clear, 30_000_00, model.TLPClear, model.NewDate(2026, 3, 2))
		hidden := pledge("donor", amber, 40_000_00, model.TLPAmber, model.NewDate(2026, 4, 20))
		if _, err := a.Pledges.Create(ctx, cast.Viewer("donor_ee"), pledges.Input{
			AmountMinor: ptr(int64(7_000_00)), Currency: ptr("EUR"), Channel: ptr(model.ChannelBilateral), TLP: ptr(model.TLPClear),
			BeneficiaryOrgID: ptr(cast.Orgs["power"].ID), Sector: ptr(model.Sector("energy")), Category: ptr(model.Category("training")),
			PledgeDate: ptr(model.NewDate(2026, 4, 1)),
		}); err != nil {
			t.Fatal(err)
		}
		now = now.AddDate(0, 0, 6)
		k := model.MilestoneDelivered
		if _, err := a.Delivery.AddMilestone(ctx, cast.Viewer("donor"), hidden, delivery.MilestoneInput{Kind: &k, Date: ptr(model.DateOf(now))}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Delivery.Receipt(ctx, cast.Viewer("requester"), hidden, delivery.ReceiptInput{Outcome: ptr(model.ReceiptReceived)}); err != nil {
			t.Fatal(err)
		}

		visitor, err := a.Reports.Charts(ctx, policy.Viewer{})
		if err != nil {
			t.Fatal(err)
		}
		wantCumulative(t, "visitor", visitor.Cumulative, []reports.MonthPoint{
			{Month: "2026-03", Mechanism: 30_000_00}, {Month: "2026-04", Mechanism: 30_000_00, Bilateral: 7_000_00},
		})
		if total(visitor.BySector) != 30_000_00 || len(visitor.BySector) != 1 || visitor.BySector[0].Key != "energy" {
			t.Errorf("visitor by sector %+v, want energy only, the 30,000 EUR pledged through the mechanism", visitor.BySector)
		}
		if total(visitor.BilateralBySector) != 7_000_00 || len(visitor.BilateralBySector) != 1 || visitor.BilateralBySector[0].Key != "energy" {
			t.Errorf("visitor bilateral by sector %+v, want energy only, 7,000 EUR", visitor.BilateralBySector)
		}
		if total(visitor.ByDonor) != 30_000_00 || len(visitor.LeadTimes) != 0 {
			t.Errorf("visitor sees %+v by donor and %d lead times, want the CLEAR pledge only", visitor.ByDonor, len(visitor.LeadTimes))
		}
		for _, c := range visitor.Coverage {
			if c.Priority == model.PriorityHigh && c.Need != 0 {
				t.Errorf("visitor sees the AMBER need in coverage: %+v", c)
			}
		}

		donor, err := a.Reports.Charts(ctx, cast.Viewer("donor"))
		if err != nil {
			t.Fatal(err)
		}
		wantCumulative(t, "donor", donor.Cumulative, []reports.MonthPoint{
			{Month: "2026-03", Mechanism: 30_000_00}, {Month: "2026-04", Mechanism: 70_000_00, Bilateral: 7_000_00},
		})
		if len(donor.LeadTimes) != 1 || donor.LeadTimes[0].ToReceipt != 6 || donor.LeadTimes[0].RequirementID != amber {
			t.Errorf("donor lead times %+v, want one of 6 days to receipt", donor.LeadTimes)
		}
		var high reports.PriorityCoverage
		for _, c := range donor.Coverage {
			if c.Priority == model.PriorityHigh {
				high = c
			}
		}
		if high.Need != 100_000_00 || high.Covered != 40_000_00 || high.Count != 1 {
			t.Errorf("donor coverage of high needs %+v", high)
		}
	})
}

func wantCumulative(t *testing.T, who string, got, want []reports.MonthPoint) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s cumulative %+v, want %+v", who, got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s cumulative %+v, want %+v", who, got, want)
		}
	}
}

func total(rows []reports.Row) int64 {
	var n int64
	for _, r := range rows {
		n += r.EURMinor
	}
	return n
}
