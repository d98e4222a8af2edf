package store

import (
	"context"
	"time"
)

// TakeLoginAttempt counts an attempt against key and decides, in one
// statement, whether it may go ahead: several servers checking the same
// account at once each get their own count, so no burst slips past the
// limit. The window restarts when the row's window has passed. It returns
// whether the attempt is within max and when the key's window began.
func (q *queries) TakeLoginAttempt(ctx context.Context, key string, now, windowStartedBefore time.Time, max int) (bool, time.Time, error) {
	var n int
	var start time.Time
	err := q.wr.row(ctx, `INSERT INTO login_limits (key, window_start, attempts) VALUES (?, ?, 1)
		ON CONFLICT (key) DO UPDATE SET
			attempts = CASE WHEN login_limits.window_start <= ? THEN 1 ELSE login_limits.attempts + 1 END,
			window_start = CASE WHEN login_limits.window_start <= ? THEN excluded.window_start ELSE login_limits.window_start END
		RETURNING attempts, window_start`, key, now, windowStartedBefore, windowStartedBefore).Scan(&n, instant{&start})
	if err != nil {
		return false, time.Time{}, dbErr(err, "take login attempt")
	}
	return n <= max, start, nil
}

// ReleaseLoginAttempt gives back an attempt that was taken but not spent
// on a wrong guess (a success, or one refused before any check).
func (q *queries) ReleaseLoginAttempt(ctx context.Context, key string) error {
	_, err := q.wr.exec(ctx, `UPDATE login_limits SET attempts = attempts - 1 WHERE key = ? AND attempts > 0`, key)
	return dbErr(err, "release login attempt")
}

// ClearLoginAttempts forgets a key's attempts, and every key whose window
// began before staleBefore, so that the table stays small.
func (q *queries) ClearLoginAttempts(ctx context.Context, key string, staleBefore time.Time) error {
	_, err := q.wr.exec(ctx, `DELETE FROM login_limits WHERE key = ? OR window_start < ?`, key, staleBefore)
	return dbErr(err, "clear login attempts")
}
