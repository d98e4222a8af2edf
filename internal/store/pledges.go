package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/cyberaid/cyberaid/internal/model"
)

const pledgeInsertColumns = `id, donor_org_id, requirement_id, amount_minor, currency, eur_minor, rate, rate_date, pledge_date, kind,
	description, channel, status, review, review_comment, tlp, created_by, created_at, updated_at,
	beneficiary_org_id, sector, category, period_start, period_end, iati_identifier, rate_provisional, no_eur_value,
	funder_org_id, suspended_on, suspend_reason, disbursed_eur_minor`

const pledgeColumns = `id, donor_org_id, COALESCE(requirement_id, ''), amount_minor, currency, eur_minor, rate, rate_date, pledge_date, kind,
	description, channel, status, review, review_comment, tlp, COALESCE(created_by, ''), created_at, updated_at,
	COALESCE(beneficiary_org_id, ''), sector, category, period_start, period_end, COALESCE(iati_identifier, ''), rate_provisional, no_eur_value,
	COALESCE(funder_org_id, ''), suspended_on, suspend_reason, disbursed_eur_minor`

// pledgeRead reads the instants of a pledge as text on SQLite: exports
// read them a million times.
var pledgeRead = instantsAsText(pledgeColumns, "created_at", "updated_at")

func (q *queries) pledgeColumns() string { return pledgeRead.of(q) }

// pledgeRow is where a pledge row is scanned. The destinations are
// pointers passed through an interface, so a pledge scanned into a local
// variable moved to the heap, with its codes and the list of destinations:
// about 1.2 kB for every row, a gigabyte for a reading of every pledge at a
// million. The rows are pooled and their destinations bound once.
type pledgeRow struct {
	p model.Pledge
	// Codes are read as plain strings: the drivers set a named string type
	// through reflection, which cost a quarter of reading a row.
	kind, channel, status, review, tlp, sector, category string
	dest                                                 []any
}

var pledgeRows = sync.Pool{New: func() any {
	r := &pledgeRow{}
	p := &r.p
	r.dest = []any{&p.ID, &p.DonorOrgID, &p.RequirementID, &p.AmountMinor, &p.Currency, &p.EURMinor, &p.Rate, day{&p.RateDate}, day{&p.PledgeDate}, &r.kind,
		&p.Description, &r.channel, &r.status, &r.review, &p.ReviewComment, &r.tlp, &p.CreatedBy, instant{&p.CreatedAt}, instant{&p.UpdatedAt},
		&p.BeneficiaryOrgID, &r.sector, &r.category, day{&p.PeriodStart}, day{&p.PeriodEnd}, &p.IATIIdentifier, &p.RateProvisional, &p.NoEURValue,
		&p.FunderOrgID, day{&p.SuspendedOn}, &p.SuspendReason, &p.DisbursedEURMinor}
	return r
}}

func scanPledge(s scanner) (model.Pledge, error) {
	r := pledgeRows.Get().(*pledgeRow)
	defer pledgeRows.Put(r)
	r.p = model.Pledge{}
	if err := s.Scan(r.dest...); err != nil {
		// What a failed row left in r is not a pledge.
		return model.Pledge{}, err
	}
	p := r.p
	p.Kind, p.Channel, p.Status, p.Review = model.PledgeKind(r.kind), model.Channel(r.channel), model.PledgeStatus(r.status), model.Review(r.review)
	if !p.SuspendedOn.IsZero() {
		// The status column keeps the status a suspended pledge resumes to.
		p.SuspendedFrom, p.Status = p.Status, model.PledgeSuspended
	}
	p.TLP, p.Sector, p.Category = model.TLP(r.tlp), model.Sector(r.sector), model.Category(r.category)
	return p, nil
}

func (q *queries) CreatePledge(ctx context.Context, p *model.Pledge) error {
	ps := []model.Pledge{*p}
	if err := q.CreatePledges(ctx, ps); err != nil {
		return err
	}
	*p = ps[0]
	return nil
}

// storedStatus is what the status column holds for p: a suspended pledge
// keeps there the status it resumes to, and its suspension beside it.
func storedStatus(p *model.Pledge) (model.PledgeStatus, model.Date) {
	if p.Status == model.PledgeSuspended {
		return p.SuspendedFrom, p.SuspendedOn
	}
	return p.Status, model.Date{}
}

// pledgeChunk is how many pledges one INSERT writes: 31 columns each, well
// within both backends' limits on parameters.
const pledgeChunk = 200

// CreatePledges inserts new pledges, many per statement, filling their ids
// and times in ps.
func (q *queries) CreatePledges(ctx context.Context, ps []model.Pledge) error {
	for i := range ps {
		p := &ps[i]
		if p.ID == "" {
			p.ID = NewID()
		}
		stampCreate(&p.CreatedAt, &p.UpdatedAt)
		p.SharedOrgIDs, p.NamedUserIDs = canonicalIDs(p.SharedOrgIDs), canonicalIDs(p.NamedUserIDs)
	}
	err := q.atomic(ctx, func(q *queries) error {
		if err := q.insertPledges(ctx, ps); err != nil {
			return err
		}
		// A new pledge has no grants to replace.
		return q.insertGrantsOf(ctx, grantPledge, len(ps), func(i int) (string, []string, []string) {
			return ps[i].ID, ps[i].SharedOrgIDs, ps[i].NamedUserIDs
		})
	})
	if len(ps) == 1 {
		return dbErr(err, "create pledge")
	}
	return dbErr(err, "create %d pledges", len(ps))
}

// insertPledges writes ps and adds them to the totals. One pledge is
// added by its trigger; more are added by one statement, while the
// trigger stands aside for them.
func (q *queries) insertPledges(ctx context.Context, ps []model.Pledge) error {
	if len(ps) < 2 {
		return q.insertPledgeRows(ctx, ps)
	}
	if err := q.pledgeSumsByStatement(ctx, true); err != nil {
		return err
	}
	err := q.insertPledgeRows(ctx, ps)
	if err == nil {
		err = q.addPledgeSums(ctx, ps)
	}
	// Even after a failure on SQLite: a caller may go on in this
	// transaction, and a pledge it writes must find its trigger. On
	// PostgreSQL a failure ends the transaction, and a caller that goes on
	// rolls back to a savepoint, which undoes the setting too.
	if err == nil || q.dialect != dialectPostgres {
		err = errors.Join(err, q.pledgeSumsByStatement(ctx, false))
	}
	return err
}

// insertPledgeRows writes ps, many per statement.
func (q *queries) insertPledgeRows(ctx context.Context, ps []model.Pledge) error {
	for rest := ps; len(rest) > 0; {
		chunk := rest[:min(len(rest), pledgeChunk)]
		args := make([]any, 0, 31*len(chunk))
		for _, p := range chunk {
			status, suspendedOn := storedStatus(&p)
			args = append(args, p.ID, p.DonorOrgID, nullIfEmpty(p.RequirementID), p.AmountMinor, p.Currency, p.EURMinor, p.Rate, p.RateDate, p.PledgeDate, p.Kind,
				p.Description, p.Channel, status, p.Review, p.ReviewComment, p.TLP, nullIfEmpty(p.CreatedBy), p.CreatedAt, p.UpdatedAt,
				nullIfEmpty(p.BeneficiaryOrgID), p.Sector, p.Category, p.PeriodStart, p.PeriodEnd, nullIfEmpty(p.IATIIdentifier), p.RateProvisional, p.NoEURValue,
				nullIfEmpty(p.FunderOrgID), suspendedOn, p.SuspendReason, p.DisbursedEURMinor)
		}
		if _, err := q.wr.exec(ctx, `INSERT INTO pledges (`+pledgeInsertColumns+`) VALUES `+valueRows(len(chunk), 31), args...); err != nil {
			return err
		}
		rest = rest[len(chunk):]
	}
	return nil
}

// pledgeSumsByStatement tells the pledges' insert trigger to leave their
// totals to addPledgeSums, or to add them again, for the rest of this
// transaction alone (migration 00045). A pledge's trigger adds its ten
// rows of pledge_sums as a statement of its own, run for each pledge;
// pledges written together are added by one statement.
func (q *queries) pledgeSumsByStatement(ctx context.Context, on bool) error {
	var err error
	switch {
	case q.dialect == dialectPostgres:
		setting := "off"
		if on {
			setting = "on"
		}
		_, err = q.wr.exec(ctx, `SELECT set_config('cyberaid.pledge_sums_by_statement', ?, true)`, setting)
	case on:
		_, err = q.wr.exec(ctx, `INSERT INTO pledge_sums_by_statement (one) VALUES (1)`)
	default:
		_, err = q.wr.exec(ctx, `DELETE FROM pledge_sums_by_statement`)
	}
	return err
}

// sumChunk is how many pledges one statement of addPledgeSums adds: on
// PostgreSQL, the more, the more classes they share; within both
// backends' limits on parameters.
const sumChunk = 8192

// addPledgeSums adds ps, just written, to pledge_sums, as their insert
// trigger would have one by one.
func (q *queries) addPledgeSums(ctx context.Context, ps []model.Pledge) error {
	if q.dialect == dialectPostgres {
		// Before the totals' rows, as their triggers take it.
		if _, err := q.wr.exec(ctx, `SELECT pg_advisory_xact_lock(?, 'audit_events'::regclass::oid::integer)`, auditLockClass); err != nil {
			return err
		}
	}
	// PostgreSQL refuses a statement that changes a row twice: the rows
	// are summed by class first. SQLite applies each row of an upsert in
	// turn, and sorting them by class cost it more than the upserts it
	// saved (100,000 generated pledges in 27 to 31 s rather than 33 to 37).
	figures, byClass := `n, eur, committed, delivered, disbursed, unvalued, records`, ``
	if q.dialect == dialectPostgres {
		figures = `sum(n), sum(eur), sum(committed), sum(delivered), sum(disbursed), sum(unvalued), sum(records)`
		byClass = `GROUP BY dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated`
	}
	for rest := ps; len(rest) > 0; {
		chunk := rest[:min(len(rest), sumChunk)]
		// A statement is prepared and kept per text: the ids are padded
		// to a power of two with the first one again (IN is a set), so
		// that batches of every size share a few texts.
		size := 2
		for size < len(chunk) {
			size *= 2
		}
		ids := make([]any, size)
		for i := range ids {
			ids[i] = chunk[0].ID
		}
		for i := range chunk {
			ids[i] = chunk[i].ID
		}
		_, err := q.wr.exec(ctx, `INSERT INTO pledge_sums (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, n, eur, committed, delivered, disbursed, unvalued, records)
			SELECT dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated, `+figures+`
			FROM pledge_sum_rows WHERE pledge_id IN (`+placeholders(len(ids))+`) `+byClass+`
			ON CONFLICT (dim, key, channel, tlp, donor_org_id, beneficiary_org_id, req_tlp, req_validated) DO UPDATE SET n = pledge_sums.n + excluded.n, eur = pledge_sums.eur + excluded.eur,
				committed = pledge_sums.committed + excluded.committed, delivered = pledge_sums.delivered + excluded.delivered, disbursed = pledge_sums.disbursed + excluded.disbursed,
				unvalued = pledge_sums.unvalued + excluded.unvalued, records = pledge_sums.records + excluded.records`, ids...)
		if err != nil {
			return err
		}
		rest = rest[len(chunk):]
	}
	return nil
}

// UpdatePledge writes every field but the id and the creation.
func (q *queries) UpdatePledge(ctx context.Context, p *model.Pledge) error {
	stampUpdate(&p.UpdatedAt)
	p.SharedOrgIDs, p.NamedUserIDs = canonicalIDs(p.SharedOrgIDs), canonicalIDs(p.NamedUserIDs)
	status, suspendedOn := storedStatus(p)
	err := q.atomic(ctx, func(q *queries) error {
		err := q.wr.execOne(ctx, `UPDATE pledges SET donor_org_id = ?, requirement_id = ?, amount_minor = ?, currency = ?, eur_minor = ?, rate = ?,
			rate_date = ?, pledge_date = ?, kind = ?, description = ?, channel = ?, status = ?, review = ?, review_comment = ?, tlp = ?,
			updated_at = ?, beneficiary_org_id = ?, sector = ?, category = ?, period_start = ?, period_end = ?, iati_identifier = ?,
			rate_provisional = ?, no_eur_value = ?, funder_org_id = ?, suspended_on = ?, suspend_reason = ?, disbursed_eur_minor = ? WHERE id = ?`,
			p.DonorOrgID, nullIfEmpty(p.RequirementID), p.AmountMinor, p.Currency, p.EURMinor, p.Rate,
			p.RateDate, p.PledgeDate, p.Kind, p.Description, p.Channel, status, p.Review, p.ReviewComment, p.TLP,
			p.UpdatedAt, nullIfEmpty(p.BeneficiaryOrgID), p.Sector, p.Category, p.PeriodStart, p.PeriodEnd, nullIfEmpty(p.IATIIdentifier),
			p.RateProvisional, p.NoEURValue, nullIfEmpty(p.FunderOrgID), suspendedOn, p.SuspendReason, p.DisbursedEURMinor, p.ID)
		if err != nil {
			return err
		}
		return q.replaceGrants(ctx, grantPledge, p.ID, p.SharedOrgIDs, p.NamedUserIDs)
	})
	return dbErr(err, "update pledge %s", p.ID)
}

func (q *queries) PledgeByID(ctx context.Context, id string) (model.Pledge, error) {
	p, err := scanPledge(q.rd.row(ctx, `SELECT `+q.pledgeColumns()+` FROM pledges WHERE id = ?`+q.forUpdate(), id))
	if err != nil {
		return model.Pledge{}, dbErr(err, "pledge %s", id)
	}
	ps := []model.Pledge{p}
	if err := q.loadPledgeGrants(ctx, ps); err != nil {
		return model.Pledge{}, dbErr(err, "pledge %s", id)
	}
	return ps[0], nil
}

func (q *queries) ListPledges(ctx context.Context, f model.PledgeFilter, after string, limit int) ([]model.Pledge, error) {
	ps, err := q.listPledgeRows(ctx, f, after, limit)
	if err == nil {
		err = q.loadPledgeGrants(ctx, ps)
	}
	if err != nil {
		return nil, dbErr(err, "list pledges")
	}
	return ps, nil
}

// listPledgeRows is ListPledges without the access lists.
func (q *queries) listPledgeRows(ctx context.Context, f model.PledgeFilter, after string, limit int) ([]model.Pledge, error) {
	conds, args := pledgeConds(f)
	if after != "" {
		conds, args = append(conds, "id < ?"), append(args, after)
	}
	lim, args := limitClause(limit, args)
	return queryAll(ctx, q.rd, scanPledge, `SELECT `+q.pledgeColumns()+` FROM pledges`+where(conds)+` ORDER BY id DESC`+lim, args...)
}

// pledgeConds turns the list filters into conditions. Each filtered column
// has an index on (column, id), so a filtered list still walks its rows in
// id order instead of sorting every match for each page.
func pledgeConds(f model.PledgeFilter) ([]string, []any) {
	var conds []string
	var args []any
	add := func(cond string, arg any) {
		conds, args = append(conds, cond), append(args, arg)
	}
	if f.RequirementID != "" {
		add("requirement_id = ?", f.RequirementID)
	}
	if f.DonorOrgID != "" {
		add("donor_org_id = ?", f.DonorOrgID)
	}
	if f.Beneficiary != "" {
		add("beneficiary_org_id = ?", f.Beneficiary)
	}
	if f.FunderOrgID != "" {
		add("funder_org_id = ?", f.FunderOrgID)
	}
	switch {
	case f.Status == model.PledgeSuspended:
		conds = append(conds, "suspended_on IS NOT NULL")
	case f.Status != "":
		add("status = ? AND suspended_on IS NULL", f.Status)
	}
	if f.Channel != "" {
		add("channel = ?", f.Channel)
	}
	return conds, args
}

var pledgeTable = table[model.Pledge]{
	name:    "pledges",
	columns: (*queries).pledgeColumns,
	scan:    scanPledge,
	id:      func(p *model.Pledge) string { return p.ID },
	grant:   grantPledge,
	set: func(p *model.Pledge, g grants) {
		p.SharedOrgIDs, p.NamedUserIDs = g.orgIDs, g.userIDs
	},
}

// EachPledge calls fn for every pledge matching f, newest first, with its
// access lists; it stops at the first error fn returns.
func (q *queries) EachPledge(ctx context.Context, f model.PledgeFilter, fn func(model.Pledge) error) error {
	conds, args := pledgeConds(f)
	return each(ctx, q, pledgeTable, conds, args, fn)
}

func (q *queries) PledgesForRequirements(ctx context.Context, requirementIDs []string) ([]model.Pledge, error) {
	// The pledges are counted first and read into one slice of that size:
	// a large slice grown a row at a time is copied again and again (each
	// time a quarter larger), and the deconfliction reading reads a million
	// pledges of 568 bytes, batch by batch. The count reads the index only.
	ids := canonicalIDs(requirementIDs)
	n := 0
	if len(ids) > 1 {
		err := q.inChunks(ids, func(in string, args []any) error {
			var c int
			err := q.rd.row(ctx, `SELECT count(*) FROM pledges WHERE requirement_id IN (`+in+`)`, args...).Scan(&c)
			n += c
			return err
		})
		if err != nil {
			return nil, dbErr(err, "pledges of requirements")
		}
	}
	ps := make([]model.Pledge, 0, n)
	err := q.inChunks(ids, func(in string, args []any) error {
		var err error
		ps, err = queryAppend(ctx, q.rd, scanPledge, ps, `SELECT `+q.pledgeColumns()+` FROM pledges WHERE requirement_id IN (`+in+`)`, args...)
		return err
	})
	if err == nil {
		// Grouped by requirement, so that a reader of many requirements
		// hands each its pledges as a part of this slice rather than
		// copying them into a slice of its own.
		slices.SortFunc(ps, func(a, b model.Pledge) int {
			if c := strings.Compare(a.RequirementID, b.RequirementID); c != 0 {
				return c
			}
			return strings.Compare(b.ID, a.ID)
		})
		err = q.loadPledgeGrants(ctx, ps)
	}
	if err != nil {
		return nil, dbErr(err, "pledges of requirements")
	}
	return ps, nil
}

// PledgeClasses reads what decides who sees a requirement's pledges and
// what they cover, kept per requirement by the triggers of migration 00035
// (pledge_classes). A new pledge's transaction needs no more, and reading
// every pledge on the requirement whole, as PledgesForRequirements does,
// was half of the time it held SQLite's only writer connection, growing
// with the pledges; grouping them in the query still read each one.
func (q *queries) PledgeClasses(ctx context.Context, requirementID string) ([]model.Pledge, error) {
	return q.PledgeClassesOf(ctx, []string{requirementID})
}

// PledgeClassesOf is PledgeClasses of several requirements at once, for a
// page of them.
func (q *queries) PledgeClassesOf(ctx context.Context, requirementIDs []string) ([]model.Pledge, error) {
	// A page reads about 1,800 classes. A pledge is a large value: the rows
	// are read small and copied into a slice of their exact length once,
	// where appending pledges copied each one several times as it grew.
	// They come ordered by requirement, so that the requirements service
	// can hand each requirement its classes without copying them again.
	type class struct {
		requirementID, donorOrgID, tlp, channel, status, own string
		suspended                                            int
		eur                                                  int64
	}
	var classes []class
	grantees := 0
	err := q.inChunks(canonicalIDs(requirementIDs), func(in string, args []any) error {
		rows, err := q.rd.query(ctx, `SELECT requirement_id, donor_org_id, tlp, channel, status, suspended, eur, own FROM pledge_classes WHERE requirement_id IN (`+in+`) AND n > 0 ORDER BY requirement_id`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c class
			if err := rows.Scan(&c.requirementID, &c.donorOrgID, &c.tlp, &c.channel, &c.status, &c.suspended, &c.eur, &c.own); err != nil {
				return err
			}
			if c.own != "" {
				grantees++
			}
			classes = append(classes, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, dbErr(err, "pledges of requirements")
	}
	ps := make([]model.Pledge, len(classes))
	withGrants := make([]int, 0, grantees)
	for i, c := range classes {
		p := &ps[i]
		p.ID, p.RequirementID, p.DonorOrgID, p.EURMinor = c.own, c.requirementID, c.donorOrgID, c.eur
		p.TLP, p.Channel, p.Status = model.TLP(c.tlp), model.Channel(c.channel), model.PledgeStatus(c.status)
		if c.suspended == 1 {
			p.SuspendedFrom, p.Status = p.Status, model.PledgeSuspended
		}
		if p.ID != "" {
			withGrants = append(withGrants, i)
		}
	}
	if len(withGrants) > 0 {
		granted := make([]model.Pledge, len(withGrants))
		for j, i := range withGrants {
			granted[j] = ps[i]
		}
		if err := q.loadPledgeGrants(ctx, granted); err != nil {
			return nil, dbErr(err, "pledges of requirements")
		}
		for j, i := range withGrants {
			ps[i] = granted[j]
		}
	}
	return ps, nil
}

// EngagedDonors reads pledge_classes, one row per class, rather than every
// pledge: a page of pledges on 200 requirements decides who sees them from
// a few hundred rows, not the thousands of pledges on those requirements.
func (q *queries) EngagedDonors(ctx context.Context, requirementIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	err := q.inChunks(canonicalIDs(requirementIDs), func(in string, args []any) error {
		rows, err := q.rd.query(ctx, `SELECT DISTINCT requirement_id, donor_org_id FROM pledge_classes WHERE requirement_id IN (`+in+`) AND n > 0 ORDER BY requirement_id, donor_org_id`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var req, donor string
			if err := rows.Scan(&req, &donor); err != nil {
				return err
			}
			out[req] = append(out[req], donor)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, dbErr(err, "organisations engaged on requirements")
	}
	return out, nil
}

// PledgeByIATIIdentifier finds the report a donor imported from a published
// activity, so that importing it again updates rather than duplicates it.
func (q *queries) PledgeByIATIIdentifier(ctx context.Context, donorOrgID, identifier string) (model.Pledge, error) {
	p, err := scanPledge(q.rd.row(ctx, `SELECT `+q.pledgeColumns()+` FROM pledges WHERE donor_org_id = ? AND iati_identifier = ?`+q.forUpdate(), donorOrgID, identifier))
	if err != nil {
		return model.Pledge{}, dbErr(err, "pledge imported as %s", identifier)
	}
	ps := []model.Pledge{p}
	if err := q.loadPledgeGrants(ctx, ps); err != nil {
		return model.Pledge{}, dbErr(err, "pledge imported as %s", identifier)
	}
	return ps[0], nil
}

// PledgesByIATIIdentifiers returns the reports imported from any of the
// given activities, whoever their donor, with their access lists.
func (q *queries) PledgesByIATIIdentifiers(ctx context.Context, identifiers []string) ([]model.Pledge, error) {
	var ps []model.Pledge
	err := q.inChunks(canonicalIDs(identifiers), func(in string, args []any) error {
		chunk, err := queryAll(ctx, q.rd, scanPledge, `SELECT `+q.pledgeColumns()+` FROM pledges WHERE iati_identifier IN (`+in+`)`+q.forUpdate(), args...)
		ps = append(ps, chunk...)
		return err
	})
	if err == nil {
		err = q.loadPledgeGrants(ctx, ps)
	}
	if err != nil {
		return nil, dbErr(err, "pledges imported from %d activities", len(identifiers))
	}
	return ps, nil
}
