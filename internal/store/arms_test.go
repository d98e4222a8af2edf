package store

import (
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// TestEveryViewerPagesByArms: every kind of viewer but the platform and
// one who sees nothing pages pledges through arms (visibleArms), which the
// conformance suite holds to the policy; none falls back to the walk of
// every row without it being seen here.
func TestEveryViewerPagesByArms(t *testing.T) {
	orgs := []model.Organisation{
		{ID: "s", Kind: model.KindState, Participation: model.Member},
		{ID: "o", Kind: model.KindState, Participation: model.Observer},
		{ID: "c", Kind: model.KindPrivateCompany, Participation: model.Contributor},
		{ID: "b", Kind: model.KindBeneficiaryAgency, Participation: model.Beneficiary},
	}
	for _, org := range orgs {
		for _, role := range model.Roles {
			v := policy.ViewerFor(model.User{ID: "u", OrgID: org.ID, Roles: []model.Role{role}}, org)
			a := policy.AudienceOf(v)
			if a.All || a.Nothing() {
				continue
			}
			for _, has := range []relations{{}, {beneficiary: true, manyShared: true, manyNamed: true}} {
				if arms, ok := visibleArms(a, "pledges", pledgeShape("pledges"), has); !ok || len(arms) == 0 {
					t.Errorf("%s %s (%+v): no arms", org.Participation, role, has)
				}
			}
		}
	}
	if _, ok := visibleArms(policy.AudienceOf(policy.System()), "pledges", pledgeShape("pledges"), relations{}); ok {
		t.Error("the platform pages by arms")
	}
}
