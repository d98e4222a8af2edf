package store

import (
	"context"
	"slices"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// Sums are the maintained totals of pledges by audience class
// (migration 00030), and the reads that find the records a viewer sees
// through a per-record relation, which no class holds.
type Sums interface {
	PledgeSums(ctx context.Context, dim string, a policy.Audience) ([]PledgeSum, error)
	GrantedIDs(ctx context.Context, objectType, orgID, userID string) ([]string, error)
	EngagedRequirementIDs(ctx context.Context, orgID string, labels []model.TLP) ([]string, error)
	RequirementsByID(ctx context.Context, ids []string) ([]model.Requirement, error)
	PledgesByID(ctx context.Context, ids []string) ([]model.Pledge, error)
}

// PledgeSum is what the pledges of one group add up to, for one channel.
// N counts the pledges still standing; EUR is their euros; Committed and
// Delivered the euros of those committed and delivered; Disbursed what was
// paid out on every pledge but a rejected one; Unvalued the standing
// pledges without a euro value.
type PledgeSum struct {
	Key, Channel                                      string
	N, EUR, Committed, Delivered, Disbursed, Unvalued int64
}

// Add adds o's figures to s.
func (s *PledgeSum) Add(o PledgeSum, sign int64) {
	s.N += sign * o.N
	s.EUR += sign * o.EUR
	s.Committed += sign * o.Committed
	s.Delivered += sign * o.Delivered
	s.Disbursed += sign * o.Disbursed
	s.Unvalued += sign * o.Unvalued
}

// PledgeSumDims are the groupings pledge_sums keeps. By donor a pledge is
// its funder's; the requirement's line, sector and category are "none" for
// a pledge whose requirement the viewer may not see, or that has none.
var PledgeSumDims = []string{"donor", "implementer", "line", "sector", "category", "status", "month"}

// requirementDims are the groupings read off a pledge's requirement.
var requirementDims = []string{"line", "sector", "category"}

// PledgeSums adds up, by key of dim and by channel, the maintained totals
// of every class of pledges the audience a sees without a per-record
// relation (policy.Audience's shared, named and engaged relations). It
// reads pledge_sums, never a pledge.
func (q *queries) PledgeSums(ctx context.Context, dim string, a policy.Audience) ([]PledgeSum, error) {
	if !slices.Contains(PledgeSumDims, dim) {
		return nil, model.Invalid("by", "%q is not a grouping", dim)
	}
	key, args := "s.key", []any{}
	if slices.Contains(requirementDims, dim) {
		parent, pargs := visibleSQL(a, "s", pledgeSumParentShape("s"))
		key = "CASE WHEN s.req_tlp <> '' AND " + parent + " THEN s.key ELSE 'none' END"
		args = append(args, pargs...)
	}
	vis, vargs := visibleSQL(a, "s", pledgeSumShape("s"))
	args = append(append(args, dim), vargs...)
	query := `SELECT k, channel, CAST(SUM(n) AS BIGINT), CAST(SUM(eur) AS BIGINT), CAST(SUM(committed) AS BIGINT),
		CAST(SUM(delivered) AS BIGINT), CAST(SUM(disbursed) AS BIGINT), CAST(SUM(unvalued) AS BIGINT)
		FROM (SELECT ` + key + ` AS k, s.channel, s.n, s.eur, s.committed, s.delivered, s.disbursed, s.unvalued
			FROM pledge_sums s WHERE s.dim = ? AND ` + vis + `) x GROUP BY k, channel`
	out, err := queryAll(ctx, q.rd, func(s scanner) (PledgeSum, error) {
		var r PledgeSum
		err := s.Scan(&r.Key, &r.Channel, &r.N, &r.EUR, &r.Committed, &r.Delivered, &r.Disbursed, &r.Unvalued)
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
func (q *queries) EngagedRequirementIDs(ctx context.Context, orgID string, labels []model.TLP) ([]string, error) {
	if orgID == "" || len(labels) == 0 {
		return nil, nil
	}
	args := []any{orgID}
	for _, l := range labels {
		args = append(args, string(l))
	}
	ids, err := queryAll(ctx, q.rd, scanString, `SELECT DISTINCT p.requirement_id FROM pledges p JOIN requirements r ON r.id = p.requirement_id
		WHERE p.donor_org_id = ? AND r.tlp IN (`+placeholders(len(labels))+`)`, args...)
	return ids, dbErr(err, "requirements engaged on")
}

// RequirementsByID returns the requirements of the given ids that exist.
func (q *queries) RequirementsByID(ctx context.Context, ids []string) ([]model.Requirement, error) {
	var rs []model.Requirement
	err := inChunks(canonicalIDs(ids), func(in string, args []any) error {
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
	err := inChunks(canonicalIDs(ids), func(in string, args []any) error {
		chunk, err := queryAll(ctx, q.rd, scanPledge, `SELECT `+q.pledgeColumns()+` FROM pledges WHERE id IN (`+in+`)`, args...)
		ps = append(ps, chunk...)
		return err
	})
	if err == nil {
		err = q.loadPledgeGrants(ctx, ps)
	}
	return ps, dbErr(err, "pledges")
}
