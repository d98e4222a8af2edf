package policy_test

import (
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// TestOfferMatrix: an offer is owned by its donor and serves no one yet;
// every viewer, label and relation against the oracle.
func TestOfferMatrix(t *testing.T) {
	cases := 0
	for _, rs := range roleSets() {
		for _, kind := range model.OrgKinds {
			for _, part := range model.Participations {
				vc := newViewerCase(rs, kind, part, false)
				for _, tlp := range genericLabels {
					for _, rel := range []string{"unrelated", "owner", "named"} {
						o := model.Offer{TLP: tlp, DonorOrgID: donorOrg, NamedUserIDs: []string{namedUser}}
						rec := record{tlp: tlp, owner: donorOrg, named: []string{namedUser}}
						switch rel {
						case "owner":
							o.DonorOrgID, rec.owner = viewerOrg, viewerOrg
						case "named":
							o.NamedUserIDs = append(o.NamedUserIDs, viewerUser)
							rec.named = append(rec.named, viewerUser)
						}
						name := caseName(rs.name, string(kind), string(part), labelName(tlp), rel)
						cases += check(t, name, vc.viewer(), policy.OfferResource(o), vc.person(), rec)
					}
				}
			}
		}
	}
	t.Logf("%d cases", cases)
	addCases(cases)
}
