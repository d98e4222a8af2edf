package reports

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Store is the part of the database the service reads; it changes nothing.
type Store interface {
	// ListOrganisations returns every organisation ordered by name.
	ListOrganisations(ctx context.Context) ([]model.Organisation, error)
	// Receipts returns a pledge's receipts, oldest first; pledgeID "" means
	// every receipt (for the lead-time figures).
	Receipts(ctx context.Context, pledgeID string) ([]model.Receipt, error)
	// The maintained totals by audience class, and the reads of the few
	// records a viewer sees through a per-record relation.
	store.Sums
	// RecordVersion changes with every record the front page reads
	// (requirements, pledges, access lists, receipts, organisations).
	RecordVersion(ctx context.Context) (int64, error)
	// Which requirements changed since a version, for the kept folds of
	// the needs (folds.go).
	store.RequirementChanges
	// PledgesForRequirements returns every pledge on the given requirements.
	PledgesForRequirements(ctx context.Context, requirementIDs []string) ([]model.Pledge, error)
	// EngagedDonors returns, per requirement, the organisations with a
	// pledge on it: all the policy reads of its pledges.
	EngagedDonors(ctx context.Context, requirementIDs []string) (map[string][]string, error)
}
