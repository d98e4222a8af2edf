package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
)

// CreateSession gives the session a new id when it has none.
func (q *queries) CreateSession(ctx context.Context, s model.Session) error {
	if s.ID == "" {
		s.ID = NewID()
	}
	if s.Method == "" {
		s.Method = model.SignInPassword
	}
	_, err := q.wr.exec(ctx, `INSERT INTO sessions (`+sessionColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.TokenHash, s.UserID, s.CSRFToken, s.CreatedAt, s.ExpiresAt, s.ID, s.UserAgent, s.Address, s.LastUsedAt, s.Method, s.ProviderID)
	return dbErr(err, "create session")
}

const sessionColumns = `token_hash, user_id, csrf_token, created_at, expires_at, id, user_agent, address, last_used_at, method, provider_id`

func sessionFields(s *model.Session) []any {
	return []any{&s.TokenHash, &s.UserID, &s.CSRFToken, instant{&s.CreatedAt}, instant{&s.ExpiresAt},
		&s.ID, &s.UserAgent, &s.Address, nullInstant{&s.LastUsedAt}, &s.Method, &s.ProviderID}
}

func scanSession(r scanner) (model.Session, error) {
	var s model.Session
	err := r.Scan(sessionFields(&s)...)
	return s, err
}

// SessionHolder is APITokenHolder for a browser's session: every page
// begins with it. Its versions are the head and the user's notifications.
func (q *queries) SessionHolder(ctx context.Context, hash string) (model.Session, model.User, model.Organisation, model.Versions, error) {
	// The hash is a credential: it stays out of the message.
	return holder(ctx, q, sessionHolderQuery, sessionFields, true, hash, "session")
}

func (q *queries) SessionByTokenHash(ctx context.Context, hash string) (model.Session, error) {
	s, err := scanSession(q.rd.row(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE token_hash = ?`, hash))
	if err != nil {
		// The hash is a credential: it stays out of the message.
		return model.Session{}, dbErr(err, "session")
	}
	return s, nil
}

// DeleteSession succeeds when the session is already gone: signing out
// twice is not an error.
func (q *queries) DeleteSession(ctx context.Context, hash string) error {
	_, err := q.wr.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hash)
	return dbErr(err, "delete session")
}

func (q *queries) DeleteUserSessions(ctx context.Context, userID string) error {
	_, err := q.wr.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
	return dbErr(err, "delete sessions of user %s", userID)
}

func (q *queries) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	_, err := q.wr.exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, now)
	return dbErr(err, "delete expired sessions")
}

// CreateAPIToken gives the token a new id when it has none.
func (q *queries) CreateAPIToken(ctx context.Context, t model.APIToken) error {
	if t.ID == "" {
		t.ID = NewID()
	}
	_, err := q.wr.exec(ctx, `INSERT INTO api_tokens (id, user_id, token_hash, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)`,
		t.ID, t.UserID, t.TokenHash, t.CreatedAt, t.ExpiresAt, t.RevokedAt)
	return dbErr(err, "create API token")
}

const apiTokenColumns = `id, user_id, token_hash, created_at, expires_at, revoked_at`

// apiTokenFields are where apiTokenColumns are scanned into.
func apiTokenFields(t *model.APIToken) []any {
	return []any{&t.ID, &t.UserID, &t.TokenHash, instant{&t.CreatedAt}, instant{&t.ExpiresAt}, nullInstant{&t.RevokedAt}}
}

func (q *queries) APITokenByHash(ctx context.Context, hash string) (model.APIToken, error) {
	var t model.APIToken
	err := q.rd.row(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens WHERE token_hash = ?`, hash).Scan(apiTokenFields(&t)...)
	if err != nil {
		return model.APIToken{}, dbErr(err, "API token")
	}
	return t, nil
}

// APITokenHolder reads in one statement what four read apart (the token,
// its user, their organisation, their roles), and the audit log's head:
// every request of the API begins with it, and the four reads were two
// fifths of the server's time for an answer kept between requests, the
// head on PostgreSQL a round trip of its own.
func (q *queries) APITokenHolder(ctx context.Context, hash string) (model.APIToken, model.User, model.Organisation, model.Versions, error) {
	return holder(ctx, q, apiTokenHolderQuery, apiTokenFields, false, hash, "API token")
}

// The holders' statements, built once: every request reads one.
var (
	sessionHolderQuery  = holderQuery("sessions", sessionColumns, true)
	apiTokenHolderQuery = holderQuery("api_tokens", apiTokenColumns, false)
)

// holderQuery reads the row of table (a session or a token) whose
// token_hash is the argument, with its user, their organisation and, a
// row each, the user's roles (one row with none when they have none);
// on each row the audit log's head and, with notifications, the user's
// notifications counted and counted read (as NotificationVersion), each
// read once for the statement. The argument is then given twice.
func holderQuery(table, columns string, notifications bool) string {
	counts, from := ``, ``
	if notifications {
		counts = `, n.total, n.seen`
		from = ` CROSS JOIN (SELECT COUNT(*) AS total, COUNT(read_at) AS seen FROM notifications
			WHERE user_id = (SELECT user_id FROM ` + table + ` WHERE token_hash = ?)) n`
	}
	return `SELECT ` + qualified("h", columns) + `, ` + qualified("u", userColumns) + `, ` + qualified("o", organisationColumns) + `, r.role,
			(SELECT COALESCE(MAX(seq), 0) FROM audit_events)` + counts + `
		FROM ` + table + ` h JOIN users u ON u.id = h.user_id JOIN organisations o ON o.id = u.org_id` + from + `
		LEFT JOIN user_roles r ON r.user_id = u.id WHERE h.token_hash = ?`
}

// holder reads with query (holderQuery) the session or token whose hash
// is hash, scanned by fields, with its user and their organisation and
// the versions, in one statement. what names the row in errors.
func holder[T any](ctx context.Context, q *queries, query string, fields func(*T) []any, notifications bool, hash, what string) (T, model.User, model.Organisation, model.Versions, error) {
	var row, none T
	var u model.User
	var o model.Organisation
	var v model.Versions
	var role *model.Role
	into := append(append(append(fields(&row), userFields(&u)...), organisationFields(&o)...), &role, &v.Head)
	args := []any{hash}
	if notifications {
		into = append(into, &v.Total, &v.Read)
		args = append(args, hash)
	}
	fail := func(err error) (T, model.User, model.Organisation, model.Versions, error) {
		return none, model.User{}, model.Organisation{}, model.Versions{}, dbErr(err, what)
	}
	rows, err := q.rd.query(ctx, query, args...)
	if err != nil {
		return fail(err)
	}
	defer rows.Close()
	var roles []model.Role
	found := false
	for rows.Next() {
		if err := rows.Scan(into...); err != nil {
			return fail(err)
		}
		found = true
		if role != nil {
			roles = append(roles, *role)
		}
	}
	if err := rows.Err(); err != nil {
		return fail(err)
	}
	if !found {
		return fail(sql.ErrNoRows)
	}
	u.Roles = canonicalRoles(roles)
	return row, u, o, v, nil
}

// qualified names each of columns (as the constants list them) as a
// column of the table called alias.
func qualified(alias, columns string) string {
	names := strings.Split(columns, ", ")
	for i, n := range names {
		names[i] = alias + "." + n
	}
	return strings.Join(names, ", ")
}

// RevokeAPIToken keeps the first revocation time when revoked twice.
func (q *queries) RevokeAPIToken(ctx context.Context, id string, at time.Time) error {
	err := q.wr.execOne(ctx, `UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?`, at, id)
	return dbErr(err, "revoke API token %s", id)
}

func (q *queries) RevokeUserAPITokens(ctx context.Context, userID string, at time.Time) error {
	_, err := q.wr.exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`, at, userID)
	return dbErr(err, "revoke API tokens of user %s", userID)
}
