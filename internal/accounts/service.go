// Package accounts is who may sign in: users and their roles, passwords,
// browser sessions and API tokens, and the limits on guessing.
package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/pquerna/otp"
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
	// HashSlots is how many password hashes may be computed at once; 0
	// means max(2, GOMAXPROCS). HashWait is how long an attempt waits for a
	// slot before it is refused as busy.
	HashSlots int
	HashWait  time.Duration
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
	HashWait:           200 * time.Millisecond,
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
	gate  *hashGate
	// check is CheckPassword; tests replace it to count or hold checks.
	check func(password, encoded string) (bool, error)
	// notifier tells users of changes to their sign-in; nil tells no one.
	notifier Notifier
	// webauthn is the passkey relying party; nil when the site's address
	// is not configured.
	webauthn *webauthnRP
	// sso reaches the identity providers.
	sso ssoClients
}

func NewService(s store.Store, now func() time.Time, cfg Config) (*Service, error) {
	dummy, err := HashPassword("no account has this password", cfg.Params)
	if err != nil {
		return nil, err
	}
	return &Service{store: s, now: now, cfg: cfg, dummy: dummy, gate: newHashGate(cfg.HashSlots, cfg.HashWait), check: CheckPassword}, nil
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
	// WorkingGroup puts a validator in a working group.
	WorkingGroup model.WorkingGroup `json:"working_group"`
	// Shared, when made for Password, is used instead of hashing it again.
	Shared *SharedHash `json:"-"`
}

// SharedHash is one argon2id hash of a password, with the service's
// parameters, for accounts that all sign in with that password: the demo's,
// whose password is published, so that seeding it does not run argon2 once
// per account. Accounts given their own password each get their own salt.
// Only ShareHash makes one, so it always matches its password.
type SharedHash struct {
	password, hash string
}

// ShareHash hashes password once for the accounts that will share it.
func (s *Service) ShareHash(password string) (*SharedHash, error) {
	hash, err := HashPassword(password, s.cfg.Params)
	if err != nil {
		return nil, err
	}
	return &SharedHash{password: password, hash: hash}, nil
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

// Create makes an account, for an administrator or the operator's command
// line (policy.System).
func (s *Service) Create(ctx context.Context, actor policy.Viewer, in NewUser) (Created, error) {
	if err := policy.Require(actor, policy.UsersManage); err != nil {
		return Created{}, err
	}
	// Every field is judged before any is refused, so that one answer
	// names every fault.
	email, emailErr := normaliseEmail(in.Email)
	name, nameErr := model.CleanText("name", in.Name, 0, model.MaxTitle)
	var orgErr, passwordErr error
	var org model.Organisation
	if in.OrgID == "" {
		orgErr = model.Invalid("org_id", "is required")
	} else {
		// The organisation's name is a word a guesser knows: it is read here,
		// before the password is judged and hashed, and again in the transaction.
		var err error
		org, err = s.store.OrganisationByID(ctx, in.OrgID)
		switch {
		case errors.Is(err, model.ErrNotFound):
			orgErr = model.Invalid("org_id", "no organisation has the id %q", in.OrgID)
		case err != nil:
			return Created{}, err
		}
	}
	if n := len([]rune(in.Password)); n < MinPassword || n > MaxPassword {
		passwordErr = model.Invalid("password", "must be between %d and %d characters", MinPassword, MaxPassword)
	} else {
		passwordErr = CheckNewPassword(in.Password, PasswordContext{Email: email, Name: name, OrgName: org.Name})
	}
	roles := slices.Clone(in.Roles)
	slices.Sort(roles)
	roles = slices.Compact(roles)
	var rolesErr error
	if orgErr == nil {
		rolesErr = s.CheckRoles(roles, org)
	}
	if err := model.Collect(orgErr, emailErr, nameErr, rolesErr, checkWorkingGroup(in.WorkingGroup, roles), passwordErr); err != nil {
		return Created{}, err
	}
	var hash string
	var err error
	if in.Shared != nil && in.Shared.password == in.Password {
		hash = in.Shared.hash
	} else if hash, err = HashPassword(in.Password, s.cfg.Params); err != nil {
		return Created{}, err
	}
	now := s.now().UTC()
	out := Created{User: model.User{
		OrgID: in.OrgID, Email: email, Name: name, Roles: roles, PasswordHash: hash,
		CreatedAt: now, UpdatedAt: now, WorkingGroup: in.WorkingGroup,
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

// ViewersWith returns, for the platform's own work, every active account
// whose roles grant p, each as a session of theirs acts: to prepare what
// they will ask for.
func (s *Service) ViewersWith(ctx context.Context, p policy.Permission) ([]policy.Viewer, error) {
	users, err := s.store.ListUsers(ctx, "")
	if err != nil {
		return nil, err
	}
	var out []policy.Viewer
	for _, u := range users {
		id, err := s.identity(ctx, u.ID)
		switch {
		case errors.Is(err, model.ErrUnauthenticated) || errors.Is(err, errFormer):
			continue
		case err != nil:
			return nil, err
		}
		if v := id.Viewer(); policy.Allowed(v, p) {
			out = append(out, v)
		}
	}
	return out, nil
}

// Page returns up to limit users in order (by name unless asked) after
// cursor (as model.SortCursor wrote it), and the cursor of the next page
// ("" at the end).
func (s *Service) Page(ctx context.Context, actor policy.Viewer, order model.Sort, cursor string, limit int) ([]model.User, string, error) {
	if err := policy.Require(actor, policy.UsersManage); err != nil {
		return nil, "", err
	}
	after, err := model.ReadSortCursor(order, cursor)
	if err != nil {
		return nil, "", err
	}
	users, next, err := model.FillPage(after, limit, func(after string, n int) ([]model.User, error) {
		return s.store.SortUsers(ctx, order, after, n)
	}, func(u model.User) (model.User, bool, error) { return u, true, nil },
		func(u model.User) string { return u.ID })
	return users, model.SortCursor(order, next), err
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

// ErrFormerOrganisation refuses the accounts of an organisation that left.
var ErrFormerOrganisation = &model.FieldError{Kind: model.ErrForbidden, Field: "email", Code: "organisation_former",
	Message: "Your organisation no longer takes part in the mechanism, so its accounts cannot sign in."}

// ErrBusy refuses a sign-in when the server is already hashing as many
// passwords as it can afford at once.
var ErrBusy = &model.Throttled{Code: "signin_busy", RetryAfter: 2 * time.Second,
	Message: "The server is checking many sign-ins at this moment. Try again in a few seconds."}

// attempts are the sign-in limits an attempt has taken: one per account,
// one per address.
type attempts struct {
	s    *Service
	keys []string
}

// takeAttempts counts the attempt against its account and its address
// before anything is checked, each in one statement that counts and
// decides, so that a burst of simultaneous guesses gets no more checks than
// the limit.
func (s *Service) takeAttempts(ctx context.Context, email, addr string, now time.Time) (*attempts, error) {
	a := &attempts{s: s}
	for _, k := range []struct {
		key string
		max int
	}{{"account:" + email, s.cfg.MaxAccountFailures}, {"address:" + addr, s.cfg.MaxAddressFailures}} {
		ok, start, err := s.store.TakeLoginAttempt(ctx, k.key, now, now.Add(-s.cfg.FailureWindow), k.max)
		if err == nil {
			a.keys = append(a.keys, k.key)
		}
		if err != nil || !ok {
			a.release(ctx)
			if err != nil {
				return nil, err
			}
			wait := max(start.Add(s.cfg.FailureWindow).Sub(now), time.Second)
			return nil, &model.Throttled{Code: "rate_limited", RetryAfter: wait,
				Message: "Too many failed sign-in attempts. Try again in " + minutes(wait) + "."}
		}
	}
	return a, nil
}

func minutes(d time.Duration) string {
	if n := int((d + time.Minute - 1) / time.Minute); n > 1 {
		return fmt.Sprintf("%d minutes", n)
	}
	return "a minute"
}

// release gives the attempts back: no password was wrong (a success, a
// refusal before any check, a fault).
func (a *attempts) release(ctx context.Context) {
	for _, k := range a.keys {
		// A failure to give back leaves the attempt counted, the safe side.
		_ = a.s.store.ReleaseLoginAttempt(ctx, k)
	}
}

// succeeded ends the account's count, as a right password and code prove
// the guessing is over, and gives back the address's attempt.
func (a *attempts) succeeded(ctx context.Context, now time.Time) error {
	if err := a.s.store.ClearLoginAttempts(ctx, a.keys[0], now.Add(-24*time.Hour)); err != nil {
		return err
	}
	for _, k := range a.keys[1:] {
		if err := a.s.store.ReleaseLoginAttempt(ctx, k); err != nil {
			return err
		}
	}
	return nil
}

// Authenticate checks a sign-in, limited per account and per address so
// that neither one address nor many can guess a password.
//
// An account with a second factor answers ErrTOTPRequired to any attempt
// without a code, before its password is looked at: the answer cannot
// tell whether the password was right. With a code, the password and the
// code are checked together and either being wrong is ErrBadCredentials.
// An unknown address answers ErrBadCredentials, as an account without a
// second factor does: asking it for a code would set apart the accounts
// without one. So the code prompt shows which addresses have an account
// with a second factor; hiding that would mean asking every visitor for a
// code. The limits per address bound how many addresses one can try.
func (s *Service) Authenticate(ctx context.Context, email, password, code, addr string) (Identity, error) {
	id, passkey, err := s.SignIn(ctx, email, password, code, addr)
	if err != nil {
		return Identity{}, err
	}
	// A password alone never yields a bearer token for an account that
	// must show a phishing-resistant factor: its owner creates one on the
	// account page, signed in with that factor.
	if passkey {
		return Identity{}, ErrPasskeyRequired
	}
	if must, err := s.MustEnrol(ctx, id, nil); err != nil || must {
		return Identity{}, cmpErr(err, ErrStrongFactorRequired)
	}
	return id, nil
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// SignIn is Authenticate for the sign-in page: a right password of an
// account with a passkey reports passkey, and the browser is then asked
// for the passkey (BeginSecondFactor) before a session starts.
func (s *Service) SignIn(ctx context.Context, email, password, code, addr string) (id Identity, passkey bool, err error) {
	email = strings.ToLower(strings.TrimSpace(email))
	code = strings.TrimSpace(code)
	now := s.now().UTC()
	att, err := s.takeAttempts(ctx, email, addr, now)
	if err != nil {
		return Identity{}, false, err
	}
	id, passkey, wrong, err := s.authenticate(ctx, email, password, code, now)
	switch {
	case wrong:
		// The attempts stay counted: this was a wrong guess.
		return Identity{}, false, err
	case err != nil:
		att.release(ctx)
		return Identity{}, false, err
	}
	if passkey {
		// The passkey is still to be shown: the guessing is not over.
		att.release(ctx)
		return id, true, nil
	}
	if err := att.succeeded(ctx, now); err != nil {
		return Identity{}, false, err
	}
	return id, false, nil
}

// authenticate reports wrong when the attempt was a wrong guess, which
// counts toward the limits.
func (s *Service) authenticate(ctx context.Context, email, password, code string, now time.Time) (id Identity, passkey, wrong bool, err error) {
	u, err := s.store.UserByEmail(ctx, email)
	known := err == nil
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return Identity{}, false, false, err
	}
	if known {
		// A passkey is the second factor of an account that has one; TOTP
		// stays for those who have nothing else.
		keys, err := s.store.ListPasskeys(ctx, u.ID)
		if err != nil {
			return Identity{}, false, false, err
		}
		passkey = len(keys) > 0
	}
	if known && !passkey && u.TOTPSecret != "" && code == "" {
		return Identity{}, false, false, ErrTOTPRequired
	}
	if !s.gate.enter(ctx) {
		return Identity{}, false, false, ErrBusy
	}
	hash := s.dummy
	if known {
		hash = u.PasswordHash
	}
	ok, err := s.check(password, hash)
	s.gate.leave()
	if err != nil {
		return Identity{}, false, false, err
	}
	if !known || !ok || u.Disabled {
		return Identity{}, false, true, ErrBadCredentials
	}
	if !passkey && u.TOTPSecret != "" && isRecoveryCode(code) {
		used, err := s.useRecoveryCode(ctx, u, code, now)
		if err != nil {
			return Identity{}, false, false, err
		}
		if !used {
			return Identity{}, false, true, ErrBadCredentials
		}
	} else if !passkey && u.TOTPSecret != "" {
		step, ok := totpStep(u.TOTPSecret, code, now)
		if !ok {
			return Identity{}, false, true, ErrBadCredentials
		}
		// A code is good once: of two sign-ins with it, one wins.
		fresh, err := s.store.UseTOTPStep(ctx, u.ID, step)
		if err != nil {
			return Identity{}, false, false, err
		}
		if !fresh {
			return Identity{}, false, true, ErrBadCredentials
		}
	}
	org, err := s.store.OrganisationByID(ctx, u.OrgID)
	if err != nil {
		return Identity{}, false, false, err
	}
	if org.Participation == model.Former {
		return Identity{}, false, false, ErrFormerOrganisation
	}
	if ok, err := s.passwordsAllowed(ctx, org.ID); err != nil || !ok {
		return Identity{}, false, false, cmpErr(err, ErrPasswordsOff)
	}
	if err := s.rehash(ctx, u, password, now); err != nil {
		return Identity{}, false, false, err
	}
	return Identity{User: u, Org: org}, passkey, false, nil
}

// rehash brings a hash made with older costs to the current ones, now that
// the password is known. It is skipped when the hashing gate is full: the
// next sign-in will do it.
func (s *Service) rehash(ctx context.Context, u model.User, password string, now time.Time) error {
	if !NeedsRehash(u.PasswordHash, s.cfg.Params) || !s.gate.tryEnter() {
		return nil
	}
	hash, err := HashPassword(password, s.cfg.Params)
	s.gate.leave()
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(q store.Queries) error {
		changed, err := q.SetPasswordHash(ctx, u.ID, u.PasswordHash, hash)
		if err != nil || !changed {
			return err
		}
		_, err = audit.Record(ctx, q, now, audit.Actor{UserID: u.ID, OrgID: u.OrgID}, audit.Change{
			Action: "user.password_rehash", ObjectType: "user", ObjectID: u.ID,
		})
		return err
	})
}

// totpOpts are the usual authenticator apps' settings; a skew of one step
// either side forgives a clock a little off.
var totpOpts = totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// totpStep returns the time step whose code is code, if it is within the
// skew of now.
func totpStep(secret, code string, now time.Time) (int64, bool) {
	if len(code) != 6 {
		return 0, false
	}
	cur := now.Unix() / int64(totpOpts.Period)
	for step := cur - int64(totpOpts.Skew); step <= cur+int64(totpOpts.Skew); step++ {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*int64(totpOpts.Period), 0), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
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
	return s.StartSessionFrom(ctx, id, Device{})
}

// StartSessionFrom is StartSession recording the device and the way of
// signing in, for the account page.
func (s *Service) StartSessionFrom(ctx context.Context, id Identity, d Device) (string, model.Session, error) {
	if id.Org.Participation == model.Former {
		return "", model.Session{}, ErrFormerOrganisation
	}
	token, hash := newToken()
	csrf, _ := newToken()
	now := s.now().UTC()
	ua := d.UserAgent
	if len(ua) > 512 {
		ua = ua[:512]
	}
	sess := model.Session{TokenHash: hash, UserID: id.User.ID, CSRFToken: csrf, CreatedAt: now, ExpiresAt: now.Add(s.cfg.SessionTTL),
		UserAgent: ua, Address: d.Address, Method: d.Method, ProviderID: d.ProviderID, LastUsedAt: &now}
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
// ErrUnauthenticated. The versions were read with it, for the answers to
// its request to be kept under: the audit log's head and the user's
// notifications.
func (s *Service) Session(ctx context.Context, token string) (Identity, model.Session, model.Versions, error) {
	sess, u, org, v, err := s.store.SessionHolder(ctx, HashToken(token))
	if errors.Is(err, model.ErrNotFound) || (err == nil && !s.now().Before(sess.ExpiresAt)) {
		return Identity{}, model.Session{}, model.Versions{}, model.ErrUnauthenticated
	}
	if err != nil {
		return Identity{}, model.Session{}, model.Versions{}, err
	}
	id, err := identityOf(u, org)
	if errors.Is(err, errFormer) {
		return Identity{}, model.Session{}, model.Versions{}, model.ErrUnauthenticated
	}
	if err != nil {
		return Identity{}, model.Session{}, model.Versions{}, err
	}
	return id, sess, v, nil
}

// EndSession signs a browser out.
func (s *Service) EndSession(ctx context.Context, token string) error {
	return s.store.DeleteSession(ctx, HashToken(token))
}

// IssueToken returns a bearer token for the API.
func (s *Service) IssueToken(ctx context.Context, id Identity) (string, time.Time, error) {
	return s.issueToken(ctx, id, false)
}

// CreateUserToken is IssueToken from the account page: the user is also
// told, as of every change made there.
func (s *Service) CreateUserToken(ctx context.Context, id Identity) (string, time.Time, error) {
	return s.issueToken(ctx, id, true)
}

func (s *Service) issueToken(ctx context.Context, id Identity, tell bool) (string, time.Time, error) {
	if id.Org.Participation == model.Former {
		return "", time.Time{}, ErrFormerOrganisation
	}
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
		if err != nil || !tell || s.notifier == nil {
			return err
		}
		return s.notifier.SecurityNotice(ctx, q, id.User.ID, "token.issue")
	})
	return token, t.ExpiresAt, err
}

// Token resolves a bearer token; an unknown, expired or revoked one is
// ErrUnauthenticated. The token of a user whose organisation no longer
// takes part resolves to no one: its holder sees what a visitor sees. The
// versions were read with it: the audit log's head alone.
func (s *Service) Token(ctx context.Context, token string) (Identity, model.APIToken, model.Versions, error) {
	t, u, org, v, err := s.store.APITokenHolder(ctx, HashToken(token))
	if errors.Is(err, model.ErrNotFound) || (err == nil && (t.RevokedAt != nil || !s.now().Before(t.ExpiresAt))) {
		return Identity{}, model.APIToken{}, model.Versions{}, model.ErrUnauthenticated
	}
	if err != nil {
		return Identity{}, model.APIToken{}, model.Versions{}, err
	}
	id, err := identityOf(u, org)
	if errors.Is(err, errFormer) {
		return Identity{}, t, v, nil
	}
	if err != nil {
		return Identity{}, model.APIToken{}, model.Versions{}, err
	}
	return id, t, v, nil
}

// RevokeToken ends a bearer token before its expiry.
func (s *Service) RevokeToken(ctx context.Context, id Identity, t model.APIToken) error {
	return s.revokeToken(ctx, id, t, false)
}

func (s *Service) revokeToken(ctx context.Context, id Identity, t model.APIToken, tell bool) error {
	now := s.now().UTC()
	return s.store.InTx(ctx, func(q store.Queries) error {
		if err := q.RevokeAPIToken(ctx, t.ID, now); err != nil {
			return err
		}
		_, err := audit.Record(ctx, q, now, audit.Actor{UserID: id.User.ID, OrgID: id.Org.ID}, audit.Change{
			Action: "token.revoke", ObjectType: "user", ObjectID: t.UserID,
		})
		if err != nil || !tell || s.notifier == nil {
			return err
		}
		return s.notifier.SecurityNotice(ctx, q, t.UserID, "token.revoke")
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
	return identityOf(u, org)
}

// identityOf is who u of org is: no one when disabled, and no one's when
// the organisation no longer takes part (errFormer).
func identityOf(u model.User, org model.Organisation) (Identity, error) {
	if u.Disabled {
		return Identity{}, model.ErrUnauthenticated
	}
	if org.Participation == model.Former {
		return Identity{}, errFormer
	}
	return Identity{User: u, Org: org}, nil
}

// errFormer is a user whose organisation no longer takes part: their
// session or token is no one's.
var errFormer = errors.New("the organisation no longer takes part")
