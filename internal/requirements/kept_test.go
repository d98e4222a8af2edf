package requirements_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/organisations"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

// TestKeptRecordsReadAgainOnlyWhatChanged: a list reads again from the
// store only the requirements a change touched since it last read them,
// with their pledges' classes, and all after a change to an organisation;
// it shows each time what the records give. (TestMaintainedSumsEqualRecords,
// in the reports, checks the lists after every kind of change.)
func TestKeptRecordsReadAgainOnlyWhatChanged(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		coordinator := e.cast.Viewer("coordinator")
		var ids []string
		for range 5 {
			ids = append(ids, e.validated(t, model.TLPGreen).ID)
		}
		pledge := func(on string) string {
			t.Helper()
			p, err := e.a.Pledges.Create(ctx, e.cast.Viewer("donor"), pledges.Input{
				RequirementID: &on, AmountMinor: ptr(int64(100_000_00)), Currency: ptr("EUR"), TLP: ptr(model.TLPGreen),
			})
			if err != nil {
				t.Fatal(err)
			}
			return p.ID
		}
		pledged := pledge(ids[0])
		read := func(step string, want int64) {
			t.Helper()
			before := requirements.RecordsRead(e.a.Requirements)
			list, err := e.a.Requirements.Page(ctx, coordinator, model.RequirementFilter{}, model.Sort{}, "", 50)
			if err != nil {
				t.Fatal(err)
			}
			if got := requirements.RecordsRead(e.a.Requirements) - before; got != want {
				t.Errorf("after %s, the list read the classes of %d requirements, want %d", step, got, want)
			}
			all, err := e.a.Requirements.All(ctx, coordinator, model.RequirementFilter{})
			if err != nil {
				t.Fatal(err)
			}
			records := map[string]requirements.View{}
			for _, v := range all {
				records[v.ID] = v
			}
			for _, v := range list.Items {
				want := records[v.ID]
				if v.PledgedEURMinor != want.PledgedEURMinor {
					t.Errorf("after %s, the list shows %d pledged on %s, its pledges %d", step, v.PledgedEURMinor, v.ID, want.PledgedEURMinor)
				}
				if !reflect.DeepEqual(v.Requirement, want.Requirement) {
					t.Errorf("after %s, the list shows %+v, the record is %+v", step, v.Requirement, want.Requirement)
				}
			}
		}
		listed := int64(len(ids))
		read("the first reading", listed)
		read("nothing", 0)
		pledge(ids[1])
		read("a pledge", 1)
		if _, err := e.a.Pledges.Update(ctx, e.cast.Viewer("donor"), pledged, pledges.Input{AmountMinor: ptr(int64(300_000_00))}); err != nil {
			t.Fatal(err)
		}
		read("a pledge's new amount", 1)
		if _, err := e.a.Requirements.Share(ctx, coordinator, ids[2], []string{e.cast.Orgs["company"].ID}); err != nil {
			t.Fatal(err)
		}
		read("a share", 1)
		if _, err := e.a.Requirements.Update(ctx, e.cast.Viewer("requester"), ids[3], requirements.Input{Title: ptr("Backup power for the regional grid")}); err != nil {
			t.Fatal(err)
		}
		read("a new title", 1)
		if _, err := e.a.Pledges.Update(ctx, e.cast.Viewer("donor"), pledged, pledges.Input{TLP: ptr(model.TLPRed), NamedUserIDs: &[]string{e.cast.Users["donor"].ID, e.cast.Users["coordinator"].ID}}); err != nil {
			t.Fatal(err)
		}
		read("a pledge's access list", 1)
		if _, err := e.a.Organisations.Update(ctx, policy.System(), e.cast.Orgs["company"].ID, organisations.Input{Name: ptr("Renamed")}, e.a.Accounts.CheckRoles); err != nil {
			t.Fatal(err)
		}
		read("a change to an organisation", listed)
	})
}

// TestKeptRecordsRefuseWhatAChangeOvertook: classes read before a change,
// kept only after another list had read the change, would hide it from
// every list after; they are refused.
func TestKeptRecordsRefuseWhatAChangeOvertook(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		coordinator := e.cast.Viewer("coordinator")
		r := e.validated(t, model.TLPGreen)
		// A first list keeps what nothing changed yet, so that the
		// second brings the kept classes forward rather than start anew.
		e.validated(t, model.TLPGreen)
		if _, err := e.a.Requirements.Page(ctx, coordinator, model.RequirementFilter{}, model.Sort{}, "", 50); err != nil {
			t.Fatal(err)
		}
		slow, err := requirements.RecordsReadNow(ctx, e.a.Requirements, []string{r.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.a.Pledges.Create(ctx, e.cast.Viewer("donor"), pledges.Input{
			RequirementID: &r.ID, AmountMinor: ptr(int64(100_000_00)), Currency: ptr("EUR"), TLP: ptr(model.TLPGreen),
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.a.Requirements.Page(ctx, coordinator, model.RequirementFilter{}, model.Sort{}, "", 50); err != nil {
			t.Fatal(err)
		}
		slow()
		list, err := e.a.Requirements.Page(ctx, coordinator, model.RequirementFilter{}, model.Sort{}, "", 50)
		if err != nil {
			t.Fatal(err)
		}
		shown := false
		for _, v := range list.Items {
			if v.ID == r.ID {
				shown = true
				if v.PledgedEURMinor != 100_000_00 {
					t.Errorf("the list shows %d pledged, want the pledge made after the slow reading", v.PledgedEURMinor)
				}
			}
		}
		if !shown {
			t.Errorf("the list does not show the requirement")
		}
	})
}

// TestKeptRecordsBounded: the lists keep no more requirements, and no more
// bytes, than they are given, the most recently listed first.
func TestKeptRecordsBounded(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		coordinator := e.cast.Viewer("coordinator")
		for range 5 {
			e.validated(t, model.TLPGreen)
		}
		list := func(limit int) {
			t.Helper()
			if _, err := e.a.Requirements.Page(ctx, coordinator, model.RequirementFilter{}, model.Sort{}, "", limit); err != nil {
				t.Fatal(err)
			}
		}
		requirements.SetKeptBounds(e.a.Requirements, 3, 1<<20)
		list(50)
		if n, _ := requirements.KeptSize(e.a.Requirements); n != 3 {
			t.Errorf("%d requirements kept, want the bound, 3", n)
		}
		// A page's first rows are kept longest: the two newest are kept.
		before := requirements.RecordsRead(e.a.Requirements)
		list(2)
		if read := requirements.RecordsRead(e.a.Requirements) - before; read != 0 {
			t.Errorf("a page of the requirements listed last read %d from the store, want none", read)
		}
		requirements.SetKeptBounds(e.a.Requirements, 100, 64*1024)
		list(50)
		n, bytes := requirements.KeptSize(e.a.Requirements)
		if bytes > 64*1024 || n == 0 {
			t.Errorf("%d requirements kept in %d bytes, want some within 65,536", n, bytes)
		}
		requirements.SetKeptBounds(e.a.Requirements, 100, 1024)
		list(50)
		if n, bytes := requirements.KeptSize(e.a.Requirements); n != 0 || bytes != 0 {
			t.Errorf("%d requirements kept in %d bytes, want none: each weighs more than a 64th of 1,024 bytes", n, bytes)
		}
	})
}

// TestPledgePagesReadTheirRequirementsOnce: a page of pledges describes
// each pledge's requirement to the policy from what the lists keep, and
// reads again only the requirement a change touched.
func TestPledgePagesReadTheirRequirementsOnce(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		donor := e.cast.Viewer("donor")
		var made []string
		for range 3 {
			r := e.validated(t, model.TLPGreen)
			for range 2 {
				p, err := e.a.Pledges.Create(ctx, donor, pledges.Input{
					RequirementID: &r.ID, AmountMinor: ptr(int64(100_000_00)), Currency: ptr("EUR"), TLP: ptr(model.TLPGreen),
				})
				if err != nil {
					t.Fatal(err)
				}
				made = append(made, p.ID)
			}
		}
		page := func(step string, want int64) {
			t.Helper()
			before := requirements.RecordsRead(e.a.Requirements)
			list, err := e.a.Pledges.Page(ctx, e.cast.Viewer("donor_company"), model.PledgeFilter{}, model.Sort{}, "", 50)
			if err != nil {
				t.Fatal(err)
			}
			if len(list.Items) != 6 {
				t.Errorf("after %s, the company's page shows %d pledges, want 6", step, len(list.Items))
			}
			if got := requirements.RecordsRead(e.a.Requirements) - before; got != want {
				t.Errorf("after %s, the page of pledges read %d requirements, want %d", step, got, want)
			}
		}
		page("the first reading", 3)
		page("nothing", 0)
		if _, err := e.a.Pledges.Update(ctx, donor, made[2], pledges.Input{AmountMinor: ptr(int64(300_000_00))}); err != nil {
			t.Fatal(err)
		}
		page("a pledge's new amount", 1)
	})
}
