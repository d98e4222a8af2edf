package reports_test

import (
	"context"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/reports"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

func rowOf(rows []reports.Row, key string) reports.Row {
	for _, r := range rows {
		if r.Key == key {
			return r
		}
	}
	return reports.Row{}
}

// TestTotalsByStage: every total tells pledged, committed, disbursed and
// delivered apart; by donor a pass-through pledge counts once, under its
// funder; by implementer under its donor.
func TestTotalsByStage(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)
		a, cast := apptest.New(t, s, func() time.Time { return now })
		requester, donor, coordinator := cast.Viewer("requester"), cast.Viewer("donor"), cast.Viewer("coordinator")
		r, err := a.Requirements.Create(ctx, requester, requirements.Input{
			Title: ptr("Incident response retainer"), Sector: ptr(model.Sector("finance")), Category: ptr(model.Category("incident_response")),
			LineOfEffort: ptr(model.LineSupport), Priority: ptr(model.PriorityHigh), EstimatedEURMinor: ptr(int64(500_000_00)),
			NeededBy: ptr(model.DateOf(now).AddDays(60)), TLP: ptr(model.TLPAmber),
		})
		if err == nil {
			_, err = a.Requirements.Submit(ctx, requester, r.ID)
		}
		if err == nil {
			_, err = a.Requirements.Validate(ctx, cast.Viewer("validator"), r.ID, model.DecisionApprove, "")
		}
		if err != nil {
			t.Fatal(err)
		}
		eu, us := cast.Orgs["eu"].ID, cast.Orgs["us"].ID
		pledge := func(as string, eur int64, funder string) string {
			in := pledges.Input{RequirementID: &r.ID, AmountMinor: &eur, Currency: ptr("EUR")}
			if funder != "" {
				in.FunderOrgID = &funder
			}
			p, err := a.Pledges.Create(ctx, cast.Viewer(as), in)
			if err != nil {
				t.Fatal(err)
			}
			return p.ID
		}
		// The EU's own 100,000 proposed; the United States implements
		// 200,000 of EU money, confirmed, 50,000 paid out; its own 30,000
		// confirmed then suspended.
		pledge("donor_eu", 100_000_00, "")
		through := pledge("donor", 200_000_00, eu)
		own := pledge("donor", 30_000_00, "")
		for _, id := range []string{through, own} {
			if _, err := a.Pledges.Confirm(ctx, donor, id); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := a.Pledges.Disburse(ctx, donor, through, pledges.DisbursementInput{AmountMinor: ptr(int64(50_000_00)), Currency: ptr("EUR"), Date: ptr(model.DateOf(now))}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Pledges.Suspend(ctx, donor, own, "frozen"); err != nil {
			t.Fatal(err)
		}

		byDonor, err := a.Reports.Summary(ctx, coordinator, "donor")
		if err != nil {
			t.Fatal(err)
		}
		if byDonor.TotalEURMinor != 300_000_00 || byDonor.PledgedEURMinor != 300_000_00 || byDonor.CommittedEURMinor != 200_000_00 ||
			byDonor.DisbursedEURMinor != 50_000_00 || byDonor.DeliveredEURMinor != 0 {
			t.Fatalf("totals by donor %+v", byDonor)
		}
		if got := rowOf(byDonor.Rows, eu); got.EURMinor != 300_000_00 || got.CommittedEURMinor != 200_000_00 || got.DisbursedEURMinor != 50_000_00 || got.Count != 2 {
			t.Fatalf("the EU, funder of the pass-through, %+v", got)
		}
		if got := rowOf(byDonor.Rows, us); got.EURMinor != 0 || got.PledgedEURMinor != 0 {
			t.Fatalf("the United States by donor %+v: its suspended pledge counts nothing and the pass-through is the EU's", got)
		}
		byImpl, err := a.Reports.Summary(ctx, coordinator, "implementer")
		if err != nil {
			t.Fatal(err)
		}
		if byImpl.TotalEURMinor != byDonor.TotalEURMinor {
			t.Fatalf("by implementer %d, by donor %d: the same euros either way", byImpl.TotalEURMinor, byDonor.TotalEURMinor)
		}
		if got := rowOf(byImpl.Rows, us); got.EURMinor != 200_000_00 || got.DisbursedEURMinor != 50_000_00 {
			t.Fatalf("the United States by implementer %+v", got)
		}
		d, err := a.Reports.Dashboard(ctx, coordinator)
		if err != nil {
			t.Fatal(err)
		}
		if d.PledgedEURMinor != 300_000_00 || d.CommittedEURMinor != 200_000_00 || d.DisbursedEURMinor != 50_000_00 || len(d.ByImplementer) != 2 {
			t.Fatalf("dashboard %+v", d)
		}
		if _, err := a.Reports.Summary(ctx, coordinator, "funder"); err == nil {
			t.Fatal("an unknown grouping was accepted")
		}
	})
}
