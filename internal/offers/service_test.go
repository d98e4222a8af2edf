package offers_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/coordination"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

func ptr[T any](v T) *T { return &v }

var now = time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)

func TestOffers(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		a, c := apptest.New(t, s, func() time.Time { return now })
		until := model.DateOf(now).AddDays(30)

		// Valued in euros at the ECB rate, like a pledge.
		usd, err := a.Offers.Create(ctx, c.Viewer("donor"), offers.Input{
			Title: ptr("Budget"), AmountMinor: ptr(int64(100_000_00)), Currency: ptr("USD"), ValidUntil: &until,
		})
		if err != nil {
			t.Fatal(err)
		}
		if usd.EURMinor <= 0 || usd.EURMinor == usd.AmountMinor || usd.Rate == "1" || usd.Review != model.ReviewNotRequired || !usd.Usable {
			t.Fatalf("valued offer %+v", usd)
		}

		// A company's offer awaits review; changing it after approval sends
		// it back; rejecting it closes it.
		co, err := a.Offers.Create(ctx, c.Viewer("donor_company"), offers.Input{
			Title: ptr("EDR seats"), Kind: ptr(model.PledgeInKind), Description: ptr("300 seats"),
			AmountMinor: ptr(int64(9_000_00)), Currency: ptr("EUR"), ValidUntil: &until,
		})
		if err != nil {
			t.Fatal(err)
		}
		if co.Review != model.ReviewPending || co.Usable {
			t.Fatalf("company offer %+v", co)
		}
		if co, err = a.Offers.Review(ctx, c.Viewer("coordinator"), co.ID, model.DecisionApprove, ""); err != nil || !co.Usable {
			t.Fatalf("approved: %+v %v", co, err)
		}
		if co, err = a.Offers.Update(ctx, c.Viewer("donor_company"), co.ID, offers.Input{AmountMinor: ptr(int64(12_000_00))}); err != nil || co.Review != model.ReviewPending {
			t.Fatalf("changed: %+v %v", co, err)
		}
		// Who may read it is part of what was reviewed: a new label alone
		// sends an approved offer back too.
		if co, err = a.Offers.Review(ctx, c.Viewer("coordinator"), co.ID, model.DecisionApprove, ""); err != nil || !co.Usable {
			t.Fatalf("approved again: %+v %v", co, err)
		}
		if co, err = a.Offers.Update(ctx, c.Viewer("donor_company"), co.ID, offers.Input{TLP: ptr(model.TLPClear)}); err != nil || co.Review != model.ReviewPending || co.Usable {
			t.Fatalf("relabelled: %+v %v", co, err)
		}
		if co, err = a.Offers.Review(ctx, c.Viewer("coordinator"), co.ID, model.DecisionReject, "Outside the mechanism's aims"); err != nil || co.Status != model.OfferRejected {
			t.Fatalf("rejected: %+v %v", co, err)
		}
		if _, err := a.Offers.Update(ctx, c.Viewer("donor_company"), co.ID, offers.Input{Title: ptr("Again")}); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("a rejected offer changed: %v", err)
		}

		// A beneficiary does not offer; a RED offer is its named users' only.
		if _, err := a.Offers.Create(ctx, c.Viewer("requester"), offers.Input{}); !errors.Is(err, model.ErrForbidden) {
			t.Fatalf("requester: %v", err)
		}
		red, err := a.Offers.Create(ctx, c.Viewer("donor_ee"), offers.Input{
			Title: ptr("Quiet budget"), AmountMinor: ptr(int64(1_000_00)), Currency: ptr("EUR"), ValidUntil: &until, TLP: ptr(model.TLPRed),
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Offers.Get(ctx, c.Viewer("coordinator"), red.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("coordinator reads a RED offer: %v", err)
		}
		list, _, err := a.Offers.List(ctx, c.Viewer("coordinator"), model.OfferFilter{}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range list {
			if o.ID == red.ID {
				t.Fatal("a RED offer is listed for someone not named on it")
			}
		}

		// What is committed from an offer counts only pledges the viewer
		// may see: an AMBER+STRICT requirement hides its pledge from another
		// member's donor.
		r, err := a.Requirements.Create(ctx, c.Viewer("requester"), requirements.Input{
			Title: ptr("Strict need"), Sector: ptr(model.Sector("energy")), Category: ptr(model.Category("edr")),
			LineOfEffort: ptr(model.LineSupport), Priority: ptr(model.PriorityHigh), EstimatedEURMinor: ptr(int64(50_000_00)),
			TLP: ptr(model.TLPAmberStrict), NeededBy: ptr(model.DateOf(now).AddDays(60)),
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Requirements.Submit(ctx, c.Viewer("requester"), r.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Requirements.Validate(ctx, c.Viewer("validator"), r.ID, model.DecisionApprove, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Coordination.Apply(ctx, c.Viewer("coordinator"), coordination.ApplyInput{Lines: []coordination.ApplyLine{
			{OfferID: usd.ID, RequirementID: r.ID, EURMinor: 10_000_00},
		}}); err != nil {
			t.Fatal(err)
		}
		own, err := a.Offers.Get(ctx, c.Viewer("donor"), usd.ID)
		if err != nil {
			t.Fatal(err)
		}
		other, err := a.Offers.Get(ctx, c.Viewer("donor_ee"), usd.ID)
		if err != nil {
			t.Fatal(err)
		}
		if own.CommittedEURMinor != 10_000_00 || other.CommittedEURMinor != 0 {
			t.Fatalf("committed: donor sees %d, another member %d", own.CommittedEURMinor, other.CommittedEURMinor)
		}
	})
}
