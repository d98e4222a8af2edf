package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// openStore opens the database a command line's flags point at.
func openStore(t *testing.T, db []string) *store.DB {
	t.Helper()
	cfg := store.Config{DataDir: db[1]}
	if db[0] == "--database-url" {
		cfg = store.Config{DatabaseURL: db[1]}
	}
	s, err := store.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func write(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// auditLog makes a database with n audit events, a checkpoint of them, and
// the server's verifier key; the key lives in a data directory of its own
// so that the PostgreSQL runs have one too.
func auditLog(t *testing.T, db []string, n int) (args func(...string) []string, checkpoint string) {
	t.Helper()
	keyDir := t.TempDir()
	args = func(a ...string) []string {
		a = append(a, db...)
		if db[0] == "--database-url" {
			a = append(a, "--data-dir", keyDir)
		}
		return a
	}
	for i := range n {
		if r := run(t, "", args("org", "add", "--name", "Org "+string(rune('A'+i)), "--kind", "state", "--participation", "member", "--country", "EE")...); r.code != 0 {
			t.Fatalf("org add: %+v", r)
		}
	}
	r := run(t, "", args("audit", "checkpoint")...)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "cyberaid-audit\n") {
		t.Fatalf("audit checkpoint: %+v", r)
	}
	return args, write(t, "cp.txt", r.stdout+"\n")
}

func TestAuditCheckpoints(t *testing.T) {
	backends(t, func(t *testing.T, db []string) {
		args, cp := auditLog(t, db, 5)
		r := run(t, "", args("audit", "key")...)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "cyberaid-audit+") {
			t.Fatalf("audit key: %+v", r)
		}
		key := r.stdout

		run(t, "", args("org", "add", "--name", "Later", "--kind", "state", "--participation", "member", "--country", "EE")...)
		r = run(t, "", args("audit", "verify", "--checkpoint", cp)...)
		if r.code != 0 || !strings.Contains(r.stdout, "OK: the audit log of 6 events extends the checkpoint of 5 events") {
			t.Fatalf("verify against the database: %+v", r)
		}
		r = run(t, "", args("audit", "verify", "--checkpoint", cp, "--key", key)...)
		if r.code != 0 {
			t.Fatalf("verify with the key given: %+v", r)
		}
		r = run(t, "", args("audit", "export")...)
		if r.code != 0 || strings.Count(r.stdout, "\n") != 5 {
			t.Fatalf("audit export: %+v", r)
		}
		exported := write(t, "log.jsonl", r.stdout+"\n")
		r = run(t, "", args("audit", "verify", "--checkpoint", cp, "--log", exported)...)
		if r.code != 0 || !strings.Contains(r.stdout, "6 events extends the checkpoint of 5") {
			t.Fatalf("verify an exported log: %+v", r)
		}
		r = run(t, "", args("audit", "verify", "--log", exported)...)
		if r.code != 0 || !strings.Contains(r.stdout, "intact: 6 events") {
			t.Fatalf("verify an exported chain: %+v", r)
		}

		// Another server's key, or an altered checkpoint, is refused.
		r = run(t, "", "audit", "key", "--new", "cyberaid-audit")
		other := strings.TrimSpace(r.stderr[strings.LastIndex(r.stderr, " ")+1:])
		r = run(t, "", args("audit", "verify", "--checkpoint", cp, "--key", other)...)
		if r.code != 1 || !strings.Contains(r.stderr, "signature") {
			t.Fatalf("a checkpoint checked with another key: %+v", r)
		}
		text, _ := os.ReadFile(cp)
		forged := write(t, "forged.txt", strings.Replace(string(text), "\n5\n", "\n4\n", 1))
		r = run(t, "", args("audit", "verify", "--checkpoint", forged)...)
		if r.code != 1 || !strings.Contains(r.stderr, "signature") {
			t.Fatalf("an altered checkpoint: %+v", r)
		}
	})
}

func TestAuditCheckpointCatchesTampering(t *testing.T) {
	cases := []struct {
		name    string
		tamper  func(t *testing.T, s *store.DB)
		problem string
	}{
		{"last events deleted", func(t *testing.T, s *store.DB) {
			storetest.DeleteAuditEvent(t, s, 5)
			storetest.DeleteAuditEvent(t, s, 4)
		}, "removed from the tail: the log holds 3 events, the checkpoint 5"},
		{"one event rewritten and the rest re-chained", func(t *testing.T, s *store.DB) {
			storetest.RechainAudit(t, s, 2, `{"name":"Somewhere else"}`)
		}, "rewritten or reordered"},
		{"rewritten, re-chained and the tree rebuilt", func(t *testing.T, s *store.DB) {
			storetest.RechainAudit(t, s, 2, `{"name":"Somewhere else"}`)
			storetest.ClearAuditTree(t, s)
		}, "rewritten or reordered"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			backends(t, func(t *testing.T, db []string) {
				args, cp := auditLog(t, db, 5)
				c.tamper(t, openStore(t, db))
				r := run(t, "", args("audit", "verify", "--checkpoint", cp)...)
				if r.code != 1 || !strings.Contains(r.stderr, c.problem) {
					t.Fatalf("against the database: %+v", r)
				}
				r = run(t, "", args("audit", "export")...)
				exported := write(t, "log.jsonl", r.stdout+"\n")
				r = run(t, "", args("audit", "verify", "--checkpoint", cp, "--log", exported)...)
				if r.code != 1 || !strings.Contains(r.stderr, c.problem) {
					t.Fatalf("against an export: %+v", r)
				}
			})
		})
	}
}
