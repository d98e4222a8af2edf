// Package lessons keeps what the coordination group learns: what happened,
// what was learned, and a recommendation followed from proposal to
// implementation, with a date on which the group looks at it again.
package lessons

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

type Service struct {
	audit audit.Records[model.Lesson]
	store Store
	now   func() time.Time
}

func NewService(s Store, now func() time.Time) *Service {
	return &Service{audit: audit.Records[model.Lesson]{Type: "lesson", ID: func(r *model.Lesson) string { return r.ID }, Now: now}, store: s, now: now}
}

// Input is what a participant writes; on update, nil fields stay unchanged.
type Input struct {
	Title          *string             `json:"title"`
	Link           *model.LessonLink   `json:"link"`
	LinkID         *string             `json:"link_id"`
	WhatHappened   *string             `json:"what_happened"`
	WhatLearned    *string             `json:"what_learned"`
	Recommendation *string             `json:"recommendation"`
	Status         *model.LessonStatus `json:"status"`
	OwnerUserID    *string             `json:"owner_user_id"`
	ReviewOn       *model.Date         `json:"review_on"`
	TLP            *model.TLP          `json:"tlp"`
	NamedUserIDs   *[]string           `json:"named_user_ids"`
}

// Filter selects lessons; Due keeps the ones the group should review by today.
type Filter struct {
	Status model.LessonStatus
	LinkID string
	Due    bool
}

func text(field string, in *string, out *string, min, max int) error {
	if in == nil {
		return nil
	}
	t, err := model.CleanText(field, *in, min, max)
	if err != nil {
		return err
	}
	*out = t
	return nil
}

// apply writes the given fields onto l, checking each; every field at
// fault is reported at once.
func (in Input) apply(l *model.Lesson) error {
	errs := []error{
		text("title", in.Title, &l.Title, 1, model.MaxTitle),
		text("what_happened", in.WhatHappened, &l.WhatHappened, 0, model.MaxDescription),
		text("what_learned", in.WhatLearned, &l.WhatLearned, 0, model.MaxDescription),
		text("recommendation", in.Recommendation, &l.Recommendation, 0, model.MaxDescription),
	}
	if in.Status != nil {
		if in.Status.Valid() {
			l.Status = *in.Status
		} else {
			errs = append(errs, model.Invalid("status", "%q is not a recommendation status; use proposed, accepted, implemented or dropped", *in.Status))
		}
	}
	if in.OwnerUserID != nil {
		l.OwnerUserID = *in.OwnerUserID
	}
	if in.ReviewOn != nil {
		l.ReviewOn = *in.ReviewOn
	}
	if in.TLP != nil {
		if in.TLP.Valid() {
			l.TLP = *in.TLP
		} else {
			errs = append(errs, model.Invalid("tlp", "%q is not a TLP label; use clear, green, amber, amber+strict or red", *in.TLP))
		}
	}
	if in.NamedUserIDs != nil {
		ids := slices.Clone(*in.NamedUserIDs)
		slices.Sort(ids)
		l.NamedUserIDs = slices.Compact(ids)
	}
	return model.Collect(errs...)
}

// about describes the record a lesson is linked to, nil for a general one.
func about(ctx context.Context, q records, l model.Lesson) (*policy.Resource, error) {
	reqResource := func(id string) (*policy.Resource, error) {
		r, err := q.RequirementByID(ctx, id)
		if err != nil {
			return nil, err
		}
		ps, err := q.PledgesForRequirements(ctx, []string{id})
		if err != nil {
			return nil, err
		}
		res := policy.RequirementResource(r, ps)
		return &res, nil
	}
	switch l.Link {
	case model.LinkRequirement:
		return reqResource(l.LinkID)
	case model.LinkPledge, model.LinkDelivery:
		p, err := q.PledgeByID(ctx, l.LinkID)
		if err != nil {
			return nil, err
		}
		var parent *policy.Resource
		if p.RequirementID != "" {
			if parent, err = reqResource(p.RequirementID); err != nil {
				return nil, err
			}
		}
		res := policy.PledgeResource(p, parent)
		return &res, nil
	}
	return nil, nil
}

func resourceOf(ctx context.Context, q records, l model.Lesson) (policy.Resource, error) {
	a, err := about(ctx, q, l)
	if err != nil {
		return policy.Resource{}, err
	}
	return policy.LessonResource(l, a), nil
}

func (s *Service) check(ctx context.Context, q store.Queries, v policy.Viewer, l *model.Lesson) error {
	if l.OwnerUserID != "" {
		if _, err := q.UserByID(ctx, l.OwnerUserID); err != nil {
			return model.Invalid("owner_user_id", "no user has the id %q", l.OwnerUserID)
		}
	}
	return policy.CheckNamed(ctx, v, l.TLP, &l.NamedUserIDs, q.UserByID)
}

// Create records a lesson of the writer's organisation. A lesson linked to
// a record needs a record the writer can see.
func (s *Service) Create(ctx context.Context, v policy.Viewer, in Input) (model.Lesson, error) {
	if err := policy.Require(v, policy.LessonsCreate); err != nil {
		return model.Lesson{}, err
	}
	var l model.Lesson
	err := s.store.InTx(ctx, func(q store.Queries) error {
		var err error
		if l, err = s.prepare(ctx, q, v, in); err != nil {
			return err
		}
		if err := q.CreateLesson(ctx, &l); err != nil {
			return err
		}
		return s.audit.Record(ctx, q, v, "create", nil, &l)
	})
	if err != nil {
		return model.Lesson{}, model.Unexpected(err, "create lesson")
	}
	return l, nil
}

// Check reports every fault Create would find in the input, saving
// nothing: a form whose other fields could not even be read (a date that
// is no date) still lists all its faults at once.
func (s *Service) Check(ctx context.Context, v policy.Viewer, in Input) error {
	if err := policy.Require(v, policy.LessonsCreate); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(q store.Queries) error {
		_, err := s.prepare(ctx, q, v, in)
		return err
	})
}

// prepare is the lesson Create would record, or every fault of the input
// at once, the record linked to among them.
func (s *Service) prepare(ctx context.Context, q store.Queries, v policy.Viewer, in Input) (model.Lesson, error) {
	now := s.now().UTC()
	l := model.Lesson{
		Link: model.LinkNone, Status: model.LessonProposed, TLP: model.TLPAmber,
		AuthorOrgID: v.Org.ID, CreatedBy: v.UserID, CreatedAt: now, UpdatedAt: now,
	}
	errs := []error{model.CheckRequired(model.Required{Field: "title", Missing: in.Title == nil})}
	linkOK := true
	if in.Link != nil {
		if in.Link.Valid() {
			l.Link = *in.Link
		} else {
			linkOK = false
			errs = append(errs, model.Invalid("link", "%q is not a link; use none, requirement, pledge or delivery", *in.Link))
		}
	}
	if in.LinkID != nil {
		l.LinkID = *in.LinkID
	}
	switch {
	case !linkOK:
	case l.Link == model.LinkNone && l.LinkID != "":
		linkOK = false
		errs = append(errs, model.Invalid("link_id", "must be empty for a general lesson (link none)"))
	case l.Link != model.LinkNone && l.LinkID == "":
		linkOK = false
		errs = append(errs, model.Invalid("link_id", "is required for a lesson linked to a %s", l.Link))
	}
	errs = append(errs, in.apply(&l))
	if linkOK {
		a, err := about(ctx, q, l)
		switch {
		case errors.Is(err, model.ErrNotFound) || (err == nil && a != nil && !policy.Visible(v, *a)):
			// A record v may not see is answered as one that does not exist.
			errs = append(errs, model.Invalid("link_id", "no %s you can see has the id %q", l.Link, l.LinkID))
		case err != nil:
			return l, err
		}
	}
	if err := model.Collect(errs...); err != nil {
		return l, err
	}
	return l, s.check(ctx, q, v, &l)
}

// Update changes a lesson: its text, the recommendation's status and
// owner, the review date. What a lesson is about does not change.
func (s *Service) Update(ctx context.Context, v policy.Viewer, id string, in Input) (model.Lesson, error) {
	if in.Link != nil || in.LinkID != nil {
		return model.Lesson{}, model.Broken("link", "immutable", "cannot be changed; write a new lesson")
	}
	var out model.Lesson
	err := s.store.InTx(ctx, func(q store.Queries) error {
		l, err := q.LessonByID(ctx, id)
		if err != nil {
			return err
		}
		res, err := resourceOf(ctx, q, l)
		if err != nil {
			return err
		}
		if err := policy.Authorize(v, policy.LessonsEdit, res); err != nil {
			return err
		}
		before := l
		if err := in.apply(&l); err != nil {
			return err
		}
		if err := s.check(ctx, q, v, &l); err != nil {
			return err
		}
		if err := policy.Relabel(v, res, l.TLP, l.NamedUserIDs); err != nil {
			return err
		}
		l.UpdatedAt = s.now().UTC()
		if err := q.UpdateLesson(ctx, &l); err != nil {
			return err
		}
		out = l
		return s.audit.Record(ctx, q, v, "update", &before, &l)
	})
	return out, model.Unexpected(err, "update lesson %s", id)
}

// Get returns a lesson v may see; any other is ErrNotFound.
func (s *Service) Get(ctx context.Context, v policy.Viewer, id string) (model.Lesson, error) {
	l, err := s.store.LessonByID(ctx, id)
	if err != nil {
		return model.Lesson{}, err
	}
	res, err := resourceOf(ctx, s.store, l)
	if err != nil {
		return model.Lesson{}, err
	}
	if !policy.Visible(v, res) {
		return model.Lesson{}, model.ErrNotFound
	}
	return seenBy(v, l, res), nil
}

// List returns the lessons v may see that match f, newest first; the ones
// due for review come by review date, the longest overdue first.
func (s *Service) List(ctx context.Context, v policy.Viewer, f Filter) ([]model.Lesson, error) {
	if err := f.Check(); err != nil {
		return nil, err
	}
	all, err := s.store.ListLessons(ctx)
	if err != nil {
		return nil, err
	}
	today := model.DateOf(s.now())
	out := []model.Lesson{}
	for _, l := range all {
		if !f.matches(l, today) {
			continue
		}
		seen, ok, err := s.visible(ctx, v, l)
		if err != nil {
			return nil, err
		}
		if ok && f.matchesSeen(seen) {
			out = append(out, seen)
		}
	}
	if f.Due {
		slices.SortStableFunc(out, func(a, b model.Lesson) int { return a.ReviewOn.Time().Compare(b.ReviewOn.Time()) })
	}
	return out, nil
}

// Page returns one page of the lessons v may see that match f, in order
// (the list's own, newest first, unless asked), after cursor (as
// model.SortCursor wrote it), with how many there are in all. The database
// selects and counts what policy.AudienceOf(v) sees; each row still passes
// through visible here, so a fault of the translation hides a lesson
// rather than shows one.
func (s *Service) Page(ctx context.Context, v policy.Viewer, f Filter, order model.Sort, cursor string, limit int) (model.Listing[model.Lesson], error) {
	if err := f.Check(); err != nil {
		return model.Listing[model.Lesson]{}, err
	}
	after, err := model.ReadSortCursor(order, cursor)
	if err != nil {
		return model.Listing[model.Lesson]{}, err
	}
	today := model.DateOf(s.now())
	sf := model.LessonFilter{Status: f.Status, LinkID: f.LinkID}
	if f.Due {
		sf.DueBy = today
	}
	aud := policy.AudienceOf(v)
	items, next, err := model.FillPage(after, limit, func(after string, n int) ([]model.Lesson, error) {
		return s.store.PageLessons(ctx, sf, aud, order, after, n)
	}, func(l model.Lesson) (model.Lesson, bool, error) {
		if !f.matches(l, today) {
			return l, false, nil
		}
		seen, ok, err := s.visible(ctx, v, l)
		return seen, ok && f.matchesSeen(seen), err
	}, func(l model.Lesson) string { return l.ID })
	if err != nil {
		return model.Listing[model.Lesson]{}, err
	}
	total, err := s.store.CountLessons(ctx, sf, aud)
	if err != nil {
		return model.Listing[model.Lesson]{}, err
	}
	return model.Listing[model.Lesson]{Items: items, Next: model.SortCursor(order, next), Total: total}, nil
}

// OwnerName names the owner of lesson id for v, who must see the lesson;
// "" when it has no owner or the owner is gone.
func (s *Service) OwnerName(ctx context.Context, v policy.Viewer, id string) (string, error) {
	l, err := s.Get(ctx, v, id)
	if err != nil || l.OwnerUserID == "" {
		return "", err
	}
	u, err := s.store.UserByID(ctx, l.OwnerUserID)
	if errors.Is(err, model.ErrNotFound) {
		return "", nil
	}
	return u.Name, err
}

// VisibleByID tells the audit log whether v may read what its events say
// of a lesson.
func (s *Service) VisibleByID(ctx context.Context, v policy.Viewer, id string) (bool, error) {
	_, err := s.Get(ctx, v, id)
	if errors.Is(err, model.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// AuditObject describes a lesson to the audit log: its events are read
// under the lesson's label and that of the record it was linked to, then
// and now.
func (s *Service) AuditObject(ctx context.Context, id string) (audit.Object, error) {
	l, err := s.store.LessonByID(ctx, id)
	if err != nil {
		return audit.Object{}, err
	}
	now, err := resourceOf(ctx, s.store, l)
	if err != nil {
		return audit.Object{}, err
	}
	return audit.Object{
		Now: now,
		AsOf: audit.SnapshotCtx(func(ctx context.Context, old model.Lesson) (policy.Resource, error) {
			return resourceOf(ctx, s.store, old)
		}),
		Redact: audit.Redactor(func(ctx context.Context, v policy.Viewer, old model.Lesson) (model.Lesson, error) {
			res, err := resourceOf(ctx, s.store, old)
			if err != nil {
				return model.Lesson{}, err
			}
			return seenBy(v, old, res), nil
		}),
	}, nil
}

// CanEdit reports whether v may change l, for pages deciding which forms to offer.
func (s *Service) CanEdit(ctx context.Context, v policy.Viewer, l model.Lesson) bool {
	res, err := resourceOf(ctx, s.store, l)
	return err == nil && policy.Authorize(v, policy.LessonsEdit, res) == nil
}
