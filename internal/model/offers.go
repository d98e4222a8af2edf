package model

import (
	"slices"
	"time"
)

type OfferStatus string

const (
	OfferOpen      OfferStatus = "open"
	OfferWithdrawn OfferStatus = "withdrawn"
	OfferRejected  OfferStatus = "rejected" // failed the alignment review
)

var OfferStatuses = []OfferStatus{OfferOpen, OfferWithdrawn, OfferRejected}

func (s OfferStatus) Valid() bool { return slices.Contains(OfferStatuses, s) }

// Offer is a capability a donor puts in the catalogue without a requirement:
// money for some sectors, categories, lines of effort or regions, or in-kind
// help (licences, training places, hardware) with a declared value.
type Offer struct {
	ID          string     `json:"id"`
	DonorOrgID  string     `json:"donor_org_id"`
	Title       string     `json:"title"`
	Description string     `json:"description,omitempty"`
	Kind        PledgeKind `json:"kind"`
	// AmountMinor is the amount offered in Currency; EURMinor its value at
	// the ECB reference rate of OfferDate, as for a pledge.
	AmountMinor int64  `json:"amount_minor"`
	Currency    string `json:"currency"`
	EURMinor    int64  `json:"eur_minor"`
	Rate        string `json:"rate"`
	RateDate    Date   `json:"rate_date"`
	// RateProvisional: see Pledge.
	RateProvisional bool `json:"rate_provisional"`
	OfferDate       Date `json:"offer_date"`
	// Quantity and Unit describe in-kind help ("40 training places").
	Quantity int64  `json:"quantity,omitempty"`
	Unit     string `json:"unit,omitempty"`
	// Empty constraint lists leave the attribute open.
	Sectors    []Sector       `json:"sectors"`
	Categories []Category     `json:"categories"`
	Lines      []LineOfEffort `json:"lines_of_effort"`
	Regions    []string       `json:"regions"`
	ValidUntil Date           `json:"valid_until"`

	Status        OfferStatus `json:"status"`
	Review        Review      `json:"review"`
	ReviewComment string      `json:"review_comment,omitempty"`
	TLP           TLP         `json:"tlp"`
	CreatedBy     string      `json:"created_by"`
	CreatedAt     time.Time   `json:"created_at"`
	UpdatedAt     time.Time   `json:"updated_at"`

	NamedUserIDs []string `json:"named_user_ids,omitempty"`
}

// Usable reports whether coordinators may turn the offer into pledges on day.
func (o Offer) Usable(day Date) bool {
	return o.Status == OfferOpen && o.Review != ReviewPending && o.Review != ReviewRejected &&
		!o.ValidUntil.Before(day)
}

type OfferFilter struct {
	DonorOrgID string
	Status     OfferStatus
	Sector     Sector
	Category   Category
}

// Check refuses unknown codes, naming the field.
func (f OfferFilter) Check() error {
	switch {
	case f.Status != "" && !f.Status.Valid():
		return Invalid("status", "%q is not an offer status; use open, withdrawn or rejected", f.Status)
	case f.Sector != "" && !f.Sector.Valid():
		return Invalid("sector", "%q is not a sector", f.Sector)
	case f.Category != "" && !f.Category.Valid():
		return Invalid("category", "%q is not a category", f.Category)
	}
	return nil
}

// OfferPledge links a pledge to the offer it was drawn from, so that what an
// offer has left is its value less the pledges still standing on it.
type OfferPledge struct {
	OfferID  string `json:"offer_id"`
	PledgeID string `json:"pledge_id"`
}

// AlertKind names a deconfliction finding.
type AlertKind string

const (
	AlertOverCoverage AlertKind = "over_coverage"
	AlertDuplicate    AlertKind = "duplicate" // the same donor twice on one need
	AlertBilateral    AlertKind = "bilateral" // a mechanism pledge and a bilateral report on the same help
	AlertGap          AlertKind = "gap"       // a validated need uncovered
	AlertStalePledge  AlertKind = "stale"     // proposed, not confirmed in time
	// AlertSuspended: a pledge suspended; the need it served is open again.
	AlertSuspended AlertKind = "suspended"
	// AlertPassThroughOverlap: a funder's own pledge and a pass-through
	// pledge it funds on the same need, perhaps the same money twice.
	AlertPassThroughOverlap AlertKind = "pass_through_overlap"
)

var AlertKinds = []AlertKind{AlertOverCoverage, AlertDuplicate, AlertBilateral, AlertGap, AlertStalePledge, AlertSuspended, AlertPassThroughOverlap}

func (k AlertKind) Valid() bool { return slices.Contains(AlertKinds, k) }

// Acknowledgement is a coordinator's note that an alert has been seen. Key
// identifies the alert by its kind and records, so that the same situation
// stays acknowledged while a new one shows again.
type Acknowledgement struct {
	Key     string    `json:"key"`
	Comment string    `json:"comment"`
	UserID  string    `json:"user_id"`
	OrgID   string    `json:"org_id"`
	At      time.Time `json:"at"`
}
