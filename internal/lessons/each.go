package lessons

import (
	"context"
	"errors"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// Check refuses an unknown status, naming the field.
func (f Filter) Check() error {
	if f.Status != "" && !f.Status.Valid() {
		return model.Invalid("status", "%q is not a recommendation status", f.Status)
	}
	return nil
}

func (f Filter) matches(l model.Lesson, today model.Date) bool {
	return (f.Status == "" || l.Status == f.Status) && (f.LinkID == "" || l.LinkID == f.LinkID) && (!f.Due || l.DueForReview(today))
}

// matchesSeen applies the link filter to what the viewer sees: a lesson
// about a record v may not see does not match that record's id, exactly as
// if the record did not exist.
func (f Filter) matchesSeen(l model.Lesson) bool { return f.LinkID == "" || l.LinkID == f.LinkID }

// visible decides whether v may see l. A lesson about a record that is gone
// is seen by no one, so that it cannot speak of what was removed.
func (s *Service) visible(ctx context.Context, v policy.Viewer, l model.Lesson) (model.Lesson, bool, error) {
	res, err := resourceOf(ctx, s.store, l)
	if errors.Is(err, model.ErrNotFound) {
		return model.Lesson{}, false, nil
	}
	if err != nil {
		return model.Lesson{}, false, err
	}
	if !policy.Visible(v, res) {
		return model.Lesson{}, false, nil
	}
	return seenBy(v, l, res), true, nil
}

// seenBy is what v, who may see the lesson l, reads of it: its author's
// organisation sees its lesson on a record it may no longer see, but not
// which record that is; only those who see it in full read whom it names.
func seenBy(v policy.Viewer, l model.Lesson, res policy.Resource) model.Lesson {
	if res.Parent != nil && !policy.Visible(v, *res.Parent) {
		l.LinkID = ""
	}
	if !policy.SeesAccessLists(v, res) && !v.InOrg(l.AuthorOrgID) {
		l.NamedUserIDs = nil
	}
	return l
}

// Each calls fn with every lesson v may see that matches f, newest first,
// in constant memory, for exports; unlike List it keeps that order for f.Due.
func (s *Service) Each(ctx context.Context, v policy.Viewer, f Filter, fn func(model.Lesson) error) error {
	if err := f.Check(); err != nil {
		return err
	}
	today := model.DateOf(s.now())
	return s.store.EachLesson(ctx, func(l model.Lesson) error {
		if !f.matches(l, today) {
			return nil
		}
		seen, ok, err := s.visible(ctx, v, l)
		if err != nil || !ok || !f.matchesSeen(seen) {
			return err
		}
		return fn(seen)
	})
}
