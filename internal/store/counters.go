package store

import "context"

// NextCounter is one statement, so that concurrent callers never see the
// same value on either backend.
func (q *queries) NextCounter(ctx context.Context, name string) (int64, error) {
	var v int64
	err := q.wr.row(ctx, `INSERT INTO counters (name, value) VALUES (?, 1)
		ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value`, name).Scan(&v)
	return v, dbErr(err, "counter %s", name)
}
