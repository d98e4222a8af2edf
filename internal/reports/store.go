package reports

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
)

// Store is the part of the database the service reads; it changes nothing.
type Store interface {
	// ListOrganisations returns every organisation ordered by name.
	ListOrganisations(ctx context.Context) ([]model.Organisation, error)
	// Receipts returns a pledge's receipts, oldest first; pledgeID "" means
	// every receipt (for the lead-time figures).
	Receipts(ctx context.Context, pledgeID string) ([]model.Receipt, error)
}
