package audit_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
)

// payloadHashAsWritten is the payload hash as every stored event was
// hashed when it was written: the fields, each length-prefixed, in one
// buffer. A change to PayloadHash that hashed other bytes would make every
// stored event fail verification.
func payloadHashAsWritten(e model.AuditEvent) string {
	var b bytes.Buffer
	for _, field := range []string{
		strconv.FormatInt(e.Seq, 10),
		e.At.UTC().Format(time.RFC3339Nano),
		e.ActorUserID, e.ActorOrgID,
		e.Action, e.ObjectType, e.ObjectID,
		string(e.Before), string(e.After),
	} {
		b.WriteString(strconv.Itoa(len(field)))
		b.WriteByte(':')
		b.WriteString(field)
		b.WriteByte('\n')
	}
	sum := sha256.Sum256(b.Bytes())
	return hex.EncodeToString(sum[:])
}

func TestPayloadHashKeepsItsEncoding(t *testing.T) {
	kyiv := time.FixedZone("Kyiv", 2*60*60)
	for _, e := range []model.AuditEvent{
		{},
		{Seq: 1, At: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), Action: "pledge.create", ObjectType: "pledge", ObjectID: "p1"},
		{Seq: 9_876_543_210, At: time.Date(2026, 12, 5, 1, 2, 3, 123456789, kyiv), ActorUserID: "u1", ActorOrgID: "o1",
			Action: "requirement.update", ObjectType: "requirement", ObjectID: "01a2438b-1d6a-727e-a6bf-99f672ac767e",
			Before: []byte(`{"title":"Захист мережі"}`), After: []byte(`{"title":"Захист мережі, етап 2","n":12}`)},
		{Seq: -3, Before: bytes.Repeat([]byte("x"), 70_000)},
	} {
		if got, want := audit.PayloadHash(e), payloadHashAsWritten(e); got != want {
			t.Errorf("event %d: PayloadHash = %s, stored events were hashed as %s", e.Seq, got, want)
		}
	}
}

func BenchmarkPayloadHash(b *testing.B) {
	e := model.AuditEvent{Seq: 123456, At: time.Now(), ActorUserID: "01a2438b-1d6a-727e-a6bf-99f672ac767e", ActorOrgID: "01a2438b-1d6a-727e-a6bf-99f672ac767f",
		Action: "pledge.create", ObjectType: "pledge", ObjectID: "01a2438b-1d6a-727e-a6bf-99f672ac7670",
		After: bytes.Repeat([]byte(`{"field":"value"},`), 60)}
	b.ReportAllocs()
	for b.Loop() {
		audit.PayloadHash(e)
	}
}
