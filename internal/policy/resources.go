package policy

import "github.com/cyberaid/cyberaid/internal/model"

// RequirementResource describes a requirement to the policy. pledges are the
// pledges linked to it; their donors are engaged on it.
func RequirementResource(r model.Requirement, pledges []model.Pledge) Resource {
	res := Resource{
		TLP:              r.TLP,
		OwnerOrgID:       r.BeneficiaryOrgID,
		BeneficiaryOrgID: r.BeneficiaryOrgID,
		Unvalidated:      !everValidated(r),
		SharedOrgIDs:     r.SharedOrgIDs,
		NamedUserIDs:     r.NamedUserIDs,
	}
	for _, p := range pledges {
		if p.RequirementID == r.ID {
			res.EngagedOrgIDs = append(res.EngagedOrgIDs, p.DonorOrgID)
		}
	}
	return res
}

// PledgeResource describes a pledge; req is the requirement it serves, nil
// for a bilateral report that serves none.
func PledgeResource(p model.Pledge, req *Resource) Resource {
	res := Resource{
		TLP:          p.TLP,
		OwnerOrgID:   p.DonorOrgID,
		SharedOrgIDs: p.SharedOrgIDs,
		NamedUserIDs: p.NamedUserIDs,
		Parent:       req,
	}
	if req != nil {
		res.BeneficiaryOrgID = req.BeneficiaryOrgID
	} else {
		res.BeneficiaryOrgID = p.BeneficiaryOrgID
	}
	return res
}

// everValidated tells a requirement the beneficiary government has
// validated from one it has not: a requirement withdrawn after validation
// keeps its audience, one withdrawn before stays behind the gate.
func everValidated(r model.Requirement) bool {
	return r.Status.Validated() || (r.Status == model.ReqWithdrawn && r.ValidatedAt != nil)
}

// SeesAccessLists reports whether v may see who else a record is shared
// with or names: the people who already see it in full.
func SeesAccessLists(v Viewer, r Resource) bool {
	return Visible(v, r) && (v.coordinator() || v.validator() || v.InOrg(r.BeneficiaryOrgID))
}
