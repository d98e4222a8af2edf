package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// testCreatePledges writes more pledges than one statement holds and reads
// them back by the activities they were imported from.
func testCreatePledges(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	donor := newOrg(t, s, "Estonia")
	other := newOrg(t, s, "Latvia")
	ben := newOrg(t, s, "Ukrenergo")
	const n = 450 // three statements
	ps := make([]model.Pledge, n)
	for i := range ps {
		ps[i] = model.Pledge{
			DonorOrgID: donor.ID, BeneficiaryOrgID: ben.ID, AmountMinor: int64(i), Currency: "EUR", EURMinor: int64(i), Rate: "1",
			Kind: model.PledgeMoney, Channel: model.ChannelBilateral, Status: model.PledgeConfirmed, Review: model.ReviewNotRequired,
			TLP: model.TLPClear, IATIIdentifier: fmt.Sprintf("XM-TEST-%03d", i),
		}
	}
	ps[7].SharedOrgIDs = []string{other.ID}
	before := recordsSummed(t, s)
	must(t, s.InTx(ctx, func(q store.Queries) error { return q.CreatePledges(ctx, ps) }))
	for i, p := range ps {
		if p.ID == "" || p.CreatedAt.IsZero() {
			t.Fatalf("pledge %d left without id or time: %+v", i, p)
		}
	}
	got, err := s.PledgeByID(ctx, ps[449].ID)
	must(t, err)
	same(t, got, ps[449])
	got, err = s.PledgeByID(ctx, ps[7].ID)
	must(t, err)
	same(t, got.SharedOrgIDs, []string{other.ID})

	found, err := s.PledgesByIATIIdentifiers(ctx, []string{"XM-TEST-007", "XM-TEST-300", "XM-TEST-300", "XM-NONE"})
	must(t, err)
	same(t, len(found), 2)
	for _, p := range found {
		want := ps[7]
		if p.IATIIdentifier == "XM-TEST-300" {
			want = ps[300]
		}
		same(t, p, want)
	}
	none, err := s.PledgesByIATIIdentifiers(ctx, nil)
	must(t, err)
	same(t, len(none), 0)

	// One bad row refuses the whole call.
	bad := []model.Pledge{ps[0], ps[1]}
	bad[0].ID, bad[1].ID = "", ""
	bad[0].IATIIdentifier, bad[1].IATIIdentifier = "XM-NEW-1", "XM-NEW-2"
	bad[1].DonorOrgID = "no-such-org"
	wantErr(t, s.CreatePledges(ctx, bad), model.ErrInvalid)
	all, err := s.ListPledges(ctx, model.PledgeFilter{DonorOrgID: donor.ID}, "", 0)
	must(t, err)
	same(t, len(all), n)
	same(t, recordsSummed(t, s)-before, int64(n))

	// On SQLite a transaction goes on after a statement fails: a pledge it
	// writes then is summed by its trigger, which the failed call, that
	// had set it aside for its own statement, must have set back. (On
	// PostgreSQL the failure ends the transaction.)
	if s.Dialect() == "sqlite" {
		one := []model.Pledge{ps[2]}
		one[0].ID, one[0].IATIIdentifier = "", "XM-NEW-3"
		must(t, s.InTx(ctx, func(q store.Queries) error {
			wantErr(t, q.CreatePledges(ctx, bad), model.ErrInvalid)
			return q.CreatePledges(ctx, one)
		}))
		same(t, recordsSummed(t, s)-before, int64(n+1))
	}
}

// recordsSummed is how many pledges the maintained totals count.
func recordsSummed(t *testing.T, s *store.DB) int64 {
	t.Helper()
	sums, err := s.PledgeSums(ctxOf(t), "label", policy.AudienceOf(policy.System()))
	must(t, err)
	var records int64
	for _, sum := range sums {
		records += sum.Records
	}
	return records
}

var errRollback = errors.New("roll back")

// testAuditBatches appends events many at a time, and reads the head a
// transaction has moved without asking the database again. The head's
// sequence number, the version of every record, follows what is committed.
func testAuditBatches(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	headSeq := func(want int64) {
		t.Helper()
		if got, err := s.AuditHeadSeq(ctx); err != nil || got != want {
			t.Errorf("the head's sequence number: %d (%v), want %d", got, err, want)
		}
	}
	headSeq(0)
	var es []model.AuditEvent
	prev := "genesis"
	for seq := int64(1); seq <= 450; seq++ {
		e := auditEvent(seq, prev, fmt.Sprintf("r%d", seq), "", `{"n":1}`)
		es, prev = append(es, e), e.Hash
	}
	must(t, s.InTx(ctx, func(q store.Queries) error {
		_, err := q.LastAuditEvent(ctx)
		wantErr(t, err, model.ErrNotFound)
		if err := q.AppendAuditEvents(ctx, es[:449]); err != nil {
			return err
		}
		head, err := q.LastAuditEvent(ctx)
		if err != nil {
			return err
		}
		same(t, head, es[448])
		if err := q.AppendAuditEvent(ctx, es[449]); err != nil {
			return err
		}
		head, err = q.LastAuditEvent(ctx)
		same(t, head, es[449])
		return err
	}))
	got, err := s.ListAuditEvents(ctx, model.AuditFilter{}, 0, 0)
	must(t, err)
	same(t, got, es)
	headSeq(450)

	// A rolled-back transaction leaves no head behind for the next one.
	e := auditEvent(451, prev, "r451", "", "")
	err = s.InTx(ctx, func(q store.Queries) error {
		if err := q.AppendAuditEvent(ctx, e); err != nil {
			return err
		}
		return errRollback
	})
	wantErr(t, err, errRollback)
	headSeq(450)
	must(t, s.InTx(ctx, func(q store.Queries) error {
		head, err := q.LastAuditEvent(ctx)
		same(t, head, es[449])
		return err
	}))
}

// testCreateRequirements writes more requirements, and more grants, than
// one statement holds, reads them back whole, and refuses a call with one
// bad row without writing any of it.
func testCreateRequirements(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	ben := newOrg(t, s, "Ukrenergo")
	donor := newOrg(t, s, "Estonia")
	other := newOrg(t, s, "Latvia")
	named := newUser(t, s, ben.ID, "named@example.ua")
	validated := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	const n = 450 // three statements of requirements; two of grants
	rs := make([]model.Requirement, n)
	for i := range rs {
		rs[i] = model.Requirement{
			Ref: fmt.Sprintf("REQ-2026-%04d", i+1), Title: fmt.Sprintf("Firewalls %d", i), Description: "For substations",
			BeneficiaryOrgID: ben.ID, Sector: "energy", Category: "hardware_software", LineOfEffort: model.LineSupport,
			Priority: model.PriorityHigh, EstimatedEURMinor: int64(i), TLP: model.TLPAmber, Status: model.ReqValidated,
			ValidatedAt: &validated, SharedOrgIDs: []string{other.ID, donor.ID},
		}
	}
	rs[7].TLP, rs[7].SharedOrgIDs, rs[7].NamedUserIDs = model.TLPRed, nil, []string{named.ID}
	rs[8].SharedOrgIDs = nil
	every, _, err := s.RequirementListVersion(ctx, "")
	must(t, err)
	must(t, s.InTx(ctx, func(q store.Queries) error { return q.CreateRequirements(ctx, rs) }))
	for i, r := range rs {
		if r.ID == "" || r.CreatedAt.IsZero() {
			t.Fatalf("requirement %d left without id or time: %+v", i, r)
		}
		got, err := s.RequirementByID(ctx, r.ID)
		must(t, err)
		same(t, got, r)
	}
	same(t, rs[0].SharedOrgIDs, []string{donor.ID, other.ID}) // canonical, as read back
	moved, _, err := s.RequirementListVersion(ctx, "")
	must(t, err)
	if moved == every {
		t.Fatal("the lists' version did not move for requirements written together")
	}
	all, err := s.ListRequirements(ctx, model.RequirementFilter{Beneficiary: ben.ID}, "", 0)
	must(t, err)
	same(t, len(all), n)

	// One bad row refuses the whole call, though it comes after rows
	// already written: a taken reference in the second statement, a
	// grant to no organisation after every requirement.
	again := make([]model.Requirement, 0, 250)
	for i := range 250 {
		r := rs[i%n]
		r.ID, r.Ref = "", fmt.Sprintf("REQ-2026-%04d", 9000+i)
		again = append(again, r)
	}
	again[220].Ref = rs[3].Ref
	wantErr(t, s.CreateRequirements(ctx, again), model.ErrDuplicate)
	again[220].Ref = "REQ-2026-9220"
	again[249].SharedOrgIDs = []string{"no-such-org"}
	wantErr(t, s.CreateRequirements(ctx, again), model.ErrInvalid)
	all, err = s.ListRequirements(ctx, model.RequirementFilter{Beneficiary: ben.ID}, "", 0)
	must(t, err)
	same(t, len(all), n)
}
