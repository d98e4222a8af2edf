package storetest

import (
	"strconv"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// testRequirementListVersions: what a requirements' list counts moves the
// version every list reads (a requirement, its review, its access list, an
// organisation) or the engagements of one organisation (its pledges made
// on, moved to or from, or deleted from a requirement), whichever
// statement makes the change; a pledge's amount, stage or access list
// moves neither, nor does another organisation's pledge.
func testRequirementListVersions(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	ministry := newOrg(t, s, "Ministry")
	donor := newOrg(t, s, "Donor")
	other := newOrg(t, s, "Other donor")
	r1 := newRequirement(t, s, ministry.ID, func(r *model.Requirement) { r.Status = model.ReqValidated; r.TLP = model.TLPAmber })
	r2 := newRequirement(t, s, ministry.ID, func(r *model.Requirement) { r.Status = model.ReqValidated; r.TLP = model.TLPGreen })

	type versions struct{ every, donor, other int64 }
	read := func() versions {
		t.Helper()
		every, d, err := s.RequirementListVersion(ctx, donor.ID)
		must(t, err)
		every2, o, err := s.RequirementListVersion(ctx, other.ID)
		must(t, err)
		alone, none, err := s.RequirementListVersion(ctx, "")
		must(t, err)
		if every2 != every || alone != every || none != 0 {
			t.Fatalf("every list's version read %d, %d and %d; no organisation's engagements %d", every, every2, alone, none)
		}
		return versions{every, d, o}
	}
	// moves makes a change and checks which versions it moved.
	moves := func(what string, change func(), every, ofDonor, ofOther bool) {
		t.Helper()
		before := read()
		change()
		after := read()
		if (after.every != before.every) != every || (after.donor != before.donor) != ofDonor || (after.other != before.other) != ofOther {
			t.Fatalf("%s: versions %+v → %+v; want every moved %v, the donor's %v, the other's %v", what, before, after, every, ofDonor, ofOther)
		}
		if after.every < before.every || after.donor < before.donor || after.other < before.other {
			t.Fatalf("%s: a version went back: %+v → %+v", what, before, after)
		}
	}
	exec := func(query string, args ...any) {
		t.Helper()
		if s.Dialect() == "postgres" {
			for n := 1; strings.Contains(query, "?"); n++ {
				query = strings.Replace(query, "?", "$"+strconv.Itoa(n), 1)
			}
		}
		if _, err := s.SQLDB().ExecContext(ctx, query, args...); err != nil {
			t.Fatal(err)
		}
	}

	var p model.Pledge
	moves("a pledge on a requirement", func() { p = newPledge(t, s, donor.ID, r1.ID, nil) }, false, true, false)
	moves("its amount", func() {
		p.AmountMinor, p.EURMinor = 70_000_00, 70_000_00
		must(t, s.UpdatePledge(ctx, &p))
	}, false, false, false)
	moves("its stage and label", func() { exec(`UPDATE pledges SET status = 'confirmed', tlp = 'amber' WHERE id = ?`, p.ID) }, false, false, false)
	moves("its access list", func() {
		p.SharedOrgIDs = []string{other.ID}
		must(t, s.UpdatePledge(ctx, &p))
	}, false, false, false)
	moves("moved to another requirement", func() {
		p.RequirementID = r2.ID
		must(t, s.UpdatePledge(ctx, &p))
	}, false, true, false)
	moves("given to another donor", func() { exec(`UPDATE pledges SET donor_org_id = ? WHERE id = ?`, other.ID, p.ID) }, false, true, true)
	moves("taken off its requirement", func() {
		exec(`UPDATE pledges SET requirement_id = NULL, beneficiary_org_id = ? WHERE id = ?`, ministry.ID, p.ID)
	}, false, false, true)
	moves("a pledge on no requirement deleted", func() { exec(`DELETE FROM pledges WHERE id = ?`, p.ID) }, false, false, false)
	var q model.Pledge
	moves("another's pledge", func() { q = newPledge(t, s, other.ID, r1.ID, nil) }, false, false, true)
	moves("two pledges by one statement", func() {
		must(t, s.CreatePledges(ctx, []model.Pledge{
			{DonorOrgID: donor.ID, RequirementID: r2.ID, AmountMinor: 1_00, Currency: "EUR", EURMinor: 1_00, PledgeDate: model.DateOf(t0),
				Kind: model.PledgeMoney, Channel: model.ChannelMechanism, Status: model.PledgeProposed, Review: model.ReviewNotRequired, TLP: model.TLPGreen, CreatedAt: t0, UpdatedAt: t0},
			{DonorOrgID: other.ID, RequirementID: r2.ID, AmountMinor: 2_00, Currency: "EUR", EURMinor: 2_00, PledgeDate: model.DateOf(t0),
				Kind: model.PledgeMoney, Channel: model.ChannelMechanism, Status: model.PledgeProposed, Review: model.ReviewNotRequired, TLP: model.TLPGreen, CreatedAt: t0, UpdatedAt: t0},
		}))
	}, false, true, true)
	moves("another's pledge deleted", func() { exec(`DELETE FROM pledges WHERE id = ?`, q.ID) }, false, false, true)
	var mine, theirs model.Pledge
	moves("a pledge each", func() {
		mine, theirs = newPledge(t, s, donor.ID, r1.ID, nil), newPledge(t, s, other.ID, r2.ID, nil)
	}, false, true, true)
	moves("their requirements swapped by one statement", func() {
		exec(`UPDATE pledges SET requirement_id = CASE WHEN id = ? THEN ? ELSE ? END WHERE id IN (?, ?)`, mine.ID, r2.ID, r1.ID, mine.ID, theirs.ID)
	}, false, true, true)
	moves("their stages by one statement", func() {
		exec(`UPDATE pledges SET status = 'withdrawn' WHERE id IN (?, ?)`, mine.ID, theirs.ID)
	}, false, false, false)
	moves("no pledge changed", func() { exec(`UPDATE pledges SET donor_org_id = ? WHERE id = 'none'`, other.ID) }, false, false, false)

	moves("a requirement", func() { newRequirement(t, s, ministry.ID, nil) }, true, false, false)
	moves("its label, by any statement", func() { exec(`UPDATE requirements SET tlp = 'green' WHERE id = ?`, r1.ID) }, true, false, false)
	validator := newUser(t, s, ministry.ID, "validator@ministry.example", model.RoleValidator)
	moves("a review", func() {
		must(t, s.AddValidation(ctx, model.ValidationRecord{RequirementID: r1.ID, UserID: validator.ID, Decision: model.DecisionApprove, At: t0, WorkingGroup: model.WorkingGroups[0], Round: 1}))
	}, true, false, false)
	moves("its access list", func() {
		exec(`INSERT INTO access_grants (object_type, object_id, org_id) VALUES ('requirement', ?, ?)`, r1.ID, donor.ID)
	}, true, false, false)
	moves("a grant of a pledge", func() {
		exec(`INSERT INTO access_grants (object_type, object_id, org_id) VALUES ('pledge', ?, ?)`, mine.ID, other.ID)
	}, false, false, false)
	moves("that grant turned into a requirement's", func() {
		exec(`UPDATE access_grants SET object_type = 'requirement', object_id = ? WHERE object_type = 'pledge' AND object_id = ?`, r2.ID, mine.ID)
	}, true, false, false)
	moves("its access list emptied", func() { exec(`DELETE FROM access_grants WHERE object_type = 'requirement' AND object_id = ?`, r1.ID) }, true, false, false)
	moves("a review withdrawn", func() { exec(`DELETE FROM validations WHERE requirement_id = ?`, r1.ID) }, true, false, false)
	moves("a new organisation", func() { newOrg(t, s, "Agency") }, true, false, false)
	moves("an organisation", func() {
		ministry.Name = "Ministry of Energy"
		must(t, s.UpdateOrganisation(ctx, &ministry))
	}, true, false, false)
	moves("a requirement deleted", func() {
		r := newRequirement(t, s, ministry.ID, nil)
		exec(`DELETE FROM access_grants WHERE object_id = ?`, r.ID)
		exec(`DELETE FROM requirements WHERE id = ?`, r.ID)
	}, true, false, false)
	// Without the row of every list its version would stand still: the
	// reading is refused.
	exec(`DELETE FROM requirement_list_versions WHERE scope = ''`)
	if _, _, err := s.RequirementListVersion(ctx, donor.ID); err == nil {
		t.Fatal("every list's version read without its row")
	}
	exec(`INSERT INTO requirement_list_versions (scope, n) VALUES ('', 1000)`)
	moves("no row changed", func() {
		exec(`DELETE FROM access_grants WHERE object_type = 'pledge' AND object_id = 'none'`)
		exec(`UPDATE requirements SET tlp = 'red' WHERE id = 'none'`)
	}, false, false, false)
}
