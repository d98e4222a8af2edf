package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/model"
)

// Cookies of sign-ins in progress. Each holds a random value whose hash
// names the flow in the database, so any server can finish it; each is
// scoped to the sign-in paths and dies with the flow.
const (
	ssoStateCookie    = "cyberaid_sso"
	secondStepCookie  = "cyberaid_2fa"
	passkeyFlowCookie = "cyberaid_passkey"
)

func init() {
	errorCodes = append(errorCodes, "passkey_required", "passwords_off", "strong_factor_required", "passkeys_off",
		"passkey_refused", "passkey_taken", "sso_refused", "sso_unavailable", "signin_expired", "organisation_former")
	auditActions = append(auditActions, "passkey.add", "passkey.remove", "recovery_codes.create", "recovery_code.use",
		"session.end", "sso.link", "sso.create", "sso.update", "sso.delete", "signin.policy")
	codeLists["signin_method"] = func() []string {
		return []string{model.SignInPassword, model.SignInSSO, model.SignInPasskey}
	}
}

func (s *Server) setFlowCookie(w http.ResponseWriter, name, path, value string, ttl time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: path, MaxAge: int(ttl.Seconds()),
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearFlowCookie(w http.ResponseWriter, name, path string) {
	s.setFlowCookie(w, name, path, "", -time.Second)
}

func cookieValue(r *http.Request, name string) string {
	if c, err := r.Cookie(name); err == nil {
		return c.Value
	}
	return ""
}

// startSession opens the browser's session after any way of signing in.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, id accounts.Identity, method, providerID string) error {
	token, sess, err := s.Accounts.StartSessionFrom(r.Context(), id, accounts.Device{
		UserAgent: r.UserAgent(), Address: clientAddr(r), Method: method, ProviderID: providerID,
	})
	if err != nil {
		return err
	}
	s.setSessionCookie(w, token, int(sess.ExpiresAt.Sub(s.Now()).Seconds()))
	return nil
}

func (s *Server) ssoRedirectURL(r *http.Request) string { return s.siteURL(r) + "/signin/sso/callback" }

// startSSO sends the browser to the organisation's identity provider.
func (s *Server) startSSO(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"))
	to, state, err := s.Accounts.BeginSSO(r.Context(), r.PathValue("provider"), next, s.ssoRedirectURL(r))
	if err != nil {
		return s.signInFailed(w, r, signInForm{Next: next}, err)
	}
	s.setFlowCookie(w, ssoStateCookie, "/signin/sso", state, 10*time.Minute)
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// ssoCallback finishes a sign-in the provider sends back. The state must
// be the one this browser started with: a callback URL planted by someone
// else signs no one in as them.
func (s *Server) ssoCallback(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	state := q.Get("state")
	s.clearFlowCookie(w, ssoStateCookie, "/signin/sso")
	if e := q.Get("error"); e != "" {
		return s.signInFailed(w, r, signInForm{Next: "/"}, &model.FieldError{Kind: model.ErrUnauthenticated, Field: "provider",
			Code: "sso_refused", Message: "the identity provider refused the sign-in"})
	}
	if state == "" || cookieValue(r, ssoStateCookie) != state {
		return s.signInFailed(w, r, signInForm{Next: "/"}, &model.FieldError{Kind: model.ErrUnauthenticated, Field: "state",
			Code: "signin_expired", Message: "this sign-in has expired or was started in another browser; start again"})
	}
	res, err := s.Accounts.FinishSSO(r.Context(), state, q.Get("code"), s.ssoRedirectURL(r))
	if err != nil {
		var refusal *accounts.SSORefusal
		if errors.As(err, &refusal) {
			s.log.Info("single sign-on refused", "reason", refusal.Reason, "addr", clientAddr(r))
		}
		return s.signInFailed(w, r, signInForm{Next: "/"}, err)
	}
	if err := s.startSession(w, r, res.Identity, model.SignInSSO, res.ProviderID); err != nil {
		return err
	}
	return seeOther(w, r, safeNext(res.Next))
}

// signInFailed shows the sign-in page with the reason, as a failed
// password sign-in does.
func (s *Server) signInFailed(w http.ResponseWriter, r *http.Request, f signInForm, err error) error {
	var fe *model.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	l := s.localizer(r)
	f.Error = s.errorText(l, err)
	f.Providers, f.Passkeys = s.signInOptions(r)
	return s.show(w, r, statusOf(err), "signin", "", "signin.title", f)
}

// signInOptions lists the other ways of signing in the page offers.
func (s *Server) signInOptions(r *http.Request) ([]model.SSOProvider, bool) {
	ps, err := s.Accounts.SSOProviders(r.Context(), "")
	if err != nil {
		s.log.Error("list identity providers", "err", err)
	}
	return ps, s.Accounts.PasskeysEnabled()
}

// secondFactorPage asks for the passkey of an account whose password was
// right, or one of its recovery codes.
func (s *Server) secondFactorPage(w http.ResponseWriter, r *http.Request) error {
	if cookieValue(r, secondStepCookie) == "" {
		return seeOther(w, r, "/signin")
	}
	return s.show(w, r, http.StatusOK, "signin_factor", "", "signin.factor.title", signInForm{})
}

// recoverySignIn finishes a held sign-in with a recovery code.
func (s *Server) recoverySignIn(w http.ResponseWriter, r *http.Request) error {
	id, next, err := s.Accounts.FinishWithRecoveryCode(r.Context(), cookieValue(r, secondStepCookie), r.PostFormValue("code"), clientAddr(r))
	if err != nil {
		var fe *model.FieldError
		var th *model.Throttled
		if errors.As(err, &th) || !errors.As(err, &fe) {
			return err
		}
		s.clearFlowCookie(w, secondStepCookie, "/signin")
		return s.signInFailed(w, r, signInForm{Next: "/"}, err)
	}
	s.clearFlowCookie(w, secondStepCookie, "/signin")
	if err := s.startSession(w, r, id, model.SignInPassword, ""); err != nil {
		return err
	}
	return seeOther(w, r, safeNext(next))
}

// jsonAnswer runs a handler that the passkey script calls: it answers
// errors as the API does, which the script shows.
func (s *Server) jsonAnswer(w http.ResponseWriter, r *http.Request, fn func() (any, error)) error {
	v, err := fn()
	if err != nil {
		s.apiFail(w, r, err)
		return nil
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, v)
}

// passkeySignInOptions starts a passkey sign-in: the second step of a held
// sign-in when the browser has one, else a passkey alone.
func (s *Server) passkeySignInOptions(w http.ResponseWriter, r *http.Request) error {
	return s.jsonAnswer(w, r, func() (any, error) {
		second := cookieValue(r, secondStepCookie)
		token, assertion, err := s.Accounts.BeginPasskeySignIn(r.Context(), second, safeNext(r.PostFormValue("next")))
		if second != "" {
			s.clearFlowCookie(w, secondStepCookie, "/signin")
		}
		if err != nil {
			return nil, err
		}
		s.setFlowCookie(w, passkeyFlowCookie, "/signin", token, 5*time.Minute)
		return map[string]any{"publicKey": assertion.Response}, nil
	})
}

func (s *Server) passkeySignIn(w http.ResponseWriter, r *http.Request) error {
	return s.jsonAnswer(w, r, func() (any, error) {
		token := cookieValue(r, passkeyFlowCookie)
		s.clearFlowCookie(w, passkeyFlowCookie, "/signin")
		id, next, err := s.Accounts.FinishPasskeySignIn(r.Context(), token, []byte(r.PostFormValue("credential")))
		if err != nil {
			return nil, err
		}
		if err := s.startSession(w, r, id, model.SignInPasskey, ""); err != nil {
			return nil, err
		}
		return map[string]string{"next": safeNext(next)}, nil
	})
}

// signedOutPage offers to sign out at the identity provider too.
type signedOut struct{ ProviderURL string }

// deviceName names a browser from its User-Agent, roughly: enough for a
// user to tell their laptop from their phone.
func deviceName(ua string) string {
	browser := ""
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"Chrome/", "Chrome"}, {"Chromium/", "Chromium"},
		{"Safari/", "Safari"}, {"curl/", "curl"},
	} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	system := ""
	for _, o := range []struct{ token, name string }{
		{"Android", "Android"}, {"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Windows", "Windows"},
		{"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, o.token) {
			system = o.name
			break
		}
	}
	switch {
	case browser != "" && system != "":
		return browser + " · " + system
	case browser != "" || system != "":
		return browser + system
	case ua == "":
		return "—"
	}
	if len(ua) > 60 {
		ua = ua[:60] + "…"
	}
	return ua
}
