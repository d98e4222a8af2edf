package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

type sessionRow struct {
	ID, Device, Address, Method string
	Created                     time.Time
	LastUsed                    *time.Time
	Current                     bool
}

type tokenRow struct {
	ID        string
	Created   time.Time
	ExpiresAt time.Time
	Live      bool
}

type accountData struct {
	User            model.User
	Org             model.Organisation
	Factors         accounts.Factors
	Sessions        []sessionRow
	Tokens          []tokenRow
	PasskeysEnabled bool
	// NewToken and RecoveryCodes exist only in the answer that made them.
	NewToken        string
	NewTokenExpires time.Time
	RecoveryCodes   []string
	Errors          map[string]string
	Error           string
}

// signedIn is the identity of a signed-in browser, or ErrUnauthenticated,
// which sends the visitor to sign in.
func signedIn(r *http.Request) (accounts.Identity, *model.Session, error) {
	a := authOf(r)
	if a.viewer.Anonymous() || a.session == nil {
		return accounts.Identity{}, nil, model.ErrUnauthenticated
	}
	return a.identity, a.session, nil
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error {
	return s.showAccount(w, r, http.StatusOK, accountData{}, nil)
}

func (s *Server) showAccount(w http.ResponseWriter, r *http.Request, status int, d accountData, err error) error {
	id, sess, aerr := signedIn(r)
	if aerr != nil {
		return aerr
	}
	l := s.localizer(r)
	if err != nil {
		var rest error
		d.Errors, d.Error, rest = s.formErrors(l, err, []string{"name", "credential", "passkey"}, nil)
		if rest != nil {
			return rest
		}
		status = statusOf(err)
	}
	ctx := r.Context()
	d.User, d.Org, d.PasskeysEnabled = id.User, id.Org, s.Accounts.PasskeysEnabled()
	var ferr error
	if d.Factors, ferr = s.Accounts.Factors(ctx, id, sess); ferr != nil {
		return ferr
	}
	sessions, serr := s.Accounts.Sessions(ctx, id)
	if serr != nil {
		return serr
	}
	for _, x := range sessions {
		d.Sessions = append(d.Sessions, sessionRow{ID: x.ID, Device: deviceName(x.UserAgent), Address: x.Address, Method: x.Method,
			Created: x.CreatedAt, LastUsed: x.LastUsedAt, Current: x.TokenHash == sess.TokenHash})
	}
	tokens, terr := s.Accounts.Tokens(ctx, id)
	if terr != nil {
		return terr
	}
	now := s.Now()
	for _, t := range tokens {
		d.Tokens = append(d.Tokens, tokenRow{ID: t.ID, Created: t.CreatedAt, ExpiresAt: t.ExpiresAt, Live: t.RevokedAt == nil && now.Before(t.ExpiresAt)})
	}
	lay := s.newLayout(r, l, "account", l.T("account.title"), d)
	switch {
	case d.Factors.MustEnrol:
		lay.Warning = l.T("account.must_enrol")
	case r.URL.Query().Get("done") != "":
		if id := "account.done." + r.URL.Query().Get("done"); l.Has(id) {
			lay.Notice = l.T(id)
		}
	}
	return s.render(w, r, status, "account", lay)
}

func (s *Server) passkeyRegisterOptions(w http.ResponseWriter, r *http.Request) error {
	return s.jsonAnswer(w, r, func() (any, error) {
		id, _, err := signedIn(r)
		if err != nil {
			return nil, err
		}
		token, creation, err := s.Accounts.BeginPasskeyRegistration(r.Context(), id, r.PostFormValue("name"))
		if err != nil {
			return nil, err
		}
		return map[string]any{"flow": token, "publicKey": creation.Response}, nil
	})
}

func (s *Server) passkeyRegister(w http.ResponseWriter, r *http.Request) error {
	return s.jsonAnswer(w, r, func() (any, error) {
		id, _, err := signedIn(r)
		if err != nil {
			return nil, err
		}
		if _, err := s.Accounts.FinishPasskeyRegistration(r.Context(), id, r.PostFormValue("flow"), []byte(r.PostFormValue("credential"))); err != nil {
			return nil, err
		}
		return map[string]string{"next": "/account?done=passkey_added"}, nil
	})
}

func (s *Server) removePasskey(w http.ResponseWriter, r *http.Request) error {
	id, _, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := s.Accounts.RemovePasskey(r.Context(), id, r.PathValue("id")); err != nil {
		return err
	}
	return seeOther(w, r, "/account?done=passkey_removed")
}

func (s *Server) endSession(w http.ResponseWriter, r *http.Request) error {
	id, _, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := s.Accounts.EndUserSession(r.Context(), id, r.PathValue("id")); err != nil {
		return err
	}
	return seeOther(w, r, "/account?done=session_ended")
}

// createAccountToken makes a bearer token for the API, shown on this one
// answer: the way an SSO or passkey user gets one.
func (s *Server) createAccountToken(w http.ResponseWriter, r *http.Request) error {
	id, _, err := signedIn(r)
	if err != nil {
		return err
	}
	// A token would let a held user past the rule through the API.
	if authOf(r).mustEnrol {
		return accounts.ErrStrongFactorRequired
	}
	token, exp, err := s.Accounts.CreateUserToken(r.Context(), id)
	if err != nil {
		return err
	}
	return s.showAccount(w, r, http.StatusCreated, accountData{NewToken: token, NewTokenExpires: exp}, nil)
}

func (s *Server) revokeAccountToken(w http.ResponseWriter, r *http.Request) error {
	id, _, err := signedIn(r)
	if err != nil {
		return err
	}
	if err := s.Accounts.RevokeUserToken(r.Context(), id, r.PathValue("id")); err != nil {
		return err
	}
	return seeOther(w, r, "/account?done=token_revoked")
}

func (s *Server) createRecoveryCodes(w http.ResponseWriter, r *http.Request) error {
	id, _, err := signedIn(r)
	if err != nil {
		return err
	}
	codes, err := s.Accounts.NewRecoveryCodes(r.Context(), id)
	if err != nil {
		return err
	}
	return s.showAccount(w, r, http.StatusCreated, accountData{RecoveryCodes: codes}, nil)
}

// enrolAllowed are the paths a user who must first register a
// phishing-resistant factor may still use.
func enrolAllowed(path string) bool {
	return path == "/account" || strings.HasPrefix(path, "/account/") || path == "/signout" ||
		strings.HasPrefix(path, "/signin") || strings.HasPrefix(path, "/lang/")
}

type ssoAdminData struct {
	Org       model.Organisation
	Providers []model.SSOProvider
	Required  bool
	Form      ssoForm
}

type ssoForm struct {
	Name, Issuer, ClientID, Domains string
	AllowPasswords                  bool
	Errors                          map[string]string
	Error                           string
}

func (s *Server) ssoAdminPage(w http.ResponseWriter, r *http.Request) error {
	return s.showSSOAdmin(w, r, http.StatusOK, ssoForm{AllowPasswords: true}, nil)
}

func (s *Server) showSSOAdmin(w http.ResponseWriter, r *http.Request, status int, f ssoForm, err error) error {
	v := viewerOf(r)
	l := s.localizer(r)
	org, oerr := s.Organisations.Get(r.Context(), v, r.PathValue("id"))
	if oerr != nil {
		return oerr
	}
	if err != nil {
		var rest error
		f.Errors, f.Error, rest = s.formErrors(l, err, ssoFields, nil)
		if rest != nil {
			return rest
		}
		status = statusOf(err)
	}
	d := ssoAdminData{Org: org, Form: f}
	if d.Providers, oerr = s.Accounts.SSOProviders(r.Context(), org.ID); oerr != nil {
		return oerr
	}
	if d.Required, oerr = s.Accounts.OrganisationPolicy(r.Context(), org.ID); oerr != nil {
		return oerr
	}
	lay := s.newLayout(r, l, "organisations", l.T("sso.title", map[string]any{"Org": org.NameIn(l.Lang())}), d)
	if done := r.URL.Query().Get("done"); done != "" && l.Has("sso.done."+done) {
		lay.Notice = l.T("sso.done." + done)
	}
	return s.render(w, r, status, "sso", lay)
}

func splitDomains(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}

func (s *Server) putSSOProvider(w http.ResponseWriter, r *http.Request) error {
	f := ssoForm{Name: r.PostFormValue("name"), Issuer: r.PostFormValue("issuer"), ClientID: r.PostFormValue("client_id"),
		Domains: r.PostFormValue("email_domains"), AllowPasswords: r.PostFormValue("allow_passwords") == "on"}
	a := authOf(r)
	_, err := s.Accounts.PutSSOProvider(r.Context(), a.identity, a.viewer, accounts.SSOInput{
		OrgID: r.PathValue("id"), Name: f.Name, Issuer: f.Issuer, ClientID: f.ClientID, ClientSecret: r.PostFormValue("client_secret"),
		EmailDomains: splitDomains(f.Domains), AllowPasswords: f.AllowPasswords,
	})
	if err != nil {
		var fe *model.FieldError
		if errors.As(err, &fe) && fe.Field == "org_id" {
			return model.ErrNotFound
		}
		return s.showSSOAdmin(w, r, 0, f, err)
	}
	return seeOther(w, r, "/organisations/"+r.PathValue("id")+"/sso?done=saved")
}

func (s *Server) deleteSSOProvider(w http.ResponseWriter, r *http.Request) error {
	a := authOf(r)
	if err := s.Accounts.DeleteSSOProvider(r.Context(), a.identity, a.viewer, r.PathValue("id"), r.PathValue("provider")); err != nil {
		return err
	}
	return seeOther(w, r, "/organisations/"+r.PathValue("id")+"/sso?done=deleted")
}

func (s *Server) setOrganisationSignInPolicy(w http.ResponseWriter, r *http.Request) error {
	a := authOf(r)
	if err := s.Accounts.SetOrganisationPolicy(r.Context(), a.identity, r.PathValue("id"), r.PostFormValue("require_strong") == "on"); err != nil {
		return err
	}
	return seeOther(w, r, "/organisations/"+r.PathValue("id")+"/sso?done=policy")
}

type securityData struct{ Staff bool }

func (s *Server) securityPage(w http.ResponseWriter, r *http.Request) error {
	on, err := s.Accounts.StaffPolicy(r.Context())
	if err != nil {
		return err
	}
	l := s.localizer(r)
	lay := s.newLayout(r, l, "security", l.T("security.title"), securityData{Staff: on})
	if r.URL.Query().Get("done") != "" {
		lay.Notice = l.T("security.saved")
	}
	return s.render(w, r, http.StatusOK, "security", lay)
}

func (s *Server) saveSecurity(w http.ResponseWriter, r *http.Request) error {
	if err := policy.Require(viewerOf(r), policy.UsersManage); err != nil {
		return err
	}
	if err := s.Accounts.SetStaffPolicy(r.Context(), authOf(r).identity, r.PostFormValue("staff") == "on"); err != nil {
		return err
	}
	return seeOther(w, r, "/admin/security?done=1")
}
