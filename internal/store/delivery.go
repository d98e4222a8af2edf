package store

import (
	"context"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
)

// Delivery keeps the milestones of pledges and the beneficiaries' receipts.
type Delivery interface {
	AddMilestone(ctx context.Context, m *model.Milestone) error
	// Milestones returns a pledge's milestones by date, then as written.
	Milestones(ctx context.Context, pledgeID string) ([]model.Milestone, error)
	AddReceipt(ctx context.Context, r *model.Receipt) error
	// Receipts returns a pledge's receipts, oldest first; pledgeID "" means
	// every receipt (for the lead-time figures).
	Receipts(ctx context.Context, pledgeID string) ([]model.Receipt, error)
}

// Lessons keeps lessons learned.
type Lessons interface {
	CreateLesson(ctx context.Context, l *model.Lesson) error
	UpdateLesson(ctx context.Context, l *model.Lesson) error
	// LessonByID locks the row for update inside a PostgreSQL transaction.
	LessonByID(ctx context.Context, id string) (model.Lesson, error)
	// ListLessons returns every lesson, newest first.
	ListLessons(ctx context.Context) ([]model.Lesson, error)
}

const grantLesson = "lesson"

const milestoneColumns = `id, pledge_id, kind, day, note, created_by, created_at`

func scanMilestone(s scanner) (model.Milestone, error) {
	var m model.Milestone
	err := s.Scan(&m.ID, &m.PledgeID, &m.Kind, &m.Date, &m.Note, &m.CreatedBy, instant{&m.CreatedAt})
	return m, err
}

func (q *queries) AddMilestone(ctx context.Context, m *model.Milestone) error {
	if m.ID == "" {
		m.ID = newID()
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now()
	}
	m.CreatedAt = instantOf(m.CreatedAt)
	_, err := q.wr.exec(ctx, `INSERT INTO milestones (`+milestoneColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.PledgeID, m.Kind, m.Date, m.Note, m.CreatedBy, m.CreatedAt)
	return dbErr(err, "add milestone to pledge %s", m.PledgeID)
}

func (q *queries) Milestones(ctx context.Context, pledgeID string) ([]model.Milestone, error) {
	ms, err := queryAll(ctx, q.rd, scanMilestone, `SELECT `+milestoneColumns+` FROM milestones WHERE pledge_id = ? ORDER BY day, id`, pledgeID)
	return ms, dbErr(err, "milestones of pledge %s", pledgeID)
}

const receiptColumns = `id, pledge_id, outcome, note, user_id, org_id, at, requirement_id, validated_at, first_pledge_at`

func scanReceipt(s scanner) (model.Receipt, error) {
	var r model.Receipt
	var req *string
	err := s.Scan(&r.ID, &r.PledgeID, &r.Outcome, &r.Note, &r.UserID, &r.OrgID, instant{&r.At}, &req,
		nullInstant{&r.ValidatedAt}, nullInstant{&r.FirstPledgeAt})
	if req != nil {
		r.RequirementID = *req
	}
	return r, err
}

func (q *queries) AddReceipt(ctx context.Context, r *model.Receipt) error {
	if r.ID == "" {
		r.ID = newID()
	}
	if r.At.IsZero() {
		r.At = time.Now()
	}
	r.At = instantOf(r.At)
	for _, t := range []**time.Time{&r.ValidatedAt, &r.FirstPledgeAt} {
		if *t != nil {
			v := instantOf(**t)
			*t = &v
		}
	}
	_, err := q.wr.exec(ctx, `INSERT INTO receipts (`+receiptColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.PledgeID, r.Outcome, r.Note, r.UserID, r.OrgID, r.At, nullIfEmpty(r.RequirementID), r.ValidatedAt, r.FirstPledgeAt)
	return dbErr(err, "add receipt to pledge %s", r.PledgeID)
}

func (q *queries) Receipts(ctx context.Context, pledgeID string) ([]model.Receipt, error) {
	var conds []string
	var args []any
	if pledgeID != "" {
		conds, args = append(conds, "pledge_id = ?"), append(args, pledgeID)
	}
	rs, err := queryAll(ctx, q.rd, scanReceipt, `SELECT `+receiptColumns+` FROM receipts`+where(conds)+` ORDER BY at, id`, args...)
	return rs, dbErr(err, "receipts")
}

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
		l.ID = newID()
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
		return q.replaceGrants(ctx, grantLesson, l.ID, nil, l.NamedUserIDs)
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
