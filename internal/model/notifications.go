package model

import "time"

type NotificationKind string

const (
	NotifyProposalOpened       NotificationKind = "proposal_opened"
	NotifyDeadlineNear         NotificationKind = "deadline_near"
	NotifyProposalClosed       NotificationKind = "proposal_closed"
	NotifyRequirementValidated NotificationKind = "requirement_validated"
	NotifyPledgeMade           NotificationKind = "pledge_made"
	NotifyPledgeSuspended      NotificationKind = "pledge_suspended"
	// NotifyReviewAwaited tells a working group's validators that the other
	// group approved a requirement and their review decides it.
	NotifyReviewAwaited NotificationKind = "review_awaited"
	// NotifySecurity tells a user of a change to how their account signs
	// in. It is not among NotificationKinds: its e-mail cannot be turned off.
	NotifySecurity NotificationKind = "security_notice"
)

var NotificationKinds = []NotificationKind{NotifyProposalOpened, NotifyDeadlineNear, NotifyProposalClosed, NotifyRequirementValidated, NotifyPledgeMade, NotifyPledgeSuspended, NotifyReviewAwaited}

// MailState is where a notification's e-mail is.
type MailState string

const (
	MailNone    MailState = "none"
	MailPending MailState = "pending"
	MailSending MailState = "sending"
	MailSent    MailState = "sent"
	MailFailed  MailState = "failed"
)

// Notification tells one user of an event about one record. It names the
// record and the title it had; whoever reads it is checked against the
// record's audience again.
type Notification struct {
	ID         string           `json:"id"`
	UserID     string           `json:"-"`
	Kind       NotificationKind `json:"kind"`
	ObjectType string           `json:"object_type"`
	ObjectID   string           `json:"object_id"`
	Subject    string           `json:"subject"`
	CreatedAt  time.Time        `json:"created_at"`
	ReadAt     *time.Time       `json:"read_at,omitempty"`
	Mail       MailState        `json:"-"`
	Attempts   int              `json:"-"`
}

// NotificationFilter selects one user's notifications, all or the unread.
type NotificationFilter struct {
	UserID string
	Unread bool
}
