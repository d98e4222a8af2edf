package pledges

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Notifier hears of a pledge made on a requirement, inside the transaction
// that makes it.
type Notifier interface {
	PledgeMade(ctx context.Context, q store.Queries, p model.Pledge, req model.Requirement) error
}
