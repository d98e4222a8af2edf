package web

import (
	"errors"
	"net/http"

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
}

func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"))
	if !viewerOf(r).Anonymous() {
		return seeOther(w, r, next)
	}
	return s.show(w, r, http.StatusOK, "signin", "", "signin.title", signInForm{Next: next})
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
		return s.show(w, r, status, "signin", "", "signin.title", f)
	}
	switch {
	case f.Email == "":
		return fail(model.Invalid("email", "is required"))
	case password == "":
		return fail(model.Invalid("password", "is required"))
	}
	id, err := s.Accounts.Authenticate(r.Context(), f.Email, password, code, clientAddr(r))
	if err != nil {
		return fail(err)
	}
	token, sess, err := s.Accounts.StartSession(r.Context(), id)
	if err != nil {
		return err
	}
	s.setSessionCookie(w, token, int(sess.ExpiresAt.Sub(s.Now()).Seconds()))
	return seeOther(w, r, f.Next)
}

// signOut ends the session on the server, not just in the browser, so that
// a copied cookie dies with it.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	a := authOf(r)
	if a.session != nil {
		if err := s.Accounts.EndSession(r.Context(), a.rawToken); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w)
	return seeOther(w, r, "/")
}
