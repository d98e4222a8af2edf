package policy_test

// The oracle: the access model (docs/architecture.md) (and the object rules of permissions.go) written out
// again as plain rules, one function per TLP level, each with its own
// audience list. It never calls the policy package: it works on plain facts
// (who asks, what the record is) so that a mistake in the implementation
// cannot hide in a shared helper. Only the Permission names are borrowed.

import (
	"slices"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// person is who asks, as plain facts.
type person struct {
	signedIn bool // false: a visitor, or a disabled user
	userID   string
	orgID    string
	kind     model.OrgKind
	part     model.Participation
	roles    []model.Role
}

func (p person) has(r model.Role) bool { return p.signedIn && slices.Contains(p.roles, r) }

// participant: signed in, and the organisation has not left the mechanism.
func (p person) participant() bool { return p.signedIn && p.part != model.Former }

// coordinator and validator count only for participants (never for former).
func (p person) coordinator() bool { return p.participant() && p.has(model.RoleCoordinator) }
func (p person) validator() bool   { return p.participant() && p.has(model.RoleValidator) }

func (p person) inOrg(id string) bool { return p.signedIn && id != "" && p.orgID == id }

func (p person) orgListed(ids []string) bool {
	return p.signedIn && p.orgID != "" && slices.Contains(ids, p.orgID)
}

func (p person) userListed(ids []string) bool {
	return p.signedIn && p.userID != "" && slices.Contains(ids, p.userID)
}

// officialDonor: the official donor community of the access model (docs/architecture.md) — users of state
// or international organisations that are members or observers. "An
// applicant sees what any GREEN participant sees until members grant it
// interim observer status": that grant makes it an observer.
func (p person) officialDonor() bool {
	if !p.signedIn {
		return false
	}
	stateLike := p.kind == model.KindState || p.kind == model.KindInternationalOrg
	inside := p.part == model.Member || p.part == model.Observer
	return stateLike && inside
}

// record is a record, as plain facts.
type record struct {
	tlp         model.TLP
	owner       string   // the organisation that made it
	beneficiary string   // the organisation it serves
	engaged     []string // organisations whose pledge or offer is linked to it
	shared      []string // organisations a coordinator shared it with
	named       []string // the users named on it
	voters      []string // organisations that may take a position on it (a proposal's electorate)
	// awaitingValidation: a requirement not yet validated by the
	// beneficiary government (see awaitingValidation below).
	awaitingValidation bool
	parent             *record // the requirement a pledge hangs on
}

// awaitingValidation transcribes "a requirement that is not yet validated
// (draft, submitted, returned, rejected)".
//
// Withdrawn is not in the access model's list, and a withdrawn requirement may or may
// not have been validated before (withdrawal is allowed at any time, and
// keeps ValidatedAt). The oracle reads the rule by its words "not yet
// validated": a requirement withdrawn before validation stays behind the
// gate, one withdrawn after validation does not.
func awaitingValidation(s model.RequirementStatus, everValidated bool) bool {
	switch s {
	case model.ReqDraft, model.ReqSubmitted, model.ReqReturned, model.ReqRejected:
		return true
	case model.ReqValidated, model.ReqInDelivery, model.ReqDelivered, model.ReqClosed:
		return false
	case model.ReqWithdrawn:
		return !everValidated
	}
	return true // an unknown status: not validated as far as anyone knows
}

// ---- The TLP audiences, one function per label. ----

// CLEAR: public, visitors included.
func clearAudience(p person, r record) bool { return true }

// GREEN: every signed-in participant (a former participant is no one).
func greenAudience(p person, r record) bool {
	return p.signedIn
}

// AMBER: the official donor community, coordinators, validators, the owning
// and beneficiary organisations, and organisations engaged on the record or
// shared with. Companies, NGOs and beneficiary agencies otherwise not.
func amberAudience(p person, r record) bool {
	if !p.signedIn {
		return false
	}
	return p.officialDonor() ||
		p.coordinator() ||
		p.validator() ||
		p.inOrg(r.owner) ||
		p.inOrg(r.beneficiary) ||
		p.orgListed(r.engaged) ||
		p.orgListed(r.shared)
}

// AMBER+STRICT: owning and beneficiary organisations, coordinators,
// validators, and organisations a coordinator shared the record with.
func amberStrictAudience(p person, r record) bool {
	if !p.signedIn {
		return false
	}
	return p.coordinator() ||
		p.validator() ||
		p.inOrg(r.owner) ||
		p.inOrg(r.beneficiary) ||
		p.orgListed(r.shared)
}

// RED: only the users named on the record.
func redAudience(p person, r record) bool { return p.userListed(r.named) }

// validationGate: a requirement not yet validated is seen only by its
// beneficiary organisation, validators and coordinators, whatever its label.
func validationGate(p person, r record) bool {
	return p.inOrg(r.beneficiary) || p.validator() || p.coordinator()
}

// wantVisible is the oracle's answer to "may p see r?".
func wantVisible(p person, r record) bool {
	var label bool
	switch r.tlp {
	case model.TLPClear:
		label = clearAudience(p, r)
	case model.TLPGreen:
		label = greenAudience(p, r)
	case model.TLPAmber:
		label = amberAudience(p, r)
	case model.TLPAmberStrict:
		label = amberStrictAudience(p, r)
	case model.TLPRed:
		label = redAudience(p, r)
	default:
		label = false // an unknown label never leaks
	}
	if !label {
		return false
	}
	if r.awaitingValidation && !validationGate(p, r) {
		return false
	}
	// A pledge: its owner sees it even when the requirement is hidden from
	// them; everyone else must see the requirement too.
	if r.parent != nil && !p.inOrg(r.owner) && !wantVisible(p, *r.parent) {
		return false
	}
	return true
}

// ---- What roles let a user do. ----

// readPermissions are granted to every signed-in participant; TLP then
// decides which records.
var readPermissions = []policy.Permission{
	policy.OrganisationsRead, policy.RequirementsRead, policy.PledgesRead,
	policy.ProposalsRead, policy.ProposalsComment, policy.RotationsRead, policy.MeetingsRead, policy.OffersRead,
	// The audit log's checkpoint and proofs: hashes and sizes, which every
	// participant may check (the audit log's Merkle tree: leaves are hashes, not contents).
	policy.AuditProofs,
}

// rolesFor lists, per permission, the roles that grant it (the table of
// permissions.go, written the other way round).
var rolesFor = map[policy.Permission][]model.Role{
	policy.OrganisationsManage:  {model.RoleAdmin},
	policy.UsersManage:          {model.RoleAdmin},
	policy.AuditRead:            {model.RoleAdmin, model.RoleCoordinator},
	policy.RequirementsCreate:   {model.RoleRequester},
	policy.RequirementsEdit:     {model.RoleRequester, model.RoleValidator},
	policy.RequirementsSubmit:   {model.RoleRequester},
	policy.RequirementsValidate: {model.RoleValidator},
	policy.RequirementsWithdraw: {model.RoleRequester, model.RoleValidator},
	policy.RequirementsShare:    {model.RoleCoordinator},
	policy.PledgesCreate:        {model.RoleDonor},
	policy.PledgesEdit:          {model.RoleDonor},
	policy.PledgesConfirm:       {model.RoleDonor},
	policy.PledgesWithdraw:      {model.RoleDonor},
	policy.PledgesReview:        {model.RoleCoordinator},
	policy.PledgesDeliver:       {model.RoleDonor, model.RoleCoordinator},
	policy.PledgesSuspend:       {model.RoleDonor, model.RoleCoordinator},
	policy.PledgesDisburse:      {model.RoleDonor, model.RoleCoordinator},
	policy.PledgesReceipt:       {model.RoleRequester},
	policy.RequirementsClose:    {model.RoleRequester, model.RoleValidator},
	policy.LessonsCreate:        {model.RoleCoordinator, model.RoleValidator, model.RoleRequester, model.RoleDonor, model.RoleDelegate},
	policy.LessonsEdit:          {model.RoleCoordinator, model.RoleValidator, model.RoleRequester, model.RoleDonor, model.RoleDelegate},
	policy.ProposalsCreate:      {model.RoleDelegate, model.RoleCoordinator},
	policy.ProposalsPosition:    {model.RoleDelegate},
	policy.ProposalsSign:        {model.RoleDelegate},
	policy.RotationsManage:      {model.RoleCoordinator},
	policy.MeetingsManage:       {model.RoleCoordinator},
	// Matching and deconfliction: donors offer and look for matches;
	// coordinators review offers, plan, and deconflict.
	policy.OffersCreate: {model.RoleDonor},
	policy.OffersEdit:   {model.RoleDonor},
	policy.OffersReview: {model.RoleCoordinator},
	// Results and documents.
	policy.IndicatorsReport:         {model.RoleCoordinator, model.RoleValidator, model.RoleRequester},
	policy.DocumentsUpload:          {model.RoleCoordinator, model.RoleValidator, model.RoleRequester, model.RoleDonor, model.RoleDelegate},
	policy.DocumentsDelete:          {model.RoleCoordinator, model.RoleValidator, model.RoleRequester, model.RoleDonor, model.RoleDelegate},
	policy.MatchingSuggest:          {model.RoleDonor, model.RoleCoordinator},
	policy.MatchingPlan:             {model.RoleCoordinator},
	policy.DeconflictionRead:        {model.RoleCoordinator},
	policy.DeconflictionAcknowledge: {model.RoleCoordinator},
	// Data exchange: an administrator imports published IATI files.
	policy.ImportsRun: {model.RoleAdmin},
	// A beneficiary's requester imports its own needs; a coordinator
	// imports for any beneficiary.
	policy.RequirementsImport: {model.RoleRequester, model.RoleCoordinator},
}

// wantGranted: does some role of p grant perm? Roles count only for
// participants: a former organisation's users act on nothing (the access model says
// former participants no longer give through the mechanism, and it
// limits coordinator and validator to participants; the oracle reads all
// roles that way, read included, as the implementation does).
func wantGranted(p person, perm policy.Permission) bool {
	if !p.participant() {
		return false
	}
	if slices.Contains(readPermissions, perm) {
		return true
	}
	for _, r := range rolesFor[perm] {
		if p.has(r) {
			return true
		}
	}
	return false
}

// canDonate: donor states, international organisations, companies and NGOs
// in the mechanism; beneficiary entities receive; former participants no
// longer give.
func canDonate(kind model.OrgKind, part model.Participation) bool {
	switch kind {
	case model.KindState, model.KindInternationalOrg, model.KindPrivateCompany, model.KindNGO:
	default:
		return false
	}
	switch part {
	case model.Member, model.Observer, model.Applicant, model.Contributor:
		return true
	}
	return false
}

// objectRule: the rules of permissions.go that depend on the record.
func objectRule(p person, perm policy.Permission, r record) bool {
	switch perm {
	case policy.RequirementsEdit, policy.RequirementsWithdraw, policy.RequirementsClose:
		return p.validator() || (p.has(model.RoleRequester) && p.inOrg(r.beneficiary))
	case policy.RequirementsSubmit:
		return p.has(model.RoleRequester) && p.inOrg(r.beneficiary)
	case policy.RequirementsImport:
		return p.coordinator() || (p.has(model.RoleRequester) && p.inOrg(r.beneficiary))
	case policy.PledgesCreate:
		// r is the requirement pledged on.
		return p.has(model.RoleDonor) && canDonate(p.kind, p.part) && !p.inOrg(r.beneficiary)
	case policy.PledgesEdit, policy.PledgesConfirm, policy.PledgesWithdraw:
		return p.has(model.RoleDonor) && p.inOrg(r.owner)
	case policy.OffersEdit:
		// Only the offering organisation's donors change its offer.
		return p.has(model.RoleDonor) && p.inOrg(r.owner)
	case policy.PledgesDeliver:
		// A pledge's donor reports its delivery; coordinators track every one.
		return p.coordinator() || (p.has(model.RoleDonor) && p.inOrg(r.owner))
	case policy.PledgesSuspend, policy.PledgesDisburse:
		// A pledge's donor suspends it and records what it paid out;
		// coordinators do so for any.
		return p.coordinator() || (p.has(model.RoleDonor) && p.inOrg(r.owner))
	case policy.PledgesReceipt:
		// The beneficiary organisation says whether the help arrived.
		return p.has(model.RoleRequester) && p.inOrg(r.beneficiary)
	case policy.LessonsEdit:
		// Its author's organisation, or a coordinator.
		return p.coordinator() || p.inOrg(r.owner)
	case policy.ProposalsPosition:
		// Only a member organisation of the electorate decides, through its delegate.
		return p.has(model.RoleDelegate) && p.part == model.Member && p.orgListed(r.voters)
	case policy.ProposalsCreate:
		// r is the new proposal: members and coordinators propose anything;
		// any organisation may apply for itself, its subject.
		return p.coordinator() || (p.has(model.RoleDelegate) && (p.part == model.Member || p.inOrg(r.beneficiary)))
	case policy.ProposalsSign:
		return p.has(model.RoleDelegate) && p.part == model.Member
	case policy.IndicatorsReport:
		// r is the requirement: its beneficiary's requesters and validators, or a coordinator.
		return p.coordinator() || ((p.has(model.RoleRequester) || p.has(model.RoleValidator)) && p.inOrg(r.beneficiary))
	case policy.DocumentsUpload, policy.DocumentsDelete:
		// r is the record (upload) or the document (delete): its owner, or a coordinator.
		return p.coordinator() || p.inOrg(r.owner)
	case policy.ProposalsComment:
		// Members, observers and applicants discuss; coordinators too.
		return p.coordinator() || p.part == model.Member || p.part == model.Observer || p.part == model.Applicant
	}
	return true
}

// wantAuthorize is the oracle's answer to Authorize(p, perm, r).
func wantAuthorize(p person, perm policy.Permission, r record) error {
	switch {
	case !wantVisible(p, r):
		return model.ErrNotFound
	case !p.signedIn:
		return model.ErrUnauthenticated
	case !wantGranted(p, perm):
		return model.ErrForbidden
	case !objectRule(p, perm, r):
		return model.ErrForbidden
	}
	return nil
}

// wantRequire is the oracle's answer to Require(p, perm).
func wantRequire(p person, perm policy.Permission) error {
	switch {
	case !p.signedIn:
		return model.ErrUnauthenticated
	case !wantGranted(p, perm):
		return model.ErrForbidden
	}
	return nil
}
