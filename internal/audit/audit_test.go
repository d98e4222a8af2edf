package audit_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// chain writes n events, each in its own transaction as a real change would.
func chain(t *testing.T, s *store.DB, n int) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 9, 0, 0, 123456789, time.UTC)
	for i := range n {
		err := s.InTx(ctx, func(q store.Queries) error {
			_, err := audit.Record(ctx, q, at.Add(time.Duration(i)*time.Minute), audit.Actor{UserID: "u1", OrgID: "o1"}, audit.Change{
				Action: "requirement.update", ObjectType: "requirement", ObjectID: "r1",
				Before: map[string]any{"priority": "high", "n": i}, After: map[string]any{"priority": "critical", "n": i, "title": "Київ"},
			})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestVerify(t *testing.T) {
	cases := []struct {
		name    string
		tamper  func(t *testing.T, s *store.DB)
		badSeq  int64
		problem string
	}{
		{"intact", func(*testing.T, *store.DB) {}, 0, ""},
		{"contents edited", func(t *testing.T, s *store.DB) {
			storetest.SetAuditField(t, s, 3, "after", `{"priority":"low"}`)
		}, 3, "edited"},
		{"actor edited", func(t *testing.T, s *store.DB) {
			storetest.SetAuditField(t, s, 2, "actor_user_id", "someone-else")
		}, 2, "edited"},
		{"hash recomputed after an edit", func(t *testing.T, s *store.DB) {
			// A forger who rewrites an event's payload hash breaks the link
			// to the next event instead.
			storetest.SetAuditField(t, s, 2, "payload_hash", strings.Repeat("a", 64))
		}, 2, "edited"},
		{"event removed", func(t *testing.T, s *store.DB) {
			storetest.DeleteAuditEvent(t, s, 3)
		}, 4, "removed"},
		{"first event removed", func(t *testing.T, s *store.DB) {
			storetest.DeleteAuditEvent(t, s, 1)
		}, 2, "removed"},
		{"events reordered", func(t *testing.T, s *store.DB) {
			storetest.TamperAudit(t, s, "UPDATE audit_events SET seq = ? WHERE seq = ?", 100, 2)
			storetest.TamperAudit(t, s, "UPDATE audit_events SET seq = ? WHERE seq = ?", 2, 3)
			storetest.TamperAudit(t, s, "UPDATE audit_events SET seq = ? WHERE seq = ?", 3, 100)
		}, 2, "reordered"},
	}
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				s := s
				if c.name != "intact" {
					// Each tampering case needs its own log.
					s = openLike(t, s)
				}
				chain(t, s, 5)
				c.tamper(t, s)
				rep, err := audit.Verify(context.Background(), s)
				if err != nil {
					t.Fatal(err)
				}
				if c.badSeq == 0 {
					if !rep.OK || rep.Events != 5 || rep.Head == audit.Genesis {
						t.Fatalf("intact chain reported %+v", rep)
					}
					return
				}
				if rep.OK || rep.BadSeq != c.badSeq || !strings.Contains(rep.Problem, c.problem) {
					t.Fatalf("got %+v, want event %d named as %s", rep, c.badSeq, c.problem)
				}
			})
		}
	})
}

func openLike(t *testing.T, s *store.DB) *store.DB {
	if s.Dialect() == "postgres" {
		return storetest.OpenPostgres(t)
	}
	return storetest.OpenSQLite(t)
}

// TestConcurrentAppends checks that writers racing to append never chain
// onto the same head.
func TestConcurrentAppends(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		const writers, each = 4, 10
		errs := make(chan error, writers)
		for w := range writers {
			go func() {
				for i := range each {
					err := s.InTx(context.Background(), func(q store.Queries) error {
						_, err := audit.Record(context.Background(), q, time.Now(), audit.Actor{}, audit.Change{
							Action: "test.append", ObjectType: "test", ObjectID: string(rune('a' + w)), After: i,
						})
						return err
					})
					if err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
		}
		for range writers {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		rep, err := audit.Verify(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK || rep.Events != writers*each {
			t.Fatalf("after concurrent appends: %+v", rep)
		}
	})
}
