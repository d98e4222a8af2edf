package lessons

import (
	"context"
	"errors"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

func (f Filter) check() error {
	if f.Status != "" && !f.Status.Valid() {
		return model.Invalid("status", "%q is not a recommendation status", f.Status)
	}
	return nil
}

func (f Filter) matches(l model.Lesson, today model.Date) bool {
	return (f.Status == "" || l.Status == f.Status) && (f.LinkID == "" || l.LinkID == f.LinkID) && (!f.Due || l.DueForReview(today))
}

// visible decides whether v may see l. A lesson about a record that is gone
// is seen by no one, so that it cannot speak of what was removed.
func (s *Service) visible(ctx context.Context, v policy.Viewer, l model.Lesson) (bool, error) {
	res, err := resourceOf(ctx, s.store, l)
	if errors.Is(err, model.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return policy.Visible(v, res), nil
}

// Each calls fn with every lesson v may see that matches f, newest first,
// in constant memory, for exports; unlike List it keeps that order for f.Due.
func (s *Service) Each(ctx context.Context, v policy.Viewer, f Filter, fn func(model.Lesson) error) error {
	if err := f.check(); err != nil {
		return err
	}
	today := model.DateOf(s.now())
	return s.store.EachLesson(ctx, func(l model.Lesson) error {
		if !f.matches(l, today) {
			return nil
		}
		ok, err := s.visible(ctx, v, l)
		if err != nil || !ok {
			return err
		}
		return fn(l)
	})
}
