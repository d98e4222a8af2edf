package storetest

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// The audit log is append-only: triggers refuse to change or delete its
// rows. Tests that check that verification notices tampering must first
// remove them, which these helpers do.

// DropAuditGuards removes the triggers that make audit_events append-only.
func DropAuditGuards(t testing.TB, s *store.DB) {
	t.Helper()
	stmts := []string{
		"DROP TRIGGER IF EXISTS audit_events_no_update",
		"DROP TRIGGER IF EXISTS audit_events_no_delete",
	}
	if s.Dialect() == "postgres" {
		stmts = []string{
			"DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events",
			"DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events",
		}
	}
	for _, stmt := range stmts {
		if _, err := s.SQLDB().ExecContext(context.Background(), stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
}

// TamperAudit removes the guards and runs one statement, written with ?
// placeholders, such as "UPDATE audit_events SET action = ? WHERE seq = ?".
func TamperAudit(t testing.TB, s *store.DB, statement string, args ...any) {
	t.Helper()
	DropAuditGuards(t, s)
	if s.Dialect() == "postgres" {
		for i := 1; strings.Contains(statement, "?"); i++ {
			statement = strings.Replace(statement, "?", "$"+strconv.Itoa(i), 1)
		}
	}
	if _, err := s.SQLDB().ExecContext(context.Background(), statement, args...); err != nil {
		t.Fatalf("tamper with the audit log: %v", err)
	}
}

// SetAuditField overwrites one column of one audit event, e.g. "after" or
// "action".
func SetAuditField(t testing.TB, s *store.DB, seq int64, column string, value any) {
	t.Helper()
	TamperAudit(t, s, "UPDATE audit_events SET "+column+" = ? WHERE seq = ?", value, seq)
}

// DeleteAuditEvent removes one audit event.
func DeleteAuditEvent(t testing.TB, s *store.DB, seq int64) {
	t.Helper()
	TamperAudit(t, s, "DELETE FROM audit_events WHERE seq = ?", seq)
}

// ClearAuditTree removes every stored node of the audit log's Merkle tree,
// as a forger who rewrote events would, so that it is rebuilt from them.
func ClearAuditTree(t testing.TB, s *store.DB) {
	t.Helper()
	stmts := []string{
		"DROP TRIGGER IF EXISTS audit_tree_nodes_no_update",
		"DROP TRIGGER IF EXISTS audit_tree_nodes_no_delete",
	}
	if s.Dialect() == "postgres" {
		stmts = []string{
			"DROP TRIGGER IF EXISTS audit_tree_nodes_no_change ON audit_tree_nodes",
			"DROP TRIGGER IF EXISTS audit_tree_nodes_no_truncate ON audit_tree_nodes",
		}
	}
	for _, stmt := range append(stmts, "DELETE FROM audit_tree_nodes") {
		if _, err := s.SQLDB().ExecContext(context.Background(), stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
}

// RechainAudit rewrites event seq's "after" and recomputes its hashes and
// those of every later event, as a careful forger would, so that the plain
// chain check passes again.
func RechainAudit(t testing.TB, s *store.DB, seq int64, after string) {
	t.Helper()
	ctx := context.Background()
	events, err := s.ListAuditEvents(ctx, model.AuditFilter{}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	prev := audit.Genesis
	for _, e := range events {
		if e.Seq == seq {
			e.After = []byte(after)
		}
		if e.Seq >= seq {
			e.PrevHash = prev
			e.PayloadHash = audit.PayloadHash(e)
			e.Hash = audit.ChainHash(e.PrevHash, e.Seq, e.PayloadHash)
			TamperAudit(t, s, "UPDATE audit_events SET after = ?, prev_hash = ?, payload_hash = ?, hash = ? WHERE seq = ?",
				string(e.After), e.PrevHash, e.PayloadHash, e.Hash, e.Seq)
		}
		prev = e.Hash
	}
	if rep, err := audit.Verify(ctx, s); err != nil || !rep.OK {
		t.Fatalf("the re-chained log should pass the plain chain check: %+v %v", rep, err)
	}
}
