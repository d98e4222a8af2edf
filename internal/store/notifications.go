package store

import (
	"context"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
)

const notificationColumns = `id, user_id, kind, object_type, object_id, subject, created_at, read_at, mail, mail_attempts`

func scanNotification(s scanner) (model.Notification, error) {
	var n model.Notification
	err := s.Scan(&n.ID, &n.UserID, &n.Kind, &n.ObjectType, &n.ObjectID, &n.Subject, instant{&n.CreatedAt}, nullInstant{&n.ReadAt}, &n.Mail, &n.Attempts)
	return n, err
}

func (q *queries) AddNotification(ctx context.Context, n *model.Notification) error {
	if n.ID == "" {
		n.ID = NewID()
	}
	var zero time.Time
	stampCreate(&n.CreatedAt, &zero)
	_, err := q.wr.exec(ctx, `INSERT INTO notifications (`+notificationColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		n.ID, n.UserID, n.Kind, n.ObjectType, n.ObjectID, n.Subject, n.CreatedAt, n.ReadAt, n.Mail, n.Attempts)
	return dbErr(err, "add notification")
}

// ListNotifications returns a user's notifications, newest first.
func (q *queries) ListNotifications(ctx context.Context, userID string, limit int) ([]model.Notification, error) {
	lim, args := limitClause(limit, []any{userID})
	ns, err := queryAll(ctx, q.rd, scanNotification, `SELECT `+notificationColumns+` FROM notifications WHERE user_id = ? ORDER BY id DESC`+lim, args...)
	return ns, dbErr(err, "notifications")
}

// MarkNotificationRead marks one of the user's notifications read; another
// user's is not found.
func (q *queries) MarkNotificationRead(ctx context.Context, userID, id string, at time.Time) error {
	err := q.wr.execOne(ctx, `UPDATE notifications SET read_at = COALESCE(read_at, ?) WHERE id = ? AND user_id = ?`, at, id, userID)
	return dbErr(err, "notification %s", id)
}

// UnreadNotifications returns up to limit of a user's unread
// notifications, newest first.
func (q *queries) UnreadNotifications(ctx context.Context, userID string, limit int) ([]model.Notification, error) {
	lim, args := limitClause(limit, []any{userID})
	ns, err := queryAll(ctx, q.rd, scanNotification, `SELECT `+notificationColumns+` FROM notifications WHERE user_id = ? AND read_at IS NULL ORDER BY id DESC`+lim, args...)
	return ns, dbErr(err, "unread notifications")
}

// MarkNotificationsRead marks read, in one statement, every unread
// notification of the user up to and including the one with id upTo (ids
// grow with time), so that one arriving after the reader's list was shown
// stays unread. It returns how many it marked.
func (q *queries) MarkNotificationsRead(ctx context.Context, userID, upTo string, at time.Time) (int64, error) {
	res, err := q.wr.exec(ctx, `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL AND id <= ?`, at, userID, upTo)
	if err != nil {
		return 0, dbErr(err, "mark notifications read")
	}
	n, err := res.RowsAffected()
	return n, dbErr(err, "mark notifications read")
}

// NotificationVersion reads the user's notification state and the audit
// log's head in one statement: every page a user is shown begins with both.
func (q *queries) NotificationVersion(ctx context.Context, userID string) (total, read, head int64, err error) {
	err = q.rd.row(ctx, `SELECT COUNT(*), COUNT(read_at), (SELECT COALESCE(MAX(seq), 0) FROM audit_events)
		FROM notifications WHERE user_id = ?`, userID).Scan(&total, &read, &head)
	return total, read, head, dbErr(err, "notification version")
}

// PendingMail returns up to limit notifications whose e-mail waits, or
// whose sender claimed it before staleBefore and never finished.
func (q *queries) PendingMail(ctx context.Context, staleBefore time.Time, limit int) ([]model.Notification, error) {
	lim, args := limitClause(limit, []any{staleBefore})
	ns, err := queryAll(ctx, q.rd, scanNotification, `SELECT `+notificationColumns+` FROM notifications
		WHERE mail = 'pending' OR (mail = 'sending' AND mail_claimed_at < ?) ORDER BY id`+lim, args...)
	return ns, dbErr(err, "pending mail")
}

// ClaimMail takes a notification's e-mail for one sender. It is one
// conditional statement, so that of several processes exactly one wins.
func (q *queries) ClaimMail(ctx context.Context, id string, now, staleBefore time.Time) (bool, error) {
	res, err := q.wr.exec(ctx, `UPDATE notifications SET mail = 'sending', mail_claimed_at = ?
		WHERE id = ? AND (mail = 'pending' OR (mail = 'sending' AND mail_claimed_at < ?))`, now, id, staleBefore)
	if err != nil {
		return false, dbErr(err, "claim mail %s", id)
	}
	n, err := res.RowsAffected()
	return n == 1, dbErr(err, "claim mail %s", id)
}

// FinishMail records the outcome of a send: sent, failed, none (not to be
// sent after all) or pending again (one more attempt counted).
func (q *queries) FinishMail(ctx context.Context, id string, state model.MailState) error {
	err := q.wr.execOne(ctx, `UPDATE notifications SET mail = ?, mail_attempts = mail_attempts + 1 WHERE id = ?`, state, id)
	return dbErr(err, "finish mail %s", id)
}

// MailPreferences returns the kinds a user has set; a kind not set is on.
func (q *queries) MailPreferences(ctx context.Context, userID string) (map[model.NotificationKind]bool, error) {
	rows, err := q.rd.query(ctx, `SELECT kind, email FROM notification_prefs WHERE user_id = ?`, userID)
	if err != nil {
		return nil, dbErr(err, "mail preferences")
	}
	defer rows.Close()
	out := map[model.NotificationKind]bool{}
	for rows.Next() {
		var k model.NotificationKind
		var on bool
		if err := rows.Scan(&k, &on); err != nil {
			return nil, dbErr(err, "mail preferences")
		}
		out[k] = on
	}
	return out, dbErr(rows.Err(), "mail preferences")
}

func (q *queries) SetMailPreference(ctx context.Context, userID string, kind model.NotificationKind, on bool) error {
	_, err := q.wr.exec(ctx, `INSERT INTO notification_prefs (user_id, kind, email) VALUES (?, ?, ?)
		ON CONFLICT (user_id, kind) DO UPDATE SET email = excluded.email`, userID, kind, on)
	return dbErr(err, "mail preference")
}
