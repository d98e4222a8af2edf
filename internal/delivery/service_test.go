package delivery_test

import (
	"context"
	"errors"
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

func ptr[T any](v T) *T { return &v }

// TestDeliveryToReceipt follows one requirement with two pledges from
// validation to closure, the clock moving on between steps so that the
// recorded lead times mean something.
func TestDeliveryToReceipt(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
		a, cast := apptest.New(t, s, func() time.Time { return now })
		later := func(days int) { now = now.AddDate(0, 0, days) }
		requester := cast.Viewer("requester")

		r, err := a.Requirements.Create(ctx, requester, requirements.Input{
			Title: ptr("Satellite terminals"), Sector: ptr(model.Sector("telecom")), Category: ptr(model.Category("satellite_comms")),
			LineOfEffort: ptr(model.LineSupport), Priority: ptr(model.PriorityCritical), EstimatedEURMinor: ptr(int64(50_000_00)),
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
		later(3)
		pledge := func(as string) string {
			v := cast.Viewer(as)
			p, err := a.Pledges.Create(ctx, v, pledges.Input{RequirementID: &r.ID, AmountMinor: ptr(int64(25_000_00)), Currency: ptr("EUR")})
			if err == nil {
				_, err = a.Pledges.Confirm(ctx, v, p.ID)
			}
			if err != nil {
				t.Fatal(err)
			}
			return p.ID
		}
		first, second := pledge("donor"), pledge("donor_ee")
		wantStatus := func(pledgeID string, ps model.PledgeStatus, rs model.RequirementStatus) {
			t.Helper()
			p, err := s.PledgeByID(ctx, pledgeID)
			if err != nil {
				t.Fatal(err)
			}
			req, err := s.RequirementByID(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if p.Status != ps || req.Status != rs {
				t.Fatalf("pledge %s, requirement %s; want %s, %s", p.Status, req.Status, ps, rs)
			}
		}
		step := func(v string, id string, k model.MilestoneKind) error {
			_, err := a.Delivery.AddMilestone(ctx, cast.Viewer(v), id, delivery.MilestoneInput{Kind: &k, Date: ptr(model.DateOf(now))})
			return err
		}
		receipt := func(id string, o model.ReceiptOutcome, note string) (delivery.Track, error) {
			return a.Delivery.Receipt(ctx, requester, id, delivery.ReceiptInput{Outcome: &o, Note: &note})
		}

		if err := step("donor", first, model.MilestonePlanned); err != nil {
			t.Fatal(err)
		}
		wantStatus(first, model.PledgeConfirmed, model.ReqValidated)
		later(5)
		if err := step("donor", first, model.MilestoneOrdered); err != nil {
			t.Fatal(err)
		}
		wantStatus(first, model.PledgeInDelivery, model.ReqInDelivery)
		if err := step("coordinator", first, model.MilestoneDelivered); err != nil {
			t.Fatal(err)
		}
		wantStatus(first, model.PledgeDelivered, model.ReqInDelivery)
		if err := step("donor", second, model.MilestoneDelivered); !errors.Is(err, model.ErrForbidden) {
			t.Fatalf("a donor records another's delivery: %v, want forbidden", err)
		}
		if err := step("donor_ee", second, model.MilestoneDelivered); err != nil {
			t.Fatal(err)
		}

		later(2)
		if _, err := receipt(first, model.ReceiptReceived, ""); err != nil {
			t.Fatal(err)
		}
		// One pledge of two is received: the requirement is still in delivery.
		wantStatus(first, model.PledgeReceived, model.ReqInDelivery)
		if _, err := a.Delivery.Close(ctx, requester, r.ID); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("close before delivery: %v, want a conflict", err)
		}

		if _, err := receipt(second, model.ReceiptProblem, "Two terminals arrived broken"); err != nil {
			t.Fatal(err)
		}
		wantStatus(second, model.PledgeInDelivery, model.ReqInDelivery)
		later(4)
		if err := step("donor_ee", second, model.MilestoneDelivered); err != nil {
			t.Fatal(err)
		}
		tr, err := receipt(second, model.ReceiptReceived, "Replacements work")
		if err != nil {
			t.Fatal(err)
		}
		wantStatus(second, model.PledgeReceived, model.ReqDelivered)
		if len(tr.Receipts) != 2 || len(tr.Milestones) != 2 {
			t.Fatalf("track has %d receipts and %d milestones, want 2 and 2", len(tr.Receipts), len(tr.Milestones))
		}
		got := tr.Receipts[1]
		if got.ValidatedAt == nil || got.FirstPledgeAt == nil ||
			model.LeadDays(got.ValidatedAt, *got.FirstPledgeAt) != 3 || model.LeadDays(got.FirstPledgeAt, got.At) != 11 {
			t.Fatalf("lead times not recorded as 3 and 11 days: %+v", got)
		}

		if _, err := a.Delivery.Close(ctx, cast.Viewer("requester2"), r.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("another beneficiary closes an amber requirement: %v, want not found", err)
		}
		closed, err := a.Delivery.Close(ctx, requester, r.ID)
		if err != nil || closed.Status != model.ReqClosed {
			t.Fatalf("close: %v, %s", err, closed.Status)
		}
		if err := step("donor", first, model.MilestoneShipped); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("milestone after receipt: %v, want a conflict", err)
		}

		// Every change is in the audit log, in its own transaction.
		events, err := s.ListAuditEvents(ctx, model.AuditFilter{}, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, e := range events {
			count[e.Action]++
		}
		for action, n := range map[string]int{
			"pledge.milestone": 5, "pledge.receipt_received": 2, "pledge.receipt_problem": 1, "pledge.receipt": 3,
			"requirement.in_delivery": 1, "requirement.delivered": 1, "requirement.closed": 1,
		} {
			if count[action] != n {
				t.Errorf("%d %s events, want %d", count[action], action, n)
			}
		}
		if rep, err := a.Audit.Verify(ctx, cast.Viewer("admin")); err != nil || !rep.OK {
			t.Fatalf("audit chain: %+v, %v", rep, err)
		}
	})
}

// TestFailedReceiptLeavesNothing: a refused command writes neither the
// receipt nor its event.
func TestFailedReceiptLeavesNothing(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		a, cast := apptest.New(t, s, func() time.Time { return time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC) })
		o := model.ReceiptReceived
		if _, err := a.Delivery.Receipt(ctx, cast.Viewer("requester"), "nope", delivery.ReceiptInput{Outcome: &o}); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("receipt of a missing pledge: %v", err)
		}
		if _, err := a.Delivery.Receipt(ctx, cast.Viewer("donor"), "nope", delivery.ReceiptInput{Outcome: &o}); !errors.Is(err, model.ErrForbidden) {
			t.Fatalf("receipt by a donor: %v", err)
		}
		rs, err := s.Receipts(ctx, "")
		if err != nil || len(rs) != 0 {
			t.Fatalf("receipts %v, %v; want none", rs, err)
		}
	})
}
