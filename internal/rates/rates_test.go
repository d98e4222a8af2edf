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
