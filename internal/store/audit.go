package store

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/cyberaid/cyberaid/internal/model"
)

const auditColumns = `seq, at, actor_user_id, actor_org_id, action, object_type, object_id, before, after, payload_hash, prev_hash, hash`

func scanAuditEvent(s scanner) (model.AuditEvent, error) {
	var e model.AuditEvent
	var user, org, before, after sql.NullString
	err := s.Scan(&e.Seq, instant{&e.At}, &user, &org, &e.Action, &e.ObjectType, &e.ObjectID, &before, &after,
		&e.PayloadHash, &e.PrevHash, &e.Hash)
	e.ActorUserID, e.ActorOrgID = user.String, org.String
	if before.Valid {
		e.Before = json.RawMessage(before.String)
	}
	if after.Valid {
		e.After = json.RawMessage(after.String)
	}
	return e, err
}

// jsonText binds JSON as text, which both backends return byte for byte;
// an empty document is NULL.
func jsonText(b json.RawMessage) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}

// LastAuditEvent, inside a PostgreSQL transaction, first takes a
// transaction-scoped advisory lock that the next appender waits on until
// this transaction ends, so that no two transactions chain onto one head.
// SQLite's write transactions are serialised from BEGIN already.
func (q *queries) LastAuditEvent(ctx context.Context) (model.AuditEvent, error) {
	if q.inTx && q.dialect == dialectPostgres {
		_, err := q.wr.exec(ctx, `SELECT pg_advisory_xact_lock(?, 'audit_events'::regclass::oid::integer)`, auditLockClass)
		if err != nil {
			return model.AuditEvent{}, dbErr(err, "lock the audit log")
		}
	}
	e, err := scanAuditEvent(q.rd.row(ctx, `SELECT `+auditColumns+` FROM audit_events ORDER BY seq DESC LIMIT 1`))
	if err != nil {
		return model.AuditEvent{}, dbErr(err, "last audit event")
	}
	return e, nil
}

// AppendAuditEvent stores e exactly as given: the caller has computed its
// sequence number and hashes.
func (q *queries) AppendAuditEvent(ctx context.Context, e model.AuditEvent) error {
	_, err := q.wr.exec(ctx, `INSERT INTO audit_events (`+auditColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, e.At, nullIfEmpty(e.ActorUserID), nullIfEmpty(e.ActorOrgID), e.Action, e.ObjectType, e.ObjectID,
		jsonText(e.Before), jsonText(e.After), e.PayloadHash, e.PrevHash, e.Hash)
	return dbErr(err, "append audit event %d", e.Seq)
}

func (q *queries) ListAuditEvents(ctx context.Context, f model.AuditFilter, afterSeq int64, limit int) ([]model.AuditEvent, error) {
	conds := []string{"seq > ?"}
	args := []any{afterSeq}
	if f.ObjectType != "" {
		conds, args = append(conds, "object_type = ?"), append(args, f.ObjectType)
	}
	if f.ObjectID != "" {
		conds, args = append(conds, "object_id = ?"), append(args, f.ObjectID)
	}
	lim, args := limitClause(limit, args)
	es, err := queryAll(ctx, q.rd, scanAuditEvent, `SELECT `+auditColumns+` FROM audit_events`+where(conds)+` ORDER BY seq`+lim, args...)
	return es, dbErr(err, "list audit events")
}
