package web

import (
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

const sessionCookie = "cyberaid_session"

// identify resolves who is asking: a bearer token on the API, a session
// cookie on the pages. A bad token is refused outright rather than treated
// as a visitor, so that a client learns at once that its token is dead.
func (s *Server) identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Static files and the health checks are the same for everyone:
		// resolving the session would cost a database read per stylesheet.
		if strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			next.ServeHTTP(w, r)
			return
		}
		a := &requestAuth{}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			if h := r.Header.Get("Authorization"); h != "" {
				scheme, token, ok := strings.Cut(h, " ")
				if !ok || !strings.EqualFold(scheme, "Bearer") {
					s.apiFail(w, r, model.Invalid("Authorization", "use the form \"Bearer <token>\""))
					return
				}
				id, t, v, err := s.Accounts.Token(r.Context(), strings.TrimSpace(token))
				if err != nil {
					s.apiFail(w, r, err)
					return
				}
				a = &requestAuth{identity: id, viewer: id.Viewer(), token: &t, versions: &v}
			}
		} else if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			id, sess, v, err := s.Accounts.Session(r.Context(), c.Value)
			switch {
			case err == nil:
				a = &requestAuth{identity: id, viewer: id.Viewer(), session: &sess, rawToken: c.Value, versions: &v}
				if a.mustEnrol, err = s.Accounts.MustEnrol(r.Context(), id, &sess); err != nil {
					s.pageFail(w, r, err)
					return
				}
				// Only for the account page's list: a failure costs nothing else.
				if err := s.Accounts.TouchSession(r.Context(), sess); err != nil {
					s.log.Warn("record session use", "err", err)
				}
			case errors.Is(err, model.ErrUnauthenticated):
				s.clearSessionCookie(w)
			default:
				s.pageFail(w, r, err)
				return
			}
		}
		infoOf(r.Context()).userID = a.identity.User.ID
		next.ServeHTTP(w, r.WithContext(withAuth(r.Context(), a)))
	})
}

func (s *Server) setSessionCookie(w http.ResponseWriter, token string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) { s.setSessionCookie(w, "", -1) }

// api wraps a JSON handler with its route-level permission; perm "" is a
// route anyone may call, whose records the policy still filters.
func (s *Server) api(perm policy.Permission, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if perm != "" {
			if err := policy.Require(viewerOf(r), perm); err != nil {
				s.apiFail(w, r, err)
				return
			}
		}
		if err := checkRequestText(r); err != nil {
			s.apiFail(w, r, err)
			return
		}
		if err := h(w, r); err != nil {
			s.apiFail(w, r, err)
		}
	})
}

// apiFail answers an error in the language of the request's
// Accept-Language (English by default; an API client has no cookie to
// choose with), its code unchanged. Several fields at fault are all listed
// in "errors", beside the first as "error".
func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	if abandoned(r, err) {
		s.answerAbandoned(w, r, err)
		return
	}
	e := errorFor(err)
	s.logError(r, err, e)
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="cyberaid"`)
	}
	setRetryAfter(w, e.RetryAfter)
	e = e.localized(s.i18n.For(r.Header.Get("Accept-Language")), err)
	if len(e.Fields) > 0 {
		_ = writeJSON(w, e.Status, struct {
			Error  apiError        `json:"error"`
			Errors []apiFieldError `json:"errors"`
		}{e, e.Fields})
		return
	}
	_ = writeJSON(w, e.Status, map[string]apiError{"error": e})
}

// page wraps an HTML handler: visitors are sent to sign in when the route
// needs a permission, and every form post must carry the session's CSRF token.
func (s *Server) page(perm policy.Permission, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := authOf(r)
		if perm != "" {
			if a.viewer.Anonymous() {
				http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			if err := policy.Require(a.viewer, perm); err != nil {
				s.pageFail(w, r, err)
				return
			}
		}
		if a.mustEnrol && !enrolAllowed(r.URL.Path) {
			// Nothing else until a phishing-resistant factor is registered.
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/account", http.StatusSeeOther)
				return
			}
			s.pageFail(w, r, accounts.ErrStrongFactorRequired)
			return
		}
		if r.Method == http.MethodPost && a.session != nil {
			got := r.PostFormValue("csrf")
			if subtle.ConstantTimeCompare([]byte(got), []byte(a.session.CSRFToken)) != 1 {
				s.pageFail(w, r, model.Invalid("csrf", "this form has expired; go back, reload the page and send it again"))
				return
			}
		}
		if err := checkRequestText(r); err != nil {
			s.pageFail(w, r, err)
			return
		}
		if r.Method == http.MethodPost {
			// Parses an url-encoded or multipart form (an uploaded file's
			// bytes are not text and stay unchecked).
			_ = r.FormValue("csrf")
			if err := checkValues(r.PostForm); err != nil {
				s.pageFail(w, r, err)
				return
			}
		}
		if err := h(w, r); err != nil {
			s.pageFail(w, r, err)
		}
	})
}

// clientAddr is the address sign-in limits count against.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
