package demo_test

import (
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// checkHistory: the demo's records are spread over two years in the order
// they would have happened, and the audit log tells them in that order.
func checkHistory(t *testing.T, a *app.App, s store.Store) {
	t.Helper()
	ctx := t.Context()
	from, to := time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	reqs, err := s.ListRequirements(ctx, model.RequirementFilter{}, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]model.Requirement{}
	moments := map[time.Time]bool{}
	months := map[string]bool{}
	for _, r := range reqs {
		byID[r.ID] = r
		moments[r.CreatedAt] = true
		months[r.CreatedAt.Format("2006-01")] = true
		if r.CreatedAt.Before(from) || r.CreatedAt.After(to) {
			t.Errorf("%s created %s, outside the history", r.Ref, r.CreatedAt)
		}
		if r.ValidatedAt != nil && !r.ValidatedAt.After(r.CreatedAt) {
			t.Errorf("%s validated %s, not after its creation %s", r.Ref, r.ValidatedAt, r.CreatedAt)
		}
	}
	if len(moments) != len(reqs) || len(months) < 10 {
		t.Errorf("%d requirements created at %d moments in %d months; want each its own, over the two years", len(reqs), len(moments), len(months))
	}

	pl, err := s.ListPledges(ctx, model.PledgeFilter{}, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	pledgeMonths := map[string]bool{}
	for _, p := range pl {
		pledgeMonths[p.PledgeDate.String()[:7]] = true
		if !p.PledgeDate.Equal(model.DateOf(p.CreatedAt)) {
			t.Errorf("pledge %s dated %s but made %s", p.ID, p.PledgeDate, p.CreatedAt)
		}
		if p.RequirementID == "" {
			continue
		}
		r := byID[p.RequirementID]
		if r.ValidatedAt == nil || !p.CreatedAt.After(*r.ValidatedAt) {
			t.Errorf("pledge %s made %s on %s, validated %v: a pledge comes after validation", p.ID, p.CreatedAt, r.Ref, r.ValidatedAt)
		}
		ms, err := s.Milestones(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var delivered model.Date
		for _, m := range ms {
			if m.Date.Before(p.PledgeDate) || m.CreatedAt.Before(p.CreatedAt) {
				t.Errorf("milestone %s of pledge %s on %s (recorded %s), before the pledge of %s", m.Kind, p.ID, m.Date, m.CreatedAt, p.PledgeDate)
			}
			if m.Kind == model.MilestoneDelivered {
				delivered = m.Date
			}
		}
		rcs, err := s.Receipts(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, rc := range rcs {
			if delivered.IsZero() || !delivered.Before(model.DateOf(rc.At)) {
				t.Errorf("receipt of pledge %s at %s, delivered %s: a receipt comes after delivery", p.ID, rc.At, delivered)
			}
		}
	}
	if len(pledgeMonths) < 15 {
		t.Errorf("pledges in %d months, want them spread over the two years", len(pledgeMonths))
	}

	// The audit log tells the history in time order.
	var last time.Time
	var after int64
	for {
		evs, err := s.ListAuditEvents(ctx, model.AuditFilter{}, after, 500)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			break
		}
		for _, e := range evs {
			if e.At.Before(last) {
				t.Fatalf("audit event %d at %s, before the one ahead of it at %s", e.Seq, e.At, last)
			}
			last, after = e.At, e.Seq
		}
	}

	// Lead times mean something: one per requirement, none of them nought.
	c, err := a.Reports.Charts(ctx, coordinator(t, a))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, lt := range c.LeadTimes {
		if seen[lt.RequirementID] {
			t.Errorf("%s has two lead times", lt.Ref)
		}
		seen[lt.RequirementID] = true
		if lt.ToFirstPledge <= 0 || lt.ToReceipt <= 0 {
			t.Errorf("%s lead times %d and %d days, want both after the day", lt.Ref, lt.ToFirstPledge, lt.ToReceipt)
		}
	}
	if len(c.LeadTimes) < 5 {
		t.Errorf("%d lead times, want the demo's deliveries", len(c.LeadTimes))
	}
	if len(c.Cumulative) < 15 {
		t.Errorf("cumulative chart over %d months, want the two years", len(c.Cumulative))
	}
}
