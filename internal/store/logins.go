package store

import (
	"context"
	"time"
)

// loginFailureMemory is how long a failure is kept: far longer than any
// window that counts them, short enough that the table stays small.
const loginFailureMemory = 24 * time.Hour

func (q *queries) RecordLoginFailure(ctx context.Context, key string, at time.Time) error {
	if _, err := q.wr.exec(ctx, `DELETE FROM login_failures WHERE key = ? AND at < ?`, key, at.Add(-loginFailureMemory)); err != nil {
		return dbErr(err, "prune login failures")
	}
	_, err := q.wr.exec(ctx, `INSERT INTO login_failures (key, at) VALUES (?, ?)`, key, at)
	return dbErr(err, "record login failure")
}

// CountLoginFailures counts the failures at or after since.
func (q *queries) CountLoginFailures(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	err := q.rd.row(ctx, `SELECT count(*) FROM login_failures WHERE key = ? AND at >= ?`, key, since).Scan(&n)
	return n, dbErr(err, "count login failures")
}

func (q *queries) ClearLoginFailures(ctx context.Context, key string) error {
	_, err := q.wr.exec(ctx, `DELETE FROM login_failures WHERE key = ?`, key)
	return dbErr(err, "clear login failures")
}
