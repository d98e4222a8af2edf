package accounts

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"
	"time"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Notifier tells a user of a change to how their account signs in. Such a
// notice is always e-mailed: it is how a user learns that someone else
// changed their account.
type Notifier interface {
	SecurityNotice(ctx context.Context, q store.Queries, userID, action string) error
}

// SetNotifier sets who tells users of changes to their account.
func (s *Service) SetNotifier(n Notifier) { s.notifier = n }

// changed records a change to a user's sign-in in the audit log, in the
// transaction of the change, and tells the user.
func (s *Service) changed(ctx context.Context, q store.Queries, actor Identity, userID, action string, after any) error {
	if _, err := audit.Record(ctx, q, s.now().UTC(), audit.Actor{UserID: actor.User.ID, OrgID: actor.Org.ID}, audit.Change{
		Action: action, ObjectType: "user", ObjectID: userID, After: after,
	}); err != nil {
		return err
	}
	if s.notifier == nil {
		return nil
	}
	return s.notifier.SecurityNotice(ctx, q, userID, action)
}

// Device is where a session was opened from and how.
type Device struct {
	UserAgent  string
	Address    string
	Method     string
	ProviderID string
}

// ErrPasskeyRequired refuses a password alone for an account with a
// passkey: the passkey is its second factor.
var ErrPasskeyRequired = &model.FieldError{Kind: model.ErrUnauthenticated, Field: "passkey", Code: "passkey_required",
	Message: "this account signs in with its passkey; create an API token on your account page"}

// ErrPasswordsOff refuses a password for an organisation that signs its
// staff in through its identity provider only.
var ErrPasswordsOff = &model.FieldError{Kind: model.ErrForbidden, Field: "password", Code: "passwords_off",
	Message: "your organisation signs you in through its own identity provider; use single sign-on"}

// ErrStrongFactorRequired refuses what a user may not do before they
// register a phishing-resistant factor.
var ErrStrongFactorRequired = &model.FieldError{Kind: model.ErrForbidden, Field: "passkey", Code: "strong_factor_required",
	Message: "register a passkey or security key on your account page first"}

// passwordsAllowed reports whether the organisation's staff may sign in with
// a local password: not when one of its identity providers says otherwise.
func (s *Service) passwordsAllowed(ctx context.Context, orgID string) (bool, error) {
	ps, err := s.store.ListSSOProviders(ctx, orgID)
	if err != nil {
		return false, err
	}
	for _, p := range ps {
		if !p.AllowPasswords {
			return false, nil
		}
	}
	return true, nil
}

// MustEnrol reports whether the signed-in user must register a
// phishing-resistant factor before doing anything else: their organisation
// or, for admins and coordinators, the platform requires one, and they
// signed in with neither a passkey nor single sign-on and have no passkey.
//
// Without passkeys (the site's address unset) no one can comply, so no one
// is held: the rule cannot be turned on then either.
func (s *Service) MustEnrol(ctx context.Context, id Identity, sess *model.Session) (bool, error) {
	if s.webauthn == nil || (sess != nil && sess.Method == model.SignInSSO) {
		return false, nil
	}
	st, err := s.store.StrongFactorState(ctx, id.User.ID, id.Org.ID)
	if err != nil {
		return false, err
	}
	staff := id.User.Has(model.RoleAdmin) || id.User.Has(model.RoleCoordinator)
	return (st.OrgRequires || (st.StaffRequires && staff)) && st.Passkeys == 0, nil
}

// recoveryAlphabet has no letters that read alike (0/o, 1/l).
const recoveryAlphabet = "23456789abcdefghjkmnpqrstuvwxyz"

func newRecoveryCode() string {
	b := make([]byte, 10)
	_, _ = rand.Read(b)
	out := make([]byte, 0, 11)
	for i, c := range b {
		if i == 5 {
			out = append(out, '-')
		}
		out = append(out, recoveryAlphabet[int(c)%len(recoveryAlphabet)])
	}
	return string(out)
}

// hashRecoveryCode binds the code to its user, so that equal codes of two
// users hash apart.
func hashRecoveryCode(userID, code string) string {
	code = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(code), " ", ""))
	if len(code) == 10 && !strings.Contains(code, "-") {
		code = code[:5] + "-" + code[5:]
	}
	return HashToken(userID + ":" + code)
}

// isRecoveryCode tells a recovery code from a six-digit TOTP code.
func isRecoveryCode(code string) bool { return len(strings.TrimSpace(code)) >= 10 }

// NewRecoveryCodes replaces the user's recovery codes with ten new ones,
// returned once: only their hashes are kept.
func (s *Service) NewRecoveryCodes(ctx context.Context, id Identity) ([]string, error) {
	codes := make([]string, 10)
	hashes := make([]string, 10)
	for i := range codes {
		codes[i] = newRecoveryCode()
		hashes[i] = hashRecoveryCode(id.User.ID, codes[i])
	}
	err := s.store.InTx(ctx, func(q store.Queries) error {
		if err := q.ReplaceRecoveryCodes(ctx, id.User.ID, hashes); err != nil {
			return err
		}
		return s.changed(ctx, q, id, id.User.ID, "recovery_codes.create", nil)
	})
	return codes, err
}

// useRecoveryCode spends one of the user's codes; false when it was wrong
// or spent.
func (s *Service) useRecoveryCode(ctx context.Context, u model.User, code string, now time.Time) (bool, error) {
	var ok bool
	err := s.store.InTx(ctx, func(q store.Queries) error {
		var err error
		if ok, err = q.UseRecoveryCode(ctx, u.ID, hashRecoveryCode(u.ID, code), now); err != nil || !ok {
			return err
		}
		return s.changed(ctx, q, Identity{User: u, Org: model.Organisation{ID: u.OrgID}}, u.ID, "recovery_code.use", nil)
	})
	return ok, err
}

// Sessions lists the user's live sessions.
func (s *Service) Sessions(ctx context.Context, id Identity) ([]model.Session, error) {
	return s.store.ListUserSessions(ctx, id.User.ID, s.now().UTC())
}

// EndUserSession ends one of the user's own sessions, from the account page.
func (s *Service) EndUserSession(ctx context.Context, id Identity, sessionID string) error {
	return s.store.InTx(ctx, func(q store.Queries) error {
		if err := q.DeleteUserSession(ctx, id.User.ID, sessionID); err != nil {
			return err
		}
		return s.changed(ctx, q, id, id.User.ID, "session.end", map[string]any{"session": sessionID})
	})
}

// TouchSession records that a session was used, at most every few
// minutes: a write per request would cost more than the answer is worth.
func (s *Service) TouchSession(ctx context.Context, sess model.Session) error {
	now := s.now().UTC()
	if sess.LastUsedAt != nil && now.Sub(*sess.LastUsedAt) < 5*time.Minute {
		return nil
	}
	return s.store.TouchSession(ctx, sess.TokenHash, now)
}

// Tokens lists the user's API tokens.
func (s *Service) Tokens(ctx context.Context, id Identity) ([]model.APIToken, error) {
	return s.store.ListUserAPITokens(ctx, id.User.ID)
}

// RevokeUserToken revokes one of the user's own tokens by its id.
func (s *Service) RevokeUserToken(ctx context.Context, id Identity, tokenID string) error {
	ts, err := s.store.ListUserAPITokens(ctx, id.User.ID)
	if err != nil {
		return err
	}
	for _, t := range ts {
		if t.ID == tokenID {
			return s.revokeToken(ctx, id, t, true)
		}
	}
	return model.ErrNotFound
}

// Factors is what the account page shows of how a user signs in.
type Factors struct {
	TOTP          bool
	Passkeys      []model.Passkey
	RecoveryCodes int
	SSO           []model.SSOProvider
	MustEnrol     bool
}

func (s *Service) Factors(ctx context.Context, id Identity, sess *model.Session) (Factors, error) {
	var f Factors
	var err error
	f.TOTP = id.User.TOTPSecret != ""
	if f.Passkeys, err = s.store.ListPasskeys(ctx, id.User.ID); err != nil {
		return f, err
	}
	if f.RecoveryCodes, err = s.store.UnusedRecoveryCodes(ctx, id.User.ID); err != nil {
		return f, err
	}
	if f.SSO, err = s.store.ListSSOProviders(ctx, id.Org.ID); err != nil {
		return f, err
	}
	f.MustEnrol, err = s.MustEnrol(ctx, id, sess)
	return f, err
}

// StrongFactorPolicy is who must sign in with a phishing-resistant factor.
type StrongFactorPolicy struct {
	Staff bool
}

// SetStaffPolicy requires, or stops requiring, a phishing-resistant factor
// of every admin and coordinator.
func (s *Service) SetStaffPolicy(ctx context.Context, actor Identity, on bool) error {
	return s.setPolicy(ctx, actor, "staff", on)
}

// SetOrganisationPolicy does so for every user of one organisation.
func (s *Service) SetOrganisationPolicy(ctx context.Context, actor Identity, orgID string, on bool) error {
	if _, err := s.store.OrganisationByID(ctx, orgID); err != nil {
		return err
	}
	return s.setPolicy(ctx, actor, "org:"+orgID, on)
}

func (s *Service) setPolicy(ctx context.Context, actor Identity, scope string, on bool) error {
	if on && s.webauthn == nil {
		return ErrPasskeysOff
	}
	return s.store.InTx(ctx, func(q store.Queries) error {
		if err := q.SetSignInPolicy(ctx, scope, on); err != nil {
			return err
		}
		_, err := audit.Record(ctx, q, s.now().UTC(), audit.Actor{UserID: actor.User.ID, OrgID: actor.Org.ID}, audit.Change{
			Action: "signin.policy", ObjectType: "user", ObjectID: actor.User.ID, After: map[string]any{"scope": scope, "require_strong": on},
		})
		return err
	})
}

func (s *Service) StaffPolicy(ctx context.Context) (bool, error) {
	return s.store.SignInPolicy(ctx, "staff")
}
func (s *Service) OrganisationPolicy(ctx context.Context, orgID string) (bool, error) {
	return s.store.SignInPolicy(ctx, "org:"+orgID)
}

// flowToken returns a new random value for the browser and the id its flow
// is stored under: a database reader cannot finish a flow it reads.
func flowToken() (token, id string) { return newToken() }

var errFlowGone = &model.FieldError{Kind: model.ErrUnauthenticated, Field: "state", Code: "signin_expired",
	Message: "this sign-in has expired or was already used; start again"}

// takeFlow takes the flow a browser's token names, of the given kind.
func (s *Service) takeFlow(ctx context.Context, token, kind string) (model.SignInFlow, error) {
	if token == "" {
		return model.SignInFlow{}, errFlowGone
	}
	f, err := s.store.TakeSignInFlow(ctx, HashToken(token), s.now().UTC())
	if errors.Is(err, model.ErrNotFound) || (err == nil && f.Kind != kind) {
		return model.SignInFlow{}, errFlowGone
	}
	return f, err
}

func (s *Service) putFlow(ctx context.Context, f model.SignInFlow, ttl time.Duration) (string, error) {
	token, id := flowToken()
	now := s.now().UTC()
	f.ID, f.ExpiresAt = id, now.Add(ttl)
	if err := s.store.DeleteExpiredSignInFlows(ctx, now); err != nil {
		return "", err
	}
	return token, s.store.CreateSignInFlow(ctx, f)
}

// BeginSecondFactor holds a user who gave a right password until they show
// their passkey or a recovery code; the token goes to the browser.
func (s *Service) BeginSecondFactor(ctx context.Context, id Identity, next string) (string, error) {
	return s.putFlow(ctx, model.SignInFlow{Kind: model.FlowSecondFactor, UserID: id.User.ID, Next: next}, 5*time.Minute)
}

// FinishWithRecoveryCode completes a held sign-in with a recovery code.
func (s *Service) FinishWithRecoveryCode(ctx context.Context, token, code, addr string) (Identity, string, error) {
	f, err := s.takeFlow(ctx, token, model.FlowSecondFactor)
	if err != nil {
		return Identity{}, "", err
	}
	id, err := s.identity(ctx, f.UserID)
	if err != nil {
		if errors.Is(err, errFormer) {
			return Identity{}, "", ErrFormerOrganisation
		}
		return Identity{}, "", err
	}
	now := s.now().UTC()
	att, err := s.takeAttempts(ctx, id.User.Email, addr, now)
	if err != nil {
		return Identity{}, "", err
	}
	ok, err := s.useRecoveryCode(ctx, id.User, code, now)
	if err != nil {
		att.release(ctx)
		return Identity{}, "", err
	}
	if !ok {
		return Identity{}, "", ErrBadCredentials
	}
	return id, f.Next, att.succeeded(ctx, now)
}
