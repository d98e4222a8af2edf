package model

import (
	"slices"
	"time"
)

// MilestoneKind is a step of a pledge's delivery, in the order it happens.
type MilestoneKind string

const (
	MilestonePlanned   MilestoneKind = "planned"
	MilestoneOrdered   MilestoneKind = "ordered"
	MilestoneShipped   MilestoneKind = "shipped"
	MilestoneDelivered MilestoneKind = "delivered"
)

var MilestoneKinds = []MilestoneKind{MilestonePlanned, MilestoneOrdered, MilestoneShipped, MilestoneDelivered}

func (k MilestoneKind) Valid() bool { return slices.Contains(MilestoneKinds, k) }

// Milestone is one dated step of a pledge's delivery, written by its donor
// or a coordinator.
type Milestone struct {
	ID        string        `json:"id"`
	PledgeID  string        `json:"pledge_id"`
	Kind      MilestoneKind `json:"kind"`
	Date      Date          `json:"date"`
	Note      string        `json:"note,omitempty"`
	CreatedBy string        `json:"created_by"`
	CreatedAt time.Time     `json:"created_at"`
}

// ReceiptOutcome is what the beneficiary says of a delivery.
type ReceiptOutcome string

const (
	ReceiptReceived ReceiptOutcome = "received"
	ReceiptProblem  ReceiptOutcome = "problem"
)

func (o ReceiptOutcome) Valid() bool { return o == ReceiptReceived || o == ReceiptProblem }

// Receipt is the beneficiary organisation's word on a delivery. A receipt
// that confirms also records the lead times of the requirement it served:
// from validation to the first pledge, and from that pledge to receipt.
type Receipt struct {
	ID       string         `json:"id"`
	PledgeID string         `json:"pledge_id"`
	Outcome  ReceiptOutcome `json:"outcome"`
	Note     string         `json:"note,omitempty"`
	UserID   string         `json:"user_id"`
	OrgID    string         `json:"org_id"`
	At       time.Time      `json:"at"`
	// Lead-time marks, empty when the pledge serves no requirement.
	RequirementID string     `json:"requirement_id,omitempty"`
	ValidatedAt   *time.Time `json:"validated_at"`
	FirstPledgeAt *time.Time `json:"first_pledge_at"`
}

// LeadDays is the number of whole days from a to b, or -1 when a is unknown.
func LeadDays(a *time.Time, b time.Time) int {
	if a == nil {
		return -1
	}
	return int(b.Sub(*a).Hours() / 24)
}
