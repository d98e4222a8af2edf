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

// TestChartsReconcileWithHeadlines: for every role, every chart series adds
// up to the headline figure it declares, and the totals the charts state
// are the dashboard's own.
func TestChartsReconcileWithHeadlines(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 10, 9, 0, 0, 0, time.UTC)
		a, cast := apptest.New(t, s, func() time.Time { return now })
		need := func(tlp model.TLP, prio model.Priority, sector model.Sector, region string, eur int64) string {
			in := requirements.Input{
				Title: ptr("Need"), Sector: &sector, Category: ptr(model.Category("edr")), LineOfEffort: ptr(model.LineSupport),
				Priority: &prio, EstimatedEURMinor: &eur, NeededBy: ptr(model.DateOf(now).AddDays(90)), TLP: &tlp,
			}
			if region != "" {
				in.Region = &region
			}
			r, err := a.Requirements.Create(ctx, cast.Viewer("requester"), in)
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
		bilateral := func(as string, eur int64, tlp model.TLP, sector model.Sector, date model.Date) {
			if _, err := a.Pledges.Create(ctx, cast.Viewer(as), pledges.Input{
				AmountMinor: &eur, Currency: ptr("EUR"), Channel: ptr(model.ChannelBilateral), TLP: &tlp,
				BeneficiaryOrgID: ptr(cast.Orgs["power"].ID), Sector: &sector, Category: ptr(model.Category("training")),
				PledgeDate: &date,
			}); err != nil {
				t.Fatal(err)
			}
		}

		clearKyiv := need(model.TLPClear, model.PriorityCritical, "energy", "UA-30", 100_000_00)
		greenLviv := need(model.TLPGreen, model.PriorityHigh, "telecom", "UA-46", 80_000_00)
		amberKyiv := need(model.TLPAmber, model.PriorityHigh, "finance", "UA-30", 50_000_00)
		need(model.TLPAmberStrict, model.PriorityMedium, "water", "", 60_000_00)
		need(model.TLPClear, model.PriorityLow, "health", "UA-12", 20_000_00) // no pledge

		pledge("donor_ee", clearKyiv, 30_000_00, model.TLPClear, model.NewDate(2025, 11, 2))
		pledge("donor", clearKyiv, 90_000_00, model.TLPAmber, model.NewDate(2026, 1, 20)) // over-covers for who sees it
		pledge("donor_eu", greenLviv, 25_000_00, model.TLPGreen, model.NewDate(2026, 2, 3))
		received := pledge("donor", amberKyiv, 50_000_00, model.TLPAmber, model.NewDate(2026, 3, 14))
		gone := pledge("donor_ee", greenLviv, 5_000_00, model.TLPGreen, model.NewDate(2026, 4, 2))
		if _, err := a.Pledges.Withdraw(ctx, cast.Viewer("donor_ee"), gone); err != nil {
			t.Fatal(err)
		}
		bilateral("donor_ee", 7_000_00, model.TLPClear, "energy", model.NewDate(2025, 12, 1))
		bilateral("donor", 12_000_00, model.TLPAmber, "telecom", model.NewDate(2026, 4, 9))

		now = now.AddDate(0, 0, 9)
		k := model.MilestoneDelivered
		if _, err := a.Delivery.AddMilestone(ctx, cast.Viewer("donor"), received, delivery.MilestoneInput{Kind: &k, Date: ptr(model.DateOf(now))}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Delivery.Receipt(ctx, cast.Viewer("requester"), received, delivery.ReceiptInput{Outcome: ptr(model.ReceiptReceived)}); err != nil {
			t.Fatal(err)
		}

		viewers := map[string]policy.Viewer{"anonymous": {}}
		for name := range cast.Users {
			viewers[name] = cast.Viewer(name)
		}
		for name, v := range viewers {
			d, err := a.Reports.Dashboard(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			c, err := a.Reports.Charts(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range reports.Measures {
				if c.Totals[m] != d.Headline(m) {
					t.Errorf("%s: charts state %s = %d, the dashboard %d", name, m, c.Totals[m], d.Headline(m))
				}
			}
			for _, sum := range c.Sums() {
				if sum.Measure == "" {
					t.Errorf("%s: series %s declares no measure", name, sum.Series)
					continue
				}
				if sum.EURMinor != d.Headline(sum.Measure) {
					t.Errorf("%s: series %s adds up to %d, its headline %s is %d", name, sum.Series, sum.EURMinor, sum.Measure, d.Headline(sum.Measure))
				}
			}
			var regionNeed int64
			for _, r := range c.Regions {
				regionNeed += r.Need
				if r.Covered > r.Need {
					t.Errorf("%s: region %s covered %d over its need %d", name, r.Code, r.Covered, r.Need)
				}
			}
			if regionNeed > d.NeedEURMinor {
				t.Errorf("%s: regions' need %d exceeds the validated need %d", name, regionNeed, d.NeedEURMinor)
			}
		}

		// The figures themselves, for three audiences.
		for _, c := range []struct {
			who                             string
			pledged, bilateral, need, cover int64
			kyivNeed, kyivCovered, lviv     int64
		}{
			{"anonymous", 30_000_00, 7_000_00, 120_000_00, 30_000_00, 100_000_00, 30_000_00, 0},
			{"donor_company", 55_000_00, 7_000_00, 200_000_00, 55_000_00, 100_000_00, 30_000_00, 80_000_00},
			{"donor", 195_000_00, 19_000_00, 250_000_00, 175_000_00, 150_000_00, 150_000_00, 80_000_00},
			{"coordinator", 195_000_00, 19_000_00, 310_000_00, 175_000_00, 150_000_00, 150_000_00, 80_000_00},
		} {
			v := viewers[c.who]
			d, err := a.Reports.Dashboard(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			ch, err := a.Reports.Charts(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			if d.PledgedEURMinor != c.pledged || d.BilateralEURMinor != c.bilateral || d.NeedEURMinor != c.need || d.CoveredEURMinor != c.cover {
				t.Errorf("%s headlines pledged %d bilateral %d need %d covered %d, want %d %d %d %d", c.who,
					d.PledgedEURMinor, d.BilateralEURMinor, d.NeedEURMinor, d.CoveredEURMinor, c.pledged, c.bilateral, c.need, c.cover)
			}
			got := map[string]reports.RegionFigures{}
			for _, r := range ch.Regions {
				got[r.Code] = r
			}
			if len(ch.Regions) != len(model.Regions) {
				t.Errorf("%s: %d regions, want every one of %d", c.who, len(ch.Regions), len(model.Regions))
			}
			if k := got["UA-30"]; k.Need != c.kyivNeed || k.Covered != c.kyivCovered {
				t.Errorf("%s: Kyiv %+v, want need %d covered %d", c.who, k, c.kyivNeed, c.kyivCovered)
			}
			if l := got["UA-46"]; l.Need != c.lviv {
				t.Errorf("%s: Lviv %+v, want need %d", c.who, l, c.lviv)
			}
		}
	})
}
