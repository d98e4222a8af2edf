package store

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// The audit log's events are read under the policy's decision about the
// records they are about, as they are now and as each event left them (the
// audit package's visibility.go). AuditSight carries that decision as data
// and the functions below write it as SQL, so that a page of the log and
// its total are computed by the database instead of by deciding every event
// in Go. The state an event left is read from audit_event_states and
// audit_event_access (migration 00032), which a trigger fills from the
// event's after state in the transaction that appends it.

// The object types the store can decide, each as the log's own lookups
// describe them: a requirement (policy.RequirementResource, with the
// pledges on it, now and as the event left it; an event the pledges decide
// also tells of every mechanism pledge on it), a pledge
// (policy.PledgeResource under its requirement as it is now, now and as the
// event left it), an offer (policy.OfferResource, now and then) and a
// requirement's review (the requirement now, read as before validation).
const (
	AuditRequirement = "requirement"
	AuditPledge      = "pledge"
	AuditOffer       = "offer"
	AuditReview      = "requirement_review"
)

// AuditSight is what a reader of the log sees, as the store decides it.
type AuditSight struct {
	// Audience is policy.AudienceOf the reader.
	Audience policy.Audience
	// Decided are the object types the store decides, among AuditRequirement,
	// AuditPledge, AuditOffer and AuditReview: the caller names those it
	// describes as the store does.
	Decided []string
	// Permitted are object types whose events are read by holding a
	// permission, each with whether the reader holds it.
	Permitted map[string]bool
	// PledgeDerived are the actions on a requirement that tell of every
	// mechanism pledge on it.
	PledgeDerived []string
	// Undecided are the other object types the caller decides, event by
	// event. An event of a type in no list is shown to no one.
	Undecided []string
}

// AuditSeen reads the log under a reader's sight.
type AuditSeen interface {
	CountSeenAuditEvents(ctx context.Context, f model.AuditFilter, s AuditSight) (int, error)
	CountSeenAuditSpans(ctx context.Context, f model.AuditFilter, s AuditSight, from, to, width int64) ([]AuditSpanCount, error)
	AuditSpansAbout(ctx context.Context, records AuditRecords, s AuditSight, width int64) ([]int64, error)
	ListSeenAuditEvents(ctx context.Context, f model.AuditFilter, s AuditSight, undecidedOnly bool, seq int64, desc bool, limit int) ([]model.AuditEvent, int64, error)
}

// types is every object type the store decides, in a stable order.
func (s AuditSight) types() []string {
	out := append([]string(nil), s.Decided...)
	for t := range s.Permitted {
		out = append(out, t)
	}
	// One text per sight, so that the statement is compiled once.
	slices.Sort(out)
	return out
}

// CountSeenAuditEvents counts the events matching f, of a type the store
// decides, that the reader sees.
func (q *queries) CountSeenAuditEvents(ctx context.Context, f model.AuditFilter, s AuditSight) (int, error) {
	query, args := countSeenSQL(q.dialect, f, s)
	var n int
	err := q.rd.row(ctx, query, args...).Scan(&n)
	return n, dbErr(err, "count audit events")
}

// countSeenSQL is the statement CountSeenAuditEvents sends.
func countSeenSQL(d dialect, f model.AuditFilter, s AuditSight) (string, []any) {
	conds, args := seenConds(d, nil, nil, f, s)
	return `SELECT count(*) FROM ` + auditSeenFrom + where(conds), args
}

// seenConds are conds and "e matches f, is of a type the store decides and
// the reader sees it", with their arguments after args.
func seenConds(d dialect, conds []string, args []any, f model.AuditFilter, s AuditSight) ([]string, []any) {
	fconds, fargs := auditFilterSQL(f, "e")
	decided, dargs := inList("e.object_type", s.types())
	seen, sargs := auditSeenSQL(d, s)
	return append(append(conds, fconds...), decided, seen), slices.Concat(args, fargs, dargs, sargs)
}

// AuditSpanCount is how many events of one type in one span a reader sees.
type AuditSpanCount struct {
	Span int64
	Type string
	N    int
}

// CountSeenAuditSpans is CountSeenAuditEvents over the events from seq
// from to seq to, by span of width events (span k holds the seqs
// k*width+1 to (k+1)*width) and object type. A span that holds no such
// event of a type has no entry for it.
//
// PostgreSQL is given a few spans as the list of their seqs: for a range it
// expects thousands of events, and hashes every offer and requirement to
// join them (11 ms for a span of 256 events, against 5 ms joined by
// index); a list of values it counts as that many rows.
func (q *queries) CountSeenAuditSpans(ctx context.Context, f model.AuditFilter, s AuditSight, from, to, width int64) ([]AuditSpanCount, error) {
	query, args := spansSeenSQL(q.dialect, f, s, from, to, width)
	out, err := queryAll(ctx, q.rd, func(r scanner) (AuditSpanCount, error) {
		var c AuditSpanCount
		return c, r.Scan(&c.Span, &c.Type, &c.N)
	}, query, args...)
	return out, dbErr(err, "count audit events")
}

// spansSeenSQL is the statement CountSeenAuditSpans sends.
func spansSeenSQL(d dialect, f model.AuditFilter, s AuditSight, from, to, width int64) (string, []any) {
	conds, args := []string{"e.seq >= ?", "e.seq <= ?"}, []any{width, from, to}
	if d == dialectPostgres && to-from < maxSpanList {
		seqs := make([]int64, 0, max(to-from+1, 0))
		for n := from; n <= to; n++ {
			seqs = append(seqs, n)
		}
		conds, args = []string{"e.seq = ANY(?::bigint[])"}, []any{width, seqs}
	}
	conds, args = seenConds(d, conds, args, f, s)
	return `SELECT (e.seq - 1) / ?, e.object_type, count(*) FROM ` + auditSeenFrom + where(conds) + ` GROUP BY 1, 2`, args
}

// maxSpanList is the most seqs CountSeenAuditSpans lists.
const maxSpanList = 4096

// AuditRecords names records of the types the store decides that changed.
type AuditRecords struct {
	Requirements, Pledges, Offers []string
	// PledgeRequirements are the requirements the changed pledges were on
	// before or after the change.
	PledgeRequirements []string
}

// AuditSpansAbout returns, in order, the spans of width events (as
// CountSeenAuditSpans numbers them) that hold an event whose reader s
// auditSeenSQL would decide otherwise after a change to the records named.
// Those are the events about the records themselves and, as it joins them,
// about their neighbours as they are now:
//   - a pledge's requirements, whose events tell of the pledges on it
//     when it goes into delivery, and engage the pledge's donor with it;
//   - every pledge on a changed requirement, whose events are read under
//     its label, beneficiary and status;
//   - and, for a reader who sees some requirements only as engaged on
//     them, every pledge on a changed pledge's requirement too: a pledge
//     engages its donor with the requirement, and so with its other
//     pledges.
func (q *queries) AuditSpansAbout(ctx context.Context, records AuditRecords, s AuditSight, width int64) ([]int64, error) {
	pledged := slices.Clone(records.PledgeRequirements)
	err := q.inChunks(canonicalIDs(records.Pledges), func(in string, args []any) error {
		ids, err := queryAll(ctx, q.rd, scanString, `SELECT requirement_id FROM pledges WHERE id IN (`+in+`) AND requirement_id IS NOT NULL`, args...)
		pledged = append(pledged, ids...)
		return err
	})
	if err != nil {
		return nil, dbErr(err, "read audit spans")
	}
	family := slices.Clone(records.Requirements)
	if s.Audience.EngagementOpens() {
		family = append(family, pledged...)
	}
	family = canonicalIDs(family)
	reqs := canonicalIDs(slices.Concat(records.Requirements, pledged))
	pls := slices.Clone(records.Pledges)
	err = q.inChunks(family, func(in string, args []any) error {
		ids, err := queryAll(ctx, q.rd, scanString, `SELECT id FROM pledges WHERE requirement_id IN (`+in+`)`, args...)
		pls = append(pls, ids...)
		return err
	})
	if err != nil {
		return nil, dbErr(err, "read audit spans")
	}
	spans := map[int64]bool{}
	about := func(types string, ids []string) error {
		return q.inChunks(canonicalIDs(ids), func(in string, args []any) error {
			got, err := queryAll(ctx, q.rd, scanInt64, `SELECT DISTINCT (seq - 1) / ? FROM audit_events WHERE object_type IN (`+types+`) AND object_id IN (`+in+`)`,
				append([]any{width}, args...)...)
			for _, n := range got {
				spans[n] = true
			}
			return err
		})
	}
	for _, c := range []struct {
		types string
		ids   []string
	}{
		{"'" + AuditRequirement + "', '" + AuditReview + "'", reqs},
		{"'" + AuditPledge + "'", pls},
		{"'" + AuditOffer + "'", records.Offers},
	} {
		if err := about(c.types, c.ids); err != nil {
			return nil, dbErr(err, "read audit spans")
		}
	}
	return slices.Sorted(maps.Keys(spans)), nil
}

// ListSeenAuditEvents reads the next window of up to limit events matching
// f from seq on (exclusive; newest first when desc, from the head when seq
// is 0) and returns those that are either of a type the store decides and
// seen by the reader, or of a type it does not decide, which the caller
// decides; and the seq to read the next window from, 0 at the end. With
// undecidedOnly, it returns up to limit events of the types s names
// Undecided.
//
// The window is chosen before the joins, so that a page joins only the
// events it reads: PostgreSQL otherwise joins the whole log and sorts it.
func (q *queries) ListSeenAuditEvents(ctx context.Context, f model.AuditFilter, s AuditSight, undecidedOnly bool, seq int64, desc bool, limit int) ([]model.AuditEvent, int64, error) {
	conds, args := auditFilterSQL(f, "w")
	dir := ""
	switch {
	case desc && seq > 0:
		conds, args, dir = append(conds, "w.seq < ?"), append(args, seq), " DESC"
	case desc:
		dir = " DESC"
	default:
		conds, args = append(conds, "w.seq > ?"), append(args, seq)
	}
	if undecidedOnly {
		// By name rather than as every type not decided: the types' index
		// then reads only their events, not every event of the log.
		undecided, uargs := inList("w.object_type", s.Undecided)
		cols := "w." + strings.ReplaceAll(auditColumns, ", ", ", w.")
		conds, args = append(conds, undecided), append(args, uargs...)
		lim, args := limitClause(limit, args)
		es, err := queryAll(ctx, q.rd, scanAuditEvent, `SELECT `+cols+` FROM audit_events w`+where(conds)+` ORDER BY w.seq`+dir+lim, args...)
		if err != nil || limit <= 0 || len(es) < limit {
			return es, 0, dbErr(err, "list audit events")
		}
		return es, es[len(es)-1].Seq, nil
	}
	lim, args := limitClause(limit, args)
	window, err := queryAll(ctx, q.rd, scanInt64, `SELECT w.seq FROM audit_events w`+where(conds)+` ORDER BY w.seq`+dir+lim, args...)
	if err != nil || len(window) == 0 {
		return nil, 0, dbErr(err, "list audit events")
	}
	next := window[len(window)-1]
	if limit <= 0 || len(window) < limit {
		next = 0
	}
	query, qargs := windowSeenSQL(q.dialect, f, s, window, desc)
	es, err := queryAll(ctx, q.rd, scanAuditEvent, query, qargs...)
	return es, next, dbErr(err, "list audit events")
}

// maxWindowList is the longest window read by its list of seqs.
const maxWindowList = 1000

// windowSeenSQL is the statement that reads, of the window's events (seqs
// matching f, in order), those ListSeenAuditEvents returns.
//
// It names the window's seqs rather than the range between its ends: without
// statistics (a database just loaded, before autovacuum has analysed it)
// PostgreSQL expects some 1,700 of 111,000 events in any range of the key,
// and hash-joins every state, requirement and pledge for a page of 100
// (0.2 s); a list of values of the primary key it counts as that many
// rows, and joins each by index. So does the generic plan of the prepared
// statement, which knows no range's width. SQLite reads both by rowid.
func windowSeenSQL(d dialect, f model.AuditFilter, s AuditSight, window []int64, desc bool) (string, []any) {
	var conds []string
	var args []any
	if len(window) <= maxWindowList {
		conds = []string{"e.seq IN (" + placeholders(len(window)) + ")"}
		for _, n := range window {
			args = append(args, n)
		}
	} else {
		fconds, fargs := auditFilterSQL(f, "e")
		conds = append([]string{"e.seq >= ?", "e.seq <= ?"}, fconds...)
		args = append([]any{min(window[0], window[len(window)-1]), max(window[0], window[len(window)-1])}, fargs...)
	}
	decided, dargs := inList("e.object_type", s.types())
	seen, sargs := auditSeenSQL(d, s)
	conds, args = append(conds, "(NOT "+decided+" OR "+seen+")"), append(append(args, dargs...), sargs...)
	dir := ""
	if desc {
		dir = " DESC"
	}
	cols := "e." + strings.ReplaceAll(auditColumns, ", ", ", e.")
	return `SELECT ` + cols + ` FROM ` + auditSeenFrom + where(conds) + ` ORDER BY e.seq` + dir, args
}

// auditSeenFrom joins each event with the state it left (st) and the
// record it is about as it is now: a requirement (r, also for a review), a
// pledge (p) and its requirement (par), an offer (o). Joined rather than
// searched per event in subqueries, which cost SQLite several times more
// per event.
const auditSeenFrom = `audit_events e
	LEFT JOIN audit_event_states st ON st.seq = e.seq
	LEFT JOIN requirements r ON e.object_type IN ('requirement', 'requirement_review') AND r.id = e.object_id
	LEFT JOIN pledges p ON e.object_type = 'pledge' AND p.id = e.object_id
	LEFT JOIN requirements par ON par.id = p.requirement_id
	LEFT JOIN offers o ON e.object_type = 'offer' AND o.id = e.object_id`

// joinedPledgeShape is pledgeShape over the joined pledge p and its
// requirement par.
func joinedPledgeShape() shape {
	return shape{
		tlp: "p.tlp", owner: "p.donor_org_id",
		beneficiary: "(CASE WHEN p.requirement_id IS NULL THEN p.beneficiary_org_id ELSE par.beneficiary_org_id END)",
		grant:       grantPledge,
		parent:      requirementShape,
		parentAlias: func(string) string { return "par" },
		orphan:      func(string) string { return "p.requirement_id IS NULL" },
	}
}

// auditFilterSQL is f over the events under the alias t.
func auditFilterSQL(f model.AuditFilter, t string) ([]string, []any) {
	var conds []string
	var args []any
	if f.ObjectType != "" {
		conds, args = append(conds, t+".object_type = ?"), append(args, f.ObjectType)
	}
	if f.ObjectID != "" {
		conds, args = append(conds, t+".object_id = ?"), append(args, f.ObjectID)
	}
	return conds, args
}

// inList is "col IN (vs)", false for no vs.
func inList(col string, vs []string) (string, []any) {
	if len(vs) == 0 {
		return "1 = 0", nil
	}
	args := make([]any, len(vs))
	for i, v := range vs {
		args[i] = v
	}
	return "(" + col + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(vs)), ", ") + "))", args
}

// auditSeenSQL is "the reader sees the event e" for the types the store
// decides (e joined with its state st); false for any other type.
//
// On SQLite each term names its types through sqliteSeenType, which no
// index serves. Were they indexed, SQLite could count the whole log as one
// index search per term, each rowid kept in a set to drop those two terms
// find (a MULTI-INDEX OR): 1 KiB for every 40 events, 29 MB for the 1.1
// million events of a million pledges, held outside the Go heap until the
// count ended. The events are found by their seqs and the types the sight
// decides, which are indexed. PostgreSQL keeps the column: it estimates an
// expression it has no statistics for at a fraction of the rows, which
// could turn the hashed joins of its whole-log totals into nested loops.
func auditSeenSQL(d dialect, s AuditSight) (string, []any) {
	var or []string
	var args []any
	typ := "e.object_type"
	if d == dialectSQLite {
		typ = sqliteSeenType
	}
	add := func(cond string, a []any) {
		or, args = append(or, "("+cond+")"), append(args, a...)
	}
	a := s.Audience
	var allowed []string
	for t, ok := range s.Permitted {
		if ok {
			allowed = append(allowed, t)
		}
	}
	slices.Sort(allowed)
	if len(allowed) > 0 {
		add(inList(typ, allowed))
	}
	for _, t := range s.Decided {
		switch t {
		case AuditRequirement:
			now, nargs := visibleSQL(a, "r", requirementShape("r"))
			then, targs := stateVisibleSQL(a, requirementStateShape())
			cond := typ + " = 'requirement' AND r.id IS NOT NULL AND " + now + " AND (st.tlp IS NULL OR " + then + ")"
			cargs := append(nargs, targs...)
			if len(s.PledgeDerived) > 0 {
				// Every mechanism pledge on it, under the requirement as it is
				// now; CASE, so that a predicate that is NULL counts as unseen.
				derived, dargs := inList("e.action", s.PledgeDerived)
				pl, pargs := visibleSQL(a, "dp", pledgeShape("dp"))
				// (channel || '': the pledges are found by requirement, not by
				// channel.) A probe, not NOT EXISTS: PostgreSQL hashed that
				// into the set of every requirement with a mechanism pledge the
				// reader may not see, deciding all 100,000 pledges for each
				// page and each total (0.85 s), for the few events that ask.
				cond += " AND (NOT " + derived + " OR NOT " + probe("pledges dp WHERE dp.requirement_id = e.object_id"+
					" AND dp.channel || '' = 'mechanism' AND (CASE WHEN "+pl+" THEN 0 ELSE 1 END) = 1") + ")"
				cargs = append(append(cargs, dargs...), pargs...)
			}
			add(cond, cargs)
		case AuditPledge:
			now, nargs := visibleSQL(a, "p", joinedPledgeShape())
			then, targs := stateVisibleSQL(a, pledgeStateShape())
			add(typ+" = 'pledge' AND p.id IS NOT NULL AND "+now+" AND (st.tlp IS NULL OR "+then+")", append(nargs, targs...))
		case AuditOffer:
			now, nargs := visibleSQL(a, "o", offerShape("o"))
			then, targs := stateVisibleSQL(a, stateShape{owner: "st.donor_org_id", named: true})
			add(typ+" = 'offer' AND o.id IS NOT NULL AND "+now+" AND (st.tlp IS NULL OR "+then+")", append(nargs, targs...))
		case AuditReview:
			rs := requirementShape("r")
			rs.validated = "1 = 0"
			now, nargs := visibleSQL(a, "r", rs)
			add(typ+" = 'requirement_review' AND r.id IS NOT NULL AND "+now, nargs)
		}
	}
	if len(or) == 0 {
		return "1 = 0", nil
	}
	return "(" + strings.Join(or, " OR ") + ")", args
}

// sqliteSeenType is the event's type as auditSeenSQL's terms compare it
// on SQLite: an expression, not the column, so that no term is read
// through the index on the type.
const sqliteSeenType = "e.object_type || ''"

// stateShape is what the policy reads of the record an event left: its
// label in st.tlp, the other relations as SQL over st, the event e and,
// for a pledge, the pledge p as it is now.
type stateShape struct {
	owner, beneficiary string
	// engaged is a probe with one ? for the organisation.
	engaged string
	// shared and named: the state's access lists count.
	shared, named bool
	validated     string
	// parent, for a pledge: its requirement now, joined as par; orphan
	// holds when it has none.
	parent *shape
	orphan string
}

func requirementStateShape() stateShape {
	return stateShape{
		owner: "st.beneficiary_org_id", beneficiary: "st.beneficiary_org_id",
		// The organisations engaged now: the log describes a past state
		// with the pledges on the requirement today. A probe, which
		// PostgreSQL cannot hash into every pledge of the organisation.
		engaged: probe("pledges eng WHERE eng.requirement_id = e.object_id AND eng.donor_org_id || '' = ?"),
		shared:  true, named: true,
		validated: "(st.status IN ('validated', 'in_delivery', 'delivered', 'closed') OR (st.status = 'withdrawn' AND st.validated_at IS NOT NULL))",
	}
}

// pledgeStateShape: a pledge as the event left it, under its requirement
// as it is now, whose beneficiary it takes.
func pledgeStateShape() stateShape {
	par := requirementShape("par")
	return stateShape{
		owner:       "st.donor_org_id",
		beneficiary: "(CASE WHEN p.requirement_id IS NULL THEN st.beneficiary_org_id ELSE par.beneficiary_org_id END)",
		shared:      true, named: true,
		parent: &par,
		orphan: "p.requirement_id IS NULL",
	}
}

// stateVisibleSQL is visibleSQL for the state an event left, whose label
// and access lists are the event's own.
func stateVisibleSQL(a policy.Audience, s stateShape) (string, []any) {
	if a.All {
		return "1 = 1", nil
	}
	if a.Nothing() {
		return "1 = 0", nil
	}
	var or []string
	var args []any
	labels := func(ls []model.TLP) string {
		in, inArgs := labelsIn("st.tlp", ls)
		args = append(args, inArgs...)
		return in
	}
	if len(a.Labels) > 0 {
		or = append(or, labels(a.Labels))
	}
	if len(a.OwnerLabels) > 0 && s.owner != "" {
		cond := labels(a.OwnerLabels)
		or, args = append(or, "("+cond+" AND "+s.owner+" = ?)"), append(args, a.OrgID)
	}
	if len(a.BeneficiaryLabels) > 0 && s.beneficiary != "" {
		cond := labels(a.BeneficiaryLabels)
		or, args = append(or, "("+cond+" AND "+s.beneficiary+" = ?)"), append(args, a.OrgID)
	}
	if len(a.EngagedLabels) > 0 && s.engaged != "" {
		cond := labels(a.EngagedLabels)
		or, args = append(or, "("+cond+" AND "+s.engaged+")"), append(args, a.OrgID)
	}
	if len(a.SharedLabels) > 0 && s.shared {
		cond := labels(a.SharedLabels)
		or = append(or, "("+cond+" AND EXISTS (SELECT 1 FROM audit_event_access sa WHERE sa.seq = e.seq AND sa.org_id = ?))")
		args = append(args, a.OrgID)
	}
	if len(a.NamedLabels) > 0 && s.named {
		cond := labels(a.NamedLabels)
		or = append(or, "("+cond+" AND EXISTS (SELECT 1 FROM audit_event_access na WHERE na.seq = e.seq AND na.user_id = ?))")
		args = append(args, a.UserID)
	}
	if len(or) == 0 {
		return "1 = 0", nil
	}
	pred := "(" + strings.Join(or, " OR ") + ")"
	if s.validated != "" && !a.Unvalidated {
		gate := s.validated
		if a.OwnUnvalidated {
			gate = "(" + gate + " OR " + s.beneficiary + " = ?)"
			args = append(args, a.OrgID)
		}
		pred += " AND " + gate
	}
	if s.parent != nil {
		parentPred, parentArgs := visibleSQL(a, "par", *s.parent)
		alt := []string{s.orphan, "(" + parentPred + ")"}
		args = append(args, parentArgs...)
		if a.OwnChildren {
			alt, args = append(alt, s.owner+" = ?"), append(args, a.OrgID)
		}
		pred += " AND (" + strings.Join(alt, " OR ") + ")"
	}
	return pred, args
}
