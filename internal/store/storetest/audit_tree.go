package storetest

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// AuditTree checks the stored Merkle tree nodes, the chain hashes they are
// built from, and the record of the last verification.
func AuditTree(t *testing.T, s *store.DB) {
	ctx := context.Background()
	hash := func(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

	n, err := s.AuditTreeSize(ctx)
	must(t, err)
	same(t, n, uint64(0))
	got, err := s.AuditTreeNodes(ctx, nil)
	must(t, err)
	same(t, len(got), 0)

	must(t, s.InTx(ctx, func(q store.Queries) error {
		if _, err := q.AuditTreeSize(ctx); err != nil { // takes the fillers' lock
			return err
		}
		return q.PutAuditTreeNodes(ctx, []model.AuditTreeNode{
			{Level: 0, Index: 0, Hash: hash(1)}, {Level: 0, Index: 1, Hash: hash(2)}, {Level: 1, Index: 0, Hash: hash(3)},
			{Level: 0, Index: 2, Hash: hash(4)},
		})
	}))
	// A second writer of the same nodes changes nothing, and fails not.
	must(t, s.PutAuditTreeNodes(ctx, []model.AuditTreeNode{{Level: 0, Index: 1, Hash: hash(9)}, {Level: 63, Index: 0, Hash: hash(5)}}))
	n, err = s.AuditTreeSize(ctx)
	must(t, err)
	same(t, n, uint64(3))
	got, err = s.AuditTreeNodes(ctx, []model.AuditTreeNode{{Level: 1, Index: 0}, {Level: 0, Index: 2}, {Level: 0, Index: 1}, {Level: 63, Index: 0}})
	must(t, err)
	same(t, got, [][]byte{hash(3), hash(4), hash(2), hash(5)})
	if _, err := s.AuditTreeNodes(ctx, []model.AuditTreeNode{{Level: 0, Index: 0}, {Level: 2, Index: 0}}); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("a missing node: %v", err)
	}
	// The nodes never change once written.
	if _, err := s.SQLDB().ExecContext(ctx, "DELETE FROM audit_tree_nodes"); err == nil {
		t.Fatal("audit tree nodes could be deleted")
	}

	prev := "0000000000000000000000000000000000000000000000000000000000000000"
	var events []model.AuditEvent
	for seq := int64(1); seq <= 5; seq++ {
		e := auditEvent(seq, prev, "o", "", `{"n":1}`)
		events, prev = append(events, e), e.Hash
	}
	must(t, s.AppendAuditEvents(ctx, events))
	hs, err := s.AuditChainHashes(ctx, 2, 2)
	must(t, err)
	same(t, hs, []model.AuditChainHash{{Seq: 3, Hash: events[2].Hash}, {Seq: 4, Hash: events[3].Hash}})
	hs, err = s.AuditChainHashes(ctx, 0, 0)
	must(t, err)
	same(t, len(hs), 5)

	v, err := s.LastAuditVerification(ctx)
	must(t, err)
	if !v.VerifiedAt.IsZero() {
		t.Fatalf("a new database has a verification: %+v", v)
	}
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	ok, err := s.ClaimAuditVerification(ctx, now, now.Add(-time.Hour))
	must(t, err)
	same(t, ok, true)
	ok, err = s.ClaimAuditVerification(ctx, now.Add(time.Minute), now.Add(-time.Hour))
	must(t, err)
	same(t, ok, false)
	ok, err = s.ClaimAuditVerification(ctx, now.Add(61*time.Minute), now.Add(time.Minute))
	must(t, err)
	same(t, ok, true)
	want := model.AuditVerification{VerifiedAt: now.Add(62 * time.Minute), OK: false, Events: 41, Head: events[4].Hash, BadSeq: 7, Problem: "event 7 was edited"}
	must(t, s.FinishAuditVerification(ctx, want))
	v, err = s.LastAuditVerification(ctx)
	must(t, err)
	same(t, v, want)
}
