// Package policy decides, in one place, what a user may see (TLP 2.0 and the
// validation gate) and what a user may do (roles). Every read, list, export
// and total goes through Visible; every action goes through Authorize.
package policy

import (
	"slices"

	"github.com/cyberaid/cyberaid/internal/model"
)

// Viewer is the person asking. The zero Viewer is an anonymous visitor.
type Viewer struct {
	UserID string
	Org    model.Organisation
	Roles  []model.Role
	// system marks the platform itself: the operator at the command line,
	// the demonstration loader and background jobs. Only System builds it,
	// and nothing on the web does.
	system bool
}

// System is the platform acting on its own behalf: the operator's command
// line, the demonstration data and background jobs. It sees every record
// and may do everything; its audit events name no user. No request of the
// web ever runs as System.
func System() Viewer { return Viewer{system: true} }

// ViewerFor builds the viewer of a signed-in user. A disabled user is no
// one, and so is a user of a former organisation: leaving the mechanism
// takes effect at once, and such users see what a visitor sees.
func ViewerFor(u model.User, org model.Organisation) Viewer {
	if u.Disabled || u.ID == "" || org.ID == "" || u.OrgID != org.ID || org.Participation == model.Former {
		return Viewer{}
	}
	return Viewer{UserID: u.ID, Org: org, Roles: slices.Clone(u.Roles)}
}

// Anonymous reports a visitor: no user, and not the platform itself.
func (v Viewer) Anonymous() bool { return v.UserID == "" && !v.system }

// IsSystem reports the platform acting on its own behalf.
func (v Viewer) IsSystem() bool { return v.system }

func (v Viewer) signedIn() bool          { return v.UserID != "" && !v.system }
func (v Viewer) Has(r model.Role) bool   { return v.signedIn() && slices.Contains(v.Roles, r) }
func (v Viewer) InOrg(orgID string) bool { return v.participant() && orgID != "" && v.Org.ID == orgID }

// participant: a signed-in user of an organisation that takes part in the
// mechanism. A viewer whose organisation or participation is unknown is
// refused, as a former participant is.
func (v Viewer) participant() bool {
	if !v.signedIn() || v.Org.ID == "" {
		return false
	}
	switch v.Org.Participation {
	case model.Member, model.Observer, model.Applicant, model.Contributor, model.Beneficiary:
		return true
	}
	return false
}
func (v Viewer) coordinator() bool         { return v.participant() && v.Has(model.RoleCoordinator) }
func (v Viewer) validator() bool           { return v.participant() && v.Has(model.RoleValidator) }
func (v Viewer) namedIn(ids []string) bool { return v.participant() && slices.Contains(ids, v.UserID) }
func (v Viewer) orgIn(ids []string) bool   { return v.participant() && slices.Contains(ids, v.Org.ID) }

// Resource is what the policy needs to know of a record to decide who sees it.
type Resource struct {
	TLP              model.TLP
	OwnerOrgID       string // the organisation that made the record
	BeneficiaryOrgID string // the organisation the record serves
	// Unvalidated marks a requirement the beneficiary government has not
	// validated: only its beneficiary, validators and coordinators see it,
	// whatever its label.
	Unvalidated bool
	// EngagedOrgIDs are companies, NGOs and beneficiary entities whose pledge
	// or offer is linked to the record: they see it at AMBER.
	EngagedOrgIDs []string
	// SharedOrgIDs are organisations a coordinator shared the record with.
	SharedOrgIDs []string
	// NamedUserIDs are the only readers of a RED record.
	NamedUserIDs []string
	// VoterOrgIDs are the organisations that may take a position on the
	// record (a proposal's electorate). It grants no visibility.
	VoterOrgIDs []string
	// Parent is the record this one hangs on (a pledge's requirement): a
	// viewer who may not see the parent sees the child only if it is theirs.
	Parent *Resource
}

// Visible is the one decision of who sees a record.
func Visible(v Viewer, r Resource) bool {
	if v.system {
		return true
	}
	if !audience(v, r) {
		return false
	}
	if r.Unvalidated && !(v.InOrg(r.BeneficiaryOrgID) || v.validator() || v.coordinator()) {
		return false
	}
	if r.Parent != nil && !v.InOrg(r.OwnerOrgID) && !Visible(v, *r.Parent) {
		return false
	}
	return true
}

// audience applies the TLP 2.0 label (the access model (docs/architecture.md)).
func audience(v Viewer, r Resource) bool {
	switch r.TLP {
	case model.TLPClear:
		return true
	case model.TLPGreen:
		return v.participant()
	case model.TLPAmber:
		if !v.participant() {
			return false
		}
		return v.Org.InDonorCommunity() || v.coordinator() || v.validator() ||
			v.InOrg(r.OwnerOrgID) || v.InOrg(r.BeneficiaryOrgID) ||
			v.orgIn(r.EngagedOrgIDs) || v.orgIn(r.SharedOrgIDs)
	case model.TLPAmberStrict:
		if !v.participant() {
			return false
		}
		return v.coordinator() || v.validator() ||
			v.InOrg(r.OwnerOrgID) || v.InOrg(r.BeneficiaryOrgID) || v.orgIn(r.SharedOrgIDs)
	case model.TLPRed:
		return v.namedIn(r.NamedUserIDs)
	}
	return false // an unknown label hides the record rather than leak it
}
