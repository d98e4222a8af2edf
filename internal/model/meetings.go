package model

import "time"

// AgendaKind is what an agenda item links to.
type AgendaKind string

const (
	AgendaProposal    AgendaKind = "proposal"
	AgendaRequirement AgendaKind = "requirement"
	AgendaLesson      AgendaKind = "lesson"
	AgendaOther       AgendaKind = "other"
)

func (k AgendaKind) Valid() bool {
	return k == AgendaProposal || k == AgendaRequirement || k == AgendaLesson || k == AgendaOther
}

type AgendaItem struct {
	Kind  AgendaKind `json:"kind"`
	RefID string     `json:"ref_id,omitempty"`
	Note  string     `json:"note"`
}

// Meeting is a meeting of the coordination group.
type Meeting struct {
	ID         string       `json:"id"`
	Title      string       `json:"title"`
	Date       Date         `json:"date"`
	Agenda     []AgendaItem `json:"agenda"`
	Attendees  []string     `json:"attendee_org_ids"`
	Minutes    string       `json:"minutes"`
	TLP        TLP          `json:"tlp"`
	OwnerOrgID string       `json:"owner_org_id"`
	CreatedBy  string       `json:"created_by"`
	CreatedAt  time.Time    `json:"created_at"`
	UpdatedAt  time.Time    `json:"updated_at"`
}
