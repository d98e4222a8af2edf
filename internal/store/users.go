package store

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/cyberaid/cyberaid/internal/model"
)

const userColumns = `id, org_id, email, name, disabled, password_hash, totp_secret, language, created_at, updated_at, working_group`

func scanUser(s scanner) (model.User, error) {
	var u model.User
	err := s.Scan(userFields(&u)...)
	return u, err
}

// userFields are where userColumns are scanned into.
func userFields(u *model.User) []any {
	return []any{&u.ID, &u.OrgID, &u.Email, &u.Name, &u.Disabled, &u.PasswordHash, &u.TOTPSecret, &u.Language,
		instant{&u.CreatedAt}, instant{&u.UpdatedAt}, &u.WorkingGroup}
}

// normaliseEmail makes addresses unique and found case-insensitively: they
// are stored lower-cased.
func normaliseEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// canonicalRoles removes repeats and orders roles as model.Roles does.
func canonicalRoles(roles []model.Role) []model.Role {
	out := slices.Clone(roles)
	slices.SortFunc(out, func(a, b model.Role) int {
		return cmp.Or(cmp.Compare(slices.Index(model.Roles, a), slices.Index(model.Roles, b)), cmp.Compare(a, b))
	})
	return slices.Compact(out)
}

func (q *queries) CreateUser(ctx context.Context, u *model.User) error {
	if u.ID == "" {
		u.ID = NewID()
	}
	u.Email = normaliseEmail(u.Email)
	u.Roles = canonicalRoles(u.Roles)
	stampCreate(&u.CreatedAt, &u.UpdatedAt)
	err := q.atomic(ctx, func(q *queries) error {
		_, err := q.wr.exec(ctx, `INSERT INTO users (`+userColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			u.ID, u.OrgID, u.Email, u.Name, u.Disabled, u.PasswordHash, u.TOTPSecret, u.Language, u.CreatedAt, u.UpdatedAt, u.WorkingGroup)
		if err != nil {
			return err
		}
		return q.insertRoles(ctx, u.ID, u.Roles)
	})
	return dbErr(err, "create user")
}

func (q *queries) UpdateUser(ctx context.Context, u *model.User) error {
	u.Email = normaliseEmail(u.Email)
	u.Roles = canonicalRoles(u.Roles)
	stampUpdate(&u.UpdatedAt)
	err := q.atomic(ctx, func(q *queries) error {
		err := q.wr.execOne(ctx, `UPDATE users SET org_id = ?, email = ?, name = ?, disabled = ?, password_hash = ?, totp_secret = ?, language = ?, updated_at = ?, working_group = ? WHERE id = ?`,
			u.OrgID, u.Email, u.Name, u.Disabled, u.PasswordHash, u.TOTPSecret, u.Language, u.UpdatedAt, u.WorkingGroup, u.ID)
		if err != nil {
			return err
		}
		if _, err := q.wr.exec(ctx, `DELETE FROM user_roles WHERE user_id = ?`, u.ID); err != nil {
			return err
		}
		return q.insertRoles(ctx, u.ID, u.Roles)
	})
	return dbErr(err, "update user %s", u.ID)
}

func (q *queries) insertRoles(ctx context.Context, userID string, roles []model.Role) error {
	for _, r := range roles {
		if _, err := q.wr.exec(ctx, `INSERT INTO user_roles (user_id, role) VALUES (?, ?)`, userID, r); err != nil {
			return err
		}
	}
	return nil
}

func (q *queries) UserByID(ctx context.Context, id string) (model.User, error) {
	return q.oneUser(ctx, "user "+id, `SELECT `+userColumns+` FROM users WHERE id = ?`, id)
}

func (q *queries) UserByEmail(ctx context.Context, email string) (model.User, error) {
	email = normaliseEmail(email)
	return q.oneUser(ctx, "user "+email, `SELECT `+userColumns+` FROM users WHERE email = ?`, email)
}

func (q *queries) oneUser(ctx context.Context, what, query string, args ...any) (model.User, error) {
	u, err := scanUser(q.rd.row(ctx, query, args...))
	if err != nil {
		return model.User{}, dbErr(err, "%s", what)
	}
	users := []model.User{u}
	if err := q.loadRoles(ctx, users); err != nil {
		return model.User{}, dbErr(err, "%s", what)
	}
	return users[0], nil
}

func (q *queries) ListUsers(ctx context.Context, orgID string) ([]model.User, error) {
	var conds []string
	var args []any
	if orgID != "" {
		conds, args = append(conds, "org_id = ?"), append(args, orgID)
	}
	users, err := queryAll(ctx, q.rd, scanUser, `SELECT `+userColumns+` FROM users`+where(conds)+` ORDER BY email, id`, args...)
	if err == nil {
		err = q.loadRoles(ctx, users)
	}
	return users, dbErr(err, "list users")
}

// loadRoles fills in the roles of users with one query per chunk of users.
func (q *queries) loadRoles(ctx context.Context, users []model.User) error {
	byID := make(map[string]*model.User, len(users))
	ids := make([]string, len(users))
	for i := range users {
		byID[users[i].ID] = &users[i]
		ids[i] = users[i].ID
	}
	err := q.inChunks(ids, func(in string, args []any) error {
		rows, err := q.rd.query(ctx, `SELECT user_id, role FROM user_roles WHERE user_id IN (`+in+`)`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var r model.Role
			if err := rows.Scan(&id, &r); err != nil {
				return err
			}
			byID[id].Roles = append(byID[id].Roles, r)
		}
		return rows.Err()
	})
	for i := range users {
		users[i].Roles = canonicalRoles(users[i].Roles)
	}
	return err
}

func (q *queries) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := q.rd.row(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, dbErr(err, "count users")
}

// UseTOTPStep decides by the row count of one conditional UPDATE, so that
// of two sign-ins with the same code only one passes.
func (q *queries) UseTOTPStep(ctx context.Context, userID string, step int64) (bool, error) {
	res, err := q.wr.exec(ctx, `UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?`, step, userID, step)
	if err != nil {
		return false, dbErr(err, "use TOTP step of user %s", userID)
	}
	n, err := res.RowsAffected()
	return n == 1, dbErr(err, "use TOTP step of user %s", userID)
}

func (q *queries) SetPasswordHash(ctx context.Context, userID, old, new string) (bool, error) {
	res, err := q.wr.exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?`, new, userID, old)
	if err != nil {
		return false, dbErr(err, "set password of user %s", userID)
	}
	n, err := res.RowsAffected()
	return n == 1, dbErr(err, "set password of user %s", userID)
}
