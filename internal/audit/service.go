package audit

import (
	"context"
	"errors"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Service reads the log for people. Reading is a permission of its own, and
// even then an event about a record the reader may not see shows its hashes
// but not its contents: the chain stays checkable without leaking the record.
type Service struct {
	store store.Store
	// readers decide visibility for the object types of domain packages
	// that record through this package and so cannot be imported by it.
	readers map[string]VisibleFunc
}

func NewService(s store.Store) *Service { return &Service{store: s, readers: map[string]VisibleFunc{}} }

// VisibleFunc reports whether v may see the object with id; a missing
// object is not visible and not an error.
type VisibleFunc func(ctx context.Context, v policy.Viewer, id string) (bool, error)

// Register makes events about objectType show their contents only to
// viewers fn lets see the object. Call it while wiring, before serving.
func (s *Service) Register(objectType string, fn VisibleFunc) { s.readers[objectType] = fn }

// List returns up to limit events after seq, in chain order.
func (s *Service) List(ctx context.Context, v policy.Viewer, f model.AuditFilter, afterSeq int64, limit int) ([]model.AuditEvent, error) {
	if err := policy.Require(v, policy.AuditRead); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	events, err := s.store.ListAuditEvents(ctx, f, afterSeq, limit)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for i, e := range events {
		key := e.ObjectType + "/" + e.ObjectID
		ok, cached := seen[key]
		if !cached {
			if ok, err = s.visible(ctx, v, e); err != nil {
				return nil, err
			}
			seen[key] = ok
		}
		if !ok {
			events[i].Before, events[i].After = nil, nil
		}
	}
	return events, nil
}

// visible decides whether v may read what an event says of its object.
func (s *Service) visible(ctx context.Context, v policy.Viewer, e model.AuditEvent) (bool, error) {
	if fn, ok := s.readers[e.ObjectType]; ok {
		return fn(ctx, v, e.ObjectID)
	}
	switch e.ObjectType {
	case "requirement":
		r, err := s.store.RequirementByID(ctx, e.ObjectID)
		if err != nil {
			return false, ignoreMissing(err)
		}
		pl, err := s.store.PledgesForRequirements(ctx, []string{r.ID})
		if err != nil {
			return false, err
		}
		return policy.Visible(v, policy.RequirementResource(r, pl)), nil
	case "pledge":
		p, err := s.store.PledgeByID(ctx, e.ObjectID)
		if err != nil {
			return false, ignoreMissing(err)
		}
		if p.RequirementID == "" {
			return policy.Visible(v, policy.PledgeResource(p, nil)), nil
		}
		r, err := s.store.RequirementByID(ctx, p.RequirementID)
		if err != nil {
			return false, ignoreMissing(err)
		}
		pl, err := s.store.PledgesForRequirements(ctx, []string{r.ID})
		if err != nil {
			return false, err
		}
		rr := policy.RequirementResource(r, pl)
		return policy.Visible(v, policy.PledgeResource(p, &rr)), nil
	}
	// Organisations and accounts are what audit readers administer.
	return true, nil
}

func ignoreMissing(err error) error {
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	return err
}

// Verify checks the whole chain for an audit reader.
func (s *Service) Verify(ctx context.Context, v policy.Viewer) (Report, error) {
	if err := policy.Require(v, policy.AuditRead); err != nil {
		return Report{}, err
	}
	return Verify(ctx, s.store)
}
