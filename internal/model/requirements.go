package model

import (
	"slices"
	"time"
)

type RequirementStatus string

const (
	ReqDraft      RequirementStatus = "draft"
	ReqSubmitted  RequirementStatus = "submitted"
	ReqValidated  RequirementStatus = "validated"
	ReqReturned   RequirementStatus = "returned"
	ReqRejected   RequirementStatus = "rejected"
	ReqInDelivery RequirementStatus = "in_delivery"
	ReqDelivered  RequirementStatus = "delivered"
	ReqClosed     RequirementStatus = "closed"
	ReqWithdrawn  RequirementStatus = "withdrawn"
)

var RequirementStatuses = []RequirementStatus{ReqDraft, ReqSubmitted, ReqValidated, ReqReturned, ReqRejected, ReqInDelivery, ReqDelivered, ReqClosed, ReqWithdrawn}

func (s RequirementStatus) Valid() bool { return slices.Contains(RequirementStatuses, s) }

// Validated reports whether the beneficiary government has validated the
// requirement, so that donors in its TLP audience may see it.
func (s RequirementStatus) Validated() bool {
	switch s {
	case ReqValidated, ReqInDelivery, ReqDelivered, ReqClosed:
		return true
	}
	return false
}

// OpenToPledges reports whether donors may pledge against the requirement.
func (s RequirementStatus) OpenToPledges() bool {
	return s == ReqValidated || s == ReqInDelivery
}

type Coverage string

const (
	CoverageNone    Coverage = "none"
	CoveragePartial Coverage = "partial"
	CoverageCovered Coverage = "covered"
	CoverageOver    Coverage = "over"
)

// CoverageOf classifies pledged EUR against the estimated need.
func CoverageOf(pledged, estimated int64) Coverage {
	switch {
	case pledged <= 0:
		return CoverageNone
	case pledged < estimated:
		return CoveragePartial
	case pledged == estimated:
		return CoverageCovered
	default:
		return CoverageOver
	}
}

type Requirement struct {
	ID                string            `json:"id"`
	Ref               string            `json:"ref"`
	Title             string            `json:"title"`
	Description       string            `json:"description"`
	BeneficiaryOrgID  string            `json:"beneficiary_org_id"`
	Sector            Sector            `json:"sector"`
	Category          Category          `json:"category"`
	LineOfEffort      LineOfEffort      `json:"line_of_effort"`
	Priority          Priority          `json:"priority"`
	EstimatedEURMinor int64             `json:"estimated_eur_minor"`
	Quantity          int64             `json:"quantity"`
	Unit              string            `json:"unit"`
	NeededBy          Date              `json:"needed_by"`
	Region            string            `json:"region,omitempty"`
	TLP               TLP               `json:"tlp"`
	Status            RequirementStatus `json:"status"`
	CreatedBy         string            `json:"created_by"`
	ValidatedAt       *time.Time        `json:"validated_at"`
	CreatedAt         time.Time         `json:"created_at"`
	UpdatedAt         time.Time         `json:"updated_at"`

	// Access lists. SharedOrgIDs: organisations a coordinator shared an
	// AMBER+STRICT record with. NamedUserIDs: the only readers of a RED record.
	SharedOrgIDs []string `json:"shared_org_ids,omitempty"`
	NamedUserIDs []string `json:"named_user_ids,omitempty"`

	RecipientType RecipientType `json:"recipient_type"`
	// ReviewRound counts the requirement's submissions: each opens a
	// fresh round of reviews.
	ReviewRound int `json:"review_round"`
	// ExternalRef is the beneficiary's own reference from an imported
	// spreadsheet, unique within its organisation.
	ExternalRef string `json:"external_ref,omitempty"`
}

// RequirementFilter selects requirements in a list; empty fields match all.
type RequirementFilter struct {
	Status      RequirementStatus
	Sector      Sector
	Category    Category
	Line        LineOfEffort
	Priority    Priority
	Beneficiary string
	Recipient   RecipientType
	Review      ReviewState
	Query       string // matched case-insensitively against ref, title and description
}

// Check refuses unknown codes and an over-long query, naming the field.
func (f RequirementFilter) Check() error {
	switch {
	case f.Status != "" && !f.Status.Valid():
		return Invalid("status", "%q is not a requirement status", f.Status)
	case f.Sector != "" && !f.Sector.Valid():
		return Invalid("sector", "%q is not a sector", f.Sector)
	case f.Category != "" && !f.Category.Valid():
		return Invalid("category", "%q is not a category", f.Category)
	case f.Line != "" && !f.Line.Valid():
		return Invalid("line", "%q is not a line of effort", f.Line)
	case f.Priority != "" && !f.Priority.Valid():
		return Invalid("priority", "%q is not a priority", f.Priority)
	case f.Recipient != "" && !f.Recipient.Valid():
		return Invalid("recipient_type", "%q is not a recipient type; use one of %v", f.Recipient, RecipientTypes)
	case f.Review != "" && !f.Review.Valid():
		return Invalid("review", "%q is not a review state; use awaiting_technical or awaiting_interagency", f.Review)
	case len([]rune(f.Query)) > MaxShort:
		return Invalid("q", "is longer than %d characters", MaxShort)
	}
	return nil
}

// Validation is one decision of the beneficiary government on a requirement.
type ValidationDecision string

const (
	DecisionApprove ValidationDecision = "approve"
	DecisionReturn  ValidationDecision = "return"
	DecisionReject  ValidationDecision = "reject"
)

func (d ValidationDecision) Valid() bool {
	return d == DecisionApprove || d == DecisionReturn || d == DecisionReject
}

// ValidationRecord is one decision of a validator, kept with its comment.
type ValidationRecord struct {
	ID            string             `json:"id"`
	RequirementID string             `json:"requirement_id"`
	Decision      ValidationDecision `json:"decision"`
	Comment       string             `json:"comment"`
	UserID        string             `json:"user_id"`
	At            time.Time          `json:"at"`
	// WorkingGroup and Round place the decision among the reviews of the
	// requirement; both are empty for a decision made before reviews had
	// groups.
	WorkingGroup WorkingGroup `json:"working_group,omitempty"`
	Round        int          `json:"round"`
	Scores       Scores       `json:"scores"`
}

// DeliveryStage is where the delivery of a validated requirement stands,
// judged from the pledges on it: delivered once every committed mechanism
// pledge is received (at least one, none still proposed, and none
// suspended, which may yet be resumed), in delivery once any is being
// delivered, else validated. It is computed over the pledges a viewer may
// see, so a status never tells of a hidden pledge.
func DeliveryStage(pledges []Pledge) RequirementStatus {
	received, moving, waiting := 0, false, false
	for _, p := range pledges {
		if p.Channel != ChannelMechanism {
			continue
		}
		switch p.Status {
		case PledgeProposed, PledgeConfirmed, PledgeSuspended:
			waiting = true
		case PledgeInDelivery, PledgeDelivered:
			moving, waiting = true, true
		case PledgeReceived:
			received++
			moving = true
		}
	}
	switch {
	case received > 0 && !waiting:
		return ReqDelivered
	case moving:
		return ReqInDelivery
	}
	return ReqValidated
}
