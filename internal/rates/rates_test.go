package rates_test

import (
	"context"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/rates"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// usd returns the ECB's real USD rates: those up to and including day, or
// those after it.
func usd(t *testing.T, after bool, day model.Date) []model.Rate {
	t.Helper()
	all, err := money.BundledRates()
	must(t, err)
	var out []model.Rate
	for _, r := range all {
		if r.Currency == "USD" && day.Before(r.Date) == after {
			out = append(out, r)
		}
	}
	return out
}

// TestImportRevaluesProvisionalValues: the platform holds the ECB's rates up
// to 2026-04-01; values dated later are provisional at that day's rate. The
// import of the rates up to 2026-04-13 takes each again at the rate of its
// own date, in one transaction, each change audited.
func TestImportRevaluesProvisionalValues(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		cutoff := model.NewDate(2026, 4, 1)
		_, err := s.PutRates(ctx, usd(t, false, cutoff))
		must(t, err)
		donor := model.Organisation{Name: "United States", Kind: model.KindState, Participation: model.Member, Country: "US"}
		ben := model.Organisation{Name: "Ukraine", Kind: model.KindState, Participation: model.Member, Country: "UA"}
		must(t, s.CreateOrganisation(ctx, &donor))
		must(t, s.CreateOrganisation(ctx, &ben))

		pledge := func(day model.Date) model.Pledge {
			t.Helper()
			v, err := pledges.Value(ctx, s, 100_000_00, "USD", day, "pledge_date")
			must(t, err)
			p := model.Pledge{
				DonorOrgID: donor.ID, BeneficiaryOrgID: ben.ID, Sector: "energy", Category: "edr", AmountMinor: 100_000_00, Currency: "USD",
				EURMinor: v.EURMinor, Rate: v.Rate, RateDate: v.RateDate, RateProvisional: v.Provisional, PledgeDate: day,
				Kind: model.PledgeMoney, Channel: model.ChannelBilateral, Status: model.PledgeConfirmed, Review: model.ReviewNotRequired, TLP: model.TLPGreen,
			}
			must(t, s.CreatePledge(ctx, &p))
			return p
		}
		// 2026-04-10, after the newest rate: provisional at the USD rate of
		// 2026-04-01, 1.1605 (EUR 86,169.75).
		april10 := pledge(model.NewDate(2026, 4, 10))
		if !april10.RateProvisional || april10.Rate != "1.1605" || april10.RateDate != cutoff || april10.EURMinor != 86_169_75 {
			t.Fatalf("provisional pledge %+v", april10)
		}
		june := pledge(model.NewDate(2026, 6, 1))
		settled := pledge(model.NewDate(2011, 2, 28))
		if settled.RateProvisional || settled.EURMinor != 72_285_67 {
			t.Fatalf("pledge of 2011-02-28 %+v", settled)
		}
		v, err := pledges.Value(ctx, s, 50_000_00, "USD", model.NewDate(2026, 4, 8), "offer_date")
		must(t, err)
		o := model.Offer{
			DonorOrgID: donor.ID, Title: "EDR licences", Kind: model.PledgeMoney, AmountMinor: 50_000_00, Currency: "USD",
			EURMinor: v.EURMinor, Rate: v.Rate, RateDate: v.RateDate, RateProvisional: v.Provisional, OfferDate: model.NewDate(2026, 4, 8),
			ValidUntil: model.NewDate(2026, 12, 31), Status: model.OfferOpen, Review: model.ReviewNotRequired, TLP: model.TLPGreen,
		}
		must(t, s.CreateOffer(ctx, &o))

		now := time.Date(2026, 4, 14, 16, 0, 0, 0, time.UTC)
		res, err := rates.Import(ctx, s, usd(t, true, cutoff), now, audit.Actor{})
		must(t, err)
		if res != (rates.Result{Rates: 6, Pledges: 2, Offers: 1, Provisional: 1}) {
			t.Fatalf("result %+v", res)
		}
		// 2026-04-10 at 1.1711: EUR 85,389.80, no longer provisional.
		got, err := s.PledgeByID(ctx, april10.ID)
		must(t, err)
		if got.RateProvisional || got.Rate != "1.1711" || got.RateDate.String() != "2026-04-10" || got.EURMinor != 85_389_80 {
			t.Errorf("after the import %+v", got)
		}
		// 2026-06-01 still provisional, now at the rate of 2026-04-13, 1.1684.
		got, err = s.PledgeByID(ctx, june.ID)
		must(t, err)
		if !got.RateProvisional || got.Rate != "1.1684" || got.RateDate.String() != "2026-04-13" || got.EURMinor != 85_587_13 {
			t.Errorf("after the import %+v", got)
		}
		// The offer of 2026-04-08 at 1.1706: EUR 42,713.14.
		gotOffer, err := s.OfferByID(ctx, o.ID)
		must(t, err)
		if gotOffer.RateProvisional || gotOffer.Rate != "1.1706" || gotOffer.EURMinor != 42_713_14 {
			t.Errorf("offer after the import %+v", gotOffer)
		}
		evs, err := s.ListAuditEvents(ctx, model.AuditFilter{}, 0, 0)
		must(t, err)
		actions := map[string]int{}
		for _, e := range evs {
			actions[e.Action]++
		}
		if actions["pledge.revalue"] != 2 || actions["offer.revalue"] != 1 {
			t.Errorf("audit events %v, want one per revaluation", actions)
		}

		// Importing the same rates again changes nothing.
		res, err = rates.Import(ctx, s, usd(t, true, cutoff), now, audit.Actor{})
		must(t, err)
		if res.Pledges != 0 || res.Offers != 0 || res.Provisional != 1 {
			t.Errorf("again: %+v", res)
		}
	})
}

// TestImportRevaluesTranches: tranches paid after the newest rate are
// valued provisionally; the import takes each again at the rate of its own
// date, the pledge's disbursed sum follows, and each change is audited.
func TestImportRevaluesTranches(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		cutoff := model.NewDate(2026, 4, 1)
		_, err := s.PutRates(ctx, usd(t, false, cutoff))
		must(t, err)
		donor := model.Organisation{Name: "United States", Kind: model.KindState, Participation: model.Member, Country: "US"}
		ben := model.Organisation{Name: "Ukraine", Kind: model.KindState, Participation: model.Member, Country: "UA"}
		must(t, s.CreateOrganisation(ctx, &donor))
		must(t, s.CreateOrganisation(ctx, &ben))
		p := model.Pledge{
			DonorOrgID: donor.ID, BeneficiaryOrgID: ben.ID, Sector: "energy", Category: "edr", AmountMinor: 300_000_00, Currency: "EUR",
			EURMinor: 300_000_00, Rate: "1", RateDate: model.NewDate(2011, 2, 1), PledgeDate: model.NewDate(2011, 2, 1),
			Kind: model.PledgeMoney, Channel: model.ChannelBilateral, Status: model.PledgeConfirmed, Review: model.ReviewNotRequired, TLP: model.TLPGreen,
		}
		must(t, s.CreatePledge(ctx, &p))
		payer := model.User{OrgID: donor.ID, Email: "treasury@state.example", Name: "Treasury", Roles: []model.Role{model.RoleDonor}}
		must(t, s.CreateUser(ctx, &payer))
		tranche := func(day model.Date) model.Disbursement {
			t.Helper()
			v, err := pledges.Value(ctx, s, 100_000_00, "USD", day, "date")
			must(t, err)
			d := model.Disbursement{PledgeID: p.ID, AmountMinor: 100_000_00, Currency: "USD", EURMinor: v.EURMinor, Rate: v.Rate,
				RateDate: v.RateDate, RateProvisional: v.Provisional, Date: day, CreatedBy: payer.ID}
			must(t, s.AddDisbursement(ctx, &d))
			p.DisbursedEURMinor += d.EURMinor
			return d
		}
		april10 := tranche(model.NewDate(2026, 4, 10))
		june := tranche(model.NewDate(2026, 6, 1))
		settled := tranche(model.NewDate(2011, 2, 28))
		if !april10.RateProvisional || april10.EURMinor != 86_169_75 || settled.RateProvisional || settled.EURMinor != 72_285_67 {
			t.Fatalf("tranches before the import: %+v %+v", april10, settled)
		}
		must(t, s.UpdatePledge(ctx, &p))
		if p.DisbursedEURMinor != 2*86_169_75+72_285_67 {
			t.Fatalf("disbursed %d", p.DisbursedEURMinor)
		}

		now := time.Date(2026, 4, 14, 16, 0, 0, 0, time.UTC)
		res, err := rates.Import(ctx, s, usd(t, true, cutoff), now, audit.Actor{})
		must(t, err)
		if res != (rates.Result{Rates: 6, Tranches: 2, Provisional: 1}) {
			t.Fatalf("result %+v", res)
		}
		ds, err := s.Disbursements(ctx, p.ID)
		must(t, err)
		byID := map[string]model.Disbursement{}
		for _, d := range ds {
			byID[d.ID] = d
		}
		// 2026-04-10 at 1.1711: EUR 85,389.80, no longer provisional.
		if d := byID[april10.ID]; d.RateProvisional || d.Rate != "1.1711" || d.RateDate.String() != "2026-04-10" || d.EURMinor != 85_389_80 {
			t.Errorf("tranche of 2026-04-10 after the import %+v", d)
		}
		// 2026-06-01 still provisional, at the rate of 2026-04-13, 1.1684.
		if d := byID[june.ID]; !d.RateProvisional || d.Rate != "1.1684" || d.RateDate.String() != "2026-04-13" || d.EURMinor != 85_587_13 {
			t.Errorf("tranche of 2026-06-01 after the import %+v", d)
		}
		if d := byID[settled.ID]; d != settled {
			t.Errorf("the settled tranche changed: %+v", d)
		}
		got, err := s.PledgeByID(ctx, p.ID)
		must(t, err)
		if want := int64(85_389_80 + 85_587_13 + 72_285_67); got.DisbursedEURMinor != want || got.EURMinor != 300_000_00 {
			t.Errorf("pledge disbursed %d (value %d), want %d", got.DisbursedEURMinor, got.EURMinor, want)
		}
		evs, err := s.ListAuditEvents(ctx, model.AuditFilter{}, 0, 0)
		must(t, err)
		actions := map[string]int{}
		for _, e := range evs {
			if e.ObjectID == p.ID {
				actions[e.Action]++
			}
		}
		if actions["pledge.tranche_revalue"] != 2 || actions["pledge.revalue"] != 1 {
			t.Errorf("audit events %v, want one per tranche and one for the pledge's sum", actions)
		}
		if rep, err := audit.Verify(ctx, s); err != nil || !rep.OK {
			t.Errorf("the audit chain after the import: %+v %v", rep, err)
		}

		res, err = rates.Import(ctx, s, usd(t, true, cutoff), now, audit.Actor{})
		must(t, err)
		if res.Tranches != 0 || res.Pledges != 0 || res.Provisional != 1 {
			t.Errorf("again: %+v", res)
		}
	})
}
