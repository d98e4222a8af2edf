package requirements

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Notifier hears of a requirement validated, inside the transaction that
// validates it, so that donors are told of exactly the validations that
// happened.
type Notifier interface {
	RequirementValidated(ctx context.Context, q store.Queries, r model.Requirement) error
	// ReviewAwaited hears that a requirement waits only for the review of
	// group, another group having approved it.
	ReviewAwaited(ctx context.Context, q store.Queries, r model.Requirement, group model.WorkingGroup) error
}
