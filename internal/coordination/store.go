package coordination

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
	// Acknowledgements returns every acknowledgement by key.
	Acknowledgements(ctx context.Context) (map[string]model.Acknowledgement, error)
	// EachPledge calls fn for every pledge matching f, newest first, a
	// batch at a time. It decides no visibility.
	EachPledge(ctx context.Context, f model.PledgeFilter, fn func(model.Pledge) error) error
	// RecordVersion changes with every requirement, pledge and access list:
	// what was read of them at one version holds while it stands.
	RecordVersion(ctx context.Context) (int64, error)
	// RequirementsChangedSince tells which requirements changed since a
	// version, for the findings kept by ranges of requirements.
	store.RequirementChanges
}
