package store

import (
	"context"
	"slices"

	"github.com/cyberaid/cyberaid/internal/model"
)

// Access lists of requirements and pledges live in access_grants: one row
// per organisation a record is shared with, one per user named on it.

const (
	grantRequirement = "requirement"
	grantPledge      = "pledge"
)

type grants struct {
	orgIDs, userIDs []string
}

// canonicalIDs removes repeats and sorts, so that an access list reads back
// as it was written; an empty list is nil.
func canonicalIDs(ids []string) []string {
	if len(ids) == 0 {
		return nil
	}
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// replaceGrants makes the object's access lists exactly orgIDs and userIDs.
func (q *queries) replaceGrants(ctx context.Context, objectType, objectID string, orgIDs, userIDs []string) error {
	if _, err := q.wr.exec(ctx, `DELETE FROM access_grants WHERE object_type = ? AND object_id = ?`, objectType, objectID); err != nil {
		return err
	}
	return q.insertGrants(ctx, objectType, objectID, orgIDs, userIDs)
}

// insertGrants adds to the object's access lists.
func (q *queries) insertGrants(ctx context.Context, objectType, objectID string, orgIDs, userIDs []string) error {
	return q.insertGrantsOf(ctx, objectType, 1, func(int) (string, []string, []string) { return objectID, orgIDs, userIDs })
}

// grantChunk is how many grants one INSERT writes at most: 4 columns
// each, well within both backends' limits on parameters.
const grantChunk = 500

// insertGrantsOf adds to the access lists of n objects, the i-th named by
// of(i), many rows a statement: the statement-level triggers on
// access_grants that mark what a change touches run once a statement on
// PostgreSQL, about 0.2 ms however many rows it writes.
func (q *queries) insertGrantsOf(ctx context.Context, objectType string, n int, of func(i int) (id string, orgIDs, userIDs []string)) error {
	var args []any // most records have no access list
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		_, err := q.wr.exec(ctx, `INSERT INTO access_grants (object_type, object_id, org_id, user_id) VALUES `+valueRows(len(args)/4, 4), args...)
		args = args[:0]
		return err
	}
	add := func(row ...any) error {
		args = append(args, row...)
		if len(args) < 4*grantChunk {
			return nil
		}
		return flush()
	}
	for i := range n {
		id, orgIDs, userIDs := of(i)
		for _, org := range orgIDs {
			if err := add(objectType, id, org, nil); err != nil {
				return err
			}
		}
		for _, user := range userIDs {
			if err := add(objectType, id, nil, user); err != nil {
				return err
			}
		}
	}
	return flush()
}

// loadGrants reads the access lists of many objects at once: one query per
// chunk of ids, not one per object.
func (q *queries) loadGrants(ctx context.Context, objectType string, ids []string) (map[string]grants, error) {
	out := make(map[string]grants)
	err := q.inChunks(ids, func(in string, args []any) error {
		rows, err := q.rd.query(ctx, `SELECT object_id, COALESCE(org_id, ''), COALESCE(user_id, '') FROM access_grants WHERE object_type = ? AND object_id IN (`+in+`)`,
			append([]any{objectType}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var objectID, orgID, userID string
			if err := rows.Scan(&objectID, &orgID, &userID); err != nil {
				return err
			}
			g := out[objectID]
			if orgID != "" {
				g.orgIDs = append(g.orgIDs, orgID)
			} else {
				g.userIDs = append(g.userIDs, userID)
			}
			out[objectID] = g
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	for id, g := range out {
		out[id] = grants{canonicalIDs(g.orgIDs), canonicalIDs(g.userIDs)}
	}
	return out, nil
}

func (q *queries) loadRequirementGrants(ctx context.Context, rs []model.Requirement) error {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	gs, err := q.loadGrants(ctx, grantRequirement, ids)
	if err != nil {
		return err
	}
	for i := range rs {
		g := gs[rs[i].ID]
		rs[i].SharedOrgIDs, rs[i].NamedUserIDs = g.orgIDs, g.userIDs
	}
	return nil
}

func (q *queries) loadPledgeGrants(ctx context.Context, ps []model.Pledge) error {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	gs, err := q.loadGrants(ctx, grantPledge, ids)
	if err != nil {
		return err
	}
	for i := range ps {
		g := gs[ps[i].ID]
		ps[i].SharedOrgIDs, ps[i].NamedUserIDs = g.orgIDs, g.userIDs
	}
	return nil
}

// grantsBetween reads the access lists of the objects whose ids lie
// between lo and hi at once: a range scan, where a batch of a thousand ids
// would make a long IN list.
func (q *queries) grantsBetween(ctx context.Context, objectType, lo, hi string) (map[string]grants, error) {
	rows, err := q.rd.query(ctx, `SELECT object_id, COALESCE(org_id, ''), COALESCE(user_id, '') FROM access_grants
		WHERE object_type = ? AND object_id BETWEEN ? AND ?`, objectType, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	gs := map[string]grants{}
	for rows.Next() {
		var objectID, orgID, userID string
		if err := rows.Scan(&objectID, &orgID, &userID); err != nil {
			return nil, err
		}
		g := gs[objectID]
		if orgID != "" {
			g.orgIDs = append(g.orgIDs, orgID)
		} else {
			g.userIDs = append(g.userIDs, userID)
		}
		gs[objectID] = g
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for id, g := range gs {
		gs[id] = grants{canonicalIDs(g.orgIDs), canonicalIDs(g.userIDs)}
	}
	return gs, nil
}
