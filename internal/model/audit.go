package model

import (
	"encoding/json"
	"strconv"
	"time"
)

// AuditEvent records one change. Events are append-only and chained: Hash
// covers PrevHash, so editing, removing or reordering any event breaks every
// hash after it.
type AuditEvent struct {
	Seq         int64           `json:"seq"`
	At          time.Time       `json:"at"`
	ActorUserID string          `json:"actor_user_id,omitempty"`
	ActorOrgID  string          `json:"actor_org_id,omitempty"`
	Action      string          `json:"action"`
	ObjectType  string          `json:"object_type"`
	ObjectID    string          `json:"object_id"`
	Before      json.RawMessage `json:"before,omitempty"`
	After       json.RawMessage `json:"after,omitempty"`
	PayloadHash string          `json:"payload_hash"`
	PrevHash    string          `json:"prev_hash"`
	Hash        string          `json:"hash"`
}

// AuditFilter narrows the audit log to one object; empty fields match all.
type AuditFilter struct {
	ObjectType string
	ObjectID   string
}

// MarshalJSON adds the string id every API object has: the event's
// sequence number, which is also its place in the chain.
func (e AuditEvent) MarshalJSON() ([]byte, error) {
	type plain AuditEvent
	return json.Marshal(struct {
		ID string `json:"id"`
		plain
	}{strconv.FormatInt(e.Seq, 10), plain(e)})
}
