package store

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
)

func (q *queries) CreateRotation(ctx context.Context, r *model.Rotation) error {
	if r.ID == "" {
		r.ID = NewID()
	}
	created := r.CreatedAt
	stampCreate(&r.CreatedAt, &created)
	_, err := q.wr.exec(ctx, `INSERT INTO rotations (id, starts, ends, front_office_org_id, back_office_org_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		r.ID, r.Starts, r.Ends, r.FrontOfficeOrgID, r.BackOfficeOrgID, r.CreatedAt)
	return dbErr(err, "create rotation")
}

const rotationColumns = `id, starts, ends, front_office_org_id, back_office_org_id, created_at`

func scanRotation(s scanner) (model.Rotation, error) {
	var r model.Rotation
	err := s.Scan(&r.ID, &r.Starts, &r.Ends, &r.FrontOfficeOrgID, &r.BackOfficeOrgID, instant{&r.CreatedAt})
	return r, err
}

// ListRotations returns every period in calendar order.
func (q *queries) ListRotations(ctx context.Context) ([]model.Rotation, error) {
	rs, err := queryAll(ctx, q.rd, scanRotation, `SELECT `+rotationColumns+` FROM rotations ORDER BY starts, id`)
	return rs, dbErr(err, "list rotations")
}

// LockRotations serialises writers of the rotation table inside a
// transaction, so that two processes cannot both add overlapping periods
// after each checked the other's was absent. SQLite's write transactions
// are serial already.
func (q *queries) LockRotations(ctx context.Context) error {
	if !q.inTx || q.dialect != dialectPostgres {
		return nil
	}
	_, err := q.wr.exec(ctx, `LOCK TABLE rotations IN SHARE ROW EXCLUSIVE MODE`)
	return dbErr(err, "lock rotations")
}
