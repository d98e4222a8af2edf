package reports_test

import (
	"context"
	"testing"
	"time"

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

// TestKeptFiguresFollowEveryChange: the dashboard and the charts are kept
// between requests while their records stand. Each kind of record they read
// is changed in turn (TestMaintainedSumsEqualRecords changes requirements,
// pledges, access lists and receipts at random), and the next reading
// shows the change: here an organisation's name, which names the rows.
func TestKeptFiguresFollowEveryChange(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 10, 9, 0, 0, 0, time.UTC)
		a, cast := apptest.New(t, s, func() time.Time { return now })
		tlp, sector := model.TLPGreen, model.Sector("energy")
		r, err := a.Requirements.Create(ctx, cast.Viewer("requester"), requirements.Input{
			Title: ptr("Need"), Sector: &sector, Category: ptr(model.Category("edr")), LineOfEffort: ptr(model.LineSupport),
			Priority: ptr(model.PriorityHigh), EstimatedEURMinor: ptr(int64(100_000_00)), NeededBy: ptr(model.DateOf(now).AddDays(90)), TLP: &tlp,
		})
		if err == nil {
			_, err = a.Requirements.Submit(ctx, cast.Viewer("requester"), r.ID)
		}
		if err == nil {
			_, err = a.Requirements.Validate(ctx, cast.Viewer("validator"), r.ID, model.DecisionApprove, "")
		}
		if err == nil {
			_, err = a.Pledges.Create(ctx, cast.Viewer("donor"), pledges.Input{RequirementID: &r.ID, AmountMinor: ptr(int64(10_000_00)), Currency: ptr("EUR"), TLP: &tlp})
		}
		if err != nil {
			t.Fatal(err)
		}
		donorOrg := cast.Users["donor"].OrgID
		label := func(step string) string {
			t.Helper()
			c, err := a.Reports.Charts(ctx, cast.Viewer("coordinator"))
			if err != nil {
				t.Fatal(err)
			}
			d, _, err := a.Reports.Front(ctx, cast.Viewer("coordinator"))
			if err != nil {
				t.Fatal(err)
			}
			for i, rows := range [][]reports.Row{c.ByDonor, d.ByDonor} {
				for _, row := range rows {
					if row.Key == donorOrg {
						if i == 1 && row.Label != c.ByDonor[0].Label {
							t.Errorf("%s: the dashboard names the donor %q, the charts %q", step, row.Label, c.ByDonor[0].Label)
						}
						return row.Label
					}
				}
			}
			t.Fatalf("%s: no row of the donor", step)
			return ""
		}
		before := label("before")
		// A reader who renames a row of its own copy changes no one else's.
		d, _, _ := a.Reports.Front(ctx, cast.Viewer("coordinator"))
		for i := range d.ByDonor {
			d.ByDonor[i].Label = "scribbled"
		}
		if got := label("after a caller's scribbles"); got != before {
			t.Fatalf("a kept dashboard was changed by its reader: %q", got)
		}
		if _, err := a.Organisations.Update(ctx, policy.System(), donorOrg, organisations.Input{Name: ptr(before + " (renamed)")}, a.Accounts.CheckRoles); err != nil {
			t.Fatal(err)
		}
		if got := label("after the rename"); got != before+" (renamed)" {
			t.Errorf("after the rename the figures name the donor %q", got)
		}
	})
}
