package organisations

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/policy"
)

// counter counts the organisations.
type counter interface {
	CountOrganisations(ctx context.Context) (int, error)
}

// Total counts the organisations: whoever may read the list reads all of
// it, so the count is the table's.
func (s *Service) Total(ctx context.Context, v policy.Viewer) (int, error) {
	if err := policy.Require(v, policy.OrganisationsRead); err != nil {
		return 0, err
	}
	return s.store.CountOrganisations(ctx)
}
