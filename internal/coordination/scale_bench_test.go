package coordination_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/coordination"
	"github.com/cyberaid/cyberaid/internal/demo"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// BenchmarkAtScale times, for the demo's coordinator over a generated data
// set (requirements a tenth of the pledges; CYBERAID_BENCH_SIZES, default
// "10000", sets the pledges), the alerts computed from every record as
// before (reference), read from the requirements' views (read), kept
// between requests while the records stand (kept), and after a donor's
// pledge, computed again where it changed (after-a-pledge, the pledge
// included); and the open
// requirements of suggestions and the plan read afresh and kept. On
// SQLite, and on PostgreSQL too with CYBERAID_BENCH_POSTGRES=1:
//
//	go test ./internal/coordination/ -run '^$' -bench AtScale -benchtime 3x -timeout 60m
func BenchmarkAtScale(b *testing.B) {
	sizes := []int{10_000}
	if env := os.Getenv("CYBERAID_BENCH_SIZES"); env != "" {
		sizes = nil
		for _, f := range strings.Fields(env) {
			n, err := strconv.Atoi(f)
			if err != nil {
				b.Fatalf("CYBERAID_BENCH_SIZES: %q is not a size", f)
			}
			sizes = append(sizes, n)
		}
	}
	backends := map[string]func(testing.TB) *store.DB{"sqlite": storetest.OpenSQLite}
	if os.Getenv("CYBERAID_BENCH_POSTGRES") == "1" {
		backends["postgres"] = storetest.OpenPostgres
	}
	for _, backend := range []string{"sqlite", "postgres"} {
		open, ok := backends[backend]
		if !ok {
			continue
		}
		for _, n := range sizes {
			b.Run(fmt.Sprintf("%s/pledges=%d", backend, n), func(b *testing.B) {
				s := open(b)
				cfg := accounts.Defaults
				cfg.Params = accounts.Params{Memory: 8 * 1024, Time: 1, Threads: 1}
				clock := &demo.Clock{}
				a, err := app.New(s, app.Options{Accounts: cfg, Now: clock.Now})
				if err != nil {
					b.Fatal(err)
				}
				ctx := b.Context()
				if _, err := demo.Generate(ctx, a, clock, "a long benchmark password", demo.Scale{Requirements: n / 10, Pledges: n, Offers: 10, Seed: 1}, nil); err != nil {
					b.Fatal(err)
				}
				if s.Dialect() == "postgres" {
					if _, err := s.SQLDB().ExecContext(ctx, `VACUUM ANALYZE pledges, requirements, access_grants`); err != nil {
						b.Fatal(err)
					}
				}
				u, err := s.UserByEmail(ctx, "coordinator@demo.cyberaid.example")
				if err != nil {
					b.Fatal(err)
				}
				org, err := s.OrganisationByID(ctx, u.OrgID)
				if err != nil {
					b.Fatal(err)
				}
				coord := policy.ViewerFor(u, org)
				c := a.Coordination
				// A donor's pledge before each reading, for the findings
				// computed again where it changed.
				du, err := s.UserByEmail(ctx, "donor@demo.cyberaid.example")
				if err != nil {
					b.Fatal(err)
				}
				dorg, err := s.OrganisationByID(ctx, du.OrgID)
				if err != nil {
					b.Fatal(err)
				}
				donor := policy.ViewerFor(du, dorg)
				open, err := a.Requirements.All(ctx, donor, model.RequirementFilter{Status: model.ReqValidated})
				if err != nil || len(open) == 0 {
					b.Fatalf("no validated requirement for the donor (%v)", err)
				}
				for _, m := range []struct {
					name string
					f    func() (int, error)
				}{
					{"alerts/reference", func() (int, error) {
						as, err := c.AlertsFromEveryRecord(ctx, coord, coordination.AlertFilter{})
						return len(as), err
					}},
					{"alerts/read", func() (int, error) {
						as, err := c.AlertsRead(ctx, coord, coordination.AlertFilter{})
						return len(as), err
					}},
					{"alerts/kept", func() (int, error) {
						as, err := c.Alerts(ctx, coord, coordination.AlertFilter{})
						return len(as), err
					}},
					{"alerts/after-a-pledge", func() (int, error) {
						amount, currency := int64(1_000_00), "EUR"
						if _, err := a.Pledges.Create(ctx, donor, pledges.Input{RequirementID: &open[0].ID, AmountMinor: &amount, Currency: &currency}); err != nil {
							return 0, err
						}
						as, err := c.Alerts(ctx, coord, coordination.AlertFilter{})
						return len(as), err
					}},
					{"open/per-status", func() (int, error) {
						rs, err := c.OpenRequirementsPerStatus(ctx, coord)
						return len(rs), err
					}},
					{"open/kept", func() (int, error) {
						rs, err := c.OpenRequirements(ctx, coord)
						return len(rs), err
					}},
				} {
					b.Run(m.name, func(b *testing.B) {
						for range b.N {
							k, err := m.f()
							if err != nil {
								b.Fatal(err)
							}
							b.ReportMetric(float64(k), "items")
						}
					})
				}
			})
		}
	}
}
