package storetest

import (
	"slices"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// testRequirementChanges: a change to a requirement, to a pledge on it
// (before and after a move) or to its access list marks it at the record
// version it was made at, and a change to an organisation marks every
// requirement; the last change before a reading is not marked at the
// version read. A range of requirements is read between bounds the reader
// may not see.
func testRequirementChanges(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	org := newOrg(t, s, "Ministry")
	r1 := newRequirement(t, s, org.ID, func(r *model.Requirement) { r.Status = model.ReqValidated; r.TLP = model.TLPClear })
	r2 := newRequirement(t, s, org.ID, func(r *model.Requirement) { r.Status = model.ReqValidated; r.TLP = model.TLPRed })
	version := func() int64 {
		t.Helper()
		n, err := s.RecordVersion(ctx)
		must(t, err)
		return n
	}
	changed := func(since int64, max int, want ...string) {
		t.Helper()
		ids, all, err := s.RequirementsChangedSince(ctx, since, max)
		must(t, err)
		if all {
			t.Fatalf("changed since %d: every requirement, want %v", since, want)
		}
		slices.Sort(ids)
		slices.Sort(want)
		same(t, ids, want)
	}
	v := version()
	changed(v, 10)
	p := newPledge(t, s, org.ID, r1.ID, nil)
	changed(v, 10, r1.ID)
	v = version()
	p.RequirementID = r2.ID
	must(t, s.UpdatePledge(ctx, &p))
	changed(v, 10, r1.ID, r2.ID)
	if _, all, err := s.RequirementsChangedSince(ctx, v, 1); err != nil || !all {
		t.Fatalf("two changed, at most one asked for: all %v, %v", all, err)
	}
	v = version()
	// An access list changed alone, by any statement.
	grant := `INSERT INTO access_grants (object_type, object_id, org_id) VALUES ('pledge', ?, ?)`
	if s.Dialect() == "postgres" {
		grant = `INSERT INTO access_grants (object_type, object_id, org_id) VALUES ('pledge', $1, $2)`
	}
	if _, err := s.SQLDB().ExecContext(ctx, grant, p.ID, org.ID); err != nil {
		t.Fatal(err)
	}
	changed(v, 10, r2.ID)
	v = version()
	org.Name = "Ministry of Energy"
	must(t, s.UpdateOrganisation(ctx, &org))
	if _, all, err := s.RequirementsChangedSince(ctx, v, 10); err != nil || !all {
		t.Fatalf("after an organisation changed: all %v, %v", all, err)
	}

	everyone := policy.AudienceOf(policy.System())
	within := func(a policy.Audience, below, from string, want ...string) {
		t.Helper()
		rs, err := s.RequirementsWithin(ctx, a, below, from, 10)
		must(t, err)
		same(t, requirementIDs(rs), append([]string{}, want...))
	}
	within(everyone, "", "", r2.ID, r1.ID)
	within(everyone, r2.ID, "", r1.ID)
	within(everyone, "", r2.ID, r2.ID)
	within(everyone, r2.ID, r1.ID, r1.ID)
	// r2 is RED: a visitor reads around it, never it.
	visitor := policy.AudienceOf(policy.Viewer{})
	within(visitor, "", "", r1.ID)
	within(visitor, r2.ID, "", r1.ID)
	within(visitor, "", r2.ID)
}

// testRequirementBounds: the bounds are every n-th id of every
// requirement within the span, newest first, whoever may see them, but the
// span's oldest.
func testRequirementBounds(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	org := newOrg(t, s, "Ministry")
	var ids []string
	for i := range 7 {
		tlp := model.TLPClear
		if i%3 == 0 {
			tlp = model.TLPRed
		}
		r := newRequirement(t, s, org.ID, func(r *model.Requirement) { r.TLP = tlp })
		ids = append(ids, r.ID)
	}
	slices.Sort(ids)
	slices.Reverse(ids) // newest first: ids[0] is the newest
	bounds := func(below, from string, every int, want ...string) {
		t.Helper()
		got, err := s.RequirementBounds(ctx, below, from, every)
		must(t, err)
		if !slices.Equal(got, want) {
			t.Fatalf("bounds below %q from %q every %d: got %v, want %v", below, from, every, got, want)
		}
	}
	bounds("", "", 1, ids[:6]...)
	bounds("", "", 3, ids[2], ids[5])
	bounds("", "", 6, ids[5])
	bounds("", "", 7) // the oldest begins no span
	bounds("", "", 8)
	bounds(ids[1], "", 3, ids[4])
	bounds(ids[1], ids[5], 2, ids[3])
	bounds(ids[1], ids[6], 2, ids[3], ids[5])
	bounds("", ids[2], 2, ids[1])
	bounds("", ids[1], 2)
	if _, err := s.RequirementBounds(ctx, "", "", 0); err == nil {
		t.Fatal("every 0: want an error")
	}
}
