package notify_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestUnreadKeptFollowsChanges: the menu's count is kept between changes
// (Unread). After each step of a random sequence (requirements validated
// and relabelled, pledges made and relabelled, notifications read one at a
// time or all at once, which the audit log does not record), every
// member's count equals the one the notifications page computes from
// scratch in the database.
func TestUnreadKeptFollowsChanges(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		e := setup(t, s)
		ctx := context.Background()
		rng := rand.New(rand.NewPCG(2026, 7))
		labels := []model.TLP{model.TLPClear, model.TLPGreen, model.TLPAmber, model.TLPAmberStrict}
		who := []string{"donor", "donor_eu", "donor_ee", "requester", "coordinator"}
		var reqs []string
		var pls []string
		ops := []func() string{
			func() string {
				reqs = append(reqs, e.validated(t, "Need", labels[rng.IntN(len(labels))]).ID)
				return "a requirement validated"
			},
			func() string {
				if len(reqs) == 0 {
					return ""
				}
				l := labels[rng.IntN(len(labels))]
				if _, err := e.a.Requirements.Update(ctx, e.cast.Viewer("requester"), reqs[rng.IntN(len(reqs))], requirements.Input{TLP: &l}); err != nil {
					return ""
				}
				return "a requirement relabelled"
			},
			func() string {
				if len(reqs) == 0 {
					return ""
				}
				p, err := e.a.Pledges.Create(ctx, e.cast.Viewer("donor"), pledges.Input{RequirementID: ptr(reqs[rng.IntN(len(reqs))]),
					AmountMinor: ptr(int64(1_000_00)), Currency: ptr("EUR"), TLP: &labels[rng.IntN(len(labels))]})
				if err != nil {
					return ""
				}
				pls = append(pls, p.ID)
				return "a pledge"
			},
			func() string {
				if len(pls) == 0 {
					return ""
				}
				l := labels[rng.IntN(len(labels))]
				if _, err := e.a.Pledges.Update(ctx, e.cast.Viewer("donor"), pls[rng.IntN(len(pls))], pledges.Input{TLP: &l}); err != nil {
					return ""
				}
				return "a pledge relabelled"
			},
			func() string {
				as := who[rng.IntN(len(who))]
				ns := e.unread(t, as)
				for _, n := range ns {
					if n.ReadAt == nil {
						if err := e.n.MarkRead(ctx, e.cast.Viewer(as), n.ID); err != nil {
							t.Fatal(err)
						}
						return "a notification read"
					}
				}
				return ""
			},
			func() string {
				as := who[rng.IntN(len(who))]
				newest, err := e.n.NewestUnread(ctx, e.cast.Viewer(as))
				if err != nil || newest == "" {
					return ""
				}
				if _, err := e.n.MarkAllRead(ctx, e.cast.Viewer(as), newest); err != nil {
					t.Fatal(err)
				}
				return "all read"
			},
		}
		seen := map[string]bool{}
		for step := 0; step < 40; step++ {
			did := ops[rng.IntN(len(ops))]()
			if did == "" {
				continue
			}
			seen[did] = true
			for _, as := range who {
				v := e.cast.Viewer(as)
				for _, read := range []string{"first", "second"} {
					n, more, err := e.n.Unread(ctx, v)
					if err != nil {
						t.Fatal(err)
					}
					page, err := e.n.Page(ctx, v, true, model.Sort{}, "", 0)
					if err != nil {
						t.Fatal(err)
					}
					if more || n != page.Unread {
						t.Fatalf("after %s, %s's count read %s: %d (more %v), the notifications page counts %d", did, as, read, n, more, page.Unread)
					}
				}
			}
		}
		for _, want := range []string{"a requirement validated", "a requirement relabelled", "a pledge", "a pledge relabelled", "a notification read", "all read"} {
			if !seen[want] {
				t.Errorf("the sequence took no step %q", want)
			}
		}
	})
}
