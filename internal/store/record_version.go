package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// RecordVersions reads the version of the records that deconfliction and
// matching are computed from (migration 00034): triggers advance it in the
// transaction of every change to a requirement, a pledge or an access list,
// so that two readings of one version saw the same records.
type RecordVersions interface {
	RecordVersion(ctx context.Context) (int64, error)
}

func (q *queries) RecordVersion(ctx context.Context) (int64, error) {
	return q.version(ctx, "record_version")
}

// version reads the one row of a version table that triggers advance:
// record_version, offer_version, search_version.
func (q *queries) version(ctx context.Context, table string) (int64, error) {
	var n int64
	if err := q.rd.row(ctx, `SELECT n FROM `+table+` WHERE one = 1`).Scan(&n); err != nil {
		return 0, dbErr(err, "%s", strings.ReplaceAll(table, "_", " "))
	}
	return n, nil
}

// OfferVersions reads the version of the offers and their access lists
// (migration 00049), which everything a viewer's list of offers counts
// reads: two counts at one version counted the same offers.
type OfferVersions interface {
	OfferVersion(ctx context.Context) (int64, error)
}

func (q *queries) OfferVersion(ctx context.Context) (int64, error) {
	return q.version(ctx, "offer_version")
}

// RequirementChanges reads which requirements changed since a version of
// the records (migration 00047), so that a reader keeping what it computed
// by ranges of requirements computes again only the ranges they fall in.
type RequirementChanges interface {
	// RequirementsChangedSince returns the ids of the requirements marked
	// at version n or later, or all=true when an organisation changed since
	// (every requirement is then to be read again) or more than max are.
	RequirementsChangedSince(ctx context.Context, n int64, max int) (ids []string, all bool, err error)
}

func (q *queries) RequirementsChangedSince(ctx context.Context, n int64, max int) ([]string, bool, error) {
	ids, err := queryAll(ctx, q.rd, scanString, `SELECT requirement_id FROM requirement_changes WHERE n >= ? LIMIT ?`, n, max+1)
	if err != nil {
		return nil, false, dbErr(err, "requirements changed")
	}
	if len(ids) > max || slices.Contains(ids, "") {
		return nil, true, nil
	}
	return ids, false, nil
}

// RequirementListVersions read the versions of what a list of requirements
// counts (migration 00048), which a pledge's amount or stage leaves alone:
// a list's total is kept while they stand.
type RequirementListVersions interface {
	// RequirementListVersion returns the version of the requirements,
	// their reviews and access lists and the organisations (every), and
	// that of org's pledges on requirements (engaged; 0 for org "").
	RequirementListVersion(ctx context.Context, org string) (every, engaged int64, err error)
}

func (q *queries) RequirementListVersion(ctx context.Context, org string) (every, engaged int64, err error) {
	type version struct {
		scope string
		n     int64
	}
	rows, err := queryAll(ctx, q.rd, func(s scanner) (version, error) {
		var v version
		return v, s.Scan(&v.scope, &v.n)
	}, `SELECT scope, n FROM requirement_list_versions WHERE scope IN ('', ?)`, org)
	if err != nil {
		return 0, 0, dbErr(err, "requirement list version")
	}
	found := false
	for _, v := range rows {
		if v.scope == "" {
			every, found = v.n, true
		} else {
			engaged = v.n
		}
	}
	// Without its row every list's version would stand still, and a total
	// kept under it would outlive every change: refused, not read as 0.
	if !found {
		return 0, 0, fmt.Errorf("requirement list version: the row of every list is missing")
	}
	return every, engaged, nil
}
