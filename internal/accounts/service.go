// Package accounts is who may sign in: users and their roles, passwords,
// browser sessions and API tokens, and the limits on guessing.
package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Config tunes sign-in. The zero value is not usable; start from Defaults.
type Config struct {
	Params             Params
	SessionTTL         time.Duration
	TokenTTL           time.Duration
	FailureWindow      time.Duration
	MaxAccountFailures int
	MaxAddressFailures int
	// BeneficiaryCountry is the ISO 3166 code of the country assisted: only
	// its organisations have requesters and validators.
	BeneficiaryCountry string
}

var Defaults = Config{
	Params:             DefaultParams,
	SessionTTL:         12 * time.Hour,
	TokenTTL:           24 * time.Hour,
	FailureWindow:      15 * time.Minute,
	MaxAccountFailures: 5,
	MaxAddressFailures: 20,
	BeneficiaryCountry: "UA",
}

const (
	MinPassword = 12
	MaxPassword = 256
)

type Service struct {
	store store.Store
	now   func() time.Time
	cfg   Config
	// dummy is checked when no account matches, so that an unknown address
	// takes as long to refuse as a wrong password.
	dummy string
}

func NewService(s store.Store, now func() time.Time, cfg Config) (*Service, error) {
	dummy, err := HashPassword("no account has this password", cfg.Params)
	if err != nil {
		return nil, err
	}
	return &Service{store: s, now: now, cfg: cfg, dummy: dummy}, nil
}

func (s *Service) Config() Config { return s.cfg }

// NewUser is what an administrator gives to create an account.
type NewUser struct {
	OrgID    string       `json:"org_id"`
	Email    string       `json:"email"`
	Name     string       `json:"name"`
	Roles    []model.Role `json:"roles"`
	Password string       `json:"password"`
	// WithTOTP gives the account a TOTP secret, required at every sign-in.
	WithTOTP bool `json:"with_totp"`
}

// Created is a new account and, when asked for, its TOTP enrolment URL,
// shown once.
type Created struct {
	model.User
	TOTPURL string `json:"totp_url,omitempty"`
}

func normaliseEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || len(s) > 254 {
		return "", model.Invalid("email", "%q is not an e-mail address", s)
	}
	return strings.ToLower(s), nil
}

// CheckRoles applies the rules that tie a role to the kind of organisation.
func (s *Service) CheckRoles(roles []model.Role, org model.Organisation) error {
	if len(roles) == 0 {
		return model.Invalid("roles", "give at least one role")
	}
	for _, r := range roles {
		if !r.Valid() {
			return model.Invalid("roles", "%q is not a role; use admin, coordinator, validator, requester, donor, delegate or viewer", r)
		}
	}
	beneficiary := org.Country == s.cfg.BeneficiaryCountry
	if slices.Contains(roles, model.RoleValidator) && !(beneficiary && org.Kind == model.KindState && org.Participation == model.Member) {
		return model.Broken("roles", "validator_not_government", "validators belong to the beneficiary government (%s, a member state)", s.cfg.BeneficiaryCountry)
	}
	if slices.Contains(roles, model.RoleRequester) && !beneficiary {
		return model.Broken("roles", "requester_not_beneficiary", "requesters belong to an organisation of the beneficiary country (%s)", s.cfg.BeneficiaryCountry)
	}
	if slices.Contains(roles, model.RoleDonor) && !policy.CanDonate(org) {
		return model.Broken("roles", "donor_cannot_donate", "%s cannot pledge: it is a %s %s", org.Name, org.Participation, org.Kind)
	}
	if slices.Contains(roles, model.RoleDelegate) && org.Participation != model.Member {
		return model.Broken("roles", "delegate_not_member", "only member organisations have delegates; %s is %s", org.Name, org.Participation)
	}
	return nil
}

// Create makes an account. actor is empty when the operator uses the command line.
func (s *Service) Create(ctx context.Context, actor policy.Viewer, in NewUser) (Created, error) {
	if !actor.Anonymous() {
		if err := policy.Require(actor, policy.UsersManage); err != nil {
			return Created{}, err
		}
	}
	email, err := normaliseEmail(in.Email)
	if err != nil {
		return Created{}, err
	}
	name, err := model.CleanText("name", in.Name, 0, model.MaxTitle)
	if err != nil {
		return Created{}, err
	}
	if n := len([]rune(in.Password)); n < MinPassword || n > MaxPassword {
		return Created{}, model.Invalid("password", "must be between %d and %d characters", MinPassword, MaxPassword)
	}
	roles := slices.Clone(in.Roles)
	slices.Sort(roles)
	roles = slices.Compact(roles)
	hash, err := HashPassword(in.Password, s.cfg.Params)
	if err != nil {
		return Created{}, err
	}
	now := s.now().UTC()
	out := Created{User: model.User{
		OrgID: in.OrgID, Email: email, Name: name, Roles: roles, PasswordHash: hash,
		CreatedAt: now, UpdatedAt: now,
	}}
	if in.WithTOTP {
		key, err := totp.Generate(totp.GenerateOpts{Issuer: "cyberaid", AccountName: email})
		if err != nil {
			return Created{}, err
		}
		out.TOTPSecret, out.TOTPURL = key.Secret(), key.URL()
	}
	err = s.store.InTx(ctx, func(q store.Queries) error {
		org, err := q.OrganisationByID(ctx, in.OrgID)
		if errors.Is(err, model.ErrNotFound) {
			return model.Invalid("org_id", "no organisation has the id %q", in.OrgID)
		}
		if err != nil {
			return err
		}
		if err := s.CheckRoles(roles, org); err != nil {
			return err
		}
		if err := q.CreateUser(ctx, &out.User); err != nil {
			if errors.Is(err, model.ErrDuplicate) {
				return model.Broken("email", "email_taken", "an account already uses %s", email)
			}
			return err
		}
		_, err = audit.Record(ctx, q, now, audit.Actor{UserID: actor.UserID, OrgID: actor.Org.ID}, audit.Change{
			Action: "user.create", ObjectType: "user", ObjectID: out.ID, After: out.User,
		})
		return err
	})
	return out, err
}

// List returns the accounts of every organisation, for administrators.
func (s *Service) List(ctx context.Context, actor policy.Viewer) ([]model.User, error) {
	if err := policy.Require(actor, policy.UsersManage); err != nil {
		return nil, err
	}
	return s.store.ListUsers(ctx, "")
}

// Page returns up to limit users by e-mail address after the cursor, and
// the cursor of the next page ("" at the end).
func (s *Service) Page(ctx context.Context, actor policy.Viewer, after string, limit int) ([]model.User, string, error) {
	if err := policy.Require(actor, policy.UsersManage); err != nil {
		return nil, "", err
	}
	return model.FillPage(after, limit, func(after string, n int) ([]model.User, error) {
		return s.store.PageUsers(ctx, after, n)
	}, func(u model.User) (model.User, bool, error) { return u, true, nil },
		func(u model.User) string { return u.ID })
}

// Identity is a signed-in user with the organisation that acts through them.
type Identity struct {
	User model.User
	Org  model.Organisation
}

func (id Identity) Viewer() policy.Viewer { return policy.ViewerFor(id.User, id.Org) }

// ErrBadCredentials is the one answer to a wrong address, password or code,
// so that a guesser learns nothing of which was wrong.
var ErrBadCredentials = &model.FieldError{Kind: model.ErrUnauthenticated, Field: "password", Code: "bad_credentials", Message: "the e-mail address, password or code is wrong"}

// ErrTOTPRequired asks for the second factor of an account that has one.
var ErrTOTPRequired = &model.FieldError{Kind: model.ErrUnauthenticated, Field: "totp", Code: "totp_required", Message: "enter the six-digit code from your authenticator app"}

// Authenticate checks a sign-in, limited per account and per address so
// that neither one address nor many can guess a password.
func (s *Service) Authenticate(ctx context.Context, email, password, code, addr string) (Identity, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	now := s.now().UTC()
	since := now.Add(-s.cfg.FailureWindow)
	keys := []struct {
		key string
		max int
	}{{"account:" + email, s.cfg.MaxAccountFailures}, {"address:" + addr, s.cfg.MaxAddressFailures}}
	for _, k := range keys {
		n, err := s.store.CountLoginFailures(ctx, k.key, since)
		if err != nil {
			return Identity{}, err
		}
		if n >= k.max {
			return Identity{}, model.ErrRateLimited
		}
	}
	fail := func(cause error) (Identity, error) {
		for _, k := range keys {
			if err := s.store.RecordLoginFailure(ctx, k.key, now); err != nil {
				return Identity{}, err
			}
		}
		return Identity{}, cause
	}
	u, err := s.store.UserByEmail(ctx, email)
	if errors.Is(err, model.ErrNotFound) {
		_, _ = CheckPassword(password, s.dummy)
		return fail(ErrBadCredentials)
	}
	if err != nil {
		return Identity{}, err
	}
	ok, err := CheckPassword(password, u.PasswordHash)
	if err != nil {
		return Identity{}, err
	}
	if !ok || u.Disabled {
		return fail(ErrBadCredentials)
	}
	if u.TOTPSecret != "" {
		if code == "" {
			return Identity{}, ErrTOTPRequired
		}
		if !totp.Validate(strings.TrimSpace(code), u.TOTPSecret) {
			return fail(ErrBadCredentials)
		}
	}
	if err := s.store.ClearLoginFailures(ctx, keys[0].key); err != nil {
		return Identity{}, err
	}
	org, err := s.store.OrganisationByID(ctx, u.OrgID)
	if err != nil {
		return Identity{}, err
	}
	return Identity{User: u, Org: org}, nil
}

func newToken() (token, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is how session and API tokens are stored: a database reader
// cannot sign in with what it reads.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// StartSession opens a browser session for a signed-in user and returns its
// cookie value. Each sign-in gets a fresh token, so a token planted before
// sign-in is worthless after it.
func (s *Service) StartSession(ctx context.Context, id Identity) (string, model.Session, error) {
	token, hash := newToken()
	csrf, _ := newToken()
	now := s.now().UTC()
	sess := model.Session{TokenHash: hash, UserID: id.User.ID, CSRFToken: csrf, CreatedAt: now, ExpiresAt: now.Add(s.cfg.SessionTTL)}
	err := s.store.InTx(ctx, func(q store.Queries) error {
		if err := q.DeleteExpiredSessions(ctx, now); err != nil {
			return err
		}
		if err := q.CreateSession(ctx, sess); err != nil {
			return err
		}
		_, err := audit.Record(ctx, q, now, audit.Actor{UserID: id.User.ID, OrgID: id.Org.ID}, audit.Change{
			Action: "session.start", ObjectType: "user", ObjectID: id.User.ID,
		})
		return err
	})
	return token, sess, err
}

// Session resolves a session cookie; an unknown, expired or disabled one is
// ErrUnauthenticated.
func (s *Service) Session(ctx context.Context, token string) (Identity, model.Session, error) {
	sess, err := s.store.SessionByTokenHash(ctx, HashToken(token))
	if errors.Is(err, model.ErrNotFound) || (err == nil && !s.now().Before(sess.ExpiresAt)) {
		return Identity{}, model.Session{}, model.ErrUnauthenticated
	}
	if err != nil {
		return Identity{}, model.Session{}, err
	}
	id, err := s.identity(ctx, sess.UserID)
	return id, sess, err
}

// EndSession signs a browser out.
func (s *Service) EndSession(ctx context.Context, token string) error {
	return s.store.DeleteSession(ctx, HashToken(token))
}

// IssueToken returns a bearer token for the API.
func (s *Service) IssueToken(ctx context.Context, id Identity) (string, time.Time, error) {
	raw, _ := newToken()
	token := "cyb_" + raw // recognisable by secret scanners
	hash := HashToken(token)
	now := s.now().UTC()
	t := model.APIToken{UserID: id.User.ID, TokenHash: hash, CreatedAt: now, ExpiresAt: now.Add(s.cfg.TokenTTL)}
	err := s.store.InTx(ctx, func(q store.Queries) error {
		if err := q.CreateAPIToken(ctx, t); err != nil {
			return err
		}
		_, err := audit.Record(ctx, q, now, audit.Actor{UserID: id.User.ID, OrgID: id.Org.ID}, audit.Change{
			Action: "token.issue", ObjectType: "user", ObjectID: id.User.ID,
			After: map[string]any{"expires_at": t.ExpiresAt},
		})
		return err
	})
	return token, t.ExpiresAt, err
}

// Token resolves a bearer token; an unknown, expired or revoked one is
// ErrUnauthenticated.
func (s *Service) Token(ctx context.Context, token string) (Identity, model.APIToken, error) {
	t, err := s.store.APITokenByHash(ctx, HashToken(token))
	if errors.Is(err, model.ErrNotFound) || (err == nil && (t.RevokedAt != nil || !s.now().Before(t.ExpiresAt))) {
		return Identity{}, model.APIToken{}, model.ErrUnauthenticated
	}
	if err != nil {
		return Identity{}, model.APIToken{}, err
	}
	id, err := s.identity(ctx, t.UserID)
	return id, t, err
}

// RevokeToken ends a bearer token before its expiry.
func (s *Service) RevokeToken(ctx context.Context, id Identity, t model.APIToken) error {
	now := s.now().UTC()
	return s.store.InTx(ctx, func(q store.Queries) error {
		if err := q.RevokeAPIToken(ctx, t.ID, now); err != nil {
			return err
		}
		_, err := audit.Record(ctx, q, now, audit.Actor{UserID: id.User.ID, OrgID: id.Org.ID}, audit.Change{
			Action: "token.revoke", ObjectType: "user", ObjectID: id.User.ID,
		})
		return err
	})
}

func (s *Service) identity(ctx context.Context, userID string) (Identity, error) {
	u, err := s.store.UserByID(ctx, userID)
	if errors.Is(err, model.ErrNotFound) || (err == nil && u.Disabled) {
		return Identity{}, model.ErrUnauthenticated
	}
	if err != nil {
		return Identity{}, err
	}
	org, err := s.store.OrganisationByID(ctx, u.OrgID)
	if err != nil {
		return Identity{}, err
	}
	return Identity{User: u, Org: org}, nil
}
