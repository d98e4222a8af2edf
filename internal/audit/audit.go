// Package audit keeps the tamper-evident log: every change appends an event,
// in the same transaction as the change, whose hash covers the previous one.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Genesis is the previous hash of the first event.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Actor is who made a change; both fields are empty for the system itself
// (a migration, a background job).
type Actor struct {
	UserID string
	OrgID  string
}

// Change describes one change to record.
type Change struct {
	Action     string // e.g. "requirement.validate"
	ObjectType string // e.g. "requirement"
	ObjectID   string
	Before     any // nil when the object is created
	After      any // nil when the object is removed
}

// Record appends the change to the chain. It must run inside the
// transaction that makes the change, so that both commit or neither does.
func Record(ctx context.Context, q store.Audit, at time.Time, actor Actor, c Change) (model.AuditEvent, error) {
	es, err := RecordAll(ctx, q, at, actor, []Change{c})
	if err != nil {
		return model.AuditEvent{}, err
	}
	return es[0], nil
}

// RecordAll appends changes made together, in order, writing many events
// per statement: an import records thousands.
func RecordAll(ctx context.Context, q store.Audit, at time.Time, actor Actor, cs []Change) ([]model.AuditEvent, error) {
	if len(cs) == 0 {
		return nil, nil
	}
	// The states are encoded before the head is read: on PostgreSQL the
	// read takes the audit log's lock, which every other writer waits for
	// until this transaction commits.
	es := make([]model.AuditEvent, len(cs))
	for i, c := range cs {
		e := model.AuditEvent{
			At:          at.UTC().Truncate(time.Microsecond), // both databases keep microseconds
			ActorUserID: actor.UserID,
			ActorOrgID:  actor.OrgID,
			Action:      c.Action,
			ObjectType:  c.ObjectType,
			ObjectID:    c.ObjectID,
		}
		var err error
		if e.Before, err = encode(c.Before); err != nil {
			return nil, err
		}
		if e.After, err = encode(c.After); err != nil {
			return nil, err
		}
		es[i] = e
	}
	head, err := q.LastAuditEvent(ctx)
	prev, seq := Genesis, int64(1)
	switch {
	case err == nil:
		prev, seq = head.Hash, head.Seq+1
	case !errors.Is(err, model.ErrNotFound):
		return nil, fmt.Errorf("read audit head: %w", err)
	}
	for i := range es {
		e := &es[i]
		e.Seq, e.PrevHash = seq+int64(i), prev
		e.PayloadHash = PayloadHash(*e)
		e.Hash = ChainHash(e.PrevHash, e.Seq, e.PayloadHash)
		prev = e.Hash
	}
	if err := q.AppendAuditEvents(ctx, es); err != nil {
		return nil, fmt.Errorf("append audit event: %w", err)
	}
	return es, nil
}

func encode(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode audit state: %w", err)
	}
	return b, nil
}

// PayloadHash covers everything an event says. It is kept apart from the
// chain hash so that a reader who may not see an object's contents can still
// check that the chain is unbroken.
func PayloadHash(e model.AuditEvent) string {
	// The fields go straight into the hash rather than into a buffer first:
	// the full verification hashes every event, and a buffer grown to each
	// event's states was a third of what it allocated.
	h := sha256.New()
	var num [20]byte
	field := func(b []byte) {
		// Length-prefixed, so that no two different events encode alike.
		h.Write(strconv.AppendInt(num[:0], int64(len(b)), 10))
		h.Write([]byte{':'})
		h.Write(b)
		h.Write([]byte{'\n'})
	}
	text := func(s string) {
		h.Write(strconv.AppendInt(num[:0], int64(len(s)), 10))
		h.Write([]byte{':'})
		io.WriteString(h, s)
		h.Write([]byte{'\n'})
	}
	var at [len(time.RFC3339Nano) + 8]byte
	field(strconv.AppendInt(at[:0], e.Seq, 10))
	field(e.At.UTC().AppendFormat(at[:0], time.RFC3339Nano))
	text(e.ActorUserID)
	text(e.ActorOrgID)
	text(e.Action)
	text(e.ObjectType)
	text(e.ObjectID)
	field(e.Before)
	field(e.After)
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0]))
}

// ChainHash links an event to its predecessor.
func ChainHash(prev string, seq int64, payloadHash string) string {
	sum := sha256.Sum256([]byte(prev + "\n" + strconv.FormatInt(seq, 10) + "\n" + payloadHash))
	return hex.EncodeToString(sum[:])
}
