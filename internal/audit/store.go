package audit

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Store is the part of the database the service reads: the log itself,
// the users it names, and the requirements and pledges whose visibility
// decides who reads their events.
type Store interface {
	store.Audit
	// AuditSeen counts and lists the events a reader sees, of the types
	// the store decides, under the policy's decision given as data.
	store.AuditSeen
	// ListUsers returns users ordered by email; orgID "" means all.
	ListUsers(ctx context.Context, orgID string) ([]model.User, error)
	PledgeByID(ctx context.Context, id string) (model.Pledge, error)
	// PledgesForRequirements returns every pledge on the given requirements.
	PledgesForRequirements(ctx context.Context, requirementIDs []string) ([]model.Pledge, error)
	// EngagedDonors returns, per requirement, the organisations with a
	// pledge on it: all the policy reads of its pledges.
	EngagedDonors(ctx context.Context, requirementIDs []string) (map[string][]string, error)
	// RequirementByID locks the row for update inside a PostgreSQL transaction.
	RequirementByID(ctx context.Context, id string) (model.Requirement, error)
}
