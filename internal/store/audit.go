package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"sync"

	"github.com/cyberaid/cyberaid/internal/model"
)

const auditColumns = `seq, at, actor_user_id, actor_org_id, action, object_type, object_id, before, after, payload_hash, prev_hash, hash`

// auditRead reads an event's instant as text on SQLite: the full
// verification reads every event.
var auditRead = instantsAsText(auditColumns, "at")

func (q *queries) auditReadColumns() string { return auditRead.of(q) }

// auditRow is where an event row is scanned, pooled as pledgeRow is: the
// full verification reads every event.
type auditRow struct {
	e                        model.AuditEvent
	user, org, before, after sql.NullString
	dest                     []any
}

var auditRows = sync.Pool{New: func() any {
	r := &auditRow{}
	e := &r.e
	r.dest = []any{&e.Seq, instant{&e.At}, &r.user, &r.org, &e.Action, &e.ObjectType, &e.ObjectID, &r.before, &r.after,
		&e.PayloadHash, &e.PrevHash, &e.Hash}
	return r
}}

func scanAuditEvent(s scanner) (model.AuditEvent, error) {
	r := auditRows.Get().(*auditRow)
	defer auditRows.Put(r)
	r.e = model.AuditEvent{}
	if err := s.Scan(r.dest...); err != nil {
		return model.AuditEvent{}, err
	}
	e := r.e
	e.ActorUserID, e.ActorOrgID = r.user.String, r.org.String
	if r.before.Valid {
		e.Before = json.RawMessage(r.before.String)
	}
	if r.after.Valid {
		e.After = json.RawMessage(r.after.String)
	}
	return e, nil
}

// jsonText binds JSON as text, which both backends return byte for byte;
// an empty document is NULL.
func jsonText(b json.RawMessage) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}

// auditHead is the head of the chain as a transaction last read or wrote
// it. A transaction that has read the head holds the appenders' lock until
// it ends, so no one else can move the head: a transaction that records
// thousands of events, such as an import, reads it once.
type auditHead struct {
	known bool
	empty bool
	event model.AuditEvent
}

// moved records an append. Only a head the transaction has read is kept:
// reading is what takes the appenders' lock on PostgreSQL.
func (h *auditHead) moved(e model.AuditEvent) {
	if h != nil && h.known {
		*h = auditHead{known: true, event: e}
	}
}

// LastAuditEvent, inside a PostgreSQL transaction, first takes a
// transaction-scoped advisory lock that the next appender waits on until
// this transaction ends, so that no two transactions chain onto one head.
// SQLite's write transactions are serialised from BEGIN already.
func (q *queries) LastAuditEvent(ctx context.Context) (model.AuditEvent, error) {
	if q.head != nil && q.head.known {
		if q.head.empty {
			return model.AuditEvent{}, dbErr(sql.ErrNoRows, "last audit event")
		}
		return q.head.event, nil
	}
	head, what := `SELECT `+q.auditReadColumns()+` FROM audit_events ORDER BY seq DESC LIMIT 1`, "last audit event"
	if q.inTx && q.dialect == dialectPostgres {
		// Locks, then reads in a snapshot of its own (migration 00051).
		head, what = `SELECT `+q.auditReadColumns()+` FROM audit_head()`, "lock the audit log and read its last event"
	}
	e, err := scanAuditEvent(q.rd.row(ctx, head))
	if q.head != nil {
		switch {
		case errors.Is(err, sql.ErrNoRows):
			*q.head = auditHead{known: true, empty: true}
		case err == nil:
			*q.head = auditHead{known: true, event: e}
		}
	}
	if err != nil {
		return model.AuditEvent{}, dbErr(err, what)
	}
	return e, nil
}

func (q *queries) AuditHeadSeq(ctx context.Context) (int64, error) {
	var seq int64
	if err := q.rd.row(ctx, `SELECT COALESCE(MAX(seq), 0) FROM audit_events`).Scan(&seq); err != nil {
		return 0, dbErr(err, "audit log head")
	}
	return seq, nil
}

// AppendAuditEvent stores e exactly as given: the caller has computed its
// sequence number and hashes.
func (q *queries) AppendAuditEvent(ctx context.Context, e model.AuditEvent) error {
	return q.AppendAuditEvents(ctx, []model.AuditEvent{e})
}

// auditChunk is how many events one INSERT writes: twelve columns each,
// well within both backends' limits on parameters.
const auditChunk = 200

// AppendAuditEvents stores consecutive events in order, many per statement.
func (q *queries) AppendAuditEvents(ctx context.Context, es []model.AuditEvent) error {
	for len(es) > 0 {
		chunk := es[:min(len(es), auditChunk)]
		args := make([]any, 0, 12*len(chunk))
		for _, e := range chunk {
			args = append(args, e.Seq, e.At, nullIfEmpty(e.ActorUserID), nullIfEmpty(e.ActorOrgID), e.Action, e.ObjectType, e.ObjectID,
				jsonText(e.Before), jsonText(e.After), e.PayloadHash, e.PrevHash, e.Hash)
		}
		if _, err := q.wr.exec(ctx, `INSERT INTO audit_events (`+auditColumns+`) VALUES `+valueRows(len(chunk), 12), args...); err != nil {
			return dbErr(err, "append audit event %d", chunk[0].Seq)
		}
		q.head.moved(chunk[len(chunk)-1])
		es = es[len(chunk):]
	}
	return nil
}

func (q *queries) ListAuditEvents(ctx context.Context, f model.AuditFilter, afterSeq int64, limit int) ([]model.AuditEvent, error) {
	es, err := q.auditEvents(ctx, f, "seq > ?", afterSeq, "", limit)
	return es, dbErr(err, "list audit events")
}

func (q *queries) ListAuditEventsBefore(ctx context.Context, f model.AuditFilter, beforeSeq int64, limit int) ([]model.AuditEvent, error) {
	bound := "seq < ?"
	if beforeSeq <= 0 {
		bound, beforeSeq = "seq > ?", 0
	}
	es, err := q.auditEvents(ctx, f, bound, beforeSeq, " DESC", limit)
	return es, dbErr(err, "list audit events")
}

func (q *queries) auditEvents(ctx context.Context, f model.AuditFilter, bound string, seq int64, dir string, limit int) ([]model.AuditEvent, error) {
	conds := []string{bound}
	args := []any{seq}
	if f.ObjectType != "" {
		conds, args = append(conds, "object_type = ?"), append(args, f.ObjectType)
	}
	if f.ObjectID != "" {
		conds, args = append(conds, "object_id = ?"), append(args, f.ObjectID)
	}
	lim, args := limitClause(limit, args)
	var page []model.AuditEvent
	if limit > 0 {
		// The verification reads the whole log a thousand events a time.
		page = make([]model.AuditEvent, 0, min(limit, 1000))
	}
	page, err := queryAppend(ctx, q.rd, scanAuditEvent, page, `SELECT `+q.auditReadColumns()+` FROM audit_events`+where(conds)+` ORDER BY seq`+dir+lim, args...)
	if len(page) == 0 {
		// As queryAll returns no rows.
		page = nil
	}
	return page, err
}
