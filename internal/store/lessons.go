package store

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
)

// Lessons keeps lessons learned.
type Lessons interface {
	CreateLesson(ctx context.Context, l *model.Lesson) error
	UpdateLesson(ctx context.Context, l *model.Lesson) error
	// LessonByID locks the row for update inside a PostgreSQL transaction.
	LessonByID(ctx context.Context, id string) (model.Lesson, error)
	// ListLessons returns every lesson, newest first.
	ListLessons(ctx context.Context) ([]model.Lesson, error)
	// EachLesson calls fn for every lesson, newest first.
	EachLesson(ctx context.Context, fn func(model.Lesson) error) error
}

const grantLesson = "lesson"

const lessonColumns = `id, title, link, link_id, what_happened, what_learned, recommendation, status, owner_user_id,
	review_on, tlp, author_org_id, created_by, created_at, updated_at`

const lessonSelect = `id, title, link, COALESCE(link_id, ''), what_happened, what_learned, recommendation, status, COALESCE(owner_user_id, ''),
	review_on, tlp, author_org_id, created_by, created_at, updated_at`

func scanLesson(s scanner) (model.Lesson, error) {
	var l model.Lesson
	err := s.Scan(&l.ID, &l.Title, &l.Link, &l.LinkID, &l.WhatHappened, &l.WhatLearned, &l.Recommendation, &l.Status, &l.OwnerUserID,
		&l.ReviewOn, &l.TLP, &l.AuthorOrgID, &l.CreatedBy, instant{&l.CreatedAt}, instant{&l.UpdatedAt})
	return l, err
}

func (q *queries) CreateLesson(ctx context.Context, l *model.Lesson) error {
	if l.ID == "" {
		l.ID = NewID()
	}
	stampCreate(&l.CreatedAt, &l.UpdatedAt)
	l.NamedUserIDs = canonicalIDs(l.NamedUserIDs)
	err := q.atomic(ctx, func(q *queries) error {
		_, err := q.wr.exec(ctx, `INSERT INTO lessons (`+lessonColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			l.ID, l.Title, l.Link, nullIfEmpty(l.LinkID), l.WhatHappened, l.WhatLearned, l.Recommendation, l.Status, nullIfEmpty(l.OwnerUserID),
			l.ReviewOn, l.TLP, l.AuthorOrgID, l.CreatedBy, l.CreatedAt, l.UpdatedAt)
		if err != nil {
			return err
		}
		// A new record has no grants to replace.
		return q.insertGrants(ctx, grantLesson, l.ID, nil, l.NamedUserIDs)
	})
	return dbErr(err, "create lesson")
}

// UpdateLesson writes every field but the id, the link, the author and the creation.
func (q *queries) UpdateLesson(ctx context.Context, l *model.Lesson) error {
	stampUpdate(&l.UpdatedAt)
	l.NamedUserIDs = canonicalIDs(l.NamedUserIDs)
	err := q.atomic(ctx, func(q *queries) error {
		err := q.wr.execOne(ctx, `UPDATE lessons SET title = ?, what_happened = ?, what_learned = ?, recommendation = ?, status = ?,
			owner_user_id = ?, review_on = ?, tlp = ?, updated_at = ? WHERE id = ?`,
			l.Title, l.WhatHappened, l.WhatLearned, l.Recommendation, l.Status,
			nullIfEmpty(l.OwnerUserID), l.ReviewOn, l.TLP, l.UpdatedAt, l.ID)
		if err != nil {
			return err
		}
		return q.replaceGrants(ctx, grantLesson, l.ID, nil, l.NamedUserIDs)
	})
	return dbErr(err, "update lesson %s", l.ID)
}

func (q *queries) LessonByID(ctx context.Context, id string) (model.Lesson, error) {
	l, err := scanLesson(q.rd.row(ctx, `SELECT `+lessonSelect+` FROM lessons WHERE id = ?`+q.forUpdate(), id))
	if err != nil {
		return model.Lesson{}, dbErr(err, "lesson %s", id)
	}
	ls := []model.Lesson{l}
	if err := q.loadLessonGrants(ctx, ls); err != nil {
		return model.Lesson{}, dbErr(err, "lesson %s", id)
	}
	return ls[0], nil
}

func (q *queries) ListLessons(ctx context.Context) ([]model.Lesson, error) {
	ls, err := queryAll(ctx, q.rd, scanLesson, `SELECT `+lessonSelect+` FROM lessons ORDER BY id DESC`)
	if err == nil {
		err = q.loadLessonGrants(ctx, ls)
	}
	if err != nil {
		return nil, dbErr(err, "list lessons")
	}
	return ls, nil
}

func (q *queries) loadLessonGrants(ctx context.Context, ls []model.Lesson) error {
	ids := make([]string, len(ls))
	for i, l := range ls {
		ids[i] = l.ID
	}
	gs, err := q.loadGrants(ctx, grantLesson, ids)
	if err != nil {
		return err
	}
	for i := range ls {
		ls[i].NamedUserIDs = gs[ls[i].ID].userIDs
	}
	return nil
}

var lessonTable = table[model.Lesson]{
	name:    "lessons",
	columns: func(*queries) string { return lessonSelect },
	scan:    scanLesson,
	id:      func(l *model.Lesson) string { return l.ID },
	grant:   grantLesson,
	set:     func(l *model.Lesson, g grants) { l.NamedUserIDs = g.userIDs },
}

// EachLesson calls fn for every lesson, newest first, with its access
// lists; it stops at the first error fn returns.
func (q *queries) EachLesson(ctx context.Context, fn func(model.Lesson) error) error {
	return each(ctx, q, lessonTable, nil, nil, fn)
}
