package delivery

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Store is the part of the database the service uses. Changes run in
// InTx on the whole of store.Queries: a command writes records of several
// kinds and its audit event in one transaction.
type Store interface {
	pledgeReads
	// InTx runs fn in one read-write transaction, committed if fn returns nil.
	InTx(ctx context.Context, fn func(q store.Queries) error) error
	// Milestones returns a pledge's milestones by date, then as written.
	Milestones(ctx context.Context, pledgeID string) ([]model.Milestone, error)
	// Receipts returns a pledge's receipts, oldest first; pledgeID "" means
	// every receipt (for the lead-time figures).
	Receipts(ctx context.Context, pledgeID string) ([]model.Receipt, error)
}

// pledgeReads read a pledge with the requirement it serves and every pledge on that requirement. A transaction's store.Queries has them too.
type pledgeReads interface {
	PledgeByID(ctx context.Context, id string) (model.Pledge, error)
	// RequirementByID locks the row for update inside a PostgreSQL transaction.
	RequirementByID(ctx context.Context, id string) (model.Requirement, error)
	// PledgesForRequirements returns every pledge on the given requirements.
	PledgesForRequirements(ctx context.Context, requirementIDs []string) ([]model.Pledge, error)
}
