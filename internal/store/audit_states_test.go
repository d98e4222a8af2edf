package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestAuditEventStates: what the policy reads of the state each event
// left is written with the event, whatever the state holds, and a database
// that meets the migration with its log already written gets the same rows.
func TestAuditEventStates(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		states := []string{
			`{"id":"r1","tlp":"amber","beneficiary_org_id":"o1","status":"withdrawn","validated_at":"2026-01-02T03:04:05Z","shared_org_ids":["o2","o3"],"named_user_ids":["u1"]}`,
			`{"id":"p1","tlp":"red","donor_org_id":"o4","beneficiary_org_id":"","named_user_ids":["u2","u3"]}`,
			`{"id":"m1","kind":"delivered"}`, // a milestone: not the record
			`{"tlp":null}`,                   // not the record either
			`null`,
			``,
			`{"tlp":5}`,  // unreadable
			`["amber"]`,  // unreadable
			`"amber"`,    // unreadable
			`{"tlp":"gr`, // not JSON: unreadable
			`{"tlp":"clear","validated_at":null,"shared_org_ids":null}`,
			// Fields of other kinds are read as their text, lists that
			// are not lists are no access, escapes are read.
			`{"tlp":"amber","status":5,"donor_org_id":{"a":1},"shared_org_ids":"o9","named_user_ids":[]}`,
			`{"tlp":"green","status":"a\"b\u00e9"}`,
			` { "tlp" : "clear" } `,
		}
		appendStates(t, s, 1, states)
		want := []string{
			"1 amber o1 - withdrawn 2026-01-02T03:04:05Z",
			"2 red  o4 - -", // an empty beneficiary is kept as the state says it
			"7 unreadable - - - -",
			"8 unreadable - - - -",
			"9 unreadable - - - -",
			"10 unreadable - - - -",
			"11 clear - - - -",
			`12 amber - {"a":1} 5 -`,
			`13 green - - a"bé -`,
			"14 clear - - - -",
		}
		wantAccess := []string{"1 - u1", "1 o2 -", "1 o3 -", "2 - u2", "2 - u3"}
		got, gotAccess := auditStatesAfter(t, s, 0)
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotAccess, wantAccess) {
			t.Fatalf("written with the events:\n%q\n%q\nwant\n%q\n%q", got, gotAccess, want, wantAccess)
		}
		// Migration 00032 derives the rows of a log already written.
		if err := s.MigrateDownTo(ctx, 31); err != nil {
			t.Fatal(err)
		}
		if err := s.MigrateUp(ctx); err != nil {
			t.Fatal(err)
		}
		again, againAccess := auditStatesAfter(t, s, 0)
		if !reflect.DeepEqual(again, got) || !reflect.DeepEqual(againAccess, gotAccess) {
			t.Fatalf("migrated from the log:\n%q\n%q\nwant\n%q\n%q", again, againAccess, got, gotAccess)
		}
		// The writers each later migration replaced, put back by its
		// Down, write what the last one wrote: the trigger of migration
		// 00032 (the Down of 00041), and PostgreSQL's function before
		// 00052.
		n := int64(len(states))
		for round, version := range []int64{40, 51} {
			writtenAsBefore(t, s, version, int64(round+1)*n, states, got, gotAccess)
		}
	})
}

// TestAuditEventStatesAsBefore: on PostgreSQL, the function of migration
// 00052 writes what the function of 00032 wrote for the states the shared
// test cannot hold, SQLite reading them otherwise (a key given twice by
// its first value, true as 1): keys given twice, escaped keys, a tlp that
// is no string, lists holding null or lists.
func TestAuditEventStatesAsBefore(t *testing.T) {
	s := storetest.OpenPostgres(t)
	states := []string{
		`{"tlp":"amber","tlp":"red","status":"a","status":"b"}`,
		`{"tlp":true}`,
		`{"tlp":{"x":1}}`,
		`{"t\u006cp":"green","shared_org_ids":["o1",null,"o2"]}`,
		`{"tlp":"amber","named_user_ids":{"a":1},"status":true,"validated_at":1.50}`,
		`{"nested":{"tlp":5},"tlp":"clear","shared_org_ids":[["o1"]]}`,
	}
	appendStates(t, s, 1, states)
	got, gotAccess := auditStatesAfter(t, s, 0)
	want := []string{
		"1 red - - b -", // a key given twice reads its last value
		"2 unreadable - - - -",
		"3 unreadable - - - -",
		"4 green - - - -",
		"5 amber - - true 1.50",
		"6 clear - - - -",
	}
	wantAccess := []string{`4 - -`, `4 o1 -`, `4 o2 -`, `6 ["o1"] -`}
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotAccess, wantAccess) {
		t.Fatalf("written with the events:\n%q\n%q\nwant\n%q\n%q", got, gotAccess, want, wantAccess)
	}
	writtenAsBefore(t, s, 51, int64(len(states)), states, got, gotAccess)
}

// appendStates appends an event for each of states, numbered from first.
func appendStates(t *testing.T, s *store.DB, first int64, states []string) {
	t.Helper()
	var es []model.AuditEvent
	for i, st := range states {
		es = append(es, model.AuditEvent{Seq: first + int64(i), At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Action: "x.y", ObjectType: "x",
			ObjectID: fmt.Sprint(i), After: json.RawMessage(st), PayloadHash: "p", PrevHash: "h", Hash: "h"})
	}
	if err := s.AppendAuditEvents(context.Background(), es); err != nil {
		t.Fatal(err)
	}
}

// writtenAsBefore migrates s down to version, appends states after the
// events up to seq after through the writer it puts back, migrates up
// again and wants the rows that writer wrote to be want and wantAccess.
func writtenAsBefore(t *testing.T, s *store.DB, version, after int64, states, want, wantAccess []string) {
	t.Helper()
	ctx := context.Background()
	if err := s.MigrateDownTo(ctx, version); err != nil {
		t.Fatal(err)
	}
	appendStates(t, s, after+1, states)
	if err := s.MigrateUp(ctx); err != nil {
		t.Fatal(err)
	}
	got, gotAccess := auditStatesAfter(t, s, after)
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotAccess, wantAccess) {
		t.Fatalf("written by the writer before migration %d:\n%q\n%q\nwant\n%q\n%q", version+1, got, gotAccess, want, wantAccess)
	}
}

// auditStatesAfter reads the rows of the events after seq, numbered from
// there.
func auditStatesAfter(t *testing.T, s *store.DB, after int64) (states, access []string) {
	t.Helper()
	str := func(v *string) string {
		if v == nil {
			return "-"
		}
		return *v
	}
	rows, err := s.SQLDB().Query(fmt.Sprintf(`SELECT seq, tlp, beneficiary_org_id, donor_org_id, status, validated_at FROM audit_event_states WHERE seq > %d ORDER BY seq`, after))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		var tlp string
		var ben, donor, status, validated *string
		if err := rows.Scan(&seq, &tlp, &ben, &donor, &status, &validated); err != nil {
			t.Fatal(err)
		}
		states = append(states, fmt.Sprintf("%d %s %s %s %s %s", seq-after, tlp, str(ben), str(donor), str(status), str(validated)))
	}
	rows, err = s.SQLDB().Query(fmt.Sprintf(`SELECT seq, org_id, user_id FROM audit_event_access WHERE seq > %d`, after))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		var org, user *string
		if err := rows.Scan(&seq, &org, &user); err != nil {
			t.Fatal(err)
		}
		access = append(access, fmt.Sprintf("%d %s %s", seq-after, str(org), str(user)))
	}
	slices.Sort(access)
	return states, access
}
