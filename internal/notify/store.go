package notify

import (
	"context"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Store is the part of the database the service uses. Changes run in
// InTx on the whole of store.Queries: a command writes records of several
// kinds and its audit event in one transaction.
type Store interface {
	subjects
	addressBook
	// InTx runs fn in one read-write transaction, committed if fn returns nil.
	InTx(ctx context.Context, fn func(q store.Queries) error) error
	ClaimMail(ctx context.Context, id string, now, staleBefore time.Time) (bool, error)
	FinishMail(ctx context.Context, id string, state model.MailState) error
	ListNotifications(ctx context.Context, userID string, limit int) ([]model.Notification, error)
	// PageNotifications and CountNotifications apply the policy's decision
	// (policy.AudienceOf) on each notification's record in the database.
	PageNotifications(ctx context.Context, f model.NotificationFilter, a policy.Audience, s model.Sort, after string, limit int) ([]model.Notification, error)
	CountNotifications(ctx context.Context, f model.NotificationFilter, a policy.Audience) (total, unread int, err error)
	MailPreferences(ctx context.Context, userID string) (map[model.NotificationKind]bool, error)
	MarkNotificationRead(ctx context.Context, userID, id string, at time.Time) error
	MarkNotificationsRead(ctx context.Context, userID, upTo string, at time.Time) (int64, error)
	UnreadNotifications(ctx context.Context, userID string, limit int) ([]model.Notification, error)
	// NotificationVersion versions what a user is shown of their
	// notifications (Version): its head is the audit log's, a version of
	// every record (audit.Service.Version).
	NotificationVersion(ctx context.Context, userID string) (total, read, head int64, err error)
	PendingMail(ctx context.Context, staleBefore time.Time, limit int) ([]model.Notification, error)
}

// addressBook are the reads that address notifications: every user and organisation.
type addressBook interface {
	// ListOrganisations returns every organisation ordered by name.
	ListOrganisations(ctx context.Context) ([]model.Organisation, error)
	OrganisationByID(ctx context.Context, id string) (model.Organisation, error)
	// ListUsers returns users ordered by email; orgID "" means all.
	ListUsers(ctx context.Context, orgID string) ([]model.User, error)
}

// subjects are the records notifications are about, read to decide who may be told of them.
type subjects interface {
	// PledgesByID and RequirementsByID return those of ids that exist.
	PledgesByID(ctx context.Context, ids []string) ([]model.Pledge, error)
	RequirementsByID(ctx context.Context, ids []string) ([]model.Requirement, error)
	// EngagedDonors returns, per requirement, the organisations with a
	// pledge on it: all the policy reads of its pledges.
	EngagedDonors(ctx context.Context, requirementIDs []string) (map[string][]string, error)
	// ProposalByID locks the row for update inside a PostgreSQL transaction.
	ProposalByID(ctx context.Context, id string) (model.Proposal, error)
}
