package reports_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/coordination"
	"github.com/cyberaid/cyberaid/internal/demo"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// BenchmarkAtScale times the summary (read from the maintained totals),
// the same summary computed from every record, the dashboard (and the same
// from every record), the charts and the deconfliction alerts over the generated data set at each size, for a
// coordinator and for a company donor, on SQLite (and on PostgreSQL with
// CYBERAID_BENCH_POSTGRES=1 and the test database URL set). Requirements
// are a tenth of the pledges. CYBERAID_BENCH_SIZES overrides the sizes,
// e.g. "10000 100000 1000000". Run it with:
//
//	go test ./internal/reports/ -run '^$' -bench AtScale -benchtime 5x -timeout 60m
func BenchmarkAtScale(b *testing.B) {
	sizes := []int{10_000, 100_000}
	if env := os.Getenv("CYBERAID_BENCH_SIZES"); env != "" {
		sizes = nil
		for _, f := range strings.FieldsFunc(env, func(r rune) bool { return r == ' ' || r == ',' }) {
			var n int
			if _, err := fmt.Sscan(f, &n); err != nil || n <= 0 {
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
					// Leave the tables as autovacuum would, so that the
					// figures do not include it catching up on the rows the
					// generator wrote and the totals' rows it updated.
					if _, err := s.SQLDB().ExecContext(ctx, `VACUUM ANALYZE pledge_sums, pledges, requirements, access_grants`); err != nil {
						b.Fatal(err)
					}
				}
				viewer := func(email string) policy.Viewer {
					u, err := s.UserByEmail(ctx, email)
					if err != nil {
						b.Fatal(err)
					}
					org, err := s.OrganisationByID(ctx, u.OrgID)
					if err != nil {
						b.Fatal(err)
					}
					return policy.ViewerFor(u, org)
				}
				people := []struct {
					name string
					v    policy.Viewer
				}{
					{"coordinator", viewer("coordinator@demo.cyberaid.example")},
					{"company", viewer("donor.company@demo.cyberaid.example")},
				}
				for _, p := range people {
					b.Run(p.name+"/summary", func(b *testing.B) {
						for range b.N {
							if _, err := a.Reports.Summary(ctx, p.v, "donor"); err != nil {
								b.Fatal(err)
							}
						}
					})
					b.Run(p.name+"/summary-from-records", func(b *testing.B) {
						for range b.N {
							if _, err := a.Reports.SummaryFromRecords(ctx, p.v, "donor"); err != nil {
								b.Fatal(err)
							}
						}
					})
					b.Run(p.name+"/dashboard", func(b *testing.B) {
						for range b.N {
							if _, err := a.Reports.Dashboard(ctx, p.v); err != nil {
								b.Fatal(err)
							}
						}
					})
					b.Run(p.name+"/dashboard-from-records", func(b *testing.B) {
						for range b.N {
							if _, err := a.Reports.DashboardFromRecords(ctx, p.v); err != nil {
								b.Fatal(err)
							}
						}
					})
					b.Run(p.name+"/front", func(b *testing.B) {
						for range b.N {
							if _, _, err := a.Reports.Front(ctx, p.v); err != nil {
								b.Fatal(err)
							}
						}
					})
					b.Run(p.name+"/charts", func(b *testing.B) {
						for range b.N {
							if _, err := a.Reports.Charts(ctx, p.v); err != nil {
								b.Fatal(err)
							}
						}
					})
				}
				b.Run("coordinator/deconfliction", func(b *testing.B) {
					for range b.N {
						if _, err := a.Coordination.Alerts(ctx, people[0].v, coordination.AlertFilter{}); err != nil {
							b.Fatal(err)
						}
					}
				})
			})
		}
	}
}
