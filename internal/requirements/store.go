package requirements

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Store is the part of the database the service uses. Changes run in
// InTx on the whole of store.Queries: a command writes records of several
// kinds and its audit event in one transaction.
type Store interface {
	sortedReads
	// InTx runs fn in one read-write transaction, committed if fn returns nil.
	InTx(ctx context.Context, fn func(q store.Queries) error) error
	// ListRequirements returns up to limit requirements matching f, newest
	// first, after the cursor (an id; "" starts at the newest).
	ListRequirements(ctx context.Context, f model.RequirementFilter, after string, limit int) ([]model.Requirement, error)
	// PledgesForRequirements returns every pledge on the given requirements,
	// grouped by requirement, each requirement's newest first.
	PledgesForRequirements(ctx context.Context, requirementIDs []string) ([]model.Pledge, error)
	// PledgeClassesOf returns the pledges on the given requirements grouped
	// as the policy and the coverage tell them apart (store.Pledges).
	PledgeClassesOf(ctx context.Context, requirementIDs []string) ([]model.Pledge, error)
	// RequirementsChangedSince names the requirements marked at version n
	// or later (store.RequirementChanges), for the classes kept.
	RequirementsChangedSince(ctx context.Context, n int64, max int) (ids []string, all bool, err error)
	// RequirementsByID returns the requirements of the given ids that exist.
	RequirementsByID(ctx context.Context, ids []string) ([]model.Requirement, error)
	// RequirementByID locks the row for update inside a PostgreSQL transaction.
	RequirementByID(ctx context.Context, id string) (model.Requirement, error)
	Validations(ctx context.Context, requirementID string) ([]model.ValidationRecord, error)
	// RequirementByExternalRef finds an organisation's requirement by the
	// reference its imported spreadsheet gave it.
	RequirementByExternalRef(ctx context.Context, orgID, ref string) (model.Requirement, error)
	// UserByID names the validators of reviews.
	UserByID(ctx context.Context, id string) (model.User, error)
}
