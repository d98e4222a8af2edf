package coordination_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/coordination"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/organisations"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestFindingsFoundAgainWhereChanged: after a change, the coordinator's
// kept findings are computed again only in the range of requirements the
// change touched, and everywhere after a change that may touch any
// requirement: a bilateral report on no requirement, an organisation, a
// new day. The alerts are those of every record each time.
// (TestAlertsEqualEveryRecord compares them after every kind of change.)
func TestFindingsFoundAgainWhereChanged(t *testing.T) {
	defer coordination.SetFindingsBatch(2)()
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		w := newWorld(t, s)
		coordinator := w.c.Viewer("coordinator")
		computed := func(step string) int64 {
			t.Helper()
			before := coordination.FindingsRangesComputed(w.a.Coordination)
			alertsAsEveryRecord(t, w, coordinator, step)
			return coordination.FindingsRangesComputed(w.a.Coordination) - before
		}
		pledge := func(as, req string) model.Pledge {
			t.Helper()
			p, err := w.a.Pledges.Create(w.ctx, w.c.Viewer(as), pledges.Input{RequirementID: &req, AmountMinor: ptr(int64(30_000_00)), Currency: ptr("EUR")})
			if err != nil {
				t.Fatal(err)
			}
			return p.Pledge
		}
		var ids []string
		for i := range 9 {
			ids = append(ids, w.need(fmt.Sprint(i), "energy", model.PriorityHigh, 100_000_00, model.TLPGreen))
		}
		// A RED need the coordinator may not see, on which a donor of its
		// own organisation pledges: that pledge, once stale, is a finding
		// though its requirement is hidden.
		hidden, err := w.a.Requirements.Create(w.ctx, w.c.Viewer("requester"), requirements.Input{
			Title: ptr("Need hidden"), Description: ptr("For the tests"), Sector: ptr(model.Sector("energy")), Category: ptr(model.Category("edr")),
			LineOfEffort: ptr(model.LineSupport), Priority: ptr(model.PriorityHigh), EstimatedEURMinor: ptr(int64(100_000_00)),
			NeededBy: ptr(model.DateOf(w.now).AddDays(90)), TLP: ptr(model.TLPRed),
			NamedUserIDs: &[]string{w.c.Users["validator"].ID, w.c.Users["donor_ee"].ID},
		})
		if err == nil {
			_, err = w.a.Requirements.Submit(w.ctx, w.c.Viewer("requester"), hidden.ID)
		}
		if err == nil {
			_, err = w.a.Requirements.Validate(w.ctx, w.c.Viewer("validator"), hidden.ID, model.DecisionApprove, "")
		}
		if err != nil {
			t.Fatal(err)
		}
		own := pledge("donor_ee", hidden.ID)
		pledge("donor", ids[2])
		w.now = w.now.AddDate(0, 0, 20)

		all := computed("first reading")
		if all < 5 {
			t.Fatalf("the first reading computed %d ranges, want at least 5", all)
		}
		got, err := w.a.Coordination.Alerts(w.ctx, coordinator, coordination.AlertFilter{Kind: model.AlertStalePledge})
		if err != nil || len(got) != 2 {
			t.Fatalf("want two stale pledges, one on a requirement hidden from the coordinator; got %v (%v)", keysOf(got), err)
		}
		pledge("donor", ids[4])
		if n := computed("after a pledge"); n != 1 {
			t.Errorf("after a pledge on one requirement, %d ranges were computed again, want 1", n)
		}
		if n := computed("with nothing changed"); n != 0 {
			t.Errorf("with nothing changed, %d ranges were computed again, want none", n)
		}
		if _, err := w.a.Requirements.Share(w.ctx, coordinator, ids[1], []string{w.c.Orgs["company"].ID}); err != nil {
			t.Fatal(err)
		}
		if n := computed("after a share"); n != 1 {
			t.Errorf("after a requirement was shared, %d ranges were computed again, want 1", n)
		}
		if _, err := w.a.Coordination.Acknowledge(w.ctx, coordinator, "gap:"+ids[7], "Seen"); err != nil {
			t.Fatal(err)
		}
		if n := computed("after an acknowledgement"); n != 0 {
			t.Errorf("after an acknowledgement, %d ranges were computed again, want none", n)
		}
		// Two ranges apart changed at once: each computed again in its
		// place, so that a later change to the second finds its own.
		pledge("donor", ids[1])
		pledge("donor", ids[7])
		if n := computed("after pledges in two ranges"); n != 2 {
			t.Errorf("after pledges on two requirements four apart, %d ranges were computed again, want 2", n)
		}
		pledge("donor", ids[7])
		if n := computed("after another pledge in the second range"); n != 1 {
			t.Errorf("after another pledge, %d ranges were computed again, want 1", n)
		}
		// The stale pledge of the coordinator's organisation moves, by a
		// statement of its own, from the hidden need to one the
		// coordinator sees: found once, with that need.
		err = s.InTx(w.ctx, func(q store.Queries) error {
			own.RequirementID = ids[0]
			return q.UpdatePledge(w.ctx, &own)
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := computed("after the pledge moved"); n < 1 || n > 2 {
			t.Errorf("after a pledge moved, %d ranges were computed again, want 1 or 2", n)
		}
		w.need("new", "energy", model.PriorityHigh, 100_000_00, model.TLPGreen)
		if n := computed("after a new requirement"); n < 1 || n > 2 {
			t.Errorf("after a new requirement, %d ranges were computed again, want 1 or 2 (the newest range, grown past its size)", n)
		}
		kept := coordination.KeptFindingsRanges(w.a.Coordination, coordinator)
		for i := range 6 {
			w.need(fmt.Sprint("new ", i), "energy", model.PriorityHigh, 100_000_00, model.TLPGreen)
			computed(fmt.Sprintf("after new requirement %d", i+1))
		}
		if grown := coordination.KeptFindingsRanges(w.a.Coordination, coordinator) - kept; grown > 4 {
			t.Errorf("six new requirements, two a range, made %d ranges more, want at most 4", grown)
		}
		all = int64(coordination.KeptFindingsRanges(w.a.Coordination, coordinator))
		_, err = w.a.Pledges.Create(w.ctx, w.c.Viewer("donor"), pledges.Input{
			Channel: ptr(model.ChannelBilateral), BeneficiaryOrgID: ptr(w.c.Orgs["ssscip"].ID), Sector: ptr(model.Sector("energy")),
			Category: ptr(model.Category("edr")), AmountMinor: ptr(int64(10_000_00)), Currency: ptr("EUR"),
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := computed("after a bilateral report on no requirement"); n < all {
			t.Errorf("after a bilateral report on no requirement, %d ranges were computed again, want all (%d)", n, all)
		}
		if _, err := w.a.Organisations.Update(w.ctx, policy.System(), w.c.Orgs["us"].ID, organisations.Input{Name: ptr("Renamed")}, w.a.Accounts.CheckRoles); err != nil {
			t.Fatal(err)
		}
		if n := computed("after an organisation changed"); n < all {
			t.Errorf("after an organisation changed, %d ranges were computed again, want all (%d)", n, all)
		}
		w.now = w.now.AddDate(0, 0, 1)
		if n := computed("on the next day"); n < all {
			t.Errorf("on the next day, %d ranges were computed again, want all (%d)", n, all)
		}
	})
}

// TestFindingsReadingOutlivesItsRequest: a whole reading goes on when the
// request that began it stops waiting, as when its reader reloads the
// page, and the next request finds it rather than computing it again.
func TestFindingsReadingOutlivesItsRequest(t *testing.T) {
	defer coordination.SetFindingsBatch(1)()
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		w := newWorld(t, s)
		coordinator := w.c.Viewer("coordinator")
		for i := range 30 {
			w.need(fmt.Sprint(i), "energy", model.PriorityHigh, 100_000_00, model.TLPGreen)
		}
		computed := func() int64 { return coordination.FindingsRangesComputed(w.a.Coordination) }
		start := computed()
		if _, err := w.a.Coordination.Alerts(w.ctx, coordinator, coordination.AlertFilter{}); err != nil {
			t.Fatal(err)
		}
		whole := computed() - start
		// A new day: the findings are computed whole again, and the
		// request that asked for them goes away once the first range is.
		w.now = w.now.AddDate(0, 0, 1)
		start = computed()
		ctx, cancel := context.WithCancel(w.ctx)
		go func() {
			for deadline := time.Now().Add(10 * time.Second); computed() == start && time.Now().Before(deadline); {
				runtime.Gosched()
			}
			cancel()
		}()
		if _, err := w.a.Coordination.Alerts(ctx, coordinator, coordination.AlertFilter{}); err != nil && !errors.Is(err, context.Canceled) {
			t.Fatalf("the request that went away: want its context's error, got %v", err)
		}
		cancel()
		alertsAsEveryRecord(t, w, coordinator, "after the request went away")
		if n := computed() - start; n != whole {
			t.Errorf("the reading the first request left and the next one computed %d ranges, want %d: one whole reading", n, whole)
		}
	})
}

// alertsAsEveryRecord fails t unless v's kept alerts are those computed
// from every record.
func alertsAsEveryRecord(t *testing.T, w *world, v policy.Viewer, step string) {
	t.Helper()
	got, err := w.a.Coordination.Alerts(w.ctx, v, coordination.AlertFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := w.a.Coordination.AlertsFromEveryRecord(w.ctx, v, coordination.AlertFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: alerts\n got %v\nwant %v", step, keysOf(got), keysOf(want))
	}
}
