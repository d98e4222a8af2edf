package exchange

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Store is the part of the database the service uses. Changes run in
// InTx on the whole of store.Queries: a command writes records of several
// kinds and its audit event in one transaction.
type Store interface {
	// InTx runs fn in one read-write transaction, committed if fn returns nil.
	InTx(ctx context.Context, fn func(q store.Queries) error) error
	// EachOffer calls fn for every offer matching f, newest first.
	EachOffer(ctx context.Context, f model.OfferFilter, fn func(model.Offer) error) error
	// EachPledge calls fn for every pledge matching f, newest first, in
	// constant memory, for exports.
	EachPledge(ctx context.Context, f model.PledgeFilter, fn func(model.Pledge) error) error
	// EachRequirement calls fn for every requirement matching f, newest
	// first, in constant memory, for exports.
	EachRequirement(ctx context.Context, f model.RequirementFilter, fn func(model.Requirement) error) error
	// IndicatorsForRequirements returns the indicators of the given
	// requirements with their values by date.
	IndicatorsForRequirements(ctx context.Context, requirementIDs []string) ([]model.Indicator, error)
	// DisbursementsOfPledges returns the tranches of the given pledges.
	DisbursementsOfPledges(ctx context.Context, pledgeIDs []string) ([]model.Disbursement, error)
	// ListOrganisations returns every organisation ordered by name.
	ListOrganisations(ctx context.Context) ([]model.Organisation, error)
	// PledgesForRequirements returns every pledge on the given requirements.
	PledgesForRequirements(ctx context.Context, requirementIDs []string) ([]model.Pledge, error)
	// RequirementByID locks the row for update inside a PostgreSQL transaction.
	RequirementByID(ctx context.Context, id string) (model.Requirement, error)
}
