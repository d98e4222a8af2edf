package notify_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/notify"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestUnreadKeptFollowsChanges: what a member is shown of their
// notifications is kept between changes (keep). After each step of a
// random sequence (requirements validated and relabelled, pledges made and
// relabelled; notifications read one at a time or all at once, or added
// alone as a job adds them, which the audit log does not record), every
// member's count, newest unread notification and pages of notifications
// equal what is computed from scratch from every notification they have.
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
			func() string { // as a job adds one, with no audit event
				if len(reqs) == 0 {
					return ""
				}
				n := model.Notification{UserID: e.cast.Viewer(who[rng.IntN(len(who))]).UserID, Kind: model.NotifyRequirementValidated,
					ObjectType: "requirement", ObjectID: reqs[rng.IntN(len(reqs))], Subject: "Need", Mail: model.MailNone}
				if err := s.AddNotification(ctx, &n); err != nil {
					t.Fatal(err)
				}
				return "a notification alone"
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
				// From scratch: every notification of theirs, decided one
				// by one.
				all, err := s.ListNotifications(ctx, v.UserID, 0)
				if err != nil {
					t.Fatal(err)
				}
				ok, err := notify.Seen(ctx, s, v, all)
				if err != nil {
					t.Fatal(err)
				}
				var shown, unread []string
				for i, n := range all {
					if ok[i] {
						shown = append(shown, n.ID)
						if n.ReadAt == nil {
							unread = append(unread, n.ID)
						}
					}
				}
				newest := ""
				if len(unread) > 0 {
					newest = unread[0]
				}
				for _, read := range []string{"first", "second"} {
					n, more, err := e.n.Unread(ctx, v)
					if err != nil {
						t.Fatal(err)
					}
					if more || n != len(unread) {
						t.Fatalf("after %s, %s's count read %s: %d (more %v), want %d", did, as, read, n, more, len(unread))
					}
					got, err := e.n.NewestUnread(ctx, v)
					if err != nil {
						t.Fatal(err)
					}
					if got != newest {
						t.Fatalf("after %s, %s's newest unread read %s: %q, want %q", did, as, read, got, newest)
					}
					for _, only := range []bool{false, true} {
						want := shown
						if only {
							want = unread
						}
						page, err := e.n.Page(ctx, v, only, model.Sort{}, "", 0)
						if err != nil {
							t.Fatal(err)
						}
						ids := idsOf(page.Items)
						if !slices.Equal(ids, want) || page.Total != len(want) || page.Unread != len(unread) || page.Next != "" {
							t.Fatalf("after %s, %s's page (unread only %v) read %s: %v of %d, %d unread; want %v, %d unread",
								did, as, only, read, ids, page.Total, page.Unread, want, len(unread))
						}
						// Pages of two, oldest first: each its own reading.
						var walked []string
						cursor, oldest := "", model.Sort{Field: "created"}
						for range len(want) + 1 {
							page, err := e.n.Page(ctx, v, only, oldest, cursor, 2)
							if err != nil {
								t.Fatal(err)
							}
							walked = append(walked, idsOf(page.Items)...)
							if cursor = page.Next; cursor == "" {
								break
							}
						}
						// And the first two newest first: the order is part of a page.
						first, err := e.n.Page(ctx, v, only, model.Sort{}, "", 2)
						if err != nil {
							t.Fatal(err)
						}
						firstIDs := idsOf(first.Items)
						if !slices.Equal(firstIDs, want[:min(2, len(want))]) {
							t.Fatalf("after %s, %s's first two, newest first (unread only %v), read %s: %v; want %v", did, as, only, read, firstIDs, want[:min(2, len(want))])
						}
						reversed := slices.Clone(want)
						slices.Reverse(reversed)
						if !slices.Equal(walked, reversed) {
							t.Fatalf("after %s, %s's pages of two, oldest first (unread only %v), read %s: %v; want %v", did, as, only, read, walked, reversed)
						}
					}
				}
			}
		}
		for _, want := range []string{"a requirement validated", "a requirement relabelled", "a pledge", "a pledge relabelled", "a notification read", "all read", "a notification alone"} {
			if !seen[want] {
				t.Errorf("the sequence took no step %q", want)
			}
		}
	})
}

// idsOf names the notifications of a page, in its order.
func idsOf(ns []model.Notification) []string {
	var ids []string
	for _, n := range ns {
		ids = append(ids, n.ID)
	}
	return ids
}
