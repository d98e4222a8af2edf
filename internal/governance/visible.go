package governance

import (
	"context"
	"errors"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// ProposalVisibleByID tells the audit log whether v may read what its
// events say of a proposal: the deliberation, under the proposal's label.
func (s *Service) ProposalVisibleByID(ctx context.Context, v policy.Viewer, id string) (bool, error) {
	p, err := s.store.ProposalByID(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return !v.Anonymous() && policy.Visible(v, policy.ProposalResource(p)), nil
}

// RotationVisibleByID: who leads the offices is known to every participant.
func (s *Service) RotationVisibleByID(_ context.Context, v policy.Viewer, _ string) (bool, error) {
	return policy.Allowed(v, policy.RotationsRead), nil
}
