package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
)

// SignInFactors are single sign-on providers, sign-in ceremonies in
// progress, passkeys, recovery codes and who must use a phishing-resistant
// factor.
type SignInFactors interface {
	CreateSSOProvider(ctx context.Context, p *model.SSOProvider) error
	UpdateSSOProvider(ctx context.Context, p *model.SSOProvider) error
	DeleteSSOProvider(ctx context.Context, id string) error
	SSOProviderByID(ctx context.Context, id string) (model.SSOProvider, error)
	// ListSSOProviders returns an organisation's providers by name; orgID
	// "" means every organisation's.
	ListSSOProviders(ctx context.Context, orgID string) ([]model.SSOProvider, error)
	// SSOLinkedUser returns the user a provider's subject is linked to.
	SSOLinkedUser(ctx context.Context, providerID, subject string) (string, error)
	LinkSSOSubject(ctx context.Context, providerID, subject, userID string, at time.Time) error

	CreateSignInFlow(ctx context.Context, f model.SignInFlow) error
	// TakeSignInFlow removes the flow and returns it if it has not expired:
	// of two requests with the same state, one wins.
	TakeSignInFlow(ctx context.Context, id string, now time.Time) (model.SignInFlow, error)
	DeleteExpiredSignInFlows(ctx context.Context, now time.Time) error

	CreatePasskey(ctx context.Context, p *model.Passkey) error
	ListPasskeys(ctx context.Context, userID string) ([]model.Passkey, error)
	PasskeyByCredentialID(ctx context.Context, credentialID string) (model.Passkey, error)
	// UsePasskey stores the credential record as updated by a sign-in (its
	// signature counter) and when it was used.
	UsePasskey(ctx context.Context, id, credential string, at time.Time) error
	DeletePasskey(ctx context.Context, userID, id string) (model.Passkey, error)

	// ReplaceRecoveryCodes drops the user's codes and stores new hashes.
	ReplaceRecoveryCodes(ctx context.Context, userID string, hashes []string) error
	// UseRecoveryCode marks an unused code used and reports whether it was.
	UseRecoveryCode(ctx context.Context, userID, hash string, at time.Time) (bool, error)
	UnusedRecoveryCodes(ctx context.Context, userID string) (int, error)

	// SignInPolicy reports whether scope ("staff", or "org:" and an
	// organisation's id) requires a phishing-resistant factor.
	SignInPolicy(ctx context.Context, scope string) (bool, error)
	SetSignInPolicy(ctx context.Context, scope string, requireStrong bool) error
	StrongFactorState(ctx context.Context, userID, orgID string) (model.StrongFactorState, error)

	// ListUserSessions returns the user's live sessions, newest first.
	ListUserSessions(ctx context.Context, userID string, now time.Time) ([]model.Session, error)
	// DeleteUserSession ends one of the user's sessions by its id.
	DeleteUserSession(ctx context.Context, userID, id string) error
	TouchSession(ctx context.Context, hash string, at time.Time) error
	// ListUserAPITokens returns the user's tokens, newest first.
	ListUserAPITokens(ctx context.Context, userID string) ([]model.APIToken, error)
}

const ssoColumns = `id, org_id, name, issuer, client_id, client_secret, email_domains, allow_passwords, created_at, updated_at`

func scanSSOProvider(s scanner) (model.SSOProvider, error) {
	var p model.SSOProvider
	var domains string
	err := s.Scan(&p.ID, &p.OrgID, &p.Name, &p.Issuer, &p.ClientID, &p.ClientSecret, &domains, &p.AllowPasswords,
		instant{&p.CreatedAt}, instant{&p.UpdatedAt})
	if domains != "" {
		p.EmailDomains = strings.Split(domains, ",")
	}
	return p, err
}

func joinDomains(d []string) string {
	d = slices.Clone(d)
	slices.Sort(d)
	return strings.Join(slices.Compact(d), ",")
}

func (q *queries) CreateSSOProvider(ctx context.Context, p *model.SSOProvider) error {
	if p.ID == "" {
		p.ID = NewID()
	}
	stampCreate(&p.CreatedAt, &p.UpdatedAt)
	_, err := q.wr.exec(ctx, `INSERT INTO sso_providers (`+ssoColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.OrgID, p.Name, p.Issuer, p.ClientID, p.ClientSecret, joinDomains(p.EmailDomains), p.AllowPasswords, p.CreatedAt, p.UpdatedAt)
	return dbErr(err, "create SSO provider")
}

func (q *queries) UpdateSSOProvider(ctx context.Context, p *model.SSOProvider) error {
	stampUpdate(&p.UpdatedAt)
	err := q.wr.execOne(ctx, `UPDATE sso_providers SET name = ?, issuer = ?, client_id = ?, client_secret = ?, email_domains = ?, allow_passwords = ?, updated_at = ? WHERE id = ?`,
		p.Name, p.Issuer, p.ClientID, p.ClientSecret, joinDomains(p.EmailDomains), p.AllowPasswords, p.UpdatedAt, p.ID)
	return dbErr(err, "update SSO provider %s", p.ID)
}

func (q *queries) DeleteSSOProvider(ctx context.Context, id string) error {
	err := q.wr.execOne(ctx, `DELETE FROM sso_providers WHERE id = ?`, id)
	return dbErr(err, "delete SSO provider %s", id)
}

func (q *queries) SSOProviderByID(ctx context.Context, id string) (model.SSOProvider, error) {
	p, err := scanSSOProvider(q.rd.row(ctx, `SELECT `+ssoColumns+` FROM sso_providers WHERE id = ?`, id))
	return p, dbErr(err, "SSO provider %s", id)
}

func (q *queries) ListSSOProviders(ctx context.Context, orgID string) ([]model.SSOProvider, error) {
	query, args := `SELECT `+ssoColumns+` FROM sso_providers`, []any{}
	if orgID != "" {
		query, args = query+` WHERE org_id = ?`, append(args, orgID)
	}
	ps, err := queryAll(ctx, q.rd, scanSSOProvider, query+` ORDER BY name, id`, args...)
	return ps, dbErr(err, "list SSO providers")
}

func (q *queries) SSOLinkedUser(ctx context.Context, providerID, subject string) (string, error) {
	var id string
	err := q.rd.row(ctx, `SELECT user_id FROM sso_links WHERE provider_id = ? AND subject = ?`, providerID, subject).Scan(&id)
	return id, dbErr(err, "SSO link")
}

func (q *queries) LinkSSOSubject(ctx context.Context, providerID, subject, userID string, at time.Time) error {
	_, err := q.wr.exec(ctx, `INSERT INTO sso_links (provider_id, subject, user_id, created_at) VALUES (?, ?, ?, ?)`, providerID, subject, userID, at)
	return dbErr(err, "link SSO subject")
}

const flowColumns = `id, kind, provider_id, user_id, nonce, verifier, data, next, expires_at`

func (q *queries) CreateSignInFlow(ctx context.Context, f model.SignInFlow) error {
	_, err := q.wr.exec(ctx, `INSERT INTO signin_flows (`+flowColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		f.ID, f.Kind, nullIfEmpty(f.ProviderID), nullIfEmpty(f.UserID), f.Nonce, f.Verifier, f.Data, f.Next, f.ExpiresAt)
	return dbErr(err, "create sign-in flow")
}

func (q *queries) TakeSignInFlow(ctx context.Context, id string, now time.Time) (model.SignInFlow, error) {
	var f model.SignInFlow
	var provider, user *string
	err := q.wr.row(ctx, `DELETE FROM signin_flows WHERE id = ? RETURNING `+flowColumns, id).
		Scan(&f.ID, &f.Kind, &provider, &user, &f.Nonce, &f.Verifier, &f.Data, &f.Next, instant{&f.ExpiresAt})
	if err != nil {
		return model.SignInFlow{}, dbErr(err, "sign-in flow")
	}
	if provider != nil {
		f.ProviderID = *provider
	}
	if user != nil {
		f.UserID = *user
	}
	if !now.Before(f.ExpiresAt) {
		return model.SignInFlow{}, dbErr(model.ErrNotFound, "sign-in flow")
	}
	return f, nil
}

func (q *queries) DeleteExpiredSignInFlows(ctx context.Context, now time.Time) error {
	_, err := q.wr.exec(ctx, `DELETE FROM signin_flows WHERE expires_at <= ?`, now)
	return dbErr(err, "delete expired sign-in flows")
}

const passkeyColumns = `id, user_id, credential_id, name, credential, created_at, last_used_at`

func scanPasskey(s scanner) (model.Passkey, error) {
	var p model.Passkey
	err := s.Scan(&p.ID, &p.UserID, &p.CredentialID, &p.Name, &p.Credential, instant{&p.CreatedAt}, nullInstant{&p.LastUsedAt})
	return p, err
}

func (q *queries) CreatePasskey(ctx context.Context, p *model.Passkey) error {
	if p.ID == "" {
		p.ID = NewID()
	}
	p.CreatedAt = instantOf(p.CreatedAt)
	_, err := q.wr.exec(ctx, `INSERT INTO passkeys (`+passkeyColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.UserID, p.CredentialID, p.Name, p.Credential, p.CreatedAt, p.LastUsedAt)
	return dbErr(err, "create passkey")
}

func (q *queries) ListPasskeys(ctx context.Context, userID string) ([]model.Passkey, error) {
	ps, err := queryAll(ctx, q.rd, scanPasskey, `SELECT `+passkeyColumns+` FROM passkeys WHERE user_id = ? ORDER BY created_at, id`, userID)
	return ps, dbErr(err, "list passkeys")
}

func (q *queries) PasskeyByCredentialID(ctx context.Context, credentialID string) (model.Passkey, error) {
	p, err := scanPasskey(q.rd.row(ctx, `SELECT `+passkeyColumns+` FROM passkeys WHERE credential_id = ?`, credentialID))
	return p, dbErr(err, "passkey")
}

func (q *queries) UsePasskey(ctx context.Context, id, credential string, at time.Time) error {
	err := q.wr.execOne(ctx, `UPDATE passkeys SET credential = ?, last_used_at = ? WHERE id = ?`, credential, at, id)
	return dbErr(err, "use passkey %s", id)
}

func (q *queries) DeletePasskey(ctx context.Context, userID, id string) (model.Passkey, error) {
	p, err := scanPasskey(q.wr.row(ctx, `DELETE FROM passkeys WHERE user_id = ? AND id = ? RETURNING `+passkeyColumns, userID, id))
	return p, dbErr(err, "delete passkey %s", id)
}

func (q *queries) ReplaceRecoveryCodes(ctx context.Context, userID string, hashes []string) error {
	err := q.atomic(ctx, func(q *queries) error {
		if _, err := q.wr.exec(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
			return err
		}
		for _, h := range hashes {
			if _, err := q.wr.exec(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)`, userID, h); err != nil {
				return err
			}
		}
		return nil
	})
	return dbErr(err, "replace recovery codes")
}

func (q *queries) UseRecoveryCode(ctx context.Context, userID, hash string, at time.Time) (bool, error) {
	res, err := q.wr.exec(ctx, `UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`, at, userID, hash)
	if err != nil {
		return false, dbErr(err, "use recovery code")
	}
	n, err := res.RowsAffected()
	return n == 1, dbErr(err, "use recovery code")
}

func (q *queries) UnusedRecoveryCodes(ctx context.Context, userID string) (int, error) {
	var n int
	err := q.rd.row(ctx, `SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL`, userID).Scan(&n)
	return n, dbErr(err, "count recovery codes")
}

func (q *queries) SignInPolicy(ctx context.Context, scope string) (bool, error) {
	var on bool
	err := q.rd.row(ctx, `SELECT require_strong FROM signin_policies WHERE scope = ?`, scope).Scan(&on)
	if err != nil && errors.Is(translate(err), model.ErrNotFound) {
		return false, nil
	}
	return on, dbErr(err, "sign-in policy")
}

func (q *queries) SetSignInPolicy(ctx context.Context, scope string, requireStrong bool) error {
	_, err := q.wr.exec(ctx, `INSERT INTO signin_policies (scope, require_strong) VALUES (?, ?)
		ON CONFLICT (scope) DO UPDATE SET require_strong = excluded.require_strong`, scope, requireStrong)
	return dbErr(err, "set sign-in policy")
}

// StrongFactorState is read in one statement: it is asked on every
// request of a signed-in browser.
func (q *queries) StrongFactorState(ctx context.Context, userID, orgID string) (model.StrongFactorState, error) {
	var st model.StrongFactorState
	var org, staff int
	err := q.rd.row(ctx, `SELECT
		(SELECT count(*) FROM signin_policies WHERE scope = ? AND require_strong),
		(SELECT count(*) FROM signin_policies WHERE scope = 'staff' AND require_strong),
		(SELECT count(*) FROM passkeys WHERE user_id = ?)`, "org:"+orgID, userID).Scan(&org, &staff, &st.Passkeys)
	st.OrgRequires, st.StaffRequires = org > 0, staff > 0
	return st, dbErr(err, "strong factor state")
}

func (q *queries) ListUserSessions(ctx context.Context, userID string, now time.Time) ([]model.Session, error) {
	ss, err := queryAll(ctx, q.rd, scanSession, `SELECT `+sessionColumns+` FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY created_at DESC, id`, userID, now)
	return ss, dbErr(err, "list sessions")
}

func (q *queries) DeleteUserSession(ctx context.Context, userID, id string) error {
	err := q.wr.execOne(ctx, `DELETE FROM sessions WHERE user_id = ? AND id = ?`, userID, id)
	return dbErr(err, "end session %s", id)
}

func (q *queries) TouchSession(ctx context.Context, hash string, at time.Time) error {
	_, err := q.wr.exec(ctx, `UPDATE sessions SET last_used_at = ? WHERE token_hash = ?`, at, hash)
	return dbErr(err, "touch session")
}

func (q *queries) ListUserAPITokens(ctx context.Context, userID string) ([]model.APIToken, error) {
	ts, err := queryAll(ctx, q.rd, func(s scanner) (model.APIToken, error) {
		var t model.APIToken
		err := s.Scan(&t.ID, &t.UserID, &t.TokenHash, instant{&t.CreatedAt}, instant{&t.ExpiresAt}, nullInstant{&t.RevokedAt})
		return t, err
	}, `SELECT id, user_id, token_hash, created_at, expires_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC, id`, userID)
	return ts, dbErr(err, "list API tokens")
}
