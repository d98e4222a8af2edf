package exchange

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

type lessonRow struct {
	model.Lesson
	author string
}

var lessonColumns = []column[lessonRow]{
	{"id", func(l lessonRow) string { return l.ID }},
	{"title", func(l lessonRow) string { return l.Title }},
	{"link", func(l lessonRow) string { return string(l.Link) }},
	{"link_id", func(l lessonRow) string { return l.LinkID }},
	{"author_org_id", func(l lessonRow) string { return l.AuthorOrgID }},
	{"author", func(l lessonRow) string { return l.author }},
	{"status", func(l lessonRow) string { return string(l.Status) }},
	{"owner_user_id", func(l lessonRow) string { return l.OwnerUserID }},
	{"review_on", func(l lessonRow) string { return date(l.ReviewOn) }},
	{"tlp", func(l lessonRow) string { return string(l.TLP) }},
	{"what_happened", func(l lessonRow) string { return l.WhatHappened }},
	{"what_learned", func(l lessonRow) string { return l.WhatLearned }},
	{"recommendation", func(l lessonRow) string { return l.Recommendation }},
	{"created_at", func(l lessonRow) string { return instant(l.CreatedAt) }},
	{"updated_at", func(l lessonRow) string { return instant(l.UpdatedAt) }},
}

// eachLesson asks the lessons service, which alone knows when a lesson about
// a record hidden from the viewer is hidden too.
func eachLesson(s *Service, filter Filter) (func(ctx context.Context, v policy.Viewer, fn func(lessonRow) error) error, error) {
	f := filter.Lessons
	if err := f.Check(); err != nil {
		return nil, err
	}
	return func(ctx context.Context, v policy.Viewer, fn func(lessonRow) error) error {
		names, err := s.orgNames(ctx)
		if err != nil {
			return err
		}
		return s.lessons.Each(ctx, v, f, func(l model.Lesson) error {
			return fn(lessonRow{Lesson: l, author: names[l.AuthorOrgID]})
		})
	}, nil
}
