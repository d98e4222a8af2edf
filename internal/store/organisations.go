package store

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
)

const organisationColumns = `id, name, kind, participation, country, created_at, updated_at, name_uk, name_fr`

func scanOrganisation(s scanner) (model.Organisation, error) {
	var o model.Organisation
	err := s.Scan(organisationFields(&o)...)
	return o, err
}

// organisationFields are where organisationColumns are scanned into.
func organisationFields(o *model.Organisation) []any {
	return []any{&o.ID, &o.Name, &o.Kind, &o.Participation, &o.Country, instant{&o.CreatedAt}, instant{&o.UpdatedAt}, &o.NameUK, &o.NameFR}
}

func (q *queries) CreateOrganisation(ctx context.Context, o *model.Organisation) error {
	if o.ID == "" {
		o.ID = NewID()
	}
	stampCreate(&o.CreatedAt, &o.UpdatedAt)
	_, err := q.wr.exec(ctx, `INSERT INTO organisations (`+organisationColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.ID, o.Name, o.Kind, o.Participation, o.Country, o.CreatedAt, o.UpdatedAt, o.NameUK, o.NameFR)
	return dbErr(err, "create organisation")
}

func (q *queries) UpdateOrganisation(ctx context.Context, o *model.Organisation) error {
	stampUpdate(&o.UpdatedAt)
	err := q.wr.execOne(ctx, `UPDATE organisations SET name = ?, kind = ?, participation = ?, country = ?, updated_at = ?, name_uk = ?, name_fr = ? WHERE id = ?`,
		o.Name, o.Kind, o.Participation, o.Country, o.UpdatedAt, o.NameUK, o.NameFR, o.ID)
	return dbErr(err, "update organisation %s", o.ID)
}

func (q *queries) OrganisationByID(ctx context.Context, id string) (model.Organisation, error) {
	o, err := scanOrganisation(q.rd.row(ctx, `SELECT `+organisationColumns+` FROM organisations WHERE id = ?`, id))
	return o, dbErr(err, "organisation %s", id)
}

func (q *queries) ListOrganisations(ctx context.Context) ([]model.Organisation, error) {
	orgs, err := queryAll(ctx, q.rd, scanOrganisation, `SELECT `+organisationColumns+` FROM organisations ORDER BY name, id`)
	return orgs, dbErr(err, "list organisations")
}

func (q *queries) CountOrganisations(ctx context.Context) (int, error) {
	var n int
	err := q.rd.row(ctx, `SELECT count(*) FROM organisations`).Scan(&n)
	return n, dbErr(err, "count organisations")
}
