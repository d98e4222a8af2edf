package offers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// The offers' list total is kept while no offer and no offer's access list
// changes: after each change, by the service or by a bare statement, every
// viewer's total must be the number of rows its pages show, under every
// filter; a change to anything else counts nothing again.
func TestListTotalFollowsOffers(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		a, c := apptest.New(t, s, func() time.Time { return now })
		until := model.DateOf(now).AddDays(30)
		viewers := []string{"coordinator", "donor", "donor_ee", "donor_company", "requester"}
		filters := []model.OfferFilter{{}, {Status: model.OfferOpen}, {Sector: "energy"}, {DonorOrgID: c.Orgs["us"].ID}}
		check := func(step string) {
			t.Helper()
			for _, name := range viewers {
				v := c.Viewer(name)
				for _, f := range filters {
					first, err := a.Offers.Page(ctx, v, f, model.Sort{}, "", 2)
					if err != nil {
						t.Fatal(err)
					}
					rows, cursor := len(first.Items), first.Next
					for cursor != "" {
						next, err := a.Offers.Page(ctx, v, f, model.Sort{}, cursor, 2)
						if err != nil {
							t.Fatal(err)
						}
						rows, cursor = rows+len(next.Items), next.Next
					}
					if first.Total != rows {
						t.Errorf("after %s, %s's total under %+v is %d, but its pages show %d", step, name, f, first.Total, rows)
					}
				}
			}
		}
		exec := func(query string, args ...any) {
			t.Helper()
			if s.Dialect() == "postgres" {
				for i := 1; strings.Contains(query, "?"); i++ {
					query = strings.Replace(query, "?", fmt.Sprintf("$%d", i), 1)
				}
			}
			if _, err := s.SQLDB().ExecContext(ctx, query, args...); err != nil {
				t.Fatal(err)
			}
		}
		create := func(who string, in offers.Input) offers.View {
			t.Helper()
			in.AmountMinor, in.Currency, in.ValidUntil = ptr(int64(1_000_00)), ptr("EUR"), &until
			o, err := a.Offers.Create(ctx, c.Viewer(who), in)
			if err != nil {
				t.Fatal(err)
			}
			return o
		}

		check("nothing")
		green := create("donor", offers.Input{Title: ptr("Budget"), Sectors: &[]model.Sector{"energy"}})
		check("an offer")
		create("donor_ee", offers.Input{Title: ptr("Amber budget"), TLP: ptr(model.TLPAmber)})
		check("an AMBER offer")
		red := create("donor_ee", offers.Input{Title: ptr("Quiet budget"), TLP: ptr(model.TLPRed), NamedUserIDs: &[]string{c.Users["donor"].ID}})
		check("a RED offer naming another member's donor")
		create("donor_company", offers.Input{Title: ptr("EDR seats")})
		check("a company's offer")

		// Nothing the offers' count reads: kept for everyone.
		before := offers.TotalsCounted(a.Offers)
		_, err := a.Requirements.Create(ctx, c.Viewer("requester"), requirements.Input{
			Title: ptr("Firewalls"), Sector: ptr(model.Sector("energy")), Category: ptr(model.Category("edr")),
			LineOfEffort: ptr(model.LineSupport), Priority: ptr(model.PriorityHigh), EstimatedEURMinor: ptr(int64(50_000_00)),
			TLP: ptr(model.TLPRed), NeededBy: ptr(model.DateOf(now).AddDays(60)),
		})
		if err != nil {
			t.Fatal(err)
		}
		check("a requirement with its access list")
		if n := offers.TotalsCounted(a.Offers) - before; n != 0 {
			t.Errorf("a requirement and its access list counted %d offers' totals again", n)
		}

		if _, err := a.Offers.Update(ctx, c.Viewer("donor"), green.ID, offers.Input{TLP: ptr(model.TLPAmberStrict)}); err != nil {
			t.Fatal(err)
		}
		check("a label made stricter")
		if _, err := a.Offers.Update(ctx, c.Viewer("donor"), green.ID, offers.Input{Status: ptr(model.OfferWithdrawn)}); err != nil {
			t.Fatal(err)
		}
		check("an offer withdrawn")
		exec(`UPDATE offers SET tlp = ? WHERE id = ?`, string(model.TLPClear), green.ID)
		check("a label changed by a bare statement")
		exec(`DELETE FROM access_grants WHERE object_type = 'offer' AND object_id = ?`, red.ID)
		check("a RED offer's reader removed by a bare statement")
		exec(`INSERT INTO access_grants (object_type, object_id, user_id) VALUES ('offer', ?, ?)`, red.ID, c.Users["donor_company"].ID)
		check("a RED offer's reader added by a bare statement")
		exec(`UPDATE access_grants SET user_id = ? WHERE object_type = 'offer' AND object_id = ?`, c.Users["donor"].ID, red.ID)
		check("a RED offer's reader changed by a bare statement")
		// An offer's access list names users only: an organisation's
		// grant, which no service writes, opens nothing, in the policy as
		// in the count.
		strict := create("donor_ee", offers.Input{Title: ptr("Strict budget"), TLP: ptr(model.TLPAmberStrict)})
		exec(`INSERT INTO access_grants (object_type, object_id, org_id) VALUES ('offer', ?, ?)`, strict.ID, c.Orgs["company"].ID)
		check("an organisation's grant on an AMBER+STRICT offer")
		exec(`DELETE FROM offers WHERE id = ?`, red.ID)
		check("an offer deleted by a bare statement")
	})
}
