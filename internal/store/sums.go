package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// Sums are the maintained totals of pledges by audience class
// (migration 00030), and the reads that find the records a viewer sees
// through a per-record relation, which no class holds.
type Sums interface {
	PledgeSums(ctx context.Context, dim string, a policy.Audience) ([]PledgeSum, error)
	GrantedIDs(ctx context.Context, objectType, orgID, userID string) ([]string, error)
	// EngagedRequirementIDs returns the requirements labelled one of labels
	// on which the organisation orgID has a pledge, of ids below below and
	// from from on ("": no bound).
	EngagedRequirementIDs(ctx context.Context, orgID string, labels []model.TLP, below, from string) ([]string, error)
	EngagedPledgeSums(ctx context.Context, dims []string, a policy.Audience, requirementIDs []string) (map[string][]EngagedSum, error)
	RequirementsByID(ctx context.Context, ids []string) ([]model.Requirement, error)
	PledgesByID(ctx context.Context, ids []string) ([]model.Pledge, error)
}

// PledgeSum is what the pledges of one group add up to, for one channel.
// N counts the pledges still standing; EUR is their euros; Committed and
// Delivered the euros of those committed and delivered; Disbursed what was
// paid out on every pledge but a rejected one; Unvalued the standing
// pledges without a euro value; Records every pledge, whatever its stage.
type PledgeSum struct {
	Key, Channel                                               string
	N, EUR, Committed, Delivered, Disbursed, Unvalued, Records int64
}

// Add adds o's figures to s.
func (s *PledgeSum) Add(o PledgeSum, sign int64) {
	s.N += sign * o.N
	s.EUR += sign * o.EUR
	s.Committed += sign * o.Committed
	s.Delivered += sign * o.Delivered
	s.Disbursed += sign * o.Disbursed
	s.Unvalued += sign * o.Unvalued
	s.Records += sign * o.Records
}

// PledgeSumDims are the groupings pledge_sums keeps. By donor a pledge is
// its funder's; the requirement's line, sector and category are "none" for
// a pledge whose requirement the viewer may not see, or that has none. The
// place groupings are the pledge's own sector and category ("" when it
// states none), and by label the pledge's TLP (migration 00033).
var PledgeSumDims = []string{"donor", "implementer", "line", "sector", "category", "status", "month", "place_sector", "place_category", "label"}

// RequirementDims are the groupings read off a pledge's requirement.
var RequirementDims = []string{"line", "sector", "category"}

// PledgeSums adds up, by key of dim and by channel, the maintained totals
// of every class of pledges the audience a sees without a per-record
// relation (policy.Audience's shared, named and engaged relations). It
// reads pledge_sums, never a pledge.
func (q *queries) PledgeSums(ctx context.Context, dim string, a policy.Audience) ([]PledgeSum, error) {
	if !slices.Contains(PledgeSumDims, dim) {
		// The services check a grouping before they ask: this is a fault.
		return nil, fmt.Errorf("pledge sums: no grouping %q", dim)
	}
	key, args := "s.key", []any{}
	if slices.Contains(RequirementDims, dim) {
		parent, pargs := visibleSQL(a, "s", pledgeSumParentShape("s"))
		key = "CASE WHEN s.req_tlp <> '' AND " + parent + " THEN s.key ELSE 'none' END"
		args = append(args, pargs...)
	}
	vis, vargs := visibleSQL(a, "s", pledgeSumShape("s"))
	args = append(append(args, dim), vargs...)
	query := `SELECT k, channel, CAST(SUM(n) AS BIGINT), CAST(SUM(eur) AS BIGINT), CAST(SUM(committed) AS BIGINT),
		CAST(SUM(delivered) AS BIGINT), CAST(SUM(disbursed) AS BIGINT), CAST(SUM(unvalued) AS BIGINT), CAST(SUM(records) AS BIGINT)
		FROM (SELECT ` + key + ` AS k, s.channel, s.n, s.eur, s.committed, s.delivered, s.disbursed, s.unvalued, s.records
			FROM pledge_sums s WHERE s.dim = ? AND ` + vis + `) x GROUP BY k, channel`
	out, err := queryAll(ctx, q.rd, func(s scanner) (PledgeSum, error) {
		var r PledgeSum
		err := s.Scan(&r.Key, &r.Channel, &r.N, &r.EUR, &r.Committed, &r.Delivered, &r.Disbursed, &r.Unvalued, &r.Records)
		return r, err
	}, query, args...)
	return out, dbErr(err, "pledge sums by %s", dim)
}

// GrantedIDs returns the records of one kind ("requirement", "pledge")
// shared with the organisation orgID or naming the user userID.
func (q *queries) GrantedIDs(ctx context.Context, objectType, orgID, userID string) ([]string, error) {
	ids, err := queryAll(ctx, q.rd, scanString, `SELECT object_id FROM access_grants WHERE org_id = ? AND object_type = ?
		UNION SELECT object_id FROM access_grants WHERE user_id = ? AND object_type = ?`, orgID, objectType, userID, objectType)
	return ids, dbErr(err, "records granted")
}

// EngagedRequirementIDs returns the requirements labelled one of labels on
// which the organisation orgID has a pledge: those it is engaged on.
func (q *queries) EngagedRequirementIDs(ctx context.Context, orgID string, labels []model.TLP, below, from string) ([]string, error) {
	if orgID == "" || len(labels) == 0 {
		return nil, nil
	}
	args := []any{orgID}
	for _, l := range labels {
		args = append(args, string(l))
	}
	// In the ids' byte order, which the bounds are in (PostgreSQL's column
	// is in the database's collation; migration 00031's index is in "C").
	within, col, donor := "", "p.requirement_id", "p.donor_org_id"
	if q.dialect == dialectPostgres {
		col = `p.requirement_id COLLATE "C"`
	}
	if below != "" {
		within, args = within+" AND "+col+" < ?", append(args, below)
	}
	if from != "" {
		within, args = within+" AND "+col+" >= ?", append(args, from)
	}
	if within != "" && q.dialect == dialectSQLite {
		// SQLite prefers the equality and walks every pledge of the
		// organisation, each with its requirement: for a company with 77,000
		// pledges, 18 times slower than migration 00031's index over a span
		// of 2,800 requirements. Over a span wider than the organisation's
		// pledges, its own index is the shorter walk.
		narrow, err := q.spanNarrowerThanPledges(ctx, orgID, below, from)
		if err != nil {
			return nil, dbErr(err, "requirements engaged on")
		}
		if narrow {
			donor = "+p.donor_org_id"
		}
	}
	ids, err := queryAll(ctx, q.rd, scanString, `SELECT DISTINCT p.requirement_id FROM pledges p JOIN requirements r ON r.id = p.requirement_id
		WHERE `+donor+` = ? AND r.tlp IN (`+placeholders(len(labels))+`)`+within, args...)
	return ids, dbErr(err, "requirements engaged on")
}

// spanNarrowerThanPledges reports whether fewer requirements have ids below
// below and from from on than the organisation orgID has pledges.
func (q *queries) spanNarrowerThanPledges(ctx context.Context, orgID, below, from string) (bool, error) {
	conds, args := spanConds(below, from)
	var width, own int
	if err := q.rd.row(ctx, `SELECT count(*) FROM requirements`+where(conds), args...).Scan(&width); err != nil {
		return false, err
	}
	if err := q.rd.row(ctx, `SELECT count(*) FROM pledges WHERE donor_org_id = ?`, orgID).Scan(&own); err != nil {
		return false, err
	}
	return width < own, nil
}

// RequirementsByID returns the requirements of the given ids that exist.
func (q *queries) RequirementsByID(ctx context.Context, ids []string) ([]model.Requirement, error) {
	var rs []model.Requirement
	err := q.inChunks(canonicalIDs(ids), func(in string, args []any) error {
		chunk, err := queryAll(ctx, q.rd, scanRequirement, `SELECT `+requirementColumns+` FROM requirements WHERE id IN (`+in+`)`, args...)
		rs = append(rs, chunk...)
		return err
	})
	if err == nil {
		err = q.loadRequirementGrants(ctx, rs)
	}
	return rs, dbErr(err, "requirements")
}

// PledgesByID returns the pledges of the given ids that exist.
func (q *queries) PledgesByID(ctx context.Context, ids []string) ([]model.Pledge, error) {
	var ps []model.Pledge
	err := q.inChunks(canonicalIDs(ids), func(in string, args []any) error {
		chunk, err := queryAll(ctx, q.rd, scanPledge, `SELECT `+q.pledgeColumns()+` FROM pledges WHERE id IN (`+in+`)`, args...)
		ps = append(ps, chunk...)
		return err
	})
	if err == nil {
		err = q.loadPledgeGrants(ctx, ps)
	}
	return ps, dbErr(err, "pledges")
}

// EngagedSum is a PledgeSum of pledges on requirements a viewer sees only
// because its organisation is engaged on them. Key is the group of a
// pledge whose requirement is seen; Own marks the viewer's organisation's
// own pledges, which its class counted already, without the requirement
// (policy.Audience.OwnChildren).
type EngagedSum struct {
	PledgeSum
	Own bool
}

// EngagedPledgeSums adds up, for each grouping of dims, by its key, channel
// and Own, the pledges on the given requirements that the audience a sees
// by their own label, donor and beneficiary. It is the part of a viewer's
// totals that its engagement on requirements of a label it would not
// otherwise see adds: the pledges are summed in the database, never read,
// and read once for every grouping (a dashboard asks for seven), where a
// query per grouping found each of them again.
func (q *queries) EngagedPledgeSums(ctx context.Context, dims []string, a policy.Audience, requirementIDs []string) (map[string][]EngagedSum, error) {
	// A grouping asked twice would be summed twice under its one name.
	dims = slices.Compact(slices.Sorted(slices.Values(dims)))
	month := "COALESCE(substr(p.pledge_date, 1, 7), '')"
	if q.dialect == dialectPostgres {
		month = "COALESCE(to_char(p.pledge_date, 'YYYY-MM'), '')"
	}
	status := "CASE WHEN p.suspended_on IS NOT NULL THEN 'suspended' ELSE p.status END"
	keys := make([]string, len(dims))
	groups := make([]string, len(dims))
	for i, dim := range dims {
		key, ok := map[string]string{
			"donor": "COALESCE(NULLIF(p.funder_org_id, ''), p.donor_org_id)", "implementer": "p.donor_org_id",
			"line": "r.line_of_effort", "sector": "r.sector", "category": "r.category", "status": status, "month": month,
			"place_sector": "p.sector", "place_category": "p.category", "label": "p.tlp",
		}[dim]
		if !ok {
			// The services check a grouping before they ask: this is a fault.
			return nil, fmt.Errorf("pledge sums: no grouping %q", dim)
		}
		keys[i] = fmt.Sprintf("%s AS k%d", key, i)
		groups[i] = fmt.Sprintf(`SELECT %d, k%d, channel, own, CAST(SUM(n) AS BIGINT), CAST(SUM(eur) AS BIGINT), CAST(SUM(committed) AS BIGINT),
			CAST(SUM(delivered) AS BIGINT), CAST(SUM(disbursed) AS BIGINT), CAST(SUM(unvalued) AS BIGINT),
			CAST(SUM(records) AS BIGINT) FROM x GROUP BY k%d, channel, own`, i, i, i)
	}
	out := make(map[string][]EngagedSum, len(dims))
	if len(dims) == 0 {
		return out, nil
	}
	counts := "(" + status + ") NOT IN ('withdrawn', 'rejected', 'suspended')"
	unvalued := "p.no_eur_value = 1"
	if q.dialect == dialectPostgres {
		unvalued = "p.no_eur_value"
	}
	own := "0"
	if a.OwnChildren {
		own = "CASE WHEN p.donor_org_id = ? THEN 1 ELSE 0 END"
	}
	vis, vargs := visibleSQL(a, "p", shape{tlp: "p.tlp", owner: "p.donor_org_id", beneficiary: "r.beneficiary_org_id"})
	err := q.inChunks(canonicalIDs(requirementIDs), func(in string, args []any) error {
		var all []any
		if a.OwnChildren {
			all = append(all, a.OrgID)
		}
		all = append(append(all, args...), vargs...)
		rows, err := q.rd.query(ctx, `WITH x AS MATERIALIZED (
			SELECT `+strings.Join(keys, ", ")+`, p.channel AS channel, `+own+` AS own,
				CASE WHEN `+counts+` THEN 1 ELSE 0 END AS n,
				CASE WHEN `+counts+` THEN p.eur_minor ELSE 0 END AS eur,
				CASE WHEN (`+status+`) IN ('confirmed', 'in_delivery', 'delivered', 'receipt_confirmed') THEN p.eur_minor ELSE 0 END AS committed,
				CASE WHEN (`+status+`) IN ('delivered', 'receipt_confirmed') THEN p.eur_minor ELSE 0 END AS delivered,
				CASE WHEN p.status = 'rejected' AND p.suspended_on IS NULL THEN 0 ELSE p.disbursed_eur_minor END AS disbursed,
				CASE WHEN `+counts+` AND `+unvalued+` THEN 1 ELSE 0 END AS unvalued,
				1 AS records
			FROM pledges p JOIN requirements r ON r.id = p.requirement_id
			WHERE p.requirement_id IN (`+in+`) AND `+vis+`)
			`+strings.Join(groups, "\n\t\t\tUNION ALL "), all...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r EngagedSum
			var dim, own int
			if err := rows.Scan(&dim, &r.Key, &r.Channel, &own, &r.N, &r.EUR, &r.Committed, &r.Delivered, &r.Disbursed, &r.Unvalued, &r.Records); err != nil {
				return err
			}
			r.Own = own == 1
			out[dims[dim]] = append(out[dims[dim]], r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, dbErr(err, "pledge sums of engaged requirements")
	}
	return out, nil
}
