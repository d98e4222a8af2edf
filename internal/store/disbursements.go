package store

import (
	"context"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
)

// Disbursements keeps the tranches of money paid out on pledges.
type Disbursements interface {
	AddDisbursement(ctx context.Context, d *model.Disbursement) error
	// UpdateDisbursement writes a tranche's valuation again (a rates import).
	UpdateDisbursement(ctx context.Context, d *model.Disbursement) error
	// Disbursements returns a pledge's tranches by date, then as written.
	Disbursements(ctx context.Context, pledgeID string) ([]model.Disbursement, error)
	// DisbursementsOfPledges returns the tranches of the given pledges, each
	// pledge's by date, then as written: one query for a page or an export
	// rather than one per pledge.
	DisbursementsOfPledges(ctx context.Context, pledgeIDs []string) ([]model.Disbursement, error)
	// ProvisionalDisbursements returns the tranches valued at a rate older
	// than their date.
	ProvisionalDisbursements(ctx context.Context) ([]model.Disbursement, error)
}

const disbursementInsertColumns = `id, pledge_id, amount_minor, currency, eur_minor, rate, rate_date, rate_provisional, day, note, created_by, created_at`

// disbursementColumns reads created_by as "" for a tranche an import at the
// operator's command line made.
const disbursementColumns = `id, pledge_id, amount_minor, currency, eur_minor, rate, rate_date, rate_provisional, day, note, COALESCE(created_by, ''), created_at`

func scanDisbursement(s scanner) (model.Disbursement, error) {
	var d model.Disbursement
	err := s.Scan(&d.ID, &d.PledgeID, &d.AmountMinor, &d.Currency, &d.EURMinor, &d.Rate, day{&d.RateDate}, &d.RateProvisional,
		day{&d.Date}, &d.Note, &d.CreatedBy, instant{&d.CreatedAt})
	return d, err
}

func (q *queries) AddDisbursement(ctx context.Context, d *model.Disbursement) error {
	if d.ID == "" {
		d.ID = NewID()
	}
	if d.CreatedAt.IsZero() {
		d.CreatedAt = time.Now()
	}
	d.CreatedAt = instantOf(d.CreatedAt)
	_, err := q.wr.exec(ctx, `INSERT INTO disbursements (`+disbursementInsertColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.PledgeID, d.AmountMinor, d.Currency, d.EURMinor, d.Rate, d.RateDate, d.RateProvisional, d.Date, d.Note, nullIfEmpty(d.CreatedBy), d.CreatedAt)
	return dbErr(err, "add disbursement to pledge %s", d.PledgeID)
}

func (q *queries) UpdateDisbursement(ctx context.Context, d *model.Disbursement) error {
	err := q.wr.execOne(ctx, `UPDATE disbursements SET eur_minor = ?, rate = ?, rate_date = ?, rate_provisional = ? WHERE id = ?`,
		d.EURMinor, d.Rate, d.RateDate, d.RateProvisional, d.ID)
	return dbErr(err, "update disbursement %s", d.ID)
}

func (q *queries) Disbursements(ctx context.Context, pledgeID string) ([]model.Disbursement, error) {
	ds, err := queryAll(ctx, q.rd, scanDisbursement, `SELECT `+disbursementColumns+` FROM disbursements WHERE pledge_id = ? ORDER BY day, id`, pledgeID)
	return ds, dbErr(err, "disbursements of pledge %s", pledgeID)
}

func (q *queries) DisbursementsOfPledges(ctx context.Context, pledgeIDs []string) ([]model.Disbursement, error) {
	var ds []model.Disbursement
	err := q.inChunks(canonicalIDs(pledgeIDs), func(in string, args []any) error {
		chunk, err := queryAll(ctx, q.rd, scanDisbursement, `SELECT `+disbursementColumns+` FROM disbursements WHERE pledge_id IN (`+in+`) ORDER BY pledge_id, day, id`, args...)
		ds = append(ds, chunk...)
		return err
	})
	return ds, dbErr(err, "disbursements of pledges")
}

func (q *queries) ProvisionalDisbursements(ctx context.Context) ([]model.Disbursement, error) {
	ds, err := queryAll(ctx, q.rd, scanDisbursement, `SELECT `+disbursementColumns+` FROM disbursements WHERE rate_provisional ORDER BY id`+q.forUpdate())
	return ds, dbErr(err, "provisional disbursements")
}
