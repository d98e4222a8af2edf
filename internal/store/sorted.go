package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// SortedPages read the requirements and pledges a viewer may see, one page
// at a time in any order of model.RequirementSorts and model.PledgeSorts,
// and count them, with the policy's decision (policy.AudienceOf) applied in
// the database. A cursor naming no row the viewer sees under the filters is
// refused with model.ErrInvalid on field "cursor".
type SortedPages interface {
	PageRequirements(ctx context.Context, f model.RequirementFilter, a policy.Audience, s model.Sort, after string, limit int) ([]model.Requirement, error)
	// PageRequirementIDs is PageRequirements' ids alone, in the page's
	// order, for a reader that keeps the records themselves.
	PageRequirementIDs(ctx context.Context, f model.RequirementFilter, a policy.Audience, s model.Sort, after string, limit int) ([]string, error)
	CountRequirements(ctx context.Context, f model.RequirementFilter, a policy.Audience) (int, error)
	// SeenRequirementIDs returns those of ids naming a requirement a sees.
	SeenRequirementIDs(ctx context.Context, a policy.Audience, ids []string) ([]string, error)
	// RequirementsWithin returns up to limit requirements a sees, newest
	// first, of ids below below ("": no bound) and from from on ("": no
	// bound): a range kept by a reader, whose bounds need not be seen.
	RequirementsWithin(ctx context.Context, a policy.Audience, below, from string, limit int) ([]model.Requirement, error)
	// RequirementBounds returns every every-th id, newest first, of every
	// requirement below below and from from on, but the oldest: bounds that
	// cut the span into ranges of every requirements, the last of one to
	// every, which a reader computes at once. No audience applies: a bound
	// is never shown.
	RequirementBounds(ctx context.Context, below, from string, every int) ([]string, error)
	PagePledges(ctx context.Context, f model.PledgeFilter, a policy.Audience, s model.Sort, after string, limit int) ([]model.Pledge, error)
	CountPledges(ctx context.Context, f model.PledgeFilter, a policy.Audience) (int, error)
	PageOffers(ctx context.Context, f model.OfferFilter, a policy.Audience, s model.Sort, after string, limit int) ([]model.Offer, error)
	CountOffers(ctx context.Context, f model.OfferFilter, a policy.Audience) (int, error)
	// SeenOfferIDs returns those of ids naming an offer a sees.
	SeenOfferIDs(ctx context.Context, a policy.Audience, ids []string) ([]string, error)
}

// sortColumn is the SQL a list sorts on for one field of model.*Sorts.
// Migration 00017 indexes (expression, id) for each, with PostgreSQL's
// text in byte order ("C") as SQLite compares it.
type sortColumn struct {
	expr string
	text bool
	// pg replaces expr on PostgreSQL, whose dates are not text: a missing
	// date sorts first on both.
	pg string
}

var requirementSortColumns = map[string]sortColumn{
	"created":   {expr: "id"},
	"ref":       {expr: "COALESCE(ref, '')", text: true},
	"title":     {expr: "title", text: true},
	"sector":    {expr: "sector", text: true},
	"priority":  {expr: "CASE priority WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END"},
	"estimated": {expr: "estimated_eur_minor"},
	"needed_by": {expr: "COALESCE(needed_by, '')", text: true, pg: "COALESCE(needed_by, DATE '0001-01-01')"},
	"status":    {expr: "status", text: true},
	"tlp":       {expr: tlpRank},
}

var pledgeSortColumns = map[string]sortColumn{
	"created": {expr: "id"},
	"date":    {expr: "COALESCE(pledge_date, '')", text: true, pg: "COALESCE(pledge_date, DATE '0001-01-01')"},
	"eur":     {expr: "eur_minor"},
	"status":  {expr: "status", text: true},
	"channel": {expr: "channel", text: true},
	"tlp":     {expr: tlpRank},
}

var offerSortColumns = map[string]sortColumn{
	"created":     {expr: "id"},
	"title":       {expr: "title", text: true},
	"kind":        {expr: "kind", text: true},
	"eur":         {expr: "eur_minor"},
	"valid_until": {expr: "valid_until"},
	"status":      {expr: "status", text: true},
	"tlp":         {expr: tlpRank},
}

// tlpRank orders labels from the widest audience to the narrowest.
const tlpRank = "CASE tlp WHEN 'clear' THEN 0 WHEN 'green' THEN 1 WHEN 'amber' THEN 2 WHEN 'amber+strict' THEN 3 ELSE 4 END"

// sorted is one page query: rows of table under conds, in the order of a
// sort column, after the row whose id is after.
type sorted struct {
	table string
	col   sortColumn
	desc  bool
}

func (q *queries) sortedBy(table string, cols map[string]sortColumn, s model.Sort) sorted {
	col, ok := cols[s.Field]
	if !ok {
		// The list's own order: newest first.
		return sorted{table: table, col: cols["created"], desc: true}
	}
	return sorted{table: table, col: col, desc: s.Desc}
}

func (q *queries) sortExpr(c sortColumn, table string) string {
	e := c.expr
	if c.pg != "" && q.dialect == dialectPostgres {
		return c.pg
	}
	if c.text && q.dialect == dialectPostgres {
		e = "(" + e + `) COLLATE "C"`
	}
	return e
}

// page returns the SELECT of up to limit rows after the row named after.
func (q *queries) page(s sorted, cols string, conds []string, args []any, after string, limit int) (string, []any) {
	expr := q.sortExpr(s.col, s.table)
	cmp, dir := ">", ""
	if s.desc {
		cmp, dir = "<", " DESC"
	}
	conds, args = conds[:len(conds):len(conds)], args[:len(args):len(args)]
	if after != "" {
		if s.col.expr == "id" {
			conds, args = append(conds, "id "+cmp+" ?"), append(args, after)
		} else {
			conds = append(conds, "("+expr+", id) "+cmp+" (SELECT "+expr+", id FROM "+s.table+" WHERE id = ?)")
			args = append(args, after)
		}
	}
	order := " ORDER BY " + expr + dir
	if s.col.expr != "id" {
		order += ", id" + dir
	}
	lim, args := limitClause(limit, args)
	return "SELECT " + cols + " FROM " + s.table + where(conds) + order + lim, args
}

// pageByArms is page in id order for a viewer's audience split into arms
// (visibleArms): each arm's rows under conds and under tail (visibleTail
// of the row under the name given), merged in the page's order up to the
// page's end, then read whole.
//
// SQLite merges the arms' index walks as they are written, and the tail is
// written once, over the merged rows x (whose columns are xcols): it is
// most of the query's text, which SQLite compiles anew for every query,
// and the limit of -1 keeps SQLite from copying it into every arm.
// PostgreSQL merges index scans only under a limit of their own: without
// one it reads every arm whole and sorts it. There each arm holds the tail
// and the page's limit, which must be positive; PostgreSQL's prepared
// statements spare it compiling the longer text again.
func (q *queries) pageByArms(s sorted, cols, xcols string, conds []string, args []any, arms []arm, tail func(t string) (string, []any), after string, limit int) (string, []any) {
	cmp, dir := ">", ""
	if s.desc {
		cmp, dir = "<", " DESC"
	}
	conds, args = conds[:len(conds):len(conds)], args[:len(args):len(args)]
	if after != "" {
		conds, args = append(conds, "id "+cmp+" ?"), append(args, after)
	}
	parts := make([]string, len(arms))
	var all []any
	var merged string
	if q.dialect == dialectSQLite {
		for i, a := range arms {
			parts[i] = "SELECT " + xcols + " FROM " + s.table + where(append(conds[:len(conds):len(conds)], a.cond))
			all = slices.Concat(all, args, a.args)
		}
		merged = "SELECT x.id FROM (" + strings.Join(parts, " UNION ALL ") + " ORDER BY id" + dir + " LIMIT -1) x"
		if t, targs := tail("x"); t != "" {
			merged += " WHERE " + strings.TrimPrefix(t, " AND ")
			all = append(all, targs...)
		}
		merged += " ORDER BY x.id" + dir
	} else {
		t, targs := tail(s.table)
		for i, a := range arms {
			parts[i] = "(SELECT id FROM " + s.table + where(append(conds[:len(conds):len(conds)], a.cond)) + t + " ORDER BY id" + dir + " LIMIT ?)"
			all = slices.Concat(all, args, a.args, targs, []any{limit})
		}
		merged = "SELECT u.id FROM (" + strings.Join(parts, " UNION ALL ") + ") u ORDER BY u.id" + dir
	}
	lim, all := limitClause(limit, all)
	return "SELECT " + cols + " FROM " + s.table + " WHERE id IN (" + merged + lim + ") ORDER BY id" + dir, all
}

// relationsOf tells what visibleArms plans a's arms of the shape s by,
// in one read: whether a's organisation is the beneficiary of some row,
// and whether its organisation and its user hold more grants of the kind
// than a page of limit rows.
func (q *queries) relationsOf(ctx context.Context, s shape, a policy.Audience, limit int) (relations, error) {
	var has relations
	ben, args := "1 = 0", []any{}
	if s.beneficiaryOf != "" && a.OrgID != "" {
		ben = s.beneficiaryOf
		for range strings.Count(ben, "?") {
			args = append(args, a.OrgID)
		}
	}
	many := func(holder string) string {
		return "(SELECT count(*) FROM (SELECT 1 FROM access_grants WHERE " + holder + " = ? AND object_type = ? ORDER BY " + holder + ", object_type, object_id LIMIT ?) g) > ?"
	}
	args = append(args, a.OrgID, s.grant, limit+1, limit, a.UserID, s.grant, limit+1, limit)
	err := q.rd.row(ctx, "SELECT "+ben+", "+many("org_id")+", "+many("user_id"), args...).Scan(&has.beneficiary, &has.manyShared, &has.manyNamed)
	return has, err
}

// cursorSeen refuses a cursor naming no row the viewer may see under the
// filters: a page of this list could not have given it, and a hidden row
// must answer as a missing one. It runs before the page is read, or a page
// after a hidden row would tell where that row sorts.
func (q *queries) cursorSeen(ctx context.Context, table string, conds []string, args []any, after string) error {
	if after == "" {
		return nil
	}
	c := append(conds[:len(conds):len(conds)], "id = ?")
	var n int
	if err := q.rd.row(ctx, "SELECT count(*) FROM "+table+where(c), append(args[:len(args):len(args)], after)...).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return model.BadCursor()
	}
	return nil
}

func (q *queries) count(ctx context.Context, table string, conds []string, args []any) (int, error) {
	var n int
	err := q.rd.row(ctx, "SELECT count(*) FROM "+table+where(conds), args...).Scan(&n)
	return n, err
}

// requirementsSeen is the filter f and the audience a as conditions.
func (q *queries) requirementsSeen(ctx context.Context, f model.RequirementFilter, a policy.Audience) ([]string, []any, error) {
	conds, args, err := q.requirementWhere(ctx, f)
	if err != nil {
		return nil, nil, err
	}
	vis, vargs := visibleSQL(a, "requirements", requirementShape("requirements"))
	return append(conds, vis), append(args, vargs...), nil
}

// PageRequirements returns up to limit requirements matching f that the
// audience a sees, in order s, after the requirement whose id is after.
func (q *queries) PageRequirements(ctx context.Context, f model.RequirementFilter, a policy.Audience, s model.Sort, after string, limit int) ([]model.Requirement, error) {
	conds, args, err := q.requirementsSeen(ctx, f, a)
	if err != nil {
		return nil, dbErr(err, "page requirements")
	}
	if err := q.cursorSeen(ctx, "requirements", conds, args, after); err != nil {
		return nil, pageErr(err, "page requirements")
	}
	query, qargs := q.page(q.sortedBy("requirements", requirementSortColumns, s), requirementColumns, conds, args, after, limit)
	rs, err := queryAll(ctx, q.rd, scanRequirement, query, qargs...)
	if err == nil {
		err = q.loadRequirementGrants(ctx, rs)
	}
	return rs, pageErr(err, "page requirements")
}

// PageRequirementIDs is PageRequirements' ids alone, in the page's order:
// for a reader that keeps the records themselves.
func (q *queries) PageRequirementIDs(ctx context.Context, f model.RequirementFilter, a policy.Audience, s model.Sort, after string, limit int) ([]string, error) {
	conds, args, err := q.requirementsSeen(ctx, f, a)
	if err != nil {
		return nil, dbErr(err, "page requirements")
	}
	if err := q.cursorSeen(ctx, "requirements", conds, args, after); err != nil {
		return nil, pageErr(err, "page requirements")
	}
	query, qargs := q.page(q.sortedBy("requirements", requirementSortColumns, s), "id", conds, args, after, limit)
	ids, err := queryAll(ctx, q.rd, scanString, query, qargs...)
	return ids, pageErr(err, "page requirements")
}

func (q *queries) RequirementsWithin(ctx context.Context, a policy.Audience, below, from string, limit int) ([]model.Requirement, error) {
	conds, args, err := q.requirementsSeen(ctx, model.RequirementFilter{}, a)
	if err != nil {
		return nil, dbErr(err, "requirements within")
	}
	if from != "" {
		conds, args = append(conds, "id >= ?"), append(args, from)
	}
	query, qargs := q.page(q.sortedBy("requirements", requirementSortColumns, model.Sort{}), requirementColumns, conds, args, below, limit)
	rs, err := queryAll(ctx, q.rd, scanRequirement, query, qargs...)
	if err == nil {
		err = q.loadRequirementGrants(ctx, rs)
	}
	return rs, dbErr(err, "requirements within")
}

func (q *queries) RequirementBounds(ctx context.Context, below, from string, every int) ([]string, error) {
	if every <= 0 {
		// A reader's fault, never a person's input.
		return nil, fmt.Errorf("requirement bounds: every %d, want at least 1", every)
	}
	conds, args := spanConds(below, from)
	// The ids are numbered off the primary key's index alone. The oldest
	// is never a bound: the span it began would hold nothing.
	ids, err := queryAll(ctx, q.rd, scanString, `SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id DESC) AS n, count(*) OVER () AS total
		FROM requirements`+where(conds)+`) AS numbered WHERE n % ? = 0 AND n < total ORDER BY id DESC`, append(args, every)...)
	return ids, dbErr(err, "requirement bounds")
}

// spanConds selects the ids below below and from from on, "" being no
// bound.
func spanConds(below, from string) (conds []string, args []any) {
	if below != "" {
		conds, args = append(conds, "id < ?"), append(args, below)
	}
	if from != "" {
		conds, args = append(conds, "id >= ?"), append(args, from)
	}
	return conds, args
}

// CountRequirements counts the requirements matching f that a sees.
func (q *queries) CountRequirements(ctx context.Context, f model.RequirementFilter, a policy.Audience) (int, error) {
	conds, args, err := q.requirementsSeen(ctx, f, a)
	if err != nil {
		return 0, dbErr(err, "count requirements")
	}
	n, err := q.count(ctx, "requirements", conds, args)
	return n, dbErr(err, "count requirements")
}

func (q *queries) SeenRequirementIDs(ctx context.Context, a policy.Audience, ids []string) ([]string, error) {
	vis, vargs := visibleSQL(a, "requirements", requirementShape("requirements"))
	seen, err := q.seenIDs(ctx, "requirements", vis, vargs, ids)
	return seen, dbErr(err, "requirements seen")
}

func (q *queries) SeenOfferIDs(ctx context.Context, a policy.Audience, ids []string) ([]string, error) {
	vis, vargs := visibleSQL(a, "offers", offerShape("offers"))
	seen, err := q.seenIDs(ctx, "offers", vis, vargs, ids)
	return seen, dbErr(err, "offers seen")
}

// seenIDs returns those of ids naming a row of table that the condition
// vis, an audience's, holds for.
func (q *queries) seenIDs(ctx context.Context, table, vis string, vargs []any, ids []string) ([]string, error) {
	var seen []string
	err := q.inChunks(canonicalIDs(ids), func(in string, args []any) error {
		chunk, err := queryAll(ctx, q.rd, func(s scanner) (string, error) {
			var id string
			return id, s.Scan(&id)
		}, "SELECT id FROM "+table+" WHERE id IN ("+in+") AND "+vis, append(args[:len(args):len(args)], vargs...)...)
		seen = append(seen, chunk...)
		return err
	})
	return seen, err
}

// pledgesSeen is the filter f and the audience a as conditions. A filter
// on a requirement or a beneficiary matches only pledges whose requirement
// a sees: others are shown to their donor without it.
// whole: the query reads every matching row (see visible).
func pledgesSeen(f model.PledgeFilter, a policy.Audience, whole bool) ([]string, []any) {
	conds, args := pledgesFiltered(f, a, whole)
	vis, vargs := visible(a, "pledges", pledgeShape("pledges"), whole)
	return append(conds, vis), append(args, vargs...)
}

// pledgesFiltered is the filter f as conditions: those of pledgesSeen but
// the audience's own.
func pledgesFiltered(f model.PledgeFilter, a policy.Audience, whole bool) ([]string, []any) {
	conds, args := pledgeConds(f)
	if (f.RequirementID != "" || f.Beneficiary != "") && !a.All {
		parent, pargs := visible(a, "par", requirementShape("par"), whole)
		conds = append(conds, "(pledges.requirement_id IS NULL OR COALESCE((SELECT ("+parent+") FROM requirements par WHERE par.id = pledges.requirement_id), 1 = 0))")
		args = append(args, pargs...)
	}
	return conds, args
}

// PagePledges returns up to limit pledges matching f that the audience a
// sees, in order s, after the pledge whose id is after.
func (q *queries) PagePledges(ctx context.Context, f model.PledgeFilter, a policy.Audience, s model.Sort, after string, limit int) ([]model.Pledge, error) {
	conds, args := pledgesSeen(f, a, false)
	if err := q.cursorSeen(ctx, "pledges", conds, args, after); err != nil {
		return nil, pageErr(err, "page pledges")
	}
	srt := q.sortedBy("pledges", pledgeSortColumns, s)
	var query string
	var qargs []any
	// A page in id order merges its viewer's arms (visibleArms); a whole
	// list, or one in another order, walks the rows and tests each.
	if srt.col.expr == "id" && limit > 0 && !a.All && !a.Nothing() {
		shape := pledgeShape("pledges")
		// Read apart from the page: a relation that gains its first rows
		// between the two reads leaves them out of this page, as a page
		// read a moment earlier would; it never shows one it should not.
		has, err := q.relationsOf(ctx, shape, a, limit)
		if err != nil {
			return nil, dbErr(err, "page pledges")
		}
		if arms, ok := visibleArms(a, "pledges", shape, has); ok {
			conds, args := pledgesFiltered(f, a, false)
			tail := func(t string) (string, []any) { return visibleTail(a, t, pledgeShape(t), false) }
			query, qargs = q.pageByArms(srt, q.pledgeColumns(), "id, donor_org_id, requirement_id, beneficiary_org_id", conds, args, arms, tail, after, limit)
		}
	}
	if query == "" {
		query, qargs = q.page(srt, q.pledgeColumns(), conds, args, after, limit)
	}
	ps, err := queryAll(ctx, q.rd, scanPledge, query, qargs...)
	if err == nil {
		err = q.loadPledgeGrants(ctx, ps)
	}
	return ps, pageErr(err, "page pledges")
}

// CountPledges counts the pledges matching f that a sees.
func (q *queries) CountPledges(ctx context.Context, f model.PledgeFilter, a policy.Audience) (int, error) {
	conds, args := pledgesSeen(f, a, true)
	n, err := q.count(ctx, "pledges", conds, args)
	return n, dbErr(err, "count pledges")
}

// offersSeen is the filter f and the audience a as conditions.
func offersSeen(f model.OfferFilter, a policy.Audience) ([]string, []any) {
	conds, args := offerConds(f)
	vis, vargs := visibleSQL(a, "offers", offerShape("offers"))
	return append(conds, vis), append(args, vargs...)
}

// PageOffers returns up to limit offers matching f that the audience a
// sees, in order s, after the offer whose id is after.
func (q *queries) PageOffers(ctx context.Context, f model.OfferFilter, a policy.Audience, s model.Sort, after string, limit int) ([]model.Offer, error) {
	conds, args := offersSeen(f, a)
	if err := q.cursorSeen(ctx, "offers", conds, args, after); err != nil {
		return nil, pageErr(err, "page offers")
	}
	query, qargs := q.page(q.sortedBy("offers", offerSortColumns, s), offerSelect, conds, args, after, limit)
	os, err := queryAll(ctx, q.rd, scanOffer, query, qargs...)
	if err == nil {
		err = q.loadOfferGrants(ctx, os)
	}
	return os, pageErr(err, "page offers")
}

// CountOffers counts the offers matching f that a sees.
func (q *queries) CountOffers(ctx context.Context, f model.OfferFilter, a policy.Audience) (int, error) {
	conds, args := offersSeen(f, a)
	n, err := q.count(ctx, "offers", conds, args)
	return n, dbErr(err, "count offers")
}
