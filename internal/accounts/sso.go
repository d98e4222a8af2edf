package accounts

import (
	"context"
	"errors"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// ssoClockSkew is how far the provider's clock may be from ours: a token
// that expired this long ago, or was issued this far ahead, is refused.
const ssoClockSkew = time.Minute

// ssoFlowTTL bounds how long the user may take at their provider.
const ssoFlowTTL = 10 * time.Minute

// ssoTimeout bounds each call to a provider.
const ssoTimeout = 10 * time.Second

// ssoClients caches each issuer's discovery document and keys for a few
// minutes; what a sign-in needs to survive a change of server lives in the
// database.
type ssoClients struct {
	mu sync.Mutex
	m  map[string]cachedProvider
}

type cachedProvider struct {
	p       *oidc.Provider
	fetched time.Time
}

func (c *ssoClients) provider(ctx context.Context, issuer string, now time.Time) (*oidc.Provider, error) {
	c.mu.Lock()
	got, ok := c.m[issuer]
	c.mu.Unlock()
	if ok && now.Sub(got.fetched) < 10*time.Minute {
		return got.p, nil
	}
	ctx, cancel := context.WithTimeout(ctx, ssoTimeout)
	defer cancel()
	p, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		return nil, errSSOUnavailable(err)
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]cachedProvider{}
	}
	c.m[issuer] = cachedProvider{p: p, fetched: now}
	c.mu.Unlock()
	return p, nil
}

func errSSOUnavailable(err error) error {
	return &model.FieldError{Kind: model.ErrRule, Field: "provider", Code: "sso_unavailable",
		Message: "the identity provider could not be reached or answered wrongly: " + err.Error()}
}

// ErrSSORefused is the answer to a token that does not sign anyone in here.
// Its detail stays in the log: the reason helps an attacker more than the
// user, who is told to ask their administrator.
var ErrSSORefused = &model.FieldError{Kind: model.ErrUnauthenticated, Field: "provider", Code: "sso_refused",
	Message: "your identity provider vouched for you, but no account here is set up for that identity; ask your administrator"}

// SSORefusal wraps ErrSSORefused with the reason, for the log.
type SSORefusal struct{ Reason string }

func (e *SSORefusal) Error() string { return "single sign-on refused: " + e.Reason }
func (e *SSORefusal) Unwrap() error { return ErrSSORefused }

func refuse(reason string) error { return &SSORefusal{Reason: reason} }

// SSOInput configures an organisation's identity provider. An empty
// ClientSecret keeps the stored one.
type SSOInput struct {
	OrgID          string
	Name           string
	Issuer         string
	ClientID       string
	ClientSecret   string
	EmailDomains   []string
	AllowPasswords bool
}

// loopback hosts may be reached over plain HTTP, for a provider on the
// same machine.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func checkIssuer(issuer string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(issuer))
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || (u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname()))) {
		return "", model.Invalid("issuer", "%q is not an https address of an identity provider", issuer)
	}
	return strings.TrimSpace(issuer), nil
}

func checkDomains(in []string) ([]string, error) {
	var out []string
	for _, d := range in {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "" {
			continue
		}
		if len(d) > 253 || strings.ContainsAny(d, "@/:, ") || !strings.Contains(d, ".") {
			return nil, model.Invalid("email_domains", "%q is not a domain name", d)
		}
		out = append(out, d)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// PutSSOProvider adds an identity provider to an organisation, or updates
// the one with the same issuer and client id.
func (s *Service) PutSSOProvider(ctx context.Context, actor Identity, v policy.Viewer, in SSOInput) (model.SSOProvider, error) {
	if err := policy.Require(v, policy.OrganisationsManage); err != nil {
		return model.SSOProvider{}, err
	}
	issuer, err := checkIssuer(in.Issuer)
	if err != nil {
		return model.SSOProvider{}, err
	}
	clientID := strings.TrimSpace(in.ClientID)
	if clientID == "" || len(clientID) > 255 {
		return model.SSOProvider{}, model.Invalid("client_id", "is required (at most 255 characters)")
	}
	if len(in.ClientSecret) > 1024 {
		return model.SSOProvider{}, model.Invalid("client_secret", "is too long")
	}
	domains, err := checkDomains(in.EmailDomains)
	if err != nil {
		return model.SSOProvider{}, err
	}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		if u, err := url.Parse(issuer); err == nil {
			name = u.Host
		}
	}
	if name, err = model.CleanText("name", name, 1, 100); err != nil {
		return model.SSOProvider{}, err
	}
	var out model.SSOProvider
	err = s.store.InTx(ctx, func(q store.Queries) error {
		if _, err := q.OrganisationByID(ctx, in.OrgID); errors.Is(err, model.ErrNotFound) {
			return model.Invalid("org_id", "no organisation has the id %q", in.OrgID)
		} else if err != nil {
			return err
		}
		existing, err := q.ListSSOProviders(ctx, in.OrgID)
		if err != nil {
			return err
		}
		action := "sso.create"
		out = model.SSOProvider{OrgID: in.OrgID}
		for _, p := range existing {
			if p.Issuer == issuer && p.ClientID == clientID {
				out, action = p, "sso.update"
			}
		}
		out.Name, out.Issuer, out.ClientID, out.EmailDomains, out.AllowPasswords = name, issuer, clientID, domains, in.AllowPasswords
		if in.ClientSecret != "" {
			out.ClientSecret = in.ClientSecret
		}
		if out.ClientSecret == "" {
			return model.Invalid("client_secret", "is required")
		}
		if action == "sso.create" {
			err = q.CreateSSOProvider(ctx, &out)
		} else {
			err = q.UpdateSSOProvider(ctx, &out)
		}
		if err != nil {
			return err
		}
		// The secret's json tag keeps it out of the audit log; the event is
		// account administration, shown to those who manage accounts.
		_, err = audit.Record(ctx, q, s.now().UTC(), audit.Actor{UserID: actor.User.ID, OrgID: actor.Org.ID}, audit.Change{
			Action: action, ObjectType: "user", ObjectID: out.ID, After: out,
		})
		return err
	})
	return out, err
}

// DeleteSSOProvider removes an organisation's identity provider; its users
// keep their accounts and sign in otherwise.
func (s *Service) DeleteSSOProvider(ctx context.Context, actor Identity, v policy.Viewer, orgID, id string) error {
	if err := policy.Require(v, policy.OrganisationsManage); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(q store.Queries) error {
		p, err := q.SSOProviderByID(ctx, id)
		if err != nil {
			return err
		}
		if p.OrgID != orgID {
			return model.ErrNotFound
		}
		if err := q.DeleteSSOProvider(ctx, id); err != nil {
			return err
		}
		_, err = audit.Record(ctx, q, s.now().UTC(), audit.Actor{UserID: actor.User.ID, OrgID: actor.Org.ID}, audit.Change{
			Action: "sso.delete", ObjectType: "user", ObjectID: p.ID, Before: p,
		})
		return err
	})
}

// SSOProviders lists an organisation's providers; "" lists every one, for
// the sign-in page.
func (s *Service) SSOProviders(ctx context.Context, orgID string) ([]model.SSOProvider, error) {
	return s.store.ListSSOProviders(ctx, orgID)
}

func oauthConfig(p model.SSOProvider, op *oidc.Provider, redirectURL string) oauth2.Config {
	return oauth2.Config{ClientID: p.ClientID, ClientSecret: p.ClientSecret, Endpoint: op.Endpoint(),
		RedirectURL: redirectURL, Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
}

// BeginSSO starts a sign-in at the provider: it returns the address to send
// the browser to and the state, which the browser must also carry back in
// a cookie, so that a sign-in started elsewhere cannot be finished here.
func (s *Service) BeginSSO(ctx context.Context, providerID, next, redirectURL string) (authURL, state string, err error) {
	p, err := s.store.SSOProviderByID(ctx, providerID)
	if err != nil {
		return "", "", err
	}
	op, err := s.sso.provider(ctx, p.Issuer, s.now())
	if err != nil {
		return "", "", err
	}
	nonce, _ := newToken()
	verifier := oauth2.GenerateVerifier()
	state, err = s.putFlow(ctx, model.SignInFlow{Kind: model.FlowSSO, ProviderID: p.ID, Nonce: nonce, Verifier: verifier, Next: next}, ssoFlowTTL)
	if err != nil {
		return "", "", err
	}
	cfg := oauthConfig(p, op, redirectURL)
	return cfg.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), state, nil
}

// SSOResult is who signed in through which provider, and where to go.
type SSOResult struct {
	Identity   Identity
	ProviderID string
	Next       string
}

type ssoClaims struct {
	Email         string `json:"email"`
	EmailVerified any    `json:"email_verified"`
}

// verified reads email_verified, which some providers send as a string.
func (c ssoClaims) verified() bool {
	switch v := c.EmailVerified.(type) {
	case bool:
		return v
	case string:
		return v == "true"
	}
	return false
}

func domainAllowed(email string, domains []string) bool {
	if len(domains) == 0 {
		return true
	}
	_, d, ok := strings.Cut(email, "@")
	return ok && slices.Contains(domains, strings.ToLower(d))
}

// FinishSSO exchanges the code for tokens, verifies the ID token against the
// issuer's keys, and finds the user it names: one an administrator created
// in the provider's organisation, matched by the provider's subject once
// linked, by verified e-mail address the first time. No account is ever
// made from a token.
func (s *Service) FinishSSO(ctx context.Context, state, code, redirectURL string) (SSOResult, error) {
	f, err := s.takeFlow(ctx, state, model.FlowSSO)
	if err != nil {
		return SSOResult{}, err
	}
	if code == "" {
		return SSOResult{}, model.Invalid("code", "the identity provider sent no code")
	}
	p, err := s.store.SSOProviderByID(ctx, f.ProviderID)
	if err != nil {
		return SSOResult{}, err
	}
	now := s.now()
	op, err := s.sso.provider(ctx, p.Issuer, now)
	if err != nil {
		return SSOResult{}, err
	}
	cfg := oauthConfig(p, op, redirectURL)
	tctx, cancel := context.WithTimeout(ctx, ssoTimeout)
	defer cancel()
	tok, err := cfg.Exchange(tctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		return SSOResult{}, refuse("code exchange: " + err.Error())
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return SSOResult{}, refuse("no ID token")
	}
	verifier := op.Verifier(&oidc.Config{ClientID: p.ClientID, Now: func() time.Time { return s.now().Add(-ssoClockSkew) }})
	idt, err := verifier.Verify(tctx, raw)
	if err != nil {
		return SSOResult{}, refuse("ID token: " + err.Error())
	}
	if idt.IssuedAt.After(now.Add(ssoClockSkew)) {
		return SSOResult{}, refuse("ID token issued in the future")
	}
	if idt.Nonce == "" || idt.Nonce != f.Nonce {
		return SSOResult{}, refuse("nonce mismatch")
	}
	var claims ssoClaims
	if err := idt.Claims(&claims); err != nil {
		return SSOResult{}, refuse("claims: " + err.Error())
	}
	u, link, err := s.ssoUser(ctx, p, idt.Subject, claims)
	if err != nil {
		return SSOResult{}, err
	}
	if u.Disabled || u.OrgID != p.OrgID {
		return SSOResult{}, refuse("the account is disabled or of another organisation")
	}
	if !domainAllowed(u.Email, p.EmailDomains) {
		return SSOResult{}, refuse("e-mail domain not allowed")
	}
	org, err := s.store.OrganisationByID(ctx, u.OrgID)
	if err != nil {
		return SSOResult{}, err
	}
	if org.Participation == model.Former {
		return SSOResult{}, ErrFormerOrganisation
	}
	id := Identity{User: u, Org: org}
	if link {
		err := s.store.InTx(ctx, func(q store.Queries) error {
			if err := q.LinkSSOSubject(ctx, p.ID, idt.Subject, u.ID, now.UTC()); err != nil {
				if errors.Is(err, model.ErrDuplicate) {
					return refuse("the account is linked to another subject of the provider")
				}
				return err
			}
			return s.changed(ctx, q, id, u.ID, "sso.link", map[string]any{"provider": p.Name})
		})
		if err != nil {
			return SSOResult{}, err
		}
	}
	return SSOResult{Identity: id, ProviderID: p.ID, Next: f.Next}, nil
}

// ssoUser finds the account a verified token names, and whether its
// subject is still to be linked.
func (s *Service) ssoUser(ctx context.Context, p model.SSOProvider, subject string, c ssoClaims) (model.User, bool, error) {
	if subject == "" {
		return model.User{}, false, refuse("no subject")
	}
	uid, err := s.store.SSOLinkedUser(ctx, p.ID, subject)
	if err == nil {
		u, err := s.store.UserByID(ctx, uid)
		return u, false, err
	}
	if !errors.Is(err, model.ErrNotFound) {
		return model.User{}, false, err
	}
	if c.Email == "" || !c.verified() {
		return model.User{}, false, refuse("e-mail address missing or not verified")
	}
	email, err := normaliseEmail(c.Email)
	if err != nil {
		return model.User{}, false, refuse("malformed e-mail address")
	}
	if !domainAllowed(email, p.EmailDomains) {
		return model.User{}, false, refuse("e-mail domain not allowed")
	}
	u, err := s.store.UserByEmail(ctx, email)
	if errors.Is(err, model.ErrNotFound) {
		return model.User{}, false, refuse("no account has the address")
	}
	if err != nil {
		return model.User{}, false, err
	}
	if u.OrgID != p.OrgID {
		return model.User{}, false, refuse("the account belongs to another organisation")
	}
	return u, true, nil
}

// SSOEndSessionURL is where the browser may go to sign out at the provider
// too, when its discovery document names an end-session endpoint; "" when
// it does not.
func (s *Service) SSOEndSessionURL(ctx context.Context, providerID, after string) string {
	p, err := s.store.SSOProviderByID(ctx, providerID)
	if err != nil {
		return ""
	}
	op, err := s.sso.provider(ctx, p.Issuer, s.now())
	if err != nil {
		return ""
	}
	var d struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if op.Claims(&d) != nil || d.EndSession == "" {
		return ""
	}
	u, err := url.Parse(d.EndSession)
	if err != nil || (u.Scheme != "https" && !(u.Scheme == "http" && loopback(u.Hostname()))) {
		return ""
	}
	q := u.Query()
	q.Set("client_id", p.ClientID)
	if after != "" {
		q.Set("post_logout_redirect_uri", after)
	}
	u.RawQuery = q.Encode()
	return u.String()
}
