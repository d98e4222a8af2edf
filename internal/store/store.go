// Package store persists cyberaid's records in SQLite or PostgreSQL behind one
// set of interfaces. All SQL of the program lives in this package.
package store

import (
	"context"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
)

// Store is a database. Reads may run on it directly; every change runs in
// InTx, so that a command and its audit event commit or fail together.
type Store interface {
	Queries
	// InTx runs fn in one read-write transaction, committed if fn returns nil.
	InTx(ctx context.Context, fn func(q Queries) error) error
	// Dialect names the backend: "sqlite" or "postgres".
	Dialect() string
	Operations
	Close() error
}

// Queries is everything that can be asked of the database, inside or
// outside a transaction.
type Queries interface {
	Organisations
	Users
	Sessions
	Requirements
	Pledges
	Rates
	Audit
	AuditSeen
	AuditTree
	Counters
	LoginAttempts
	Delivery
	Disbursements
	Lessons
	Governance
	Offers
	Notifications
	Pages
	SortedPages
	ViewedPages
	Sums
	Search
	SignInFactors
	Indicators
	Documents
	RecordVersions
	RequirementChanges
	RequirementListVersions
	OfferVersions
}

type Organisations interface {
	CreateOrganisation(ctx context.Context, o *model.Organisation) error
	UpdateOrganisation(ctx context.Context, o *model.Organisation) error
	OrganisationByID(ctx context.Context, id string) (model.Organisation, error)
	// ListOrganisations returns every organisation ordered by name.
	ListOrganisations(ctx context.Context) ([]model.Organisation, error)
	CountOrganisations(ctx context.Context) (int, error)
}

type Users interface {
	CreateUser(ctx context.Context, u *model.User) error
	UpdateUser(ctx context.Context, u *model.User) error
	UserByID(ctx context.Context, id string) (model.User, error)
	// UserByEmail matches the address case-insensitively.
	UserByEmail(ctx context.Context, email string) (model.User, error)
	// ListUsers returns users ordered by email; orgID "" means all.
	ListUsers(ctx context.Context, orgID string) ([]model.User, error)
	CountUsers(ctx context.Context) (int, error)
	// UseTOTPStep records step as the user's last accepted TOTP time step
	// if it is newer than the last one, and reports whether it was: a code
	// is good once, even for two sign-ins at the same moment.
	UseTOTPStep(ctx context.Context, userID string, step int64) (bool, error)
	// SetPasswordHash replaces the user's hash if it is still old, so that
	// a rehash never undoes a concurrent change.
	SetPasswordHash(ctx context.Context, userID, old, new string) (bool, error)
}

type Sessions interface {
	CreateSession(ctx context.Context, s model.Session) error
	SessionByTokenHash(ctx context.Context, hash string) (model.Session, error)
	// SessionHolder reads a session with its user, roles included, the
	// user's organisation and the versions of what they are shown (the
	// audit log's head, their notifications' counts); ErrNotFound when
	// there is no such session.
	SessionHolder(ctx context.Context, hash string) (model.Session, model.User, model.Organisation, model.Versions, error)
	DeleteSession(ctx context.Context, hash string) error
	DeleteUserSessions(ctx context.Context, userID string) error
	DeleteExpiredSessions(ctx context.Context, now time.Time) error

	CreateAPIToken(ctx context.Context, t model.APIToken) error
	APITokenByHash(ctx context.Context, hash string) (model.APIToken, error)
	// APITokenHolder reads a token with its user, roles included, the
	// user's organisation and the audit log's head (Versions.Head);
	// ErrNotFound when there is no such token.
	APITokenHolder(ctx context.Context, hash string) (model.APIToken, model.User, model.Organisation, model.Versions, error)
	RevokeAPIToken(ctx context.Context, id string, at time.Time) error
	// RevokeUserAPITokens revokes every live token of the user.
	RevokeUserAPITokens(ctx context.Context, userID string, at time.Time) error
}

type Requirements interface {
	CreateRequirement(ctx context.Context, r *model.Requirement) error
	// CreateRequirements creates many new requirements at once, filling
	// their ids and times.
	CreateRequirements(ctx context.Context, rs []model.Requirement) error
	UpdateRequirement(ctx context.Context, r *model.Requirement) error
	// RequirementByID locks the row for update inside a PostgreSQL transaction.
	RequirementByID(ctx context.Context, id string) (model.Requirement, error)
	// RequirementByExternalRef finds an organisation's requirement by the
	// reference its imported spreadsheet gave it.
	RequirementByExternalRef(ctx context.Context, orgID, ref string) (model.Requirement, error)
	// ListRequirements returns up to limit requirements matching f, newest
	// first, after the cursor (an id; "" starts at the newest).
	ListRequirements(ctx context.Context, f model.RequirementFilter, after string, limit int) ([]model.Requirement, error)
	// EachRequirement calls fn for every requirement matching f, newest
	// first, in constant memory, for exports.
	EachRequirement(ctx context.Context, f model.RequirementFilter, fn func(model.Requirement) error) error
	// AddValidation records one decision with its comment.
	AddValidation(ctx context.Context, v model.ValidationRecord) error
	Validations(ctx context.Context, requirementID string) ([]model.ValidationRecord, error)
}

type Pledges interface {
	CreatePledge(ctx context.Context, p *model.Pledge) error
	// CreatePledges creates many new pledges at once, filling their ids.
	CreatePledges(ctx context.Context, ps []model.Pledge) error
	UpdatePledge(ctx context.Context, p *model.Pledge) error
	PledgeByID(ctx context.Context, id string) (model.Pledge, error)
	// ListPledges returns up to limit pledges matching f, newest first,
	// after the cursor ("" starts at the newest; limit <= 0 means all).
	ListPledges(ctx context.Context, f model.PledgeFilter, after string, limit int) ([]model.Pledge, error)
	// EachPledge calls fn for every pledge matching f, newest first, in
	// constant memory, for exports.
	EachPledge(ctx context.Context, f model.PledgeFilter, fn func(model.Pledge) error) error
	// PledgeByIATIIdentifier finds a donor's report imported from one IATI activity.
	PledgeByIATIIdentifier(ctx context.Context, donorOrgID, identifier string) (model.Pledge, error)
	// PledgesByIATIIdentifiers finds the reports imported from any of the
	// given activities, whoever published them. Inside a PostgreSQL
	// transaction it locks them for update.
	PledgesByIATIIdentifiers(ctx context.Context, identifiers []string) ([]model.Pledge, error)
	// PledgesForRequirements returns every pledge on the given requirements,
	// grouped by requirement, each requirement's newest first.
	PledgesForRequirements(ctx context.Context, requirementIDs []string) ([]model.Pledge, error)
	// PledgeClasses returns the pledges on one requirement as the policy and
	// the coverage tell them apart, not one by one: one entry per donor,
	// label, channel and status, its EURMinor the sum of theirs and its ID
	// empty; a pledge with an access list is an entry of its own, with its
	// ID and lists.
	PledgeClasses(ctx context.Context, requirementID string) ([]model.Pledge, error)
	// PledgeClassesOf is PledgeClasses of several requirements at once.
	PledgeClassesOf(ctx context.Context, requirementIDs []string) ([]model.Pledge, error)
	// EngagedDonors returns, per requirement of the given ids, the
	// organisations with a pledge on it (of any status): all the policy
	// reads of a requirement's pledges to decide who sees it.
	EngagedDonors(ctx context.Context, requirementIDs []string) (map[string][]string, error)
}

type Rates interface {
	// PutRates inserts or replaces rates; it returns how many it wrote.
	PutRates(ctx context.Context, rates []model.Rate) (int, error)
	// AddRates inserts the rates the database lacks and keeps those it
	// holds for the same currency and day; it returns how many it inserted.
	AddRates(ctx context.Context, rates []model.Rate) (int, error)
	// RateOnOrBefore returns the latest rate for currency on or before day.
	RateOnOrBefore(ctx context.Context, currency string, day model.Date) (model.Rate, error)
	// CountRates counts the rates written in the table.
	CountRates(ctx context.Context) (int, error)
	// NewestRateDay returns the day of the newest rate held, of any
	// currency; ErrNotFound when there is none.
	NewestRateDay(ctx context.Context) (model.Date, error)
	// ProvisionalPledges and ProvisionalOffers return the records valued
	// at a rate older than their date, oldest first.
	ProvisionalPledges(ctx context.Context) ([]model.Pledge, error)
	ProvisionalOffers(ctx context.Context) ([]model.Offer, error)
}

type Audit interface {
	// LastAuditEvent returns the head of the chain, or ErrNotFound when the
	// log is empty. Inside a transaction it serialises appenders, so that two
	// writers never chain onto the same head.
	LastAuditEvent(ctx context.Context) (model.AuditEvent, error)
	// AuditHeadSeq returns the sequence number of the head, 0 when the log
	// is empty, without taking the appenders' lock: a version of every
	// record, since every change commits its event with it.
	AuditHeadSeq(ctx context.Context) (int64, error)
	AppendAuditEvent(ctx context.Context, e model.AuditEvent) error
	// AppendAuditEvents appends consecutive events, in order.
	AppendAuditEvents(ctx context.Context, es []model.AuditEvent) error
	// ListAuditEvents returns events in chain order (ascending seq) after
	// the given sequence number; limit <= 0 means all.
	ListAuditEvents(ctx context.Context, f model.AuditFilter, afterSeq int64, limit int) ([]model.AuditEvent, error)
	// ListAuditEventsBefore returns events newest first before the given
	// sequence number (0: from the head); limit <= 0 means all.
	ListAuditEventsBefore(ctx context.Context, f model.AuditFilter, beforeSeq int64, limit int) ([]model.AuditEvent, error)
}

// AuditTree keeps the Merkle tree over the audit log (see the audit
// package) and the outcome of the last full verification.
type AuditTree interface {
	// AuditTreeSize counts the leaves stored. Inside a transaction it
	// serialises the servers that fill the tree.
	AuditTreeSize(ctx context.Context) (uint64, error)
	// AuditTreeNodes returns the hashes of the nodes named by Level and
	// Index, in order; ErrNotFound when one is missing.
	AuditTreeNodes(ctx context.Context, ids []model.AuditTreeNode) ([][]byte, error)
	// PutAuditTreeNodes stores nodes; one stored already is kept.
	PutAuditTreeNodes(ctx context.Context, nodes []model.AuditTreeNode) error
	// AuditChainHashes returns up to limit events' sequence numbers and
	// chain hashes after afterSeq, in chain order; limit <= 0 means all.
	AuditChainHashes(ctx context.Context, afterSeq int64, limit int) ([]model.AuditChainHash, error)
	// ClaimAuditVerification succeeds for one caller when no verification
	// was started since staleBefore.
	ClaimAuditVerification(ctx context.Context, now, staleBefore time.Time) (bool, error)
	FinishAuditVerification(ctx context.Context, v model.AuditVerification) error
	LastAuditVerification(ctx context.Context) (model.AuditVerification, error)
}

type Counters interface {
	// NextCounter increments and returns the named counter (first value 1).
	NextCounter(ctx context.Context, name string) (int64, error)
}

// LoginAttempts limits guessing per key (an account, an address). An
// attempt is taken before the password is checked, atomically, and given
// back when it was not a wrong guess.
type LoginAttempts interface {
	// TakeLoginAttempt counts one attempt and reports whether the key has
	// at most max in its window (a window begun at or before
	// windowStartedBefore is over and restarts at now), and when the
	// window began.
	TakeLoginAttempt(ctx context.Context, key string, now, windowStartedBefore time.Time, max int) (ok bool, windowStart time.Time, err error)
	ReleaseLoginAttempt(ctx context.Context, key string) error
	ClearLoginAttempts(ctx context.Context, key string, staleBefore time.Time) error
}

// Governance is proposals, positions, comments, statement signatories and
// lead rotation (governance.go's rules decide what they mean).
type Governance interface {
	CreateProposal(ctx context.Context, p *model.Proposal) error
	UpdateProposal(ctx context.Context, p *model.Proposal) error
	// ProposalByID locks the row for update inside a PostgreSQL transaction.
	ProposalByID(ctx context.Context, id string) (model.Proposal, error)
	// ListProposals returns up to limit proposals matching f, newest first,
	// after the cursor ("" starts at the newest; limit <= 0 means all).
	ListProposals(ctx context.Context, f model.ProposalFilter, after string, limit int) ([]model.Proposal, error)
	DueProposals(ctx context.Context, now time.Time) ([]string, error)
	ProposalsToRemind(ctx context.Context, before time.Time) ([]string, error)
	PutPosition(ctx context.Context, p model.Position) error
	Positions(ctx context.Context, proposalID string) ([]model.Position, error)
	AddComment(ctx context.Context, c *model.Comment) error
	Comments(ctx context.Context, proposalID string) ([]model.Comment, error)
	AddSignatory(ctx context.Context, s model.Signatory) error
	Signatories(ctx context.Context, proposalID string) ([]model.Signatory, error)
	CreateRotation(ctx context.Context, r *model.Rotation) error
	ListRotations(ctx context.Context) ([]model.Rotation, error)
	LockRotations(ctx context.Context) error
	CreateMeeting(ctx context.Context, m *model.Meeting) error
	UpdateMeeting(ctx context.Context, m *model.Meeting) error
	// MeetingByID locks the row for update inside a PostgreSQL transaction.
	MeetingByID(ctx context.Context, id string) (model.Meeting, error)
	ListMeetings(ctx context.Context) ([]model.Meeting, error)
}

// Notifications are what users are told, and their e-mail outbox.
type Notifications interface {
	AddNotification(ctx context.Context, n *model.Notification) error
	ListNotifications(ctx context.Context, userID string, limit int) ([]model.Notification, error)
	MarkNotificationRead(ctx context.Context, userID, id string, at time.Time) error
	UnreadNotifications(ctx context.Context, userID string, limit int) ([]model.Notification, error)
	MarkNotificationsRead(ctx context.Context, userID, upTo string, at time.Time) (int64, error)
	// NotificationVersion is how many notifications the user has and how
	// many of them are read, with the audit log's head (AuditHeadSeq) read
	// in the same statement: none is ever deleted and no read mark is taken
	// back, so every change to them changes one of the two. (Only a
	// migration taken down deletes some: a server is started afresh after
	// it, which empties what it keeps.)
	NotificationVersion(ctx context.Context, userID string) (total, read, head int64, err error)
	PendingMail(ctx context.Context, staleBefore time.Time, limit int) ([]model.Notification, error)
	ClaimMail(ctx context.Context, id string, now, staleBefore time.Time) (bool, error)
	FinishMail(ctx context.Context, id string, state model.MailState) error
	MailPreferences(ctx context.Context, userID string) (map[model.NotificationKind]bool, error)
	SetMailPreference(ctx context.Context, userID string, kind model.NotificationKind, on bool) error
}
