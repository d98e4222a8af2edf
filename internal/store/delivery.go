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

const milestoneColumns = `id, pledge_id, kind, day, note, created_by, created_at`

func scanMilestone(s scanner) (model.Milestone, error) {
	var m model.Milestone
	err := s.Scan(&m.ID, &m.PledgeID, &m.Kind, &m.Date, &m.Note, &m.CreatedBy, instant{&m.CreatedAt})
	return m, err
}

func (q *queries) AddMilestone(ctx context.Context, m *model.Milestone) error {
	if m.ID == "" {
		m.ID = NewID()
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
		r.ID = NewID()
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
