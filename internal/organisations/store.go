package organisations

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Store is the part of the database the service uses. Changes run in
// InTx on the whole of store.Queries: a command writes records of several
// kinds and its audit event in one transaction.
type Store interface {
	counter
	// InTx runs fn in one read-write transaction, committed if fn returns nil.
	InTx(ctx context.Context, fn func(q store.Queries) error) error
	// ListOrganisations returns every organisation ordered by name.
	ListOrganisations(ctx context.Context) ([]model.Organisation, error)
	OrganisationByID(ctx context.Context, id string) (model.Organisation, error)
	// SortOrganisations returns up to limit organisations in order s (by
	// name for the zero Sort) after the one whose id is after.
	SortOrganisations(ctx context.Context, s model.Sort, after string, limit int) ([]model.Organisation, error)
}
