package store

import (
	"context"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
)

// AuditTreeSize counts the leaves of the stored Merkle tree. Inside a
// PostgreSQL transaction it first takes the tree fillers' lock, held until
// the transaction ends, so that servers sharing the database fill the tree
// one after the other instead of computing the same nodes together.
func (q *queries) AuditTreeSize(ctx context.Context) (uint64, error) {
	if q.inTx && q.dialect == dialectPostgres {
		_, err := q.wr.exec(ctx, `SELECT pg_advisory_xact_lock(?, 'audit_tree_nodes'::regclass::oid::integer)`, auditLockClass)
		if err != nil {
			return 0, dbErr(err, "lock the audit tree")
		}
	}
	// The primary key (level, idx) answers this from its last entry.
	var n int64
	err := q.rd.row(ctx, `SELECT COALESCE(MAX(idx) + 1, 0) FROM audit_tree_nodes WHERE level = 0`).Scan(&n)
	return uint64(n), dbErr(err, "audit tree size")
}

// AuditTreeNodes returns the hashes of the nodes named by level and index,
// in the order asked; ErrNotFound when one is not stored.
func (q *queries) AuditTreeNodes(ctx context.Context, ids []model.AuditTreeNode) ([][]byte, error) {
	if len(ids) == 0 {
		return [][]byte{}, nil
	}
	type key struct {
		level uint
		index uint64
	}
	byLevel := map[uint][]int64{}
	for _, id := range ids {
		byLevel[id.Level] = append(byLevel[id.Level], int64(id.Index))
	}
	found := make(map[key][]byte, len(ids))
	for level, idxs := range byLevel {
		for len(idxs) > 0 {
			chunk := idxs[:min(len(idxs), chunkSize)]
			idxs = idxs[len(chunk):]
			// On PostgreSQL the list is one array: five hundred parameters
			// took 20 ms to plan, and a full verification reads every leaf.
			list, args := "SELECT unnest(?::bigint[])", []any{int64(level), chunk}
			if q.dialect != dialectPostgres {
				list, args = placeholders(len(chunk)), []any{int64(level)}
				for _, i := range chunk {
					args = append(args, i)
				}
			}
			rows, err := q.rd.query(ctx, `SELECT idx, hash FROM audit_tree_nodes WHERE level = ? AND idx IN (`+list+`)`, args...)
			if err != nil {
				return nil, dbErr(err, "read audit tree nodes")
			}
			for rows.Next() {
				var idx int64
				var h string
				if err := rows.Scan(&idx, &h); err != nil {
					rows.Close()
					return nil, dbErr(err, "read audit tree nodes")
				}
				b, err := hex.DecodeString(h)
				if err != nil {
					rows.Close()
					return nil, fmt.Errorf("audit tree node (%d, %d): %w", level, idx, err)
				}
				found[key{level, uint64(idx)}] = b
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return nil, dbErr(err, "read audit tree nodes")
			}
		}
	}
	out := make([][]byte, len(ids))
	for i, id := range ids {
		h, ok := found[key{id.Level, id.Index}]
		if !ok {
			return nil, fmt.Errorf("audit tree node (%d, %d): %w", id.Level, id.Index, model.ErrNotFound)
		}
		out[i] = h
	}
	return out, nil
}

// treeChunk is how many nodes one INSERT writes.
const treeChunk = 300

// PutAuditTreeNodes stores nodes. A node stored already is left as it is:
// a node's hash follows from the events below it, so two fillers write the
// same value and the second may simply skip it.
func (q *queries) PutAuditTreeNodes(ctx context.Context, nodes []model.AuditTreeNode) error {
	for len(nodes) > 0 {
		chunk := nodes[:min(len(nodes), treeChunk)]
		nodes = nodes[len(chunk):]
		args := make([]any, 0, 3*len(chunk))
		for _, n := range chunk {
			args = append(args, int64(n.Level), int64(n.Index), hex.EncodeToString(n.Hash))
		}
		_, err := q.wr.exec(ctx, `INSERT INTO audit_tree_nodes (level, idx, hash) VALUES `+valueRows(len(chunk), 3)+
			` ON CONFLICT (level, idx) DO NOTHING`, args...)
		if err != nil {
			return dbErr(err, "store audit tree nodes")
		}
	}
	return nil
}

// AuditChainHashes returns the sequence numbers and chain hashes of up to
// limit events after afterSeq, in chain order, without their contents.
func (q *queries) AuditChainHashes(ctx context.Context, afterSeq int64, limit int) ([]model.AuditChainHash, error) {
	lim, args := limitClause(limit, []any{afterSeq})
	hs, err := queryAll(ctx, q.rd, func(s scanner) (model.AuditChainHash, error) {
		var h model.AuditChainHash
		err := s.Scan(&h.Seq, &h.Hash)
		return h, err
	}, `SELECT seq, hash FROM audit_events WHERE seq > ? ORDER BY seq`+lim, args...)
	return hs, dbErr(err, "list audit chain hashes")
}

// ClaimAuditVerification starts a full verification for one server: it
// succeeds only when no run was started since staleBefore. It is one
// conditional statement, so that of several servers exactly one wins.
func (q *queries) ClaimAuditVerification(ctx context.Context, now, staleBefore time.Time) (bool, error) {
	res, err := q.wr.exec(ctx, `UPDATE audit_verification SET claimed_at = ?
		WHERE id = 1 AND (claimed_at IS NULL OR claimed_at < ?)`, now, staleBefore)
	if err != nil {
		return false, dbErr(err, "claim audit verification")
	}
	n, err := res.RowsAffected()
	return n == 1, dbErr(err, "claim audit verification")
}

// FinishAuditVerification records the outcome of a full verification.
func (q *queries) FinishAuditVerification(ctx context.Context, v model.AuditVerification) error {
	err := q.wr.execOne(ctx, `UPDATE audit_verification SET verified_at = ?, ok = ?, events = ?, head = ?, bad_seq = ?, problem = ?
		WHERE id = 1`, v.VerifiedAt, v.OK, v.Events, v.Head, v.BadSeq, v.Problem)
	return dbErr(err, "record audit verification")
}

// LastAuditVerification returns the last recorded verification; its
// VerifiedAt is zero when none has finished.
func (q *queries) LastAuditVerification(ctx context.Context) (model.AuditVerification, error) {
	var v model.AuditVerification
	var at *time.Time
	err := q.rd.row(ctx, `SELECT verified_at, ok, events, head, bad_seq, problem FROM audit_verification WHERE id = 1`).
		Scan(nullInstant{&at}, &v.OK, &v.Events, &v.Head, &v.BadSeq, &v.Problem)
	if at != nil {
		v.VerifiedAt = *at
	}
	return v, dbErr(err, "last audit verification")
}
