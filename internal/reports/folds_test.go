package reports_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/organisations"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/reports"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestNeedsFoldedAgainWhereChanged: after a change, a dashboard folds again
// only the range of requirements the change touched, and after a change to
// an organisation every range; the figures are those of every record each
// time. (TestMaintainedSumsEqualRecords checks the figures after every kind
// of change.)
func TestNeedsFoldedAgainWhereChanged(t *testing.T) {
	defer reports.SetFoldBatch(2)()
	// Each range read in parts, folded in one after the other.
	defer reports.SetFoldRead(1)()
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 10, 9, 0, 0, 0, time.UTC)
		a, cast := apptest.New(t, s, func() time.Time { return now })
		tlp := model.TLPGreen
		newNeed := func() string {
			t.Helper()
			return validatedNeed(t, a, cast, now, model.PriorityCritical, tlp)
		}
		var ids []string
		for range 9 {
			ids = append(ids, newNeed())
		}
		coordinator := cast.Viewer("coordinator")
		folded := func(step string) int64 {
			t.Helper()
			before := reports.FoldedRanges(a.Reports)
			got, err := a.Reports.Dashboard(ctx, coordinator)
			if err != nil {
				t.Fatal(err)
			}
			want, err := a.Reports.DashboardFromRecords(ctx, coordinator)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: the dashboard\n got %+v\nwant %+v", step, got, want)
			}
			return reports.FoldedRanges(a.Reports) - before
		}
		// Nine requirements and the demo's, two a range.
		all := folded("first reading")
		if all < 5 {
			t.Fatalf("the first reading folded %d ranges, want at least 5", all)
		}
		if _, err := a.Pledges.Create(ctx, cast.Viewer("donor"), pledges.Input{RequirementID: &ids[4], AmountMinor: ptr(int64(100_000_00)), Currency: ptr("EUR"), TLP: &tlp}); err != nil {
			t.Fatal(err)
		}
		if n := folded("after a pledge"); n != 1 {
			t.Errorf("after a pledge on one requirement, %d ranges were folded again, want 1", n)
		}
		if n := folded("with nothing changed"); n != 0 {
			t.Errorf("with nothing changed, %d ranges were folded again, want none", n)
		}
		// Two ranges apart changed at once: each folded again in its
		// place, so that a later change to the second finds its own.
		for _, id := range []string{ids[1], ids[7]} {
			if _, err := a.Pledges.Create(ctx, cast.Viewer("donor"), pledges.Input{RequirementID: &id, AmountMinor: ptr(int64(10_000_00)), Currency: ptr("EUR"), TLP: &tlp}); err != nil {
				t.Fatal(err)
			}
		}
		if n := folded("after pledges in two ranges"); n != 2 {
			t.Errorf("after pledges on two requirements six apart, %d ranges were folded again, want 2", n)
		}
		if _, err := a.Pledges.Create(ctx, cast.Viewer("donor"), pledges.Input{RequirementID: &ids[7], AmountMinor: ptr(int64(10_000_00)), Currency: ptr("EUR"), TLP: &tlp}); err != nil {
			t.Fatal(err)
		}
		if n := folded("after another pledge in the second range"); n != 1 {
			t.Errorf("after another pledge, %d ranges were folded again, want 1", n)
		}
		if _, err := a.Requirements.Share(ctx, cast.Viewer("coordinator"), ids[1], []string{cast.Orgs["company"].ID}); err != nil {
			t.Fatal(err)
		}
		if n := folded("after a share"); n != 1 {
			t.Errorf("after a requirement was shared, %d ranges were folded again, want 1", n)
		}
		newNeed()
		if n := folded("after a new requirement"); n < 1 || n > 2 {
			t.Errorf("after a new requirement, %d ranges were folded again, want 1 or 2 (the newest range, grown past its size)", n)
		}
		// New requirements fall in the newest range, which leaves a short
		// range behind each time it is folded again: short neighbours are
		// joined, so that the ranges grow with the requirements, not with
		// the readings.
		kept := reports.KeptRanges(a.Reports, coordinator)
		for i := range 6 {
			newNeed()
			folded(fmt.Sprintf("after new requirement %d", i+1))
		}
		if grown := reports.KeptRanges(a.Reports, coordinator) - kept; grown > 4 {
			t.Errorf("six new requirements, two a range, made %d ranges more, want at most 4", grown)
		}
		org := cast.Users["donor"].OrgID
		if _, err := a.Organisations.Update(ctx, policy.System(), org, organisations.Input{Name: ptr("Renamed")}, a.Accounts.CheckRoles); err != nil {
			t.Fatal(err)
		}
		if n := folded("after an organisation changed"); n < all {
			t.Errorf("after an organisation changed, %d ranges were folded again, want all (at least %d)", n, all)
		}
	})
}

// TestCorrectionsFoundAgainWhereChanged: a company's corrections (the
// pledges it sees on AMBER needs shared with it, which its class totals
// leave out) are
// found again after a change only in the span of requirements the change
// touched, and the summaries are those of every record each time.
func TestCorrectionsFoundAgainWhereChanged(t *testing.T) {
	defer reports.SetFoldBatch(2)()
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 10, 9, 0, 0, 0, time.UTC)
		a, cast := apptest.New(t, s, func() time.Time { return now })
		amber, green := model.TLPAmber, model.TLPGreen
		var ids []string
		for range 9 {
			id := validatedNeed(t, a, cast, now, model.PriorityHigh, amber)
			_, err := a.Requirements.Share(ctx, cast.Viewer("coordinator"), id, []string{cast.Orgs["company"].ID})
			if err == nil {
				_, err = a.Pledges.Create(ctx, cast.Viewer("donor"), pledges.Input{RequirementID: &id, AmountMinor: ptr(int64(10_000_00)), Currency: ptr("EUR"), TLP: &green})
			}
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		company := cast.Viewer("donor_company")
		found := func(step string) int64 {
			t.Helper()
			before := reports.CorrectedSpans(a.Reports)
			for _, by := range []string{"sector", "donor"} {
				got, err := a.Reports.Summary(ctx, company, by)
				if err != nil {
					t.Fatal(err)
				}
				want, err := a.Reports.SummaryFromRecords(ctx, company, by)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s: the summary by %s\n got %+v\nwant %+v", step, by, got, want)
				}
				if got.TotalEURMinor == 0 {
					t.Fatalf("%s: the company sees no pledge on the needs shared with it", step)
				}
			}
			return reports.CorrectedSpans(a.Reports) - before
		}
		all := found("first reading")
		if all < 5 {
			t.Fatalf("the first reading found corrections in %d spans, want at least 5", all)
		}
		if n := found("with nothing changed"); n != 0 {
			t.Errorf("with nothing changed, corrections were found again in %d spans, want none", n)
		}
		if _, err := a.Pledges.Create(ctx, cast.Viewer("donor"), pledges.Input{RequirementID: &ids[4], AmountMinor: ptr(int64(5_000_00)), Currency: ptr("EUR"), TLP: &green}); err != nil {
			t.Fatal(err)
		}
		if n := found("after a pledge"); n != 1 {
			t.Errorf("after a pledge on one requirement, corrections were found again in %d spans, want 1", n)
		}
		org := cast.Users["donor"].OrgID
		if _, err := a.Organisations.Update(ctx, policy.System(), org, organisations.Input{Name: ptr("Renamed")}, a.Accounts.CheckRoles); err != nil {
			t.Fatal(err)
		}
		if n := found("after an organisation changed"); n < all {
			t.Errorf("after an organisation changed, corrections were found again in %d spans, want all (at least %d)", n, all)
		}
	})
}

// validatedNeed is a requirement of the requester's, submitted and
// validated.
func validatedNeed(t *testing.T, a *app.App, cast apptest.Cast, now time.Time, priority model.Priority, label model.TLP) string {
	t.Helper()
	ctx := context.Background()
	r, err := a.Requirements.Create(ctx, cast.Viewer("requester"), requirements.Input{
		Title: ptr("Need"), Sector: ptr(model.Sector("energy")), Category: ptr(model.Category("edr")), LineOfEffort: ptr(model.LineSupport),
		Priority: &priority, EstimatedEURMinor: ptr(int64(100_000_00)), NeededBy: ptr(model.DateOf(now).AddDays(90)), TLP: &label,
	})
	if err == nil {
		_, err = a.Requirements.Submit(ctx, cast.Viewer("requester"), r.ID)
	}
	if err == nil {
		_, err = a.Requirements.Validate(ctx, cast.Viewer("validator"), r.ID, model.DecisionApprove, "")
	}
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// TestSharedPledgesReadAgainWhereChanged: after a change, a viewer's
// corrections read again only the pledges naming it whose requirement the
// change touched, and those on no requirement, which no change marks; the
// summaries are those of every record each time.
func TestSharedPledgesReadAgainWhereChanged(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 10, 9, 0, 0, 0, time.UTC)
		a, cast := apptest.New(t, s, func() time.Time { return now })
		red, green := model.TLPRed, model.TLPGreen
		donor := cast.Viewer("donor")
		naming := &[]string{cast.Users["donor_company"].ID}
		var reqs, named []string
		for range 4 {
			id := validatedNeed(t, a, cast, now, model.PriorityHigh, green)
			p, err := a.Pledges.Create(ctx, donor, pledges.Input{RequirementID: &id, AmountMinor: ptr(int64(10_000_00)), Currency: ptr("EUR"), TLP: &red, NamedUserIDs: naming})
			if err != nil {
				t.Fatal(err)
			}
			reqs, named = append(reqs, id), append(named, p.ID)
		}
		if _, err := a.Pledges.Create(ctx, donor, pledges.Input{
			Channel: ptr(model.ChannelBilateral), BeneficiaryOrgID: ptr(cast.Orgs["ssscip"].ID), Sector: ptr(model.Sector("energy")), Category: ptr(model.Category("training")),
			AmountMinor: ptr(int64(7_000_00)), Currency: ptr("EUR"), TLP: &red, NamedUserIDs: naming,
		}); err != nil {
			t.Fatal(err)
		}
		company := cast.Viewer("donor_company")
		read := func(step string, want int64) {
			t.Helper()
			before := reports.SharedRead(a.Reports)
			got, err := a.Reports.Summary(ctx, company, "sector")
			if err != nil {
				t.Fatal(err)
			}
			records, err := a.Reports.SummaryFromRecords(ctx, company, "sector")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, records) {
				t.Fatalf("%s: the summary\n got %+v\nwant %+v", step, got, records)
			}
			if got.TotalEURMinor < 10_000_00 {
				t.Fatalf("%s: the company sees %d pledged, not the pledges naming it", step, got.TotalEURMinor)
			}
			if n := reports.SharedRead(a.Reports) - before; n != want {
				t.Errorf("%s: %d pledges naming the company read again, want %d", step, n, want)
			}
		}
		read("the first reading", 5)
		read("nothing changed", 0)
		if _, err := a.Pledges.Create(ctx, donor, pledges.Input{RequirementID: &reqs[1], AmountMinor: ptr(int64(3_000_00)), Currency: ptr("EUR"), TLP: &green}); err != nil {
			t.Fatal(err)
		}
		read("a pledge beside one naming it", 2)
		if _, err := a.Pledges.Update(ctx, donor, named[2], pledges.Input{AmountMinor: ptr(int64(30_000_00))}); err != nil {
			t.Fatal(err)
		}
		read("a new amount of one naming it", 2)
		if _, err := a.Pledges.Update(ctx, donor, named[3], pledges.Input{NamedUserIDs: &[]string{cast.Users["viewer"].ID}}); err != nil {
			t.Fatal(err)
		}
		read("one naming it no longer", 1)
		// Past the bound, the fold keeps none and reads them all again.
		defer reports.SetKeptShared(2)()
		if _, err := a.Pledges.Update(ctx, donor, named[0], pledges.Input{AmountMinor: ptr(int64(20_000_00))}); err != nil {
			t.Fatal(err)
		}
		read("a change, the bound lowered", 2)
		if _, err := a.Pledges.Update(ctx, donor, named[1], pledges.Input{AmountMinor: ptr(int64(20_000_00))}); err != nil {
			t.Fatal(err)
		}
		read("a change, none kept", 4)
	})
}

// TestNeedsFoldOutlivesItsRequest: a whole fold goes on when the request
// that began it stops waiting, and the next request finds it rather than
// folding again.
func TestNeedsFoldOutlivesItsRequest(t *testing.T) {
	defer reports.SetFoldBatch(1)()
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		now := time.Date(2026, 5, 10, 9, 0, 0, 0, time.UTC)
		a, cast := apptest.New(t, s, func() time.Time { return now })
		for range 30 {
			validatedNeed(t, a, cast, now, model.PriorityCritical, model.TLPGreen)
		}
		// A whole fold reads the same ranges for every viewer, cut
		// whatever each sees: the coordinator's gives their number, and
		// the validator's request goes away once its first is folded.
		folded := func() int64 { return reports.FoldedRanges(a.Reports) }
		start := folded()
		if _, err := a.Reports.Dashboard(context.Background(), cast.Viewer("coordinator")); err != nil {
			t.Fatal(err)
		}
		whole := folded() - start
		viewer := cast.Viewer("validator")
		start = folded()
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			for deadline := time.Now().Add(10 * time.Second); folded() == start && time.Now().Before(deadline); {
				runtime.Gosched()
			}
			cancel()
		}()
		if _, err := a.Reports.Dashboard(ctx, viewer); err != nil && !errors.Is(err, context.Canceled) {
			t.Fatalf("the request that went away: want its context's error, got %v", err)
		}
		cancel()
		got, err := a.Reports.Dashboard(context.Background(), viewer)
		if err != nil {
			t.Fatal(err)
		}
		want, err := a.Reports.DashboardFromRecords(context.Background(), viewer)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("the dashboard\n got %+v\nwant %+v", got, want)
		}
		if n := folded() - start; n != whole {
			t.Errorf("the fold the first request left and the next one folded %d ranges, want %d: one whole fold", n, whole)
		}
	})
}
