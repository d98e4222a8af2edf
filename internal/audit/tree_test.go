package audit_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/transparency-dev/merkle/proof"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// participant is any signed-in user of an organisation still in the mechanism.
var participant = policy.ViewerFor(model.User{ID: "u", OrgID: "o", Roles: []model.Role{model.RoleViewer}},
	model.Organisation{ID: "o", Kind: model.KindState, Participation: model.Member})

func newLog(t *testing.T, s store.Store) *audit.Log {
	t.Helper()
	skey, _, err := audit.GenerateKey("test-log")
	if err != nil {
		t.Fatal(err)
	}
	l, err := audit.NewLog(s, skey, nil)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// rootOf recomputes the root of the first n events from scratch.
func rootOf(t *testing.T, s store.Store, n int64) []byte {
	t.Helper()
	b := audit.NewBuilder()
	events, err := s.ListAuditEvents(context.Background(), model.AuditFilter{}, 0, int(n))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if err := b.Add(e.Hash); err != nil {
			t.Fatal(err)
		}
	}
	return b.Root()
}

func TestProofs(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		l := newLog(t, s)
		check := func(total int64) {
			t.Helper()
			cp, err := l.Checkpoint(ctx, participant)
			if err != nil {
				t.Fatal(err)
			}
			if int64(cp.Size) != total || !bytes.Equal(cp.Root, rootOf(t, s, total)) {
				t.Fatalf("checkpoint of %d events: size %d, root differs from a recomputed one", total, cp.Size)
			}
			for size := int64(1); size <= total; size++ {
				root := rootOf(t, s, size)
				for seq := int64(1); seq <= size; seq++ {
					p, err := l.Inclusion(ctx, participant, seq, size)
					if err != nil {
						t.Fatalf("inclusion %d in %d: %v", seq, size, err)
					}
					if !bytes.Equal(p.Root, root) {
						t.Fatalf("inclusion %d in %d: root differs", seq, size)
					}
					if err := proof.VerifyInclusion(audit.Hasher, uint64(p.LeafIndex), uint64(size), p.LeafHash, p.Proof, root); err != nil {
						t.Fatalf("inclusion of %d in %d does not verify: %v", seq, size, err)
					}
				}
				for from := int64(0); from <= size; from++ {
					p, err := l.Consistency(ctx, participant, from, size)
					if err != nil {
						t.Fatalf("consistency %d→%d: %v", from, size, err)
					}
					if err := proof.VerifyConsistency(audit.Hasher, uint64(from), uint64(size), p.Proof, rootOf(t, s, from), root); err != nil {
						t.Fatalf("consistency %d→%d does not verify: %v", from, size, err)
					}
				}
			}
		}
		chain(t, s, 11)
		check(11)
		// More events after the tree was filled: it grows from where it was.
		chain(t, s, 6)
		check(17)

		// Bad sizes and sequence numbers name their field.
		bad := []struct {
			call  func() error
			field string
			kind  error
		}{
			{func() error { _, err := l.Inclusion(ctx, participant, 0, 5); return err }, "seq", model.ErrInvalid},
			{func() error { _, err := l.Inclusion(ctx, participant, 6, 5); return err }, "seq", model.ErrRule},
			{func() error { _, err := l.Inclusion(ctx, participant, 1, 18); return err }, "size", model.ErrRule},
			{func() error { _, err := l.Consistency(ctx, participant, 6, 5); return err }, "from", model.ErrRule},
			{func() error { _, err := l.Consistency(ctx, participant, -1, 5); return err }, "from", model.ErrInvalid},
			{func() error { _, err := l.Consistency(ctx, participant, 1, 99); return err }, "to", model.ErrRule},
		}
		for i, b := range bad {
			err := b.call()
			var fe *model.FieldError
			if !errors.As(err, &fe) || fe.Field != b.field || !errors.Is(err, b.kind) {
				t.Errorf("case %d: got %v, want a %v naming %s", i, err, b.kind, b.field)
			}
		}
		former := policy.ViewerFor(model.User{ID: "f", OrgID: "f", Roles: []model.Role{model.RoleAdmin}},
			model.Organisation{ID: "f", Kind: model.KindState, Participation: model.Former})
		// A former participant's users are visitors.
		if _, err := l.Checkpoint(ctx, former); !errors.Is(err, model.ErrUnauthenticated) {
			t.Errorf("a former participant got a checkpoint: %v", err)
		}
		if _, err := l.Checkpoint(ctx, policy.Viewer{}); !errors.Is(err, model.ErrUnauthenticated) {
			t.Errorf("a visitor got a checkpoint: %v", err)
		}
	})
}

// TestTreeFillsConcurrently has several fillers race on one log, as several
// servers would: the tree must come out whole and right.
func TestTreeFillsConcurrently(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		chain(t, s, 40)
		errs := make(chan error, 4)
		for range 4 {
			go func() {
				_, err := audit.NewTree(s).Update(context.Background())
				errs <- err
			}()
		}
		for range 4 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		tree := audit.NewTree(s)
		root, err := tree.Root(context.Background(), 40)
		if err != nil || !bytes.Equal(root, rootOf(t, s, 40)) {
			t.Fatalf("root after concurrent fills: %v", err)
		}
	})
}

func TestCheckpointSignature(t *testing.T) {
	s := storetest.OpenSQLite(t)
	chain(t, s, 3)
	l := newLog(t, s)
	cp, err := l.Sign(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(cp.Note), "\n")
	if lines[0] != "test-log" || lines[1] != "3" || !strings.HasPrefix(lines[4], "— test-log ") {
		t.Fatalf("checkpoint is not origin, size, root, signature:\n%s", cp.Note)
	}
	got, err := audit.ParseCheckpoint(cp.Note, l.VerifierKey())
	if err != nil || got.Size != 3 || !bytes.Equal(got.Root, cp.Root) {
		t.Fatalf("parse own checkpoint: %+v %v", got, err)
	}
	_, otherKey, _ := audit.GenerateKey("test-log")
	if _, err := audit.ParseCheckpoint(cp.Note, otherKey); !errors.Is(err, audit.ErrBadSignature) {
		t.Errorf("another key verified the checkpoint: %v", err)
	}
	forged := strings.Replace(string(cp.Note), "\n3\n", "\n2\n", 1)
	if _, err := audit.ParseCheckpoint([]byte(forged), l.VerifierKey()); !errors.Is(err, audit.ErrBadSignature) {
		t.Errorf("an altered checkpoint verified: %v", err)
	}
}

func TestLoadKey(t *testing.T) {
	dir := t.TempDir()
	k1, err := audit.LoadKey("", "", dir)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := audit.LoadKey("", "", dir)
	if err != nil || k1 != k2 {
		t.Fatalf("the key in the data directory changed: %v", err)
	}
	if _, err := audit.VerifierKey(k1); err != nil {
		t.Fatal(err)
	}
	if _, err := audit.LoadKey("PRIVATE+KEY+nonsense", "", dir); err == nil {
		t.Error("a malformed key was accepted")
	}
}

// tamperings are what someone with write access to the database might do.
var tamperings = []struct {
	name    string
	tamper  func(t *testing.T, s *store.DB)
	problem string
	// jobSees: the background verification, which has no checkpoint to
	// compare with, notices it too (the stored tree still holds the truth).
	jobSees bool
}{
	{"last events deleted", func(t *testing.T, s *store.DB) {
		storetest.DeleteAuditEvent(t, s, 8)
		storetest.DeleteAuditEvent(t, s, 7)
	}, "removed from the tail", true},
	{"one event rewritten and the rest re-chained", func(t *testing.T, s *store.DB) {
		storetest.RechainAudit(t, s, 3, `{"priority":"low"}`)
	}, "rewritten", true},
	{"rewritten, re-chained and the tree rebuilt", func(t *testing.T, s *store.DB) {
		storetest.RechainAudit(t, s, 3, `{"priority":"low"}`)
		storetest.ClearAuditTree(t, s)
	}, "rewritten", false},
}

// TestCheckpointCatchesTampering: a plain chain check passes after a
// rewrite that re-chains every later event; a checkpoint taken before does
// not.
func TestCheckpointCatchesTampering(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s0 *store.DB) {
		for _, c := range tamperings {
			t.Run(c.name, func(t *testing.T) {
				s := openLike(t, s0)
				ctx := context.Background()
				chain(t, s, 6)
				l := newLog(t, s)
				cp, err := l.Sign(ctx)
				if err != nil {
					t.Fatal(err)
				}
				chain(t, s, 2)
				if x, err := audit.ExtendsStore(ctx, s, l.Tree(), cp); err != nil || !x.OK || x.LogSize != 8 {
					t.Fatalf("intact log: %+v %v", x, err)
				}
				c.tamper(t, s)
				x, err := audit.ExtendsStore(ctx, s, l.Tree(), cp)
				if err != nil {
					t.Fatal(err)
				}
				if x.OK || !strings.Contains(x.Problem, c.problem) {
					t.Fatalf("tampering not caught: %+v", x)
				}
				v, err := l.VerifyNow(ctx)
				if err != nil || v.OK == c.jobSees {
					t.Fatalf("the background verification missed it: %+v %v", v, err)
				}
			})
		}
	})
}
