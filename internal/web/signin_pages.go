package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
)

type signInForm struct {
	Email  string
	Next   string
	Errors map[string]string
	Error  string
	// AskTOTP is set once the account is known to need a code. The
	// password is never sent back: it is asked for again with the code.
	AskTOTP bool
	// Providers are the identity providers one may sign in through;
	// Passkeys says whether a passkey alone may sign in.
	Providers []model.SSOProvider
	Passkeys  bool
}

func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"))
	if !viewerOf(r).Anonymous() {
		return seeOther(w, r, next)
	}
	f := signInForm{Next: next}
	f.Providers, f.Passkeys = s.signInOptions(r)
	return s.show(w, r, http.StatusOK, "signin", "", "signin.title", f)
}

// signIn has no CSRF token to check (there is no session yet); the
// cross-origin protection around every handler refuses forged posts.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	f := signInForm{Email: r.PostFormValue("email"), Next: safeNext(r.PostFormValue("next"))}
	password, code := r.PostFormValue("password"), r.PostFormValue("totp")
	fail := func(err error) error {
		l := s.localizer(r)
		status := statusOf(err)
		var th *model.Throttled
		switch {
		case errors.As(err, &th):
			f.Error, status = l.T("error.rate_limited"), http.StatusTooManyRequests
			if id := "error.code." + th.Code; l.Has(id) {
				f.Error = l.T(id)
			}
			setRetryAfter(w, th.RetryAfter)
		case errors.Is(err, model.ErrRateLimited):
			f.Error, status = l.T("error.rate_limited"), http.StatusTooManyRequests
		default:
			var fe *model.FieldError
			if !errors.As(err, &fe) {
				return err
			}
			f.Errors = map[string]string{fe.Field: s.errorText(l, err)}
			f.AskTOTP = fe.Field == "totp"
		}
		f.Providers, f.Passkeys = s.signInOptions(r)
		return s.show(w, r, status, "signin", "", "signin.title", f)
	}
	switch {
	case f.Email == "":
		return fail(model.Invalid("email", "is required"))
	case password == "":
		return fail(model.Invalid("password", "is required"))
	}
	id, passkey, err := s.Accounts.SignIn(r.Context(), f.Email, password, code, clientAddr(r))
	if err != nil {
		return fail(err)
	}
	if passkey {
		// The password was right; the passkey is still to be shown.
		held, err := s.Accounts.BeginSecondFactor(r.Context(), id, f.Next)
		if err != nil {
			return err
		}
		s.setFlowCookie(w, secondStepCookie, "/signin", held, 5*time.Minute)
		return seeOther(w, r, "/signin/factor")
	}
	if err := s.startSession(w, r, id, model.SignInPassword, ""); err != nil {
		return err
	}
	return seeOther(w, r, f.Next)
}

// signOut ends the session on the server, not just in the browser, so that
// a copied cookie dies with it.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	a := authOf(r)
	provider := ""
	if a.session != nil {
		if err := s.Accounts.EndSession(r.Context(), a.rawToken); err != nil {
			return err
		}
		if a.session.Method == model.SignInSSO {
			provider = s.Accounts.SSOEndSessionURL(r.Context(), a.session.ProviderID, s.siteURL(r)+"/")
		}
	}
	s.clearSessionCookie(w)
	if provider != "" {
		// Signing out here leaves the provider's own session: offer to end
		// it too, rather than go there unasked.
		r = r.WithContext(withAuth(r.Context(), &requestAuth{}))
		return s.show(w, r, http.StatusOK, "signed_out", "", "signout.title", signedOut{ProviderURL: provider})
	}
	return seeOther(w, r, "/")
}
