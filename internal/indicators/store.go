package indicators

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Store is the part of the database the service uses. Changes run in
// InTx on the whole of store.Queries, so that a value and its audit event
// commit together.
type Store interface {
	requirementReads
	InTx(ctx context.Context, fn func(q store.Queries) error) error
	IndicatorByID(ctx context.Context, id string) (model.Indicator, error)
	IndicatorsForRequirements(ctx context.Context, requirementIDs []string) ([]model.Indicator, error)
	// ListIndicators returns every indicator with its values.
	ListIndicators(ctx context.Context) ([]model.Indicator, error)
}

// requirementReads decide who sees an indicator: its requirement and the
// pledges on it. A transaction's store.Queries has them too.
type requirementReads interface {
	// RequirementByID locks the row for update inside a PostgreSQL transaction.
	RequirementByID(ctx context.Context, id string) (model.Requirement, error)
	// PledgesForRequirements returns every pledge on the given requirements.
	PledgesForRequirements(ctx context.Context, requirementIDs []string) ([]model.Pledge, error)
}
