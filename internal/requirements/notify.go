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
}
