package pledges_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/delivery"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

func fieldErr(err error, field, code string) bool {
	var fe *model.FieldError
	return errors.As(err, &fe) && fe.Field == field && (code == "" || fe.Code == code)
}

func TestStages(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		a, cast := apptest.New(t, s, func() time.Time { return now })
		donor, coordinator, requester := cast.Viewer("donor"), cast.Viewer("coordinator"), cast.Viewer("requester")
		requirement := func(eur int64) model.Requirement {
			r, err := a.Requirements.Create(ctx, requester, requirements.Input{
				Title: ptr("Endpoint detection for the energy regulator"), Sector: ptr(model.Sector("energy")),
				Category: ptr(model.Category("edr")), LineOfEffort: ptr(model.LineSupport),
				Priority: ptr(model.PriorityHigh), EstimatedEURMinor: &eur,
				NeededBy: ptr(model.DateOf(now).AddDays(30)), TLP: ptr(model.TLPAmber),
			})
			if err == nil {
				_, err = a.Requirements.Submit(ctx, requester, r.ID)
			}
			if err == nil {
				r, err = a.Requirements.Validate(ctx, cast.Viewer("validator"), r.ID, model.DecisionApprove, "")
			}
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		pledge := func(r model.Requirement, eur int64, confirm bool) model.Pledge {
			p, err := a.Pledges.Create(ctx, donor, pledges.Input{RequirementID: &r.ID, AmountMinor: &eur, Currency: ptr("EUR")})
			if err == nil && confirm {
				p, err = a.Pledges.Confirm(ctx, donor, p.ID)
			}
			if err != nil {
				t.Fatal(err)
			}
			return p.Pledge
		}
		view := func(id string) requirements.View {
			v, err := a.Requirements.Get(ctx, requester, id)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}

		t.Run("suspension reopens the gap and resumes to the status it had", func(t *testing.T) {
			r := requirement(100_000_00)
			p := pledge(r, 100_000_00, true)
			if v := view(r.ID); v.Coverage != model.CoverageCovered {
				t.Fatalf("before suspension the need is %s, want covered", v.Coverage)
			}
			if _, err := a.Pledges.Suspend(ctx, donor, p.ID, "  "); !fieldErr(err, "reason", "") {
				t.Fatalf("suspension without a reason: %v", err)
			}
			if _, err := a.Pledges.Suspend(ctx, cast.Viewer("donor_ee"), p.ID, "frozen"); !errors.Is(err, model.ErrForbidden) {
				t.Fatalf("another donor suspends: %v, want forbidden", err)
			}
			res, err := a.Pledges.Suspend(ctx, donor, p.ID, "Programme frozen by parliament")
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != model.PledgeSuspended || res.SuspendedFrom != model.PledgeConfirmed || res.SuspendReason != "Programme frozen by parliament" || !res.SuspendedOn.Equal(model.DateOf(now)) {
				t.Fatalf("suspended pledge %+v", res.Pledge)
			}
			got, err := a.Pledges.Get(ctx, donor, p.ID)
			if err != nil || got.Status != model.PledgeSuspended || got.SuspendedFrom != model.PledgeConfirmed {
				t.Fatalf("stored suspension: %v %s from %s", err, got.Status, got.SuspendedFrom)
			}
			if v := view(r.ID); v.Coverage != model.CoverageNone || v.PledgedEURMinor != 0 {
				t.Fatalf("while suspended the need is %s with %d pledged, want none and 0", v.Coverage, v.PledgedEURMinor)
			}
			if _, err := a.Pledges.Suspend(ctx, coordinator, p.ID, "again"); !errors.Is(err, model.ErrConflict) {
				t.Fatalf("suspending twice: %v, want conflict", err)
			}
			if _, err := a.Pledges.Confirm(ctx, donor, p.ID); !errors.Is(err, model.ErrConflict) {
				t.Fatalf("confirming a suspended pledge: %v, want conflict", err)
			}
			ns, err := a.Notify.List(ctx, coordinator)
			if err != nil {
				t.Fatal(err)
			}
			told := false
			for _, n := range ns {
				told = told || (n.Kind == model.NotifyPledgeSuspended && n.ObjectID == p.ID)
			}
			if !told {
				t.Fatalf("the coordinator was not told of the suspension: %+v", ns)
			}
			back, err := a.Pledges.Resume(ctx, coordinator, p.ID)
			if err != nil || back.Status != model.PledgeConfirmed || back.SuspendReason != "" || !back.SuspendedOn.IsZero() {
				t.Fatalf("resumed: %v %+v", err, back.Pledge)
			}
			if v := view(r.ID); v.Coverage != model.CoverageCovered {
				t.Fatalf("after resuming the need is %s, want covered", v.Coverage)
			}
			if _, err := a.Pledges.Resume(ctx, donor, p.ID); !errors.Is(err, model.ErrConflict) {
				t.Fatalf("resuming a confirmed pledge: %v, want conflict", err)
			}
			// A suspended pledge may still be withdrawn.
			if _, err := a.Pledges.Suspend(ctx, donor, p.ID, "frozen again"); err != nil {
				t.Fatal(err)
			}
			w, err := a.Pledges.Withdraw(ctx, donor, p.ID)
			if err != nil || w.Status != model.PledgeWithdrawn || w.SuspendedFrom != "" {
				t.Fatalf("withdrawn: %v %+v", err, w.Pledge)
			}
			if _, err := a.Pledges.Suspend(ctx, donor, p.ID, "late"); !errors.Is(err, model.ErrConflict) {
				t.Fatalf("suspending a withdrawn pledge: %v, want conflict", err)
			}
			// A suspended pledge is listed under its own status only.
			list, _, err := a.Pledges.List(ctx, donor, model.PledgeFilter{RequirementID: r.ID, Status: model.PledgeSuspended}, "", 0)
			if err != nil || len(list) != 0 {
				t.Fatalf("suspended filter after withdrawal: %v %d", err, len(list))
			}
		})

		t.Run("suspended is its own status in lists", func(t *testing.T) {
			r := requirement(50_000_00)
			p := pledge(r, 10_000_00, false)
			if _, err := a.Pledges.Suspend(ctx, donor, p.ID, "budget review"); err != nil {
				t.Fatal(err)
			}
			for st, want := range map[model.PledgeStatus]int{model.PledgeSuspended: 1, model.PledgeProposed: 0} {
				list, _, err := a.Pledges.List(ctx, donor, model.PledgeFilter{RequirementID: r.ID, Status: st}, "", 0)
				if err != nil || len(list) != want {
					t.Errorf("status %s: %v, %d pledges, want %d", st, err, len(list), want)
				}
			}
			back, err := a.Pledges.Resume(ctx, donor, p.ID)
			if err != nil || back.Status != model.PledgeProposed {
				t.Fatalf("resumed proposed pledge: %v %s", err, back.Status)
			}
		})

		t.Run("disbursements warn past the pledge's value", func(t *testing.T) {
			r := requirement(200_000_00)
			p := pledge(r, 100_000_00, false)
			one := pledges.DisbursementInput{AmountMinor: ptr(int64(40_000_00)), Currency: ptr("EUR"), Date: ptr(model.DateOf(now)), Note: ptr("first tranche")}
			if _, err := a.Pledges.Disburse(ctx, donor, p.ID, one); !errors.Is(err, model.ErrConflict) {
				t.Fatalf("disbursing on a proposed pledge: %v, want conflict", err)
			}
			if _, err := a.Pledges.Confirm(ctx, donor, p.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Pledges.Disburse(ctx, cast.Viewer("donor_ee"), p.ID, one); !errors.Is(err, model.ErrForbidden) {
				t.Fatalf("another donor disburses: %v, want forbidden", err)
			}
			if _, err := a.Pledges.Disburse(ctx, donor, p.ID, pledges.DisbursementInput{Currency: ptr("EUR"), Date: ptr(model.DateOf(now))}); !fieldErr(err, "amount_minor", "") {
				t.Fatalf("no amount: %v", err)
			}
			if _, err := a.Pledges.Disburse(ctx, donor, p.ID, pledges.DisbursementInput{AmountMinor: ptr(int64(1)), Currency: ptr("EUR"), Date: ptr(model.DateOf(now).AddDays(1))}); !fieldErr(err, "date", "date_in_future") {
				t.Fatalf("a tranche dated tomorrow: %v", err)
			}
			ds, err := a.Pledges.Disburse(ctx, donor, p.ID, one)
			if err != nil || len(ds.Items) != 1 || ds.Pledge.DisbursedEURMinor != 40_000_00 {
				t.Fatalf("first tranche: %v %+v", err, ds)
			}
			// USD 50,000.00 on 28 February 2011 at 1.3834 is EUR 36,142.84.
			usd := pledges.DisbursementInput{AmountMinor: ptr(int64(50_000_00)), Currency: ptr("USD"), Date: ptr(model.NewDate(2011, 2, 28))}
			ds, err = a.Pledges.Disburse(ctx, coordinator, p.ID, usd)
			if err != nil {
				t.Fatal(err)
			}
			if d := ds.Items[0]; d.Currency != "USD" || d.Rate != "1.3834" || d.EURMinor != 36_142_84 || ds.Pledge.DisbursedEURMinor != 76_142_84 {
				t.Fatalf("USD tranche valued %d at %s, pledge disbursed %d", d.EURMinor, d.Rate, ds.Pledge.DisbursedEURMinor)
			}
			over := pledges.DisbursementInput{AmountMinor: ptr(int64(30_000_00)), Currency: ptr("EUR"), Date: ptr(model.DateOf(now))}
			_, err = a.Pledges.Disburse(ctx, donor, p.ID, over)
			if !fieldErr(err, "confirm_over", pledges.CodeOverDisbursed) || !strings.Contains(err.Error(), "106,142.84") {
				t.Fatalf("past the pledge's value: %v, want a warning to confirm", err)
			}
			over.ConfirmOver = true
			ds, err = a.Pledges.Disburse(ctx, donor, p.ID, over)
			if err != nil || len(ds.Items) != 3 || ds.Pledge.DisbursedEURMinor != 106_142_84 {
				t.Fatalf("confirmed over-disbursement: %v %+v", err, ds.Pledge)
			}
			inKind, err := a.Pledges.Create(ctx, donor, pledges.Input{RequirementID: &r.ID, AmountMinor: ptr(int64(5_000_00)), Currency: ptr("EUR"), Kind: ptr(model.PledgeInKind), Description: ptr("Ten firewalls")})
			if err == nil {
				_, err = a.Pledges.Confirm(ctx, donor, inKind.ID)
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Pledges.Disburse(ctx, donor, inKind.ID, one); !fieldErr(err, "kind", "not_money") {
				t.Fatalf("a tranche on in-kind help: %v", err)
			}
			if _, err := a.Pledges.Disbursements(ctx, cast.Viewer("donor_ngo"), p.ID); !errors.Is(err, model.ErrNotFound) {
				t.Fatalf("an NGO not engaged on the AMBER need read the tranches: %v", err)
			}
		})

		t.Run("a funder is another organisation that can give", func(t *testing.T) {
			r := requirement(100_000_00)
			eu := cast.Orgs["eu"].ID
			if _, err := a.Pledges.Create(ctx, donor, pledges.Input{RequirementID: &r.ID, AmountMinor: ptr(int64(1_00)), Currency: ptr("EUR"), FunderOrgID: ptr(cast.Orgs["us"].ID)}); !fieldErr(err, "funder_org_id", "funder_is_donor") {
				t.Fatalf("the donor as its own funder: %v", err)
			}
			if _, err := a.Pledges.Create(ctx, donor, pledges.Input{RequirementID: &r.ID, AmountMinor: ptr(int64(1_00)), Currency: ptr("EUR"), FunderOrgID: ptr("nope")}); !fieldErr(err, "funder_org_id", "") {
				t.Fatalf("an unknown funder: %v", err)
			}
			if _, err := a.Pledges.Create(ctx, donor, pledges.Input{RequirementID: &r.ID, AmountMinor: ptr(int64(1_00)), Currency: ptr("EUR"), FunderOrgID: ptr(r.BeneficiaryOrgID)}); !fieldErr(err, "funder_org_id", "cannot_fund") {
				t.Fatalf("a beneficiary as funder: %v", err)
			}
			p, err := a.Pledges.Create(ctx, donor, pledges.Input{RequirementID: &r.ID, AmountMinor: ptr(int64(60_000_00)), Currency: ptr("EUR"), FunderOrgID: &eu})
			if err != nil || p.FunderOrgID != eu || !p.PassThrough() || p.Funder() != eu {
				t.Fatalf("pass-through pledge: %v %+v", err, p.Pledge)
			}
		})

		t.Run("delivered once every committed pledge is received and none waits", func(t *testing.T) {
			r := requirement(100_000_00)
			first, second := pledge(r, 50_000_00, true), pledge(r, 50_000_00, true)
			today := model.DateOf(now)
			if _, err := a.Delivery.AddMilestone(ctx, donor, first.ID, delivery.MilestoneInput{Kind: ptr(model.MilestoneDelivered), Date: &today}); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Delivery.Receipt(ctx, requester, first.ID, delivery.ReceiptInput{Outcome: ptr(model.ReceiptReceived)}); err != nil {
				t.Fatal(err)
			}
			if v := view(r.ID); v.Status != model.ReqInDelivery {
				t.Fatalf("one of two confirmed pledges received: %s, want in_delivery", v.Status)
			}
			if _, err := a.Pledges.Suspend(ctx, donor, second.ID, "frozen"); err != nil {
				t.Fatal(err)
			}
			if v := view(r.ID); v.Status != model.ReqInDelivery {
				t.Fatalf("the other suspended: %s, want in_delivery (it may be resumed)", v.Status)
			}
			if _, err := a.Pledges.Withdraw(ctx, donor, second.ID); err != nil {
				t.Fatal(err)
			}
			if v := view(r.ID); v.Status != model.ReqDelivered {
				t.Fatalf("the other withdrawn: %s, want delivered", v.Status)
			}
		})
	})
}

func TestDeliveryStage(t *testing.T) {
	mech := func(st model.PledgeStatus) model.Pledge {
		return model.Pledge{Channel: model.ChannelMechanism, Status: st}
	}
	for _, tc := range []struct {
		name    string
		pledges []model.Pledge
		want    model.RequirementStatus
	}{
		{"nothing pledged", nil, model.ReqValidated},
		{"all received", []model.Pledge{mech(model.PledgeReceived), mech(model.PledgeReceived)}, model.ReqDelivered},
		{"received and withdrawn", []model.Pledge{mech(model.PledgeReceived), mech(model.PledgeWithdrawn), mech(model.PledgeRejected)}, model.ReqDelivered},
		{"received and still proposed", []model.Pledge{mech(model.PledgeReceived), mech(model.PledgeProposed)}, model.ReqInDelivery},
		{"received and confirmed", []model.Pledge{mech(model.PledgeReceived), mech(model.PledgeConfirmed)}, model.ReqInDelivery},
		{"received and suspended", []model.Pledge{mech(model.PledgeReceived), mech(model.PledgeSuspended)}, model.ReqInDelivery},
		{"delivered, receipt not confirmed", []model.Pledge{mech(model.PledgeDelivered)}, model.ReqInDelivery},
		{"only confirmed", []model.Pledge{mech(model.PledgeConfirmed)}, model.ReqValidated},
		{"a bilateral report does not wait", []model.Pledge{mech(model.PledgeReceived), {Channel: model.ChannelBilateral, Status: model.PledgeProposed}}, model.ReqDelivered},
	} {
		if got := model.DeliveryStage(tc.pledges); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
