package pledges

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Notifier hears of a pledge made on a requirement (given with the pledges
// on it, the new one included, as the transaction reads them: grouped as
// store.Queries' PledgeClasses groups them, enough for the policy), and of a
// pledge suspended (req nil when it serves none), inside the transaction
// that makes the change.
type Notifier interface {
	PledgeMade(ctx context.Context, q store.Queries, p model.Pledge, req model.Requirement, pledges []model.Pledge) error
	PledgeSuspended(ctx context.Context, q store.Queries, p model.Pledge, req *model.Requirement) error
}
