package pledges

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Store is the part of the database the service uses. Changes run in
// InTx on the whole of store.Queries: a command writes records of several
// kinds and its audit event in one transaction.
type Store interface {
	requirementReads
	sortedReads
	// InTx runs fn in one read-write transaction, committed if fn returns nil.
	InTx(ctx context.Context, fn func(q store.Queries) error) error
	// ListPledges returns up to limit pledges matching f, newest first,
	// after the cursor ("" starts at the newest; limit <= 0 means all).
	ListPledges(ctx context.Context, f model.PledgeFilter, after string, limit int) ([]model.Pledge, error)
	PledgeByID(ctx context.Context, id string) (model.Pledge, error)
	// PledgesByID returns the pledges of the given ids that exist.
	PledgesByID(ctx context.Context, ids []string) ([]model.Pledge, error)
	// RequirementsByID returns the requirements of the given ids that exist.
	RequirementsByID(ctx context.Context, ids []string) ([]model.Requirement, error)
	// EngagedDonors returns, per requirement, the organisations with a
	// pledge on it: what decides who sees the pledges of a list.
	EngagedDonors(ctx context.Context, requirementIDs []string) (map[string][]string, error)
	// Disbursements returns a pledge's tranches by date, then as written.
	Disbursements(ctx context.Context, pledgeID string) ([]model.Disbursement, error)
}

// requirementReads read the requirement a pledge serves with every pledge
// on it, which decide who sees the pledge. A transaction's store.Queries
// has them too.
type requirementReads interface {
	// RequirementByID locks the row for update inside a PostgreSQL transaction.
	RequirementByID(ctx context.Context, id string) (model.Requirement, error)
	// PledgesForRequirements returns every pledge on the given requirements.
	PledgesForRequirements(ctx context.Context, requirementIDs []string) ([]model.Pledge, error)
	// PledgeClasses returns the pledges on one requirement grouped as the
	// policy and the coverage tell them apart (store.Pledges).
	PledgeClasses(ctx context.Context, requirementID string) ([]model.Pledge, error)
}
