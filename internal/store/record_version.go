package store

import "context"

// RecordVersions reads the version of the records that deconfliction and
// matching are computed from (migration 00034): triggers advance it in the
// transaction of every change to a requirement, a pledge or an access list,
// so that two readings of one version saw the same records.
type RecordVersions interface {
	RecordVersion(ctx context.Context) (int64, error)
}

func (q *queries) RecordVersion(ctx context.Context) (int64, error) {
	var n int64
	if err := q.rd.row(ctx, `SELECT n FROM record_version WHERE one = 1`).Scan(&n); err != nil {
		return 0, dbErr(err, "record version")
	}
	return n, nil
}
