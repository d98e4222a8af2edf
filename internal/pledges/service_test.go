package pledges_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
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
			date := model.NewDate(2025, 3, 10)
			p, err := a.Pledges.Create(ctx, cast.Viewer("donor"), pledges.Input{
				RequirementID: &r.ID, AmountMinor: ptr(int64(250_000_00)), Currency: ptr("USD"), PledgeDate: &date,
			})
			if err != nil {
				t.Fatal(err)
			}
			rate, err := s.RateOnOrBefore(ctx, "USD", date)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := money.ToEUR(250_000_00, "USD", rate.Rate)
			if p.EURMinor != want || p.Rate != rate.Rate || !p.RateDate.Equal(rate.Date) || p.RateDate.Time().After(date.Time()) {
				t.Fatalf("pledge valued %d at %s of %s, want %d at %s of %s", p.EURMinor, p.Rate, p.RateDate, want, rate.Rate, rate.Date)
			}
			if p.Status != model.PledgeProposed || p.Review != model.ReviewNotRequired {
				t.Fatalf("a state's pledge starts proposed without review, got %s/%s", p.Status, p.Review)
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
