package model

import "slices"

// Codes are the lower-case snake case values of the API contract.

type OrgKind string

const (
	KindState             OrgKind = "state"
	KindInternationalOrg  OrgKind = "international_org"
	KindPrivateCompany    OrgKind = "private_company"
	KindNGO               OrgKind = "ngo"
	KindBeneficiaryAgency OrgKind = "beneficiary_agency"
)

var OrgKinds = []OrgKind{KindState, KindInternationalOrg, KindPrivateCompany, KindNGO, KindBeneficiaryAgency}

func (k OrgKind) Valid() bool { return slices.Contains(OrgKinds, k) }

type Participation string

const (
	Member      Participation = "member"
	Observer    Participation = "observer"
	Applicant   Participation = "applicant"
	Contributor Participation = "contributor"
	Beneficiary Participation = "beneficiary"
	Former      Participation = "former"
)

var Participations = []Participation{Member, Observer, Applicant, Contributor, Beneficiary, Former}

func (p Participation) Valid() bool { return slices.Contains(Participations, p) }

type Role string

const (
	RoleAdmin       Role = "admin"
	RoleCoordinator Role = "coordinator"
	RoleValidator   Role = "validator"
	RoleRequester   Role = "requester"
	RoleDonor       Role = "donor"
	RoleDelegate    Role = "delegate"
	RoleViewer      Role = "viewer"
)

var Roles = []Role{RoleAdmin, RoleCoordinator, RoleValidator, RoleRequester, RoleDonor, RoleDelegate, RoleViewer}

func (r Role) Valid() bool { return slices.Contains(Roles, r) }

type TLP string

const (
	TLPClear       TLP = "clear"
	TLPGreen       TLP = "green"
	TLPAmber       TLP = "amber"
	TLPAmberStrict TLP = "amber+strict"
	TLPRed         TLP = "red"
)

var TLPs = []TLP{TLPClear, TLPGreen, TLPAmber, TLPAmberStrict, TLPRed}

func (t TLP) Valid() bool { return slices.Contains(TLPs, t) }

type Sector string

var Sectors = []Sector{"energy", "telecom", "government", "finance", "transport", "water", "health", "other"}

func (s Sector) Valid() bool { return slices.Contains(Sectors, s) }

type Category string

var Categories = []Category{"hardware_software", "edr", "incident_response", "training", "satellite_comms", "audit_consulting", "restoration", "other"}

func (c Category) Valid() bool { return slices.Contains(Categories, c) }

type LineOfEffort string

const (
	LineSupport    LineOfEffort = "support"
	LineStrengthen LineOfEffort = "strengthen"
	LineSustain    LineOfEffort = "sustain"
)

var Lines = []LineOfEffort{LineSupport, LineStrengthen, LineSustain}

func (l LineOfEffort) Valid() bool { return slices.Contains(Lines, l) }

type Priority string

const (
	PriorityCritical Priority = "critical"
	PriorityHigh     Priority = "high"
	PriorityMedium   Priority = "medium"
	PriorityLow      Priority = "low"
)

var Priorities = []Priority{PriorityCritical, PriorityHigh, PriorityMedium, PriorityLow}

func (p Priority) Valid() bool { return slices.Contains(Priorities, p) }

// Rank orders priorities, critical first.
func (p Priority) Rank() int { return slices.Index(Priorities, p) }
