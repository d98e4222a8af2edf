package model

import (
	"encoding/json"
	"slices"
	"time"
)

type PledgeStatus string

const (
	PledgeProposed   PledgeStatus = "proposed"
	PledgeConfirmed  PledgeStatus = "confirmed"
	PledgeInDelivery PledgeStatus = "in_delivery"
	PledgeDelivered  PledgeStatus = "delivered"
	PledgeReceived   PledgeStatus = "receipt_confirmed"
	PledgeWithdrawn  PledgeStatus = "withdrawn"
	PledgeRejected   PledgeStatus = "rejected" // failed the alignment review
	// PledgeSuspended: the donor's programme is frozen; the pledge is
	// resumed to the status it stood at (SuspendedFrom) or withdrawn.
	PledgeSuspended PledgeStatus = "suspended"
)

var PledgeStatuses = []PledgeStatus{PledgeProposed, PledgeConfirmed, PledgeSuspended, PledgeInDelivery, PledgeDelivered, PledgeReceived, PledgeWithdrawn, PledgeRejected}

func (s PledgeStatus) Valid() bool { return slices.Contains(PledgeStatuses, s) }

// Counts reports whether the pledge counts toward coverage and totals: every
// pledge still standing, proposed ones included, so that two donors do not
// buy the same thing while one of them is confirming.
// A suspended pledge counts for nothing until it is resumed: the need it
// served is open again.
func (s PledgeStatus) Counts() bool {
	return s != PledgeWithdrawn && s != PledgeRejected && s != PledgeSuspended
}

// Committed reports whether the donor has committed the pledge: confirmed
// and every later stage of its delivery.
func (s PledgeStatus) Committed() bool {
	switch s {
	case PledgeConfirmed, PledgeInDelivery, PledgeDelivered, PledgeReceived:
		return true
	}
	return false
}

// Delivered reports whether the help has arrived: delivered, or its receipt
// confirmed by the beneficiary.
func (s PledgeStatus) Delivered() bool {
	return s == PledgeDelivered || s == PledgeReceived
}

// Suspendable reports whether a pledge at s may be suspended: one still
// standing and not yet delivered.
func (s PledgeStatus) Suspendable() bool {
	return s == PledgeProposed || s == PledgeConfirmed || s == PledgeInDelivery
}

// Disbursable reports whether money may be disbursed on a pledge at s:
// confirmed or later (a suspended pledge's programme is frozen).
func (s PledgeStatus) Disbursable() bool { return s.Committed() }

type PledgeKind string

const (
	PledgeMoney  PledgeKind = "money"
	PledgeInKind PledgeKind = "in_kind"
)

func (k PledgeKind) Valid() bool { return k == PledgeMoney || k == PledgeInKind }

type Channel string

const (
	ChannelMechanism Channel = "mechanism"
	ChannelBilateral Channel = "bilateral"
)

func (c Channel) Valid() bool { return c == ChannelMechanism || c == ChannelBilateral }

// Review is the coordinators' alignment review of a company's or NGO's pledge.
type Review string

const (
	ReviewNotRequired Review = "not_required"
	ReviewPending     Review = "pending"
	ReviewApproved    Review = "approved"
	ReviewRejected    Review = "rejected"
)

type Pledge struct {
	ID         string `json:"id"`
	DonorOrgID string `json:"donor_org_id"`
	// FunderOrgID is the organisation whose money the pledge is, when it
	// is not the donor's own (pass-through funding: the donor implements).
	// Totals by donor attribute the pledge to its funder.
	FunderOrgID   string `json:"funder_org_id,omitempty"`
	RequirementID string `json:"requirement_id,omitempty"`
	AmountMinor   int64  `json:"amount_minor"`
	Currency      string `json:"currency"`
	EURMinor      int64  `json:"eur_minor"`
	Rate          string `json:"rate"` // units of Currency per 1 EUR, as the ECB publishes it
	RateDate      Date   `json:"rate_date"`
	// RateProvisional is set when PledgeDate is after the newest ECB rate
	// the platform held: EURMinor is at the rate of RateDate until a rates
	// import brings the rate of the pledge's own date.
	RateProvisional bool `json:"rate_provisional"`
	// NoEURValue is set on an imported report in a currency the ECB did not
	// quote on its date: it keeps its own currency, EURMinor is 0 and
	// counts in no euro total, and the API shows eur_minor as null.
	NoEURValue    bool         `json:"-"`
	PledgeDate    Date         `json:"pledge_date"`
	Kind          PledgeKind   `json:"kind"`
	Description   string       `json:"description,omitempty"`
	Channel       Channel      `json:"channel"`
	Status        PledgeStatus `json:"status"`
	Review        Review       `json:"review"`
	ReviewComment string       `json:"review_comment,omitempty"`
	TLP           TLP          `json:"tlp"`
	// Where the help goes: copied from the requirement of a mechanism
	// pledge, stated by the donor in a bilateral report.
	BeneficiaryOrgID string   `json:"beneficiary_org_id"`
	Sector           Sector   `json:"sector"`
	Category         Category `json:"category"`
	// PeriodStart and PeriodEnd bound when bilateral help is given, so that
	// deconfliction can match it to needs of the same period.
	PeriodStart Date `json:"period_start"`
	PeriodEnd   Date `json:"period_end"`
	// IATIIdentifier names the published activity a bilateral report was
	// imported from; importing it again updates the report.
	IATIIdentifier string `json:"iati_identifier,omitempty"`
	// DisbursedEURMinor is the sum of the euro values of the tranches
	// disbursed on the pledge.
	DisbursedEURMinor int64 `json:"disbursed_eur_minor"`
	// While Status is suspended: since when, why, and the status resuming
	// restores.
	SuspendedOn   Date         `json:"suspended_on"`
	SuspendReason string       `json:"suspend_reason,omitempty"`
	SuspendedFrom PledgeStatus `json:"suspended_from,omitempty"`
	CreatedBy     string       `json:"created_by"`
	CreatedAt     time.Time    `json:"created_at"`
	UpdatedAt     time.Time    `json:"updated_at"`

	SharedOrgIDs []string `json:"shared_org_ids,omitempty"`
	NamedUserIDs []string `json:"named_user_ids,omitempty"`
}

type PledgeFilter struct {
	RequirementID string
	DonorOrgID    string
	FunderOrgID   string
	Beneficiary   string
	Status        PledgeStatus
	Channel       Channel
}

// Check refuses unknown codes, naming the field.
func (f PledgeFilter) Check() error {
	if f.Status != "" && !f.Status.Valid() {
		return Invalid("status", "%q is not a pledge status", f.Status)
	}
	if f.Channel != "" && !f.Channel.Valid() {
		return Invalid("channel", "%q is not a channel; use mechanism or bilateral", f.Channel)
	}
	return nil
}

// Rate is one ECB euro reference rate: units of Currency for one euro.
type Rate struct {
	Date     Date
	Currency string
	Rate     string
}

// MarshalJSON writes eur_minor as null for a pledge without a euro value,
// so that no client reads its 0 as a value.
func (p Pledge) MarshalJSON() ([]byte, error) {
	type plain Pledge
	var eur *int64
	if !p.NoEURValue {
		eur = &p.EURMinor
	}
	return json.Marshal(struct {
		plain
		EURMinor *int64 `json:"eur_minor"`
	}{plain(p), eur})
}

// Funder is the organisation whose money the pledge is: its funder when it
// names one, else its donor.
func (p Pledge) Funder() string {
	if p.FunderOrgID != "" {
		return p.FunderOrgID
	}
	return p.DonorOrgID
}

// PassThrough reports whether the donor implements a pledge funded by
// another organisation.
func (p Pledge) PassThrough() bool {
	return p.FunderOrgID != "" && p.FunderOrgID != p.DonorOrgID
}

// Disbursement is one dated tranche of money paid out on a pledge, valued
// in euros at the ECB reference rate of its own date.
type Disbursement struct {
	ID          string `json:"id"`
	PledgeID    string `json:"pledge_id"`
	AmountMinor int64  `json:"amount_minor"`
	Currency    string `json:"currency"`
	EURMinor    int64  `json:"eur_minor"`
	Rate        string `json:"rate"`
	RateDate    Date   `json:"rate_date"`
	// RateProvisional: Date is after the newest ECB rate the platform held;
	// a rates import values it again.
	RateProvisional bool      `json:"rate_provisional"`
	Date            Date      `json:"date"`
	Note            string    `json:"note,omitempty"`
	CreatedBy       string    `json:"created_by"`
	CreatedAt       time.Time `json:"created_at"`
}
