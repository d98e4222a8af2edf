package policy_test

// The policy matrix: roles and TLP are one decision function, tested as a
// matrix. Every case asks the implementation and the
// oracle of oracle_test.go the same question: may this viewer read the
// record (Visible), and what does Authorize answer for every permission.
//
// The matrices are table rows checked in loops, not subtests (a subtest per
// case cost more than the checks themselves). A failure names its case as
// role/kind/participation/label/status/relationship, e.g.
// donor/state/member/amber/validated/engaged, then the action ("read" or the
// permission).

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// allPermissions is every permission of permissions.go;
// TestPermissionListIsComplete keeps it so.
var allPermissions = []policy.Permission{
	policy.OrganisationsRead,
	policy.OrganisationsManage,
	policy.UsersManage,
	policy.RequirementsRead,
	policy.RequirementsCreate,
	policy.RequirementsEdit,
	policy.RequirementsSubmit,
	policy.RequirementsValidate,
	policy.RequirementsWithdraw,
	policy.RequirementsShare,
	policy.PledgesRead,
	policy.PledgesCreate,
	policy.PledgesEdit,
	policy.PledgesConfirm,
	policy.PledgesWithdraw,
	policy.PledgesReview,
	policy.AuditRead,
	policy.AuditProofs,
	policy.PledgesDeliver,
	policy.PledgesReceipt,
	policy.PledgesSuspend,
	policy.PledgesDisburse,
	policy.RequirementsClose,
	policy.LessonsCreate,
	policy.LessonsEdit,
	policy.ProposalsRead,
	policy.ProposalsCreate,
	policy.ProposalsPosition,
	policy.ProposalsComment,
	policy.ProposalsSign,
	policy.RotationsRead,
	policy.RotationsManage,
	policy.MeetingsRead,
	policy.MeetingsManage,
	policy.OffersRead,
	policy.OffersCreate,
	policy.OffersEdit,
	policy.OffersReview,
	policy.MatchingSuggest,
	policy.MatchingPlan,
	policy.DeconflictionRead,
	policy.DeconflictionAcknowledge,
	policy.ImportsRun,
	policy.IndicatorsReport,
	policy.DocumentsUpload,
	policy.DocumentsDelete,
	policy.RequirementsImport,
}

// The identities of a case. The viewer is always user-viewer of org-viewer;
// every other party is someone else, so that a list is never empty by accident.
const (
	viewerUser  = "user-viewer"
	viewerOrg   = "org-viewer"
	ownerOrg    = "org-owner"
	benefOrg    = "org-benef"
	donorOrg    = "org-donor"
	engagedOrg  = "org-engaged"
	sharedOrg   = "org-shared"
	namedUser   = "user-named"
	reqID       = "req-1"
	otherReqID  = "req-2"
	pledgeID    = "pledge-1"
	viewerPldID = "pledge-2"
)

// roleSet is the roles of the viewer in one row of the matrix.
type roleSet struct {
	name  string
	roles []model.Role
}

// roleSets: every role of model.Roles alone, and a user with no role.
func roleSets() []roleSet {
	var out []roleSet
	for _, r := range model.Roles {
		out = append(out, roleSet{string(r), []model.Role{r}})
	}
	return append(out, roleSet{"no-role", nil})
}

// viewerCase is a signed-in (or disabled) user of an organisation of the
// given kind and participation.
type viewerCase struct {
	user model.User
	org  model.Organisation
}

func newViewerCase(rs roleSet, kind model.OrgKind, part model.Participation, disabled bool) viewerCase {
	return viewerCase{
		user: model.User{ID: viewerUser, OrgID: viewerOrg, Roles: rs.roles, Disabled: disabled},
		org:  model.Organisation{ID: viewerOrg, Name: "Viewer's organisation", Kind: kind, Participation: part},
	}
}

func (c viewerCase) viewer() policy.Viewer { return policy.ViewerFor(c.user, c.org) }

// person is what the oracle knows of the viewer: a disabled user is no
// one, and so is a user of a former organisation ("a former organisation's
// users see what an anonymous visitor sees").
func (c viewerCase) person() person {
	if c.user.Disabled || c.org.Participation == model.Former {
		return person{}
	}
	return person{
		signedIn: true,
		userID:   c.user.ID,
		orgID:    c.org.ID,
		kind:     c.org.Kind,
		part:     c.org.Participation,
		roles:    c.user.Roles,
	}
}

// sameError: nil for nil, else got is (or wraps) the sentinel wanted.
func sameError(got, want error) bool {
	if want == nil || got == nil {
		return got == want
	}
	return errors.Is(got, want)
}

// check asks Visible and Authorize (every permission) for one viewer and one
// record, compares each answer with the oracle's, and returns the number of
// answers checked. name is the case, for the failure message.
func check(t testing.TB, name string, v policy.Viewer, res policy.Resource, p person, r record) int {
	t.Helper()
	if got, want := policy.Visible(v, res), wantVisible(p, r); got != want {
		t.Errorf("%s: read: Visible = %v, want %v", name, got, want)
	}
	for _, perm := range allPermissions {
		got, want := policy.Authorize(v, perm, res), wantAuthorize(p, perm, r)
		if !sameError(got, want) {
			t.Errorf("%s: %s: Authorize = %v, want %v", name, perm, got, want)
		}
	}
	return 1 + len(allPermissions)
}

// caseName joins the parts of a case's name.
func caseName(parts ...string) string { return strings.Join(parts, "/") }

// ---- Requirements ----

// reqState is a requirement status, and whether it was ever validated.
type reqState struct {
	name          string
	status        model.RequirementStatus
	everValidated bool
}

// requirementStates: every status of model.RequirementStatuses. Withdrawn
// here is a requirement withdrawn before validation; withdrawal after
// validation has its own test (TestWithdrawnAfterValidation).
func requirementStates() []reqState {
	var out []reqState
	for _, s := range model.RequirementStatuses {
		st := reqState{name: string(s), status: s}
		switch s {
		case model.ReqValidated, model.ReqInDelivery, model.ReqDelivered, model.ReqClosed:
			st.everValidated = true
		}
		out = append(out, st)
	}
	return out
}

// requirementCase is a requirement with the pledges linked to it, and the
// same record as the oracle sees it.
type requirementCase struct {
	req     model.Requirement
	pledges []model.Pledge
	rec     record
}

func newRequirementCase(tlp model.TLP, st reqState) *requirementCase {
	req := model.Requirement{
		ID:               reqID,
		Ref:              "REQ-2025-0001",
		Title:            "EDR for a regional energy operator",
		BeneficiaryOrgID: benefOrg,
		TLP:              tlp,
		Status:           st.status,
		SharedOrgIDs:     []string{sharedOrg},
		NamedUserIDs:     []string{namedUser},
	}
	if st.everValidated {
		at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
		req.ValidatedAt = &at
	}
	return &requirementCase{
		req: req,
		pledges: []model.Pledge{
			{ID: pledgeID, RequirementID: reqID, DonorOrgID: donorOrg, TLP: model.TLPAmber},
		},
		rec: record{
			tlp: tlp,
			// The requirement is its beneficiary's: a requester's requirement
			// belongs to the requester's organisation (the API contract (README, "API")).
			owner:              benefOrg,
			beneficiary:        benefOrg,
			engaged:            []string{donorOrg},
			shared:             []string{sharedOrg},
			named:              []string{namedUser},
			awaitingValidation: awaitingValidation(st.status, st.everValidated),
		},
	}
}

// relation is how the viewer stands to the record.
type relation struct {
	name  string
	apply func(c *requirementCase)
}

var requirementRelations = []relation{
	{"unrelated", func(c *requirementCase) {}},
	{"beneficiary", func(c *requirementCase) {
		c.req.BeneficiaryOrgID = viewerOrg
		c.rec.owner, c.rec.beneficiary = viewerOrg, viewerOrg
	}},
	{"engaged", func(c *requirementCase) {
		c.pledges = append(c.pledges, model.Pledge{ID: viewerPldID, RequirementID: reqID, DonorOrgID: viewerOrg})
		c.rec.engaged = append(c.rec.engaged, viewerOrg)
	}},
	// The viewer's organisation pledged on another requirement: not engaged here.
	{"engaged-elsewhere", func(c *requirementCase) {
		c.pledges = append(c.pledges, model.Pledge{ID: viewerPldID, RequirementID: otherReqID, DonorOrgID: viewerOrg})
	}},
	{"shared", func(c *requirementCase) {
		c.req.SharedOrgIDs = append(c.req.SharedOrgIDs, viewerOrg)
		c.rec.shared = append(c.rec.shared, viewerOrg)
	}},
	{"named", func(c *requirementCase) {
		c.req.NamedUserIDs = append(c.req.NamedUserIDs, viewerUser)
		c.rec.named = append(c.rec.named, viewerUser)
	}},
}

// runRequirementMatrix: role × kind × participation × TLP × status ×
// relationship, for Visible and Authorize with every permission.
func runRequirementMatrix(t *testing.T, disabled bool) {
	cases := 0
	for _, rs := range roleSets() {
		for _, kind := range model.OrgKinds {
			for _, part := range model.Participations {
				vc := newViewerCase(rs, kind, part, disabled)
				for _, tlp := range model.TLPs {
					for _, st := range requirementStates() {
						for _, rel := range requirementRelations {
							c := newRequirementCase(tlp, st)
							rel.apply(c)
							res := policy.RequirementResource(c.req, c.pledges)
							name := caseName(rs.name, string(kind), string(part), string(tlp), st.name, rel.name)
							cases += check(t, name, vc.viewer(), res, vc.person(), c.rec)
						}
					}
				}
			}
		}
	}
	t.Logf("%d cases", cases)
	addCases(cases)
}

func TestRequirementMatrix(t *testing.T) { runRequirementMatrix(t, false) }

// A disabled user is no one: the same matrix, answered as for a visitor.
func TestRequirementMatrixDisabledUsers(t *testing.T) { runRequirementMatrix(t, true) }

// ---- Pledges: a child record whose Parent is its requirement ----

// parentState is the requirement a pledge serves; nil req: a bilateral
// report that serves none.
type parentState struct {
	name   string
	tlp    model.TLP
	status reqState
	none   bool
}

func pledgeParents() []parentState {
	out := []parentState{{name: "bilateral", none: true}}
	for _, tlp := range model.TLPs {
		for _, st := range []reqState{
			{name: "submitted", status: model.ReqSubmitted},
			{name: "validated", status: model.ReqValidated, everValidated: true},
		} {
			out = append(out, parentState{name: "req-" + string(tlp) + "-" + st.name, tlp: tlp, status: st})
		}
	}
	return out
}

type pledgeCase struct {
	req     *requirementCase // nil: bilateral
	pledge  model.Pledge
	rec     record
	skipped bool // the relation means nothing for this parent
}

func newPledgeCase(tlp model.TLP, ps parentState) *pledgeCase {
	c := &pledgeCase{
		pledge: model.Pledge{
			ID:           pledgeID,
			DonorOrgID:   donorOrg,
			TLP:          tlp,
			Channel:      model.ChannelMechanism,
			SharedOrgIDs: []string{sharedOrg},
			NamedUserIDs: []string{namedUser},
		},
		rec: record{
			tlp:    tlp,
			owner:  donorOrg,
			shared: []string{sharedOrg},
			named:  []string{namedUser},
		},
	}
	if ps.none {
		c.pledge.Channel = model.ChannelBilateral
		return c
	}
	c.req = newRequirementCase(ps.tlp, ps.status)
	c.req.req.SharedOrgIDs = []string{"org-shared-on-requirement"}
	c.req.req.NamedUserIDs = []string{"user-named-on-requirement"}
	c.req.rec.shared = []string{"org-shared-on-requirement"}
	c.req.rec.named = []string{"user-named-on-requirement"}
	c.pledge.RequirementID = reqID
	c.rec.beneficiary = benefOrg
	return c
}

// resource builds the pledge's Resource the way the requirements service does.
func (c *pledgeCase) resource() policy.Resource {
	if c.req == nil {
		return policy.PledgeResource(c.pledge, nil)
	}
	pledges := append([]model.Pledge{c.pledge}, c.req.pledges[1:]...) // this pledge replaces the base one
	parent := policy.RequirementResource(c.req.req, pledges)
	return policy.PledgeResource(c.pledge, &parent)
}

// record is the pledge as the oracle sees it.
func (c *pledgeCase) record() record {
	r := c.rec
	if c.req != nil {
		parent := c.req.rec
		parent.engaged = []string{c.pledge.DonorOrgID}
		for _, p := range c.req.pledges[1:] {
			parent.engaged = append(parent.engaged, p.DonorOrgID)
		}
		r.parent = &parent
	}
	return r
}

type pledgeRelation struct {
	name  string
	apply func(c *pledgeCase)
}

var pledgeRelations = []pledgeRelation{
	{"unrelated", func(c *pledgeCase) {}},
	// The viewer's organisation made the pledge (and so is engaged on the requirement).
	{"donor", func(c *pledgeCase) {
		c.pledge.DonorOrgID = viewerOrg
		c.rec.owner = viewerOrg
	}},
	// The viewer's organisation made another pledge on the same requirement.
	{"engaged", func(c *pledgeCase) {
		if c.req == nil {
			c.skipped = true
			return
		}
		c.req.pledges = append(c.req.pledges, model.Pledge{ID: viewerPldID, RequirementID: reqID, DonorOrgID: viewerOrg})
	}},
	{"beneficiary", func(c *pledgeCase) {
		if c.req == nil {
			c.skipped = true
			return
		}
		c.req.req.BeneficiaryOrgID = viewerOrg
		c.req.rec.owner, c.req.rec.beneficiary = viewerOrg, viewerOrg
		c.rec.beneficiary = viewerOrg
	}},
	{"shared", func(c *pledgeCase) {
		c.pledge.SharedOrgIDs = append(c.pledge.SharedOrgIDs, viewerOrg)
		c.rec.shared = append(c.rec.shared, viewerOrg)
	}},
	{"requirement-shared", func(c *pledgeCase) {
		if c.req == nil {
			c.skipped = true
			return
		}
		c.req.req.SharedOrgIDs = append(c.req.req.SharedOrgIDs, viewerOrg)
		c.req.rec.shared = append(c.req.rec.shared, viewerOrg)
	}},
	{"named", func(c *pledgeCase) {
		c.pledge.NamedUserIDs = append(c.pledge.NamedUserIDs, viewerUser)
		c.rec.named = append(c.rec.named, viewerUser)
	}},
	{"named-on-both", func(c *pledgeCase) {
		if c.req == nil {
			c.skipped = true
			return
		}
		c.pledge.NamedUserIDs = append(c.pledge.NamedUserIDs, viewerUser)
		c.rec.named = append(c.rec.named, viewerUser)
		c.req.req.NamedUserIDs = append(c.req.req.NamedUserIDs, viewerUser)
		c.req.rec.named = append(c.req.rec.named, viewerUser)
	}},
}

// TestPledgeMatrix: role × kind × participation × pledge TLP × requirement
// (TLP × validated or not, or none) × relationship.
func TestPledgeMatrix(t *testing.T) {
	cases := 0
	for _, rs := range roleSets() {
		for _, kind := range model.OrgKinds {
			for _, part := range model.Participations {
				vc := newViewerCase(rs, kind, part, false)
				for _, tlp := range model.TLPs {
					for _, ps := range pledgeParents() {
						for _, rel := range pledgeRelations {
							c := newPledgeCase(tlp, ps)
							if rel.apply(c); c.skipped {
								continue
							}
							name := caseName(rs.name, string(kind), string(part), string(tlp), ps.name, rel.name)
							cases += check(t, name, vc.viewer(), c.resource(), vc.person(), c.record())
						}
					}
				}
			}
		}
	}
	t.Logf("%d cases", cases)
	addCases(cases)
}

// ---- Other records (offers, lessons, …): owner and beneficiary differ ----

// genericLabels: every TLP, and labels that are not TLP 2.0 codes, which
// must hide the record from everyone.
var genericLabels = append(append([]model.TLP{}, model.TLPs...), "", "white", "AMBER")

type genericCase struct {
	res policy.Resource
	rec record
}

var genericRelations = []struct {
	name  string
	apply func(c *genericCase)
}{
	{"unrelated", func(c *genericCase) {}},
	{"owner", func(c *genericCase) { c.res.OwnerOrgID, c.rec.owner = viewerOrg, viewerOrg }},
	{"beneficiary", func(c *genericCase) { c.res.BeneficiaryOrgID, c.rec.beneficiary = viewerOrg, viewerOrg }},
	{"engaged", func(c *genericCase) {
		c.res.EngagedOrgIDs = append(c.res.EngagedOrgIDs, viewerOrg)
		c.rec.engaged = append(c.rec.engaged, viewerOrg)
	}},
	{"shared", func(c *genericCase) {
		c.res.SharedOrgIDs = append(c.res.SharedOrgIDs, viewerOrg)
		c.rec.shared = append(c.rec.shared, viewerOrg)
	}},
	{"named", func(c *genericCase) {
		c.res.NamedUserIDs = append(c.res.NamedUserIDs, viewerUser)
		c.rec.named = append(c.rec.named, viewerUser)
	}},
	{"voter", func(c *genericCase) {
		c.res.VoterOrgIDs = append(c.res.VoterOrgIDs, viewerOrg)
		c.rec.voters = append(c.rec.voters, viewerOrg)
	}},
}

// TestResourceMatrix: role × kind × participation × label × (validated or
// not) × relationship, on a Resource whose owner is not its beneficiary.
func TestResourceMatrix(t *testing.T) {
	cases := 0
	for _, rs := range roleSets() {
		for _, kind := range model.OrgKinds {
			for _, part := range model.Participations {
				vc := newViewerCase(rs, kind, part, false)
				for _, tlp := range genericLabels {
					for _, unvalidated := range []bool{false, true} {
						gate := "open"
						if unvalidated {
							gate = "unvalidated"
						}
						for _, rel := range genericRelations {
							c := &genericCase{
								res: policy.Resource{
									TLP: tlp, OwnerOrgID: ownerOrg, BeneficiaryOrgID: benefOrg,
									Unvalidated:   unvalidated,
									EngagedOrgIDs: []string{engagedOrg},
									SharedOrgIDs:  []string{sharedOrg},
									NamedUserIDs:  []string{namedUser},
								},
								rec: record{
									tlp: tlp, owner: ownerOrg, beneficiary: benefOrg,
									awaitingValidation: unvalidated,
									engaged:            []string{engagedOrg},
									shared:             []string{sharedOrg},
									named:              []string{namedUser},
								},
							}
							rel.apply(c)
							name := caseName(rs.name, string(kind), string(part), labelName(tlp), gate, rel.name)
							cases += check(t, name, vc.viewer(), c.res, vc.person(), c.rec)
						}
					}
				}
			}
		}
	}
	t.Logf("%d cases", cases)
	addCases(cases)
}

func labelName(l model.TLP) string {
	if l == "" {
		return "no-label"
	}
	return "label-" + string(l)
}

// ---- Visitors ----

// TestAnonymousMatrix: a visitor (the zero Viewer), and a Viewer that
// carries an organisation and roles but no user (it must still be no one),
// against every label and status, on records that list that organisation
// and an empty user id everywhere.
func TestAnonymousMatrix(t *testing.T) {
	visitors := []struct {
		name string
		v    policy.Viewer
	}{
		{"visitor", policy.Viewer{}},
		{"org-without-user", policy.Viewer{
			Org:   model.Organisation{ID: viewerOrg, Kind: model.KindState, Participation: model.Member},
			Roles: model.Roles,
		}},
	}
	cases := 0
	for _, vis := range visitors {
		if !vis.v.Anonymous() {
			t.Errorf("%s: Anonymous() = false for a viewer with no user", vis.name)
			continue
		}
		for _, tlp := range model.TLPs {
			for _, st := range requirementStates() {
				for _, listed := range []bool{false, true} {
					rel := "unrelated"
					if listed {
						rel = "listed-everywhere"
					}
					name := caseName(vis.name, string(tlp), st.name, rel)
					c := newRequirementCase(tlp, st)
					if listed {
						c.req.BeneficiaryOrgID = viewerOrg
						c.req.SharedOrgIDs = append(c.req.SharedOrgIDs, viewerOrg)
						c.req.NamedUserIDs = append(c.req.NamedUserIDs, "")
						c.pledges = append(c.pledges, model.Pledge{ID: viewerPldID, RequirementID: reqID, DonorOrgID: viewerOrg})
						c.rec.owner, c.rec.beneficiary = viewerOrg, viewerOrg
						c.rec.shared = append(c.rec.shared, viewerOrg)
						c.rec.named = append(c.rec.named, "")
						c.rec.engaged = append(c.rec.engaged, viewerOrg)
					}
					res := policy.RequirementResource(c.req, c.pledges)
					cases += check(t, name, vis.v, res, person{}, c.rec)
					// The oracle's short form, for the reader:
					// a visitor reads CLEAR validated records, and does nothing.
					wantRead := tlp == model.TLPClear && !c.rec.awaitingValidation
					if got := policy.Visible(vis.v, res); got != wantRead {
						t.Errorf("%s: read: Visible = %v, want %v", name, got, wantRead)
					}
				}
			}
		}
	}
	t.Logf("%d cases", cases)
	addCases(cases)
}

// ---- Route-level checks ----

// TestRequireAndAllowed: role × kind × participation × permission, for
// Require and Allowed (no record), plus visitors and disabled users.
func TestRequireAndAllowed(t *testing.T) {
	cases := 0
	one := func(name string, v policy.Viewer, p person) {
		for _, perm := range allPermissions {
			if got, want := policy.Require(v, perm), wantRequire(p, perm); !sameError(got, want) {
				t.Errorf("%s: %s: Require = %v, want %v", name, perm, got, want)
			}
			if got, want := policy.Allowed(v, perm), wantGranted(p, perm); got != want {
				t.Errorf("%s: %s: Allowed = %v, want %v", name, perm, got, want)
			}
			cases += 2
		}
	}
	for _, rs := range roleSets() {
		for _, kind := range model.OrgKinds {
			for _, part := range model.Participations {
				for _, disabled := range []bool{false, true} {
					state := "active"
					if disabled {
						state = "disabled"
					}
					vc := newViewerCase(rs, kind, part, disabled)
					one(caseName(rs.name, string(kind), string(part), state), vc.viewer(), vc.person())
				}
			}
		}
	}
	one("visitor", policy.Viewer{}, person{})
	t.Logf("%d cases", cases)
	addCases(cases)
}

// TestCanDonate: kind × participation.
func TestCanDonate(t *testing.T) {
	for _, kind := range model.OrgKinds {
		for _, part := range model.Participations {
			o := model.Organisation{ID: viewerOrg, Kind: kind, Participation: part}
			if got, want := policy.CanDonate(o), canDonate(kind, part); got != want {
				t.Errorf("%s/%s: CanDonate = %v, want %v", kind, part, got, want)
			}
		}
	}
	addCases(len(model.OrgKinds) * len(model.Participations))
}

// ---- The viewer ----

func TestViewerFor(t *testing.T) {
	org := model.Organisation{ID: viewerOrg, Kind: model.KindState, Participation: model.Member}
	t.Run("disabled-is-anonymous", func(t *testing.T) {
		for _, rs := range roleSets() {
			v := policy.ViewerFor(model.User{ID: viewerUser, OrgID: viewerOrg, Roles: rs.roles, Disabled: true}, org)
			if !v.Anonymous() || v.UserID != "" || v.Org.ID != "" || len(v.Roles) != 0 {
				t.Errorf("%s: ViewerFor(disabled) = %+v, want the zero Viewer", rs.name, v)
			}
			if v.InOrg(viewerOrg) || v.Has(model.RoleCoordinator) {
				t.Errorf("%s: a disabled user still belongs to its organisation or holds a role", rs.name)
			}
		}
	})
	t.Run("signed-in", func(t *testing.T) {
		u := model.User{ID: viewerUser, OrgID: viewerOrg, Roles: []model.Role{model.RoleDonor, model.RoleDelegate}}
		v := policy.ViewerFor(u, org)
		if v.Anonymous() || v.UserID != viewerUser || v.Org != org {
			t.Fatalf("ViewerFor = %+v", v)
		}
		if !v.Has(model.RoleDonor) || !v.Has(model.RoleDelegate) || v.Has(model.RoleCoordinator) {
			t.Errorf("roles: %v", v.Roles)
		}
		if !v.InOrg(viewerOrg) || v.InOrg(ownerOrg) || v.InOrg("") {
			t.Errorf("InOrg is wrong for %q", v.Org.ID)
		}
		u.Roles[0] = model.RoleAdmin // the viewer keeps its own copy of the roles
		if v.Has(model.RoleAdmin) || !v.Has(model.RoleDonor) {
			t.Errorf("ViewerFor shares the user's role slice: %v", v.Roles)
		}
	})
	// A user whose organisation has no id does not "belong" to the empty
	// organisation of a record that serves none (a bilateral report).
	t.Run("no-org-id", func(t *testing.T) {
		v := policy.ViewerFor(model.User{ID: viewerUser, Roles: []model.Role{model.RoleDonor}},
			model.Organisation{Kind: model.KindState, Participation: model.Member})
		if v.InOrg("") {
			t.Errorf("InOrg(\"\") = true for a viewer with no organisation id")
		}
		bilateral := policy.PledgeResource(model.Pledge{ID: pledgeID, DonorOrgID: donorOrg, TLP: model.TLPAmberStrict, Channel: model.ChannelBilateral}, nil)
		if policy.Visible(v, bilateral) {
			t.Errorf("a viewer with no organisation id sees another's AMBER+STRICT bilateral report")
		}
	})
}

// ---- Readable anchors: a few scenarios spelt out by hand, so that the
// oracle itself is checked against the access model (docs/architecture.md) in plain words. ----

func TestScenarios(t *testing.T) {
	validated := reqState{name: "validated", status: model.ReqValidated, everValidated: true}
	submitted := reqState{name: "submitted", status: model.ReqSubmitted}
	user := func(kind model.OrgKind, part model.Participation, roles ...model.Role) policy.Viewer {
		return newViewerCase(roleSet{roles: roles}, kind, part, false).viewer()
	}
	reqRes := func(tlp model.TLP, st reqState, rel string) policy.Resource {
		c := newRequirementCase(tlp, st)
		for _, r := range requirementRelations {
			if r.name == rel {
				r.apply(c)
			}
		}
		return policy.RequirementResource(c.req, c.pledges)
	}
	hidden := func(tlp model.TLP, st reqState) policy.Resource { return reqRes(tlp, st, "unrelated") }
	pledgeOn := func(pledgeTLP model.TLP, parent policy.Resource, donor string) policy.Resource {
		return policy.PledgeResource(model.Pledge{ID: pledgeID, RequirementID: reqID, DonorOrgID: donor, TLP: pledgeTLP}, &parent)
	}

	rows := []struct {
		name string
		v    policy.Viewer
		res  policy.Resource
		see  bool
	}{
		{"visitor reads a CLEAR validated requirement", policy.Viewer{}, hidden(model.TLPClear, validated), true},
		{"visitor does not read a CLEAR draft", policy.Viewer{}, hidden(model.TLPClear, reqState{name: "draft", status: model.ReqDraft}), false},
		{"visitor does not read GREEN", policy.Viewer{}, hidden(model.TLPGreen, validated), false},
		{"company contributor reads GREEN", user(model.KindPrivateCompany, model.Contributor, model.RoleDonor), hidden(model.TLPGreen, validated), true},
		{"former state does not read another's GREEN", user(model.KindState, model.Former, model.RoleDonor), hidden(model.TLPGreen, validated), false},
		{"former beneficiary no longer reads its own GREEN", user(model.KindBeneficiaryAgency, model.Former, model.RoleRequester), reqRes(model.TLPGreen, validated, "beneficiary"), false},
		{"former beneficiary still reads CLEAR, as a visitor", user(model.KindBeneficiaryAgency, model.Former, model.RoleRequester), reqRes(model.TLPClear, validated, "beneficiary"), true},
		{"member state reads AMBER", user(model.KindState, model.Member, model.RoleViewer), hidden(model.TLPAmber, validated), true},
		{"applicant international org does not read AMBER before interim observer status", user(model.KindInternationalOrg, model.Applicant), hidden(model.TLPAmber, validated), false},
		{"applicant international org reads GREEN", user(model.KindInternationalOrg, model.Applicant), hidden(model.TLPGreen, validated), true},
		{"observer international org reads AMBER", user(model.KindInternationalOrg, model.Observer), hidden(model.TLPAmber, validated), true},
		{"state contributor is not the donor community", user(model.KindState, model.Contributor, model.RoleDonor), hidden(model.TLPAmber, validated), false},
		{"company does not read AMBER until engaged", user(model.KindPrivateCompany, model.Contributor, model.RoleDonor), hidden(model.TLPAmber, validated), false},
		{"company reads AMBER once engaged", user(model.KindPrivateCompany, model.Contributor, model.RoleDonor), reqRes(model.TLPAmber, validated, "engaged"), true},
		{"NGO engaged elsewhere does not read AMBER", user(model.KindNGO, model.Contributor, model.RoleDonor), reqRes(model.TLPAmber, validated, "engaged-elsewhere"), false},
		{"other beneficiary agency does not read AMBER", user(model.KindBeneficiaryAgency, model.Beneficiary, model.RoleRequester), hidden(model.TLPAmber, validated), false},
		{"coordinator reads AMBER+STRICT", user(model.KindState, model.Member, model.RoleCoordinator), hidden(model.TLPAmberStrict, validated), true},
		{"former coordinator does not", user(model.KindState, model.Former, model.RoleCoordinator), hidden(model.TLPAmberStrict, validated), false},
		{"member state does not read AMBER+STRICT", user(model.KindState, model.Member, model.RoleDonor), hidden(model.TLPAmberStrict, validated), false},
		{"engaged company does not read AMBER+STRICT", user(model.KindPrivateCompany, model.Contributor, model.RoleDonor), reqRes(model.TLPAmberStrict, validated, "engaged"), false},
		{"shared state reads AMBER+STRICT", user(model.KindState, model.Observer, model.RoleDonor), reqRes(model.TLPAmberStrict, validated, "shared"), true},
		{"coordinator does not read RED unless named", user(model.KindState, model.Member, model.RoleCoordinator), hidden(model.TLPRed, validated), false},
		{"named NGO user reads RED", user(model.KindNGO, model.Contributor), reqRes(model.TLPRed, validated, "named"), true},
		{"member state does not read a submitted AMBER requirement", user(model.KindState, model.Member, model.RoleDonor), hidden(model.TLPAmber, submitted), false},
		{"shared state does not read a submitted AMBER+STRICT one", user(model.KindState, model.Member, model.RoleDonor), reqRes(model.TLPAmberStrict, submitted, "shared"), false},
		{"validator reads a submitted AMBER requirement", user(model.KindBeneficiaryAgency, model.Member, model.RoleValidator), hidden(model.TLPAmber, submitted), true},
		{"named non-beneficiary does not read a submitted RED one", user(model.KindState, model.Member), reqRes(model.TLPRed, submitted, "named"), false},
		{"donor reads its own pledge on a hidden requirement", user(model.KindPrivateCompany, model.Contributor, model.RoleDonor),
			pledgeOn(model.TLPAmber, hidden(model.TLPAmberStrict, submitted), viewerOrg), true},
		{"member state does not read a pledge on a hidden requirement", user(model.KindState, model.Member, model.RoleDonor),
			pledgeOn(model.TLPGreen, hidden(model.TLPAmberStrict, validated), donorOrg), false},
		{"member state reads a pledge on a visible requirement", user(model.KindState, model.Member, model.RoleDonor),
			pledgeOn(model.TLPAmber, hidden(model.TLPAmber, validated), donorOrg), true},
		{"beneficiary reads an AMBER+STRICT pledge on its requirement", user(model.KindBeneficiaryAgency, model.Beneficiary, model.RoleRequester),
			pledgeOn(model.TLPAmberStrict, reqRes(model.TLPAmber, validated, "beneficiary"), donorOrg), true},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			if got := policy.Visible(row.v, row.res); got != row.see {
				t.Errorf("Visible = %v, want %v", got, row.see)
			}
		})
	}

	acts := []struct {
		name string
		v    policy.Viewer
		perm policy.Permission
		res  policy.Resource
		want error
	}{
		{"hidden record is not found, even to an admin", user(model.KindState, model.Member, model.RoleAdmin), policy.UsersManage, hidden(model.TLPAmberStrict, validated), model.ErrNotFound},
		{"visitor on a CLEAR record must sign in", policy.Viewer{}, policy.RequirementsRead, hidden(model.TLPClear, validated), model.ErrUnauthenticated},
		{"visitor on a GREEN record: not found", policy.Viewer{}, policy.RequirementsRead, hidden(model.TLPGreen, validated), model.ErrNotFound},
		{"viewer role may not pledge", user(model.KindState, model.Member, model.RoleViewer), policy.PledgesCreate, hidden(model.TLPAmber, validated), model.ErrForbidden},
		{"member state donor pledges", user(model.KindState, model.Member, model.RoleDonor), policy.PledgesCreate, hidden(model.TLPAmber, validated), nil},
		{"beneficiary does not pledge to itself", user(model.KindState, model.Member, model.RoleDonor), policy.PledgesCreate, reqRes(model.TLPAmber, validated, "beneficiary"), model.ErrForbidden},
		{"beneficiary agency donor may not pledge", user(model.KindBeneficiaryAgency, model.Beneficiary, model.RoleDonor), policy.PledgesCreate, hidden(model.TLPGreen, validated), model.ErrForbidden},
		{"requester edits its own requirement", user(model.KindBeneficiaryAgency, model.Beneficiary, model.RoleRequester), policy.RequirementsEdit, reqRes(model.TLPAmber, submitted, "beneficiary"), nil},
		{"requester may not edit another's", user(model.KindBeneficiaryAgency, model.Beneficiary, model.RoleRequester), policy.RequirementsEdit, hidden(model.TLPGreen, validated), model.ErrForbidden},
		{"validator withdraws any requirement it sees", user(model.KindBeneficiaryAgency, model.Member, model.RoleValidator), policy.RequirementsWithdraw, hidden(model.TLPAmber, submitted), nil},
		{"validator does not submit", user(model.KindBeneficiaryAgency, model.Member, model.RoleValidator), policy.RequirementsSubmit, reqRes(model.TLPAmber, submitted, "beneficiary"), model.ErrForbidden},
		{"donor confirms its own pledge", user(model.KindNGO, model.Contributor, model.RoleDonor), policy.PledgesConfirm, pledgeOn(model.TLPAmber, hidden(model.TLPGreen, validated), viewerOrg), nil},
		{"donor may not confirm another's pledge", user(model.KindState, model.Member, model.RoleDonor), policy.PledgesConfirm, pledgeOn(model.TLPAmber, hidden(model.TLPGreen, validated), donorOrg), model.ErrForbidden},
		{"former donor no longer sees its own GREEN pledge", user(model.KindState, model.Former, model.RoleDonor), policy.PledgesWithdraw, pledgeOn(model.TLPGreen, hidden(model.TLPGreen, validated), viewerOrg), model.ErrNotFound},
		{"former donor may not withdraw its own CLEAR pledge", user(model.KindState, model.Former, model.RoleDonor), policy.PledgesWithdraw, pledgeOn(model.TLPClear, hidden(model.TLPClear, validated), viewerOrg), model.ErrUnauthenticated},
	}
	for _, a := range acts {
		t.Run(a.name, func(t *testing.T) {
			if got := policy.Authorize(a.v, a.perm, a.res); !sameError(got, a.want) {
				t.Errorf("Authorize(%s) = %v, want %v", a.perm, got, a.want)
			}
		})
	}
	addCases(len(rows) + len(acts))
}

// ---- Counting ----

var totalCases int

func addCases(n int) { totalCases += n }

// TestMain reports how many answers the policy tests checked.
func TestMain(m *testing.M) {
	code := m.Run()
	fmt.Printf("policy: %d cases checked\n", totalCases)
	os.Exit(code)
}

// TestEngagementOpens: an audience says engagement opens a record to its
// viewer exactly when some label of a validated record hides it from the
// viewer's organisation unless engaged on it; a requirements' total is kept
// across that organisation's pledges only when it does not.
func TestEngagementOpens(t *testing.T) {
	cases := 0
	for _, rs := range roleSets() {
		for _, kind := range model.OrgKinds {
			for _, part := range model.Participations {
				for _, disabled := range []bool{false, true} {
					v := newViewerCase(rs, kind, part, disabled).viewer()
					want := false
					for _, l := range model.TLPs {
						engaged := policy.Resource{TLP: l, EngagedOrgIDs: []string{viewerOrg}}
						if policy.Visible(v, engaged) && !policy.Visible(v, policy.Resource{TLP: l}) {
							want = true
						}
					}
					if got := policy.AudienceOf(v).EngagementOpens(); got != want {
						t.Errorf("%s: EngagementOpens = %v, want %v", caseName(rs.name, string(kind), string(part), fmt.Sprint(disabled)), got, want)
					}
					cases++
				}
			}
		}
	}
	if policy.AudienceOf(policy.System()).EngagementOpens() {
		t.Error("the platform sees every record: engagement opens none")
	}
	addCases(cases + 1)
}
