package policy

import (
	"github.com/cyberaid/cyberaid/internal/model"
)

// Permission names an action; routes and services name the one they need.
type Permission string

const (
	OrganisationsRead    Permission = "organisations:read"
	OrganisationsManage  Permission = "organisations:manage"
	UsersManage          Permission = "users:manage"
	RequirementsRead     Permission = "requirements:read"
	RequirementsCreate   Permission = "requirements:create"
	RequirementsEdit     Permission = "requirements:edit"
	RequirementsSubmit   Permission = "requirements:submit"
	RequirementsValidate Permission = "requirements:validate"
	RequirementsWithdraw Permission = "requirements:withdraw"
	RequirementsShare    Permission = "requirements:share"
	PledgesRead          Permission = "pledges:read"
	PledgesCreate        Permission = "pledges:create"
	PledgesEdit          Permission = "pledges:edit"
	PledgesConfirm       Permission = "pledges:confirm"
	PledgesWithdraw      Permission = "pledges:withdraw"
	PledgesReview        Permission = "pledges:review"
	AuditRead            Permission = "audit:read"
	// AuditProofs reads the signed checkpoint and Merkle proofs of the
	// audit log: sizes and hashes only, never an event's contents, so that
	// every participant can check that the log is not rewritten.
	AuditProofs Permission = "audit:proofs"
	// Delivery to receipt, and lessons learned.
	PledgesDeliver    Permission = "pledges:deliver"
	PledgesReceipt    Permission = "pledges:receipt"
	PledgesSuspend    Permission = "pledges:suspend"
	PledgesDisburse   Permission = "pledges:disburse"
	RequirementsClose Permission = "requirements:close"
	LessonsCreate     Permission = "lessons:create"
	LessonsEdit       Permission = "lessons:edit"
	// Governance.
	ProposalsRead     Permission = "proposals:read"
	ProposalsCreate   Permission = "proposals:create"
	ProposalsPosition Permission = "proposals:position"
	ProposalsComment  Permission = "proposals:comment"
	ProposalsSign     Permission = "proposals:sign"
	RotationsRead     Permission = "rotations:read"
	RotationsManage   Permission = "rotations:manage"
	MeetingsRead      Permission = "meetings:read"
	MeetingsManage    Permission = "meetings:manage"
	// Matching and deconfliction.
	OffersRead               Permission = "offers:read"
	OffersCreate             Permission = "offers:create"
	OffersEdit               Permission = "offers:edit"
	OffersReview             Permission = "offers:review"
	MatchingSuggest          Permission = "matching:suggest"
	MatchingPlan             Permission = "matching:plan"
	DeconflictionRead        Permission = "deconfliction:read"
	DeconflictionAcknowledge Permission = "deconfliction:acknowledge"
	// Data exchange: importing donors' published IATI activities.
	ImportsRun Permission = "imports:run"
	// Results and attached documents.
	IndicatorsReport Permission = "indicators:report"
	DocumentsUpload  Permission = "documents:upload"
	DocumentsDelete  Permission = "documents:delete"
	// RequirementsImport reads a spreadsheet of needs into drafts.
	RequirementsImport Permission = "requirements:import"
)

// Every signed-in participant reads; TLP then decides which records.
var everyone = []Permission{OrganisationsRead, RequirementsRead, PledgesRead, ProposalsRead, ProposalsComment, RotationsRead, MeetingsRead, OffersRead, AuditProofs}

var rolePermissions = map[model.Role][]Permission{
	model.RoleAdmin:       {OrganisationsManage, UsersManage, AuditRead, ImportsRun},
	model.RoleCoordinator: {RequirementsImport, PledgesReview, RequirementsShare, AuditRead, PledgesDeliver, PledgesSuspend, PledgesDisburse, LessonsCreate, LessonsEdit, ProposalsCreate, RotationsManage, MeetingsManage, OffersReview, MatchingSuggest, MatchingPlan, DeconflictionRead, DeconflictionAcknowledge, IndicatorsReport, DocumentsUpload, DocumentsDelete},
	model.RoleValidator:   {RequirementsEdit, RequirementsValidate, RequirementsWithdraw, RequirementsClose, LessonsCreate, LessonsEdit, IndicatorsReport, DocumentsUpload, DocumentsDelete},
	model.RoleRequester:   {RequirementsImport, RequirementsCreate, RequirementsEdit, RequirementsSubmit, RequirementsWithdraw, PledgesReceipt, RequirementsClose, LessonsCreate, LessonsEdit, IndicatorsReport, DocumentsUpload, DocumentsDelete},
	model.RoleDonor:       {PledgesCreate, PledgesEdit, PledgesConfirm, PledgesWithdraw, PledgesDeliver, PledgesSuspend, PledgesDisburse, LessonsCreate, LessonsEdit, OffersCreate, OffersEdit, MatchingSuggest, DocumentsUpload, DocumentsDelete},
	model.RoleDelegate:    {LessonsCreate, LessonsEdit, ProposalsCreate, ProposalsPosition, ProposalsSign, DocumentsUpload, DocumentsDelete},
	model.RoleViewer:      {},
}

// Allowed reports whether any of the viewer's roles grants p. It is the
// route-level check; Authorize adds the rules that depend on the record.
func Allowed(v Viewer, p Permission) bool {
	if v.system {
		return true
	}
	if !v.participant() {
		return false
	}
	for _, q := range everyone {
		if q == p {
			return true
		}
	}
	for _, r := range v.Roles {
		for _, q := range rolePermissions[r] {
			if q == p {
				return true
			}
		}
	}
	return false
}

// Authorize decides whether v may do p to the record r. It answers
// ErrNotFound when v may not even see r (so that a hidden record looks
// exactly like a missing one), ErrUnauthenticated for a visitor, and
// ErrForbidden when v sees r but may not act on it.
func Authorize(v Viewer, p Permission, r Resource) error {
	if v.system {
		return nil
	}
	if !Visible(v, r) {
		return model.ErrNotFound
	}
	if v.Anonymous() {
		return model.ErrUnauthenticated
	}
	if !Allowed(v, p) {
		return model.ErrForbidden
	}
	ok := true
	switch p {
	case RequirementsEdit, RequirementsWithdraw, RequirementsClose:
		// The beneficiary's own requesters, or the government's validators.
		ok = v.validator() || (v.Has(model.RoleRequester) && v.InOrg(r.BeneficiaryOrgID))
	case RequirementsSubmit:
		ok = v.InOrg(r.BeneficiaryOrgID)
	case RequirementsImport:
		// r is the beneficiary the drafts are for: a requester's own
		// organisation, or any for a coordinator.
		ok = v.coordinator() || (v.Has(model.RoleRequester) && v.InOrg(r.BeneficiaryOrgID))
	case PledgesCreate:
		// r is the requirement pledged on: a beneficiary does not pledge to itself.
		ok = CanDonate(v.Org) && !v.InOrg(r.BeneficiaryOrgID)
	case PledgesEdit, PledgesConfirm, PledgesWithdraw, OffersEdit:
		ok = v.InOrg(r.OwnerOrgID)
	case PledgesDeliver, PledgesSuspend, PledgesDisburse:
		// The donor reports its own delivery, suspension and payments; a
		// coordinator tracks any.
		ok = v.coordinator() || (v.Has(model.RoleDonor) && v.InOrg(r.OwnerOrgID))
	case PledgesReceipt:
		// Only the organisation the help went to can say it arrived.
		ok = v.InOrg(r.BeneficiaryOrgID)
	case LessonsEdit:
		ok = v.coordinator() || v.InOrg(r.OwnerOrgID)
	case ProposalsPosition:
		// r is a proposal: a member organisation of its electorate speaks
		// through its delegate; observers and applicants never decide.
		ok = v.Org.Participation == model.Member && v.orgIn(r.VoterOrgIDs)
	case ProposalsCreate:
		// r is the new proposal. Members (through a delegate) and
		// coordinators put matters to the group; an organisation may also
		// apply to join it, which makes it the proposal's subject.
		ok = v.coordinator() || v.Org.Participation == model.Member || (r.BeneficiaryOrgID != "" && v.InOrg(r.BeneficiaryOrgID))
	case ProposalsSign:
		ok = v.Org.Participation == model.Member
	case IndicatorsReport:
		// r is the requirement: its beneficiary reports its results, and
		// coordinators report for any.
		ok = v.coordinator() || v.InOrg(r.BeneficiaryOrgID)
	case DocumentsUpload:
		// r is the record the file is attached to: the organisation that
		// owns it, or a coordinator.
		ok = v.coordinator() || v.InOrg(r.OwnerOrgID)
	case DocumentsDelete:
		// r is the document: its uploader's organisation, or a coordinator.
		ok = v.coordinator() || v.InOrg(r.OwnerOrgID)
	case ProposalsComment:
		ok = v.coordinator() || inGovernance(v.Org.Participation)
	}
	if !ok {
		return model.ErrForbidden
	}
	return nil
}

// Require is the route-level check for actions on no particular record.
func Require(v Viewer, p Permission) error {
	if v.system {
		return nil
	}
	if v.Anonymous() {
		return model.ErrUnauthenticated
	}
	if !Allowed(v, p) {
		return model.ErrForbidden
	}
	return nil
}

// CanDonate reports whether an organisation may pledge: states and
// international organisations in the mechanism, and contributing companies
// and NGOs. Beneficiary entities receive; former participants no longer give
// through the mechanism.
func CanDonate(o model.Organisation) bool {
	switch o.Participation {
	case model.Beneficiary, model.Former:
		return false
	}
	return o.Kind != model.KindBeneficiaryAgency
}

// inGovernance reports whether an organisation takes part in the
// coordination group's discussions: members decide, observers and
// applicants (interim observers) discuss.
func inGovernance(p model.Participation) bool {
	return p == model.Member || p == model.Observer || p == model.Applicant
}
