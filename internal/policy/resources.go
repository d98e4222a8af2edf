package policy

import (
	"slices"

	"github.com/cyberaid/cyberaid/internal/model"
)

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

// RequirementEngaged describes a requirement from the organisations with a
// pledge on it, all that RequirementResource reads of its pledges.
func RequirementEngaged(r model.Requirement, engaged []string) Resource {
	res := RequirementResource(r, nil)
	res.EngagedOrgIDs = engaged
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

// SeesReviews reports whether v may read the working groups' reviews of a
// requirement (decisions, scores, comments, who gave them): they judge the
// requirement before validation, so only who may see it unvalidated reads
// them, even once donors see the requirement.
func SeesReviews(v Viewer, r Resource) bool {
	r.Unvalidated = true
	return Visible(v, r)
}

// SeesAccessLists reports whether v may see who else a record is shared
// with or names: the people who already see it in full.
func SeesAccessLists(v Viewer, r Resource) bool {
	return Visible(v, r) && (v.coordinator() || v.validator() || v.InOrg(r.BeneficiaryOrgID))
}

// PledgeSeenBy is what v, who may see the pledge p (described by res),
// reads of it. A donor sees its own pledge on a requirement it may no
// longer see (one made stricter since), but not which requirement or whom
// it serves; only those who see the pledge in full, and its donor, read
// whom it is shared with or names.
func PledgeSeenBy(v Viewer, p model.Pledge, res Resource) model.Pledge {
	if res.Parent != nil && !Visible(v, *res.Parent) {
		p.RequirementID = ""
		p.BeneficiaryOrgID = ""
	}
	if !SeesAccessLists(v, res) && !v.InOrg(p.DonorOrgID) {
		p.SharedOrgIDs, p.NamedUserIDs = nil, nil
	}
	return p
}

// ProposalResource describes a proposal: its proposer owns it, the
// organisation it is about (an applicant) is its beneficiary, and its
// electorate may take positions on it.
func ProposalResource(p model.Proposal) Resource {
	return Resource{
		TLP:              p.TLP,
		OwnerOrgID:       p.ProposerOrgID,
		BeneficiaryOrgID: p.SubjectOrgID,
		VoterOrgIDs:      p.Electorate,
	}
}

// LessonResource describes a lesson learned; about is the record it is
// linked to (a requirement or a pledge), nil for a general lesson, so that a
// lesson never tells a viewer of a record they may not see.
func LessonResource(l model.Lesson, about *Resource) Resource {
	res := Resource{
		TLP:          l.TLP,
		OwnerOrgID:   l.AuthorOrgID,
		NamedUserIDs: l.NamedUserIDs,
		Parent:       about,
	}
	if about != nil {
		res.BeneficiaryOrgID = about.BeneficiaryOrgID
	}
	return res
}

// OfferResource describes an offer in the catalogue: its donor owns it; it
// serves no one yet, so no beneficiary sees it by right.
func OfferResource(o model.Offer) Resource {
	return Resource{
		TLP:          o.TLP,
		OwnerOrgID:   o.DonorOrgID,
		NamedUserIDs: o.NamedUserIDs,
	}
}

// MeetingResource describes a meeting of the coordination group by its
// label; the organisation that convened it owns it.
func MeetingResource(m model.Meeting) Resource {
	return Resource{TLP: m.TLP, OwnerOrgID: m.OwnerOrgID}
}

// DocumentResource describes a file attached to record: its uploader's
// organisation made it (and alone may relax its label); it is read by the
// record's audience, under its own label, which is never laxer than the
// record's. The record's owner stays in its audience, and its uploader is
// named among the readers should it be RED. Callers also check the record
// itself: a document of a record the viewer may not see does not exist.
func DocumentResource(d model.Document, record Resource) Resource {
	shared := append(slices.Clone(record.SharedOrgIDs), record.OwnerOrgID)
	named := slices.Clone(record.NamedUserIDs)
	if d.UploadedBy != "" && !slices.Contains(named, d.UploadedBy) {
		named = append(named, d.UploadedBy)
	}
	return Resource{
		TLP:              Stricter(d.TLP, record.TLP),
		OwnerOrgID:       d.UploaderOrgID,
		BeneficiaryOrgID: record.BeneficiaryOrgID,
		Unvalidated:      record.Unvalidated,
		EngagedOrgIDs:    record.EngagedOrgIDs,
		SharedOrgIDs:     shared,
		NamedUserIDs:     named,
		Parent:           &record,
	}
}

// DocumentVisible is whether v may see the document d of record: the
// record, and the document under its own label.
func DocumentVisible(v Viewer, d model.Document, record Resource) bool {
	return Visible(v, record) && Visible(v, DocumentResource(d, record))
}
