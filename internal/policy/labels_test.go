package policy_test

// The rules on facts derived from records, on relabelling, on a
// proposal's electorate and on the platform's own actor, checked against
// the oracle of oracle_test.go and against rules written out again here in
// plain words (the access model (docs/architecture.md)):
//   - "Only the originating organisation relaxes a record's label; others
//     may only make it stricter."
//   - "A fact derived from records ... is shown only to a viewer who may
//     see every record it reveals."
//   - A proposal's audience includes its electorate.

import (
	"slices"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// strictness is TLP 2.0's order, from "anyone" to "named people only".
var strictness = []model.TLP{model.TLPClear, model.TLPGreen, model.TLPAmber, model.TLPAmberStrict, model.TLPRed}

// wantRelabel: a change that widens the audience (a laxer label, or more
// people named on a RED record) is the originator's alone.
func wantRelabel(p person, owner string, from model.TLP, fromNamed []string, to model.TLP, toNamed []string) bool {
	widens := slices.Index(strictness, to) < slices.Index(strictness, from)
	if from == model.TLPRed && to == model.TLPRed {
		for _, u := range toNamed {
			if !slices.Contains(fromNamed, u) {
				widens = true
			}
		}
	}
	originator := p.participant() && p.orgID == owner
	return !widens || originator
}

func TestRelabelMatrix(t *testing.T) {
	cases := 0
	namings := [][]string{{namedUser}, {namedUser, viewerUser}, nil}
	for _, rs := range roleSets() {
		for _, kind := range model.OrgKinds {
			for _, part := range model.Participations {
				vc := newViewerCase(rs, kind, part, false)
				v, p := vc.viewer(), vc.person()
				for _, owner := range []string{viewerOrg, ownerOrg} {
					for _, from := range model.TLPs {
						for _, to := range model.TLPs {
							for _, named := range namings {
								r := policy.Resource{TLP: from, OwnerOrgID: owner, NamedUserIDs: []string{namedUser}}
								got := policy.Relabel(v, r, to, named) == nil
								want := wantRelabel(p, owner, from, []string{namedUser}, to, named)
								if got != want {
									t.Errorf("%s/%s/%s owner=%s %s→%s named=%v: Relabel allowed = %v, want %v", rs.name, kind, part, owner, from, to, named, got, want)
								}
								cases++
							}
						}
					}
				}
			}
		}
	}
	addCases(cases)
}

// A validator of the government may make a beneficiary agency's record
// stricter but never relax it (the probe's finding: a validator alone
// relaxed an AMBER+STRICT record to CLEAR).
func TestValidatorOnlyTightens(t *testing.T) {
	gov := model.Organisation{ID: "org-gov", Kind: model.KindState, Participation: model.Member}
	v := policy.ViewerFor(model.User{ID: "u-val", OrgID: gov.ID, Roles: []model.Role{model.RoleValidator}}, gov)
	req := policy.RequirementResource(model.Requirement{ID: reqID, BeneficiaryOrgID: benefOrg, TLP: model.TLPAmberStrict, Status: model.ReqValidated}, nil)
	if err := policy.Relabel(v, req, model.TLPClear, nil); err == nil {
		t.Fatal("a validator relaxed a beneficiary's AMBER+STRICT requirement to CLEAR")
	}
	if err := policy.Relabel(v, req, model.TLPRed, nil); err != nil {
		t.Fatalf("a validator may make a record stricter: %v", err)
	}
}

// TestSeesAllMatrix: a fact computed from several records (a requirement
// and a pledge on it) is shown only to who may see both.
func TestSeesAllMatrix(t *testing.T) {
	cases := 0
	st := reqState{name: "validated", status: model.ReqValidated, everValidated: true}
	for _, rs := range roleSets() {
		for _, kind := range model.OrgKinds {
			for _, part := range model.Participations {
				vc := newViewerCase(rs, kind, part, false)
				for _, reqTLP := range model.TLPs {
					for _, plTLP := range model.TLPs {
						for _, rel := range requirementRelations {
							c := newRequirementCase(reqTLP, st)
							rel.apply(c)
							reqRes := policy.RequirementResource(c.req, c.pledges)
							pl := model.Pledge{ID: pledgeID, RequirementID: reqID, DonorOrgID: donorOrg, TLP: plTLP, NamedUserIDs: []string{namedUser}}
							plRes := policy.PledgeResource(pl, &reqRes)
							plRec := record{tlp: plTLP, owner: donorOrg, beneficiary: c.rec.beneficiary, named: []string{namedUser}, parent: &c.rec}
							want := wantVisible(vc.person(), c.rec) && wantVisible(vc.person(), plRec)
							if got := policy.SeesAll(vc.viewer(), reqRes, plRes); got != want {
								t.Errorf("%s/%s/%s req=%s pledge=%s %s: SeesAll = %v, want %v", rs.name, kind, part, reqTLP, plTLP, rel.name, got, want)
							}
							cases++
						}
					}
				}
			}
		}
	}
	addCases(cases)
}

// TestElectorateSees: a proposal may be opened only under a label every
// member organisation of its electorate reads.
func TestElectorateSees(t *testing.T) {
	members := []model.Organisation{
		{ID: "org-ee", Kind: model.KindState, Participation: model.Member},
		{ID: "org-ua", Kind: model.KindState, Participation: model.Member},
		{ID: "org-nato", Kind: model.KindInternationalOrg, Participation: model.Member},
	}
	for _, tlp := range model.TLPs {
		for _, proposer := range []string{"org-ee", "org-other"} {
			p := model.Proposal{ID: "prop-1", TLP: tlp, ProposerOrgID: proposer}
			for _, o := range members {
				p.Electorate = append(p.Electorate, o.ID)
			}
			want := true
			for _, o := range members {
				delegate := person{signedIn: true, userID: "delegate-" + o.ID, orgID: o.ID, kind: o.Kind, part: o.Participation, roles: []model.Role{model.RoleDelegate}}
				want = want && wantVisible(delegate, record{tlp: tlp, owner: proposer, voters: p.Electorate})
			}
			if got := policy.ElectorateSees(policy.ProposalResource(p), members); got != want {
				t.Errorf("%s proposed by %s: ElectorateSees = %v, want %v", tlp, proposer, got, want)
			}
		}
	}
	// In plain words: CLEAR, GREEN and AMBER reach every member state;
	// AMBER+STRICT and RED do not.
	for tlp, want := range map[model.TLP]bool{model.TLPClear: true, model.TLPGreen: true, model.TLPAmber: true, model.TLPAmberStrict: false, model.TLPRed: false} {
		p := model.Proposal{ID: "prop-1", TLP: tlp, ProposerOrgID: "org-ee", Electorate: []string{"org-ee", "org-ua", "org-nato"}}
		if got := policy.ElectorateSees(policy.ProposalResource(p), members); got != want {
			t.Errorf("%s: ElectorateSees = %v, want %v", tlp, got, want)
		}
	}
}

// TestSystemAndUnknownViewers: the platform's own actor sees and may do
// everything; the zero Viewer is a visitor, never the platform; a viewer
// whose organisation is unknown is refused (deny by default).
func TestSystemAndUnknownViewers(t *testing.T) {
	sys := policy.System()
	if sys.Anonymous() || !sys.IsSystem() {
		t.Fatalf("System() = %+v: want the platform, not a visitor", sys)
	}
	if (policy.Viewer{}).IsSystem() {
		t.Fatal("the zero Viewer is the platform")
	}
	for _, tlp := range model.TLPs {
		r := policy.Resource{TLP: tlp, OwnerOrgID: ownerOrg, Unvalidated: true}
		if !policy.Visible(sys, r) {
			t.Errorf("System does not see a %s record", tlp)
		}
		for _, perm := range allPermissions {
			if err := policy.Authorize(sys, perm, r); err != nil {
				t.Errorf("System may not %s a %s record: %v", perm, tlp, err)
			}
			if err := policy.Require(sys, perm); err != nil {
				t.Errorf("System may not %s: %v", perm, err)
			}
		}
	}
	unknown := []policy.Viewer{
		policy.ViewerFor(model.User{ID: viewerUser, Roles: []model.Role{model.RoleCoordinator}}, model.Organisation{Kind: model.KindState, Participation: model.Member}),
		policy.ViewerFor(model.User{ID: viewerUser, OrgID: viewerOrg, Roles: []model.Role{model.RoleCoordinator}}, model.Organisation{ID: viewerOrg, Kind: model.KindState, Participation: "nomad"}),
		policy.ViewerFor(model.User{ID: viewerUser, OrgID: "elsewhere", Roles: []model.Role{model.RoleCoordinator}}, model.Organisation{ID: viewerOrg, Kind: model.KindState, Participation: model.Member}),
	}
	for i, v := range unknown {
		for _, tlp := range []model.TLP{model.TLPGreen, model.TLPAmber, model.TLPAmberStrict} {
			if policy.Visible(v, policy.Resource{TLP: tlp, OwnerOrgID: viewerOrg, BeneficiaryOrgID: viewerOrg}) {
				t.Errorf("unknown viewer %d sees a %s record", i, tlp)
			}
		}
		for _, perm := range allPermissions {
			if policy.Allowed(v, perm) {
				t.Errorf("unknown viewer %d is allowed %s", i, perm)
			}
		}
	}
}

func TestStricter(t *testing.T) {
	for i, a := range strictness {
		for j, b := range strictness {
			want := strictness[max(i, j)]
			if got := policy.Stricter(a, b); got != want {
				t.Errorf("Stricter(%s, %s) = %s, want %s", a, b, got, want)
			}
		}
	}
	if got := policy.Stricter(model.TLPClear, "bogus"); got != "bogus" {
		t.Errorf("an unknown label must rank as the strictest, got %s", got)
	}
}

func TestStrictest(t *testing.T) {
	for _, c := range []struct {
		in   []model.TLP
		want model.TLP
	}{
		{nil, model.TLPClear},
		{[]model.TLP{model.TLPGreen, model.TLPClear}, model.TLPGreen},
		{[]model.TLP{model.TLPAmber, model.TLPRed, model.TLPAmberStrict}, model.TLPRed},
		{[]model.TLP{model.TLPAmberStrict, model.TLPAmber, model.TLPGreen}, model.TLPAmberStrict},
	} {
		if got := policy.Strictest(c.in...); got != c.want {
			t.Errorf("Strictest(%v) = %s, want %s", c.in, got, c.want)
		}
	}
}
