package coordination_test

import (
	"slices"
	"testing"

	"github.com/cyberaid/cyberaid/internal/coordination"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

func alertsOf(t *testing.T, w *world, kind model.AlertKind, reqID string) []coordination.Alert {
	t.Helper()
	all, err := w.a.Coordination.Alerts(w.ctx, w.c.Viewer("coordinator"), coordination.AlertFilter{Kind: kind})
	if err != nil {
		t.Fatal(err)
	}
	var out []coordination.Alert
	for _, a := range all {
		if a.RequirementID == reqID {
			out = append(out, a)
		}
	}
	return out
}

func TestSuspendedPledgeReopensTheGap(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		w := newWorld(t, s)
		coord := w.c.Viewer("coordinator")
		id := w.need("frozen", "energy", model.PriorityCritical, 50_000_00, model.TLPAmber)
		p := w.pledge("donor", id, 50_000_00, nil)
		if got := alertsOf(t, w, model.AlertGap, id); len(got) != 0 {
			t.Fatalf("a covered need has a gap: %+v", got)
		}
		if _, err := w.a.Pledges.Suspend(w.ctx, w.c.Viewer("donor"), p.ID, "Programme frozen"); err != nil {
			t.Fatal(err)
		}
		sus := alertsOf(t, w, model.AlertSuspended, id)
		if len(sus) != 1 || !slices.Equal(sus[0].PledgeIDs, []string{p.ID}) || sus[0].EURMinor != 50_000_00 {
			t.Fatalf("suspended alerts %+v", sus)
		}
		if gap := alertsOf(t, w, model.AlertGap, id); len(gap) != 1 || gap[0].EURMinor != 50_000_00 {
			t.Fatalf("the suspended pledge's gap %+v", gap)
		}
		// The allocation plan treats the gap as open.
		w.offer("donor_ee", 50_000_00, "energy")
		plan, err := w.a.Coordination.Preview(w.ctx, coord, coordination.PlanInput{})
		if err != nil {
			t.Fatal(err)
		}
		var planned int64
		for _, l := range plan.Lines {
			if l.RequirementID == id {
				planned += l.EURMinor
			}
		}
		if planned != 50_000_00 {
			t.Fatalf("planned %d on the reopened gap, want 5000000", planned)
		}
		if _, err := w.a.Pledges.Resume(w.ctx, coord, p.ID); err != nil {
			t.Fatal(err)
		}
		if got := alertsOf(t, w, model.AlertSuspended, id); len(got) != 0 {
			t.Fatalf("a resumed pledge is still listed: %+v", got)
		}
	})
}

func TestPassThroughOverlap(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		w := newWorld(t, s)
		id := w.need("grant", "telecom", model.PriorityHigh, 100_000_00, model.TLPAmber)
		eu := w.c.Orgs["eu"].ID
		own := w.pledge("donor_eu", id, 40_000_00, nil)
		through := w.pledge("donor", id, 40_000_00, func(in *pledges.Input) { in.FunderOrgID = &eu })
		// Another donor's own pledge is no overlap.
		w.pledge("donor_ee", id, 10_000_00, nil)
		got := alertsOf(t, w, model.AlertPassThroughOverlap, id)
		if len(got) != 1 {
			t.Fatalf("pass-through alerts %+v", got)
		}
		a := got[0]
		if !slices.Equal(a.PledgeIDs, []string{own.ID, through.ID}) || a.EURMinor != 80_000_00 || a.Key != "pass_through_overlap:"+id+":"+own.ID+":"+through.ID {
			t.Fatalf("alert %+v", a)
		}
		if !slices.Contains(a.DonorOrgIDs, eu) || !slices.Contains(a.DonorOrgIDs, w.c.Orgs["us"].ID) {
			t.Fatalf("donors %v", a.DonorOrgIDs)
		}
	})
}
