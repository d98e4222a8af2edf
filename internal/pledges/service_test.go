package pledges_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

var now = time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

func TestPledges(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		a, cast := apptest.New(t, s, func() time.Time { return now })
		requirement := func(tlp model.TLP, eur int64) model.Requirement {
			r, err := a.Requirements.Create(ctx, cast.Viewer("requester"), requirements.Input{
				Title: ptr("Satellite terminals for registry continuity"), Sector: ptr(model.Sector("government")),
				Category: ptr(model.Category("satellite_comms")), LineOfEffort: ptr(model.LineSupport),
				Priority: ptr(model.PriorityCritical), EstimatedEURMinor: &eur,
				NeededBy: ptr(model.DateOf(now).AddDays(20)), TLP: &tlp,
			})
			if err == nil {
				_, err = a.Requirements.Submit(ctx, cast.Viewer("requester"), r.ID)
			}
			if err == nil {
				r, err = a.Requirements.Validate(ctx, cast.Viewer("validator"), r.ID, model.DecisionApprove, "")
			}
			if err != nil {
				t.Fatal(err)
			}
			return r
		}

		t.Run("valued at the ECB rate of its date", func(t *testing.T) {
			r := requirement(model.TLPAmber, 1_000_000_00)
			// The ECB's USD rate of 28 February 2011 is 1.3834:
			// USD 250,000.00 / 1.3834 = EUR 180,714.18.
			date := model.NewDate(2011, 2, 28)
			p, err := a.Pledges.Create(ctx, cast.Viewer("donor"), pledges.Input{
				RequirementID: &r.ID, AmountMinor: ptr(int64(250_000_00)), Currency: ptr("USD"), PledgeDate: &date,
			})
			if err != nil {
				t.Fatal(err)
			}
			if p.EURMinor != 180_714_18 || p.Rate != "1.3834" || !p.RateDate.Equal(date) || p.RateProvisional {
				t.Fatalf("pledge valued %d at %s of %s (provisional %v), want 18071418 at 1.3834 of 2011-02-28", p.EURMinor, p.Rate, p.RateDate, p.RateProvisional)
			}
			if p.Status != model.PledgeProposed || p.Review != model.ReviewNotRequired {
				t.Fatalf("a state's pledge starts proposed without review, got %s/%s", p.Status, p.Review)
			}
			// A Sunday takes the Friday before: 2011-02-25, 1.3762.
			sunday := model.NewDate(2011, 2, 27)
			p, err = a.Pledges.Create(ctx, cast.Viewer("donor"), pledges.Input{
				RequirementID: &r.ID, AmountMinor: ptr(int64(250_000_00)), Currency: ptr("USD"), PledgeDate: &sunday,
			})
			if err != nil || p.Rate != "1.3762" || p.RateDate.String() != "2011-02-25" || p.EURMinor != 181_659_64 {
				t.Fatalf("Sunday pledge: %v, valued %d at %s of %s", err, p.EURMinor, p.Rate, p.RateDate)
			}
		})

		t.Run("after the newest rate the value is provisional", func(t *testing.T) {
			r := requirement(model.TLPAmber, 1_000_000_00)
			// The newest rate held is the ECB's of 2026-04-13: USD 1.1684.
			date := model.NewDate(2026, 6, 1)
			p, err := a.Pledges.Create(ctx, cast.Viewer("donor"), pledges.Input{
				RequirementID: &r.ID, AmountMinor: ptr(int64(100_000_00)), Currency: ptr("USD"), PledgeDate: &date,
			})
			if err != nil {
				t.Fatal(err)
			}
			if !p.RateProvisional || p.Rate != "1.1684" || p.RateDate.String() != "2026-04-13" || p.EURMinor != 85_587_13 {
				t.Fatalf("pledge valued %d at %s of %s (provisional %v), want provisional 8558713 at 1.1684 of 2026-04-13", p.EURMinor, p.Rate, p.RateDate, p.RateProvisional)
			}
			b, err := json.Marshal(p)
			if err != nil || !strings.Contains(string(b), `"rate_provisional":true`) || !strings.Contains(string(b), `"eur_minor":8558713`) || !strings.Contains(string(b), `"over_coverage":false`) {
				t.Fatalf("JSON %s (%v)", b, err)
			}
		})

		t.Run("no rate, no pledge", func(t *testing.T) {
			r := requirement(model.TLPAmber, 1_000_000_00)
			for _, tc := range []struct {
				currency    string
				date        model.Date
				field, code string
				says        string
			}{
				{"USD", model.NewDate(1998, 12, 31), "pledge_date", "before_reference_rates", "before 1999-01-04, the ECB's first"},
				// The ECB stopped quoting the rouble on 1 March 2022.
				{"RUB", model.NewDate(2026, 2, 2), "currency", "no_reference_rate", "no euro reference rate for RUB"},
				{"UAH", model.NewDate(2026, 2, 2), "currency", "no_reference_rate", "no euro reference rate for UAH"},
				{"RUB", model.NewDate(2026, 6, 1), "currency", "no_reference_rate", "no euro reference rate for RUB"},
			} {
				_, err := a.Pledges.Create(ctx, cast.Viewer("donor"), pledges.Input{
					RequirementID: &r.ID, AmountMinor: ptr(int64(100_000_00)), Currency: &tc.currency, PledgeDate: &tc.date,
				})
				var fe *model.FieldError
				if !errors.As(err, &fe) || fe.Field != tc.field || fe.Code != tc.code || !strings.Contains(fe.Message, tc.says) {
					t.Errorf("%s on %s: %v, want %s %s saying %q", tc.currency, tc.date, err, tc.field, tc.code, tc.says)
				}
			}
		})

		t.Run("over-coverage is accepted and flagged", func(t *testing.T) {
			r := requirement(model.TLPAmber, 100_000_00)
			first, err := a.Pledges.Create(ctx, cast.Viewer("donor"), pledges.Input{RequirementID: &r.ID, AmountMinor: ptr(int64(80_000_00)), Currency: ptr("EUR")})
			if err != nil || first.OverCoverage {
				t.Fatalf("first pledge: %v, over %v", err, first.OverCoverage)
			}
			second, err := a.Pledges.Create(ctx, cast.Viewer("donor_ee"), pledges.Input{RequirementID: &r.ID, AmountMinor: ptr(int64(30_000_00)), Currency: ptr("EUR")})
			if err != nil || !second.OverCoverage {
				t.Fatalf("second pledge: %v, over %v", err, second.OverCoverage)
			}
			v, _ := a.Requirements.Get(ctx, cast.Viewer("coordinator"), r.ID)
			if v.Coverage != model.CoverageOver || v.PledgedEURMinor != 110_000_00 {
				t.Fatalf("coverage %s (%d)", v.Coverage, v.PledgedEURMinor)
			}
			// Withdrawn pledges stop counting.
			if _, err := a.Pledges.Withdraw(ctx, cast.Viewer("donor_ee"), second.ID); err != nil {
				t.Fatal(err)
			}
			v, _ = a.Requirements.Get(ctx, cast.Viewer("coordinator"), r.ID)
			if v.Coverage != model.CoveragePartial || v.PledgedEURMinor != 80_000_00 {
				t.Fatalf("after withdrawal: coverage %s (%d)", v.Coverage, v.PledgedEURMinor)
			}
		})

		t.Run("a company's pledge waits for the alignment review", func(t *testing.T) {
			r := requirement(model.TLPGreen, 100_000_00)
			p, err := a.Pledges.Create(ctx, cast.Viewer("donor_company"), pledges.Input{RequirementID: &r.ID, AmountMinor: ptr(int64(20_000_00)), Currency: ptr("EUR")})
			if err != nil || p.Review != model.ReviewPending {
				t.Fatalf("create: %v, review %s", err, p.Review)
			}
			if _, err := a.Pledges.Confirm(ctx, cast.Viewer("donor_company"), p.ID); !errors.Is(err, model.ErrConflict) {
				t.Fatalf("confirm before review: %v", err)
			}
			if _, err := a.Pledges.Review(ctx, cast.Viewer("coordinator"), p.ID, model.DecisionApprove, "Fits"); err != nil {
				t.Fatal(err)
			}
			// Changing the pledge after approval asks for a new review.
			changed, err := a.Pledges.Update(ctx, cast.Viewer("donor_company"), p.ID, pledges.Input{AmountMinor: ptr(int64(25_000_00))})
			if err != nil || changed.Review != model.ReviewPending {
				t.Fatalf("update: %v, review %s", err, changed.Review)
			}
			if _, err := a.Pledges.Review(ctx, cast.Viewer("coordinator"), p.ID, model.DecisionApprove, ""); err != nil {
				t.Fatal(err)
			}
			got, err := a.Pledges.Confirm(ctx, cast.Viewer("donor_company"), p.ID)
			if err != nil || got.Status != model.PledgeConfirmed {
				t.Fatalf("confirm after review: %v, %s", err, got.Status)
			}
			if _, err := a.Pledges.Update(ctx, cast.Viewer("donor_company"), p.ID, pledges.Input{AmountMinor: ptr(int64(1))}); !errors.Is(err, model.ErrConflict) {
				t.Fatalf("a confirmed pledge cannot change: %v", err)
			}
		})

		t.Run("a rejected review ends the pledge", func(t *testing.T) {
			r := requirement(model.TLPGreen, 100_000_00)
			p, err := a.Pledges.Create(ctx, cast.Viewer("donor_ngo"), pledges.Input{RequirementID: &r.ID, AmountMinor: ptr(int64(20_000_00)), Currency: ptr("EUR")})
			if err != nil {
				t.Fatal(err)
			}
			got, err := a.Pledges.Review(ctx, cast.Viewer("coordinator"), p.ID, model.DecisionReject, "Outside the mechanism's aims")
			if err != nil || got.Status != model.PledgeRejected {
				t.Fatalf("reject: %v, %s", err, got.Status)
			}
			v, _ := a.Requirements.Get(ctx, cast.Viewer("coordinator"), r.ID)
			if v.PledgedEURMinor != 0 {
				t.Fatalf("a rejected pledge still counts: %d", v.PledgedEURMinor)
			}
		})

		t.Run("bilateral reports are counted apart", func(t *testing.T) {
			r := requirement(model.TLPAmber, 100_000_00)
			if _, err := a.Pledges.Create(ctx, cast.Viewer("donor_ee"), pledges.Input{RequirementID: &r.ID, AmountMinor: ptr(int64(50_000_00)), Currency: ptr("EUR"), Channel: ptr(model.ChannelBilateral)}); err != nil {
				t.Fatal(err)
			}
			v, _ := a.Requirements.Get(ctx, cast.Viewer("coordinator"), r.ID)
			if v.PledgedEURMinor != 0 || v.BilateralEURMinor != 50_000_00 || v.Coverage != model.CoverageNone {
				t.Fatalf("pledged %d bilateral %d coverage %s", v.PledgedEURMinor, v.BilateralEURMinor, v.Coverage)
			}
		})
	})
}
