package policy_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// TestWithdrawnAfterValidation: a requirement validated, then withdrawn
// (withdrawal is allowed at any time and keeps ValidatedAt). the access model (docs/architecture.md) puts
// behind the validation gate only a requirement "not yet validated (draft,
// submitted, returned, rejected)"; this one was validated, so its label alone
// decides who sees it — the donors engaged on it among others. (Withdrawn
// before validation stays behind the gate: see the main matrix.)
//
// The matrix is the same as TestRequirementMatrix's for this one state; it
// reports a summary rather than one subtest per case, so that a
// disagreement reads as one finding.
func TestWithdrawnAfterValidation(t *testing.T) {
	st := reqState{name: "withdrawn-after-validation", status: model.ReqWithdrawn, everValidated: true}
	var reads, acts []string
	cases := 0
	compare := func(path string, v policy.Viewer, p person, c *requirementCase) {
		res := policy.RequirementResource(c.req, c.pledges)
		cases++
		if got, want := policy.Visible(v, res), wantVisible(p, c.rec); got != want {
			reads = append(reads, fmt.Sprintf("%s/read: Visible = %v, want %v", path, got, want))
		}
		for _, perm := range allPermissions {
			cases++
			if got, want := policy.Authorize(v, perm, res), wantAuthorize(p, perm, c.rec); !sameError(got, want) {
				acts = append(acts, fmt.Sprintf("%s/%s: Authorize = %v, want %v", path, perm, got, want))
			}
		}
	}
	for _, rs := range roleSets() {
		for _, kind := range model.OrgKinds {
			for _, part := range model.Participations {
				vc := newViewerCase(rs, kind, part, false)
				for _, tlp := range model.TLPs {
					for _, rel := range requirementRelations {
						c := newRequirementCase(tlp, st)
						rel.apply(c)
						path := strings.Join([]string{rs.name, string(kind), string(part), string(tlp), st.name, rel.name}, "/")
						compare(path, vc.viewer(), vc.person(), c)
					}
				}
			}
		}
	}
	for _, tlp := range model.TLPs {
		compare("visitor/"+string(tlp)+"/"+st.name, policy.Viewer{}, person{}, newRequirementCase(tlp, st))
	}
	t.Logf("%d cases", cases)
	addCases(cases)

	if len(reads)+len(acts) > 0 {
		t.Errorf("a requirement withdrawn after validation: %d read answers and %d Authorize answers (of %d) differ from the access model (docs/architecture.md); for example:\n\t%s",
			len(reads), len(acts), cases, strings.Join(spread(append(reads, acts...), 12), "\n\t"))
	}
}

// spread picks up to n items evenly from xs, so that examples vary.
func spread(xs []string, n int) []string {
	if len(xs) <= n {
		return xs
	}
	out := make([]string, 0, n)
	for i := range n {
		out = append(out, xs[i*len(xs)/n])
	}
	return out
}

// TestWithdrawnBeforeValidationStaysHidden pins the other half: a draft
// withdrawn before anyone validated it never reaches donors.
func TestWithdrawnBeforeValidationStaysHidden(t *testing.T) {
	req := model.Requirement{ID: reqID, BeneficiaryOrgID: benefOrg, TLP: model.TLPClear, Status: model.ReqWithdrawn}
	donor := newViewerCase(roleSet{roles: []model.Role{model.RoleDonor}}, model.KindState, model.Member, false).viewer()
	if policy.Visible(donor, policy.RequirementResource(req, nil)) {
		t.Errorf("a member state sees a CLEAR requirement withdrawn before validation")
	}
	if policy.Visible(policy.Viewer{}, policy.RequirementResource(req, nil)) {
		t.Errorf("a visitor sees a CLEAR requirement withdrawn before validation")
	}
	at := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	req.ValidatedAt = &at
	req.Status = model.ReqValidated
	if !policy.Visible(donor, policy.RequirementResource(req, nil)) {
		t.Errorf("a member state does not see a CLEAR validated requirement")
	}
	addCases(3)
}
