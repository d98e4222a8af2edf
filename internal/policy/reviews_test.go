package policy_test

import (
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// The working groups' reviews judge a requirement before donors see it:
// once validated, the requirement's audience grows, its reviews' does not.
func TestSeesReviews(t *testing.T) {
	org := func(id string, kind model.OrgKind, part model.Participation) model.Organisation {
		return model.Organisation{ID: id, Kind: kind, Participation: part}
	}
	gov := org("gov", model.KindState, model.Member)
	agency := org("agency", model.KindBeneficiaryAgency, model.Beneficiary)
	other := org("other", model.KindBeneficiaryAgency, model.Beneficiary)
	donorState := org("donor", model.KindState, model.Member)
	viewer := func(id string, o model.Organisation, roles ...model.Role) policy.Viewer {
		return policy.ViewerFor(model.User{ID: id, OrgID: o.ID, Roles: roles}, o)
	}
	people := []struct {
		name string
		v    policy.Viewer
		sees bool // the reviews, whatever the requirement's state
	}{
		{"validator", viewer("u1", gov, model.RoleValidator), true},
		{"coordinator", viewer("u2", donorState, model.RoleCoordinator), true},
		{"beneficiary's requester", viewer("u3", agency, model.RoleRequester), true},
		{"another beneficiary", viewer("u4", other, model.RoleRequester), false},
		{"donor", viewer("u5", donorState, model.RoleDonor), false},
		{"named donor", viewer("u6", donorState, model.RoleDonor), false},
		{"anonymous", policy.Viewer{}, false},
	}
	for _, status := range []model.RequirementStatus{model.ReqSubmitted, model.ReqValidated, model.ReqDelivered} {
		for _, tlp := range []model.TLP{model.TLPClear, model.TLPGreen, model.TLPAmber, model.TLPAmberStrict} {
			r := model.Requirement{ID: "r", BeneficiaryOrgID: agency.ID, TLP: tlp, Status: status}
			res := policy.RequirementResource(r, nil)
			for _, p := range people {
				if got := policy.SeesReviews(p.v, res); got != p.sees {
					t.Errorf("%s, %s %s: SeesReviews %v, want %v", p.name, status, tlp, got, p.sees)
				}
			}
		}
	}
	// RED: only the named, and of those only who may see it unvalidated.
	r := model.Requirement{ID: "r", BeneficiaryOrgID: agency.ID, TLP: model.TLPRed, Status: model.ReqValidated, NamedUserIDs: []string{"u1", "u6"}}
	res := policy.RequirementResource(r, nil)
	for _, p := range people {
		want := p.sees && (p.v.UserID == "u1")
		if got := policy.SeesReviews(p.v, res); got != want {
			t.Errorf("%s, RED: SeesReviews %v, want %v", p.name, got, want)
		}
	}
}
