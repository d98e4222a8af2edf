package model

import (
	"slices"
	"time"
)

type ProposalKind string

const (
	ProposalMembership  ProposalKind = "membership_application"
	ProposalObserver    ProposalKind = "observer_admission"
	ProposalStatement   ProposalKind = "public_statement"
	ProposalOperational ProposalKind = "operational_decision"
)

var ProposalKinds = []ProposalKind{ProposalMembership, ProposalObserver, ProposalStatement, ProposalOperational}

func (k ProposalKind) Valid() bool { return slices.Contains(ProposalKinds, k) }

// Admits reports whether adopting a proposal of this kind changes an
// organisation's participation.
func (k ProposalKind) Admits() bool { return k == ProposalMembership || k == ProposalObserver }

type Procedure string

const (
	ProcedureConsensus Procedure = "consensus"
	ProcedureSilence   Procedure = "silence"
)

func (p Procedure) Valid() bool { return p == ProcedureConsensus || p == ProcedureSilence }

type ProposalStatus string

const (
	ProposalOpen    ProposalStatus = "open"
	ProposalAdopted ProposalStatus = "adopted"
	ProposalBlocked ProposalStatus = "blocked"
	ProposalLapsed  ProposalStatus = "lapsed"
)

func (s ProposalStatus) Closed() bool { return s != ProposalOpen }

type Stance string

const (
	StanceSupport Stance = "support"
	StanceAbstain Stance = "abstain"
	StanceObject  Stance = "object"
)

func (s Stance) Valid() bool { return s == StanceSupport || s == StanceAbstain || s == StanceObject }

// Proposal is a matter put to the coordination group.
type Proposal struct {
	ID            string       `json:"id"`
	Kind          ProposalKind `json:"kind"`
	Title         string       `json:"title"`
	Text          string       `json:"text"`
	ProposerID    string       `json:"proposer_user_id"`
	ProposerOrgID string       `json:"proposer_org_id"`
	// SubjectOrgID is the organisation a membership application or observer
	// admission is about; PriorParticipation is what it goes back to when
	// the proposal does not pass.
	SubjectOrgID       string         `json:"subject_org_id,omitempty"`
	PriorParticipation Participation  `json:"prior_participation,omitempty"`
	Procedure          Procedure      `json:"procedure"`
	Deadline           time.Time      `json:"deadline"`
	TLP                TLP            `json:"tlp"`
	Status             ProposalStatus `json:"status"`
	// Electorate is the member organisations at the moment the proposal opened.
	Electorate []string `json:"electorate"`
	// PublishedText is a public statement frozen with the figures of the
	// moment it was adopted.
	PublishedText string     `json:"published_text,omitempty"`
	ClosedAt      *time.Time `json:"closed_at,omitempty"`
	// RemindedAt marks the reminder sent a day before the deadline.
	RemindedAt *time.Time `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// Position is one member organisation's stance on a proposal, given by its delegate.
type Position struct {
	ProposalID string    `json:"-"`
	OrgID      string    `json:"org_id"`
	UserID     string    `json:"user_id"`
	Stance     Stance    `json:"position"`
	Reason     string    `json:"reason,omitempty"`
	At         time.Time `json:"at"`
}

type Comment struct {
	ID         string    `json:"id"`
	ProposalID string    `json:"proposal_id"`
	UserID     string    `json:"user_id"`
	OrgID      string    `json:"org_id"`
	Text       string    `json:"text"`
	CreatedAt  time.Time `json:"created_at"`
}

// Signatory is an organisation that signs a public statement.
type Signatory struct {
	ProposalID string    `json:"-"`
	OrgID      string    `json:"org_id"`
	At         time.Time `json:"at"`
}

// Rotation is a period with the lead organisations of the front and back offices.
type Rotation struct {
	ID               string    `json:"id"`
	Starts           Date      `json:"starts"`
	Ends             Date      `json:"ends"`
	FrontOfficeOrgID string    `json:"front_office_org_id"`
	BackOfficeOrgID  string    `json:"back_office_org_id"`
	CreatedAt        time.Time `json:"created_at"`
}

type ProposalFilter struct {
	Status ProposalStatus
	Kind   ProposalKind
}
