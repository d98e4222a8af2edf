// Package web serves the HTML pages and the /api/v1 JSON API on one port.
// Handlers decode, authorise at the route, call a domain service and encode;
// the rules live in the domain packages and the policy package.
package web

import (
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/coordination"
	"github.com/cyberaid/cyberaid/internal/delivery"
	"github.com/cyberaid/cyberaid/internal/documents"
	"github.com/cyberaid/cyberaid/internal/exchange"
	"github.com/cyberaid/cyberaid/internal/governance"
	"github.com/cyberaid/cyberaid/internal/i18n"
	"github.com/cyberaid/cyberaid/internal/indicators"
	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/notify"
	"github.com/cyberaid/cyberaid/internal/obs"
	"github.com/cyberaid/cyberaid/internal/offers"
	"github.com/cyberaid/cyberaid/internal/organisations"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/readings"
	"github.com/cyberaid/cyberaid/internal/reports"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/search"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Deps are the services the web layer calls.
type Deps struct {
	// Ready reports whether the program can serve: its database answers.
	Ready func(context.Context) error
	// Schema compares the database's migrations with the program's, for
	// the readiness probe.
	Schema        func(context.Context) (store.SchemaStatus, error)
	Accounts      *accounts.Service
	Audit         *audit.Service
	AuditLog      *audit.Log
	Organisations *organisations.Service
	Requirements  *requirements.Service
	Pledges       *pledges.Service
	Reports       *reports.Service
	Delivery      *delivery.Service
	Lessons       *lessons.Service
	Governance    *governance.Service
	Notify        *notify.Service
	Exchange      *exchange.Service
	Offers        *offers.Service
	Coordination  *coordination.Service
	Indicators    *indicators.Service
	Documents     *documents.Service
	Search        *search.Service
	Log           *slog.Logger
	Now           func() time.Time
	// SecureCookies marks cookies Secure; set when served over TLS or behind
	// a TLS-terminating proxy.
	SecureCookies bool
	// BaseURL is the site's public address; empty, it is taken from each
	// request.
	BaseURL string
	// Metrics counts requests by route; nil counts nothing.
	Metrics *obs.Metrics
}

// siteURL is the site's public address for links that leave it (feeds,
// exported files): the configured one, or the address this request came to.
func (s *Server) siteURL(r *http.Request) string {
	if s.BaseURL != "" {
		return strings.TrimSuffix(s.BaseURL, "/")
	}
	if r.TLS == nil && !s.SecureCookies {
		return "http://" + r.Host
	}
	return "https://" + r.Host
}

type Server struct {
	Deps
	log     *slog.Logger
	handler http.Handler
	pages   map[string]*template.Template
	static  *staticFiles
	i18n    *i18n.Bundle
	bodies  *readings.Kept // the answers kept (kept.go)
	// version is the version of every record the kept answers are kept
	// under: the audit log's head (audit.Service.Version).
	version func(context.Context) (int64, error)
}

func New(d Deps) (*Server, error) {
	s := &Server{Deps: d, log: d.Log, bodies: newKeptBodies()}
	if s.log == nil {
		s.log = slog.Default()
	}
	// Every line logged with a request's context names its request id.
	s.log = slog.New(obs.NewHandler(s.log.Handler()))
	if s.Now == nil {
		s.Now = time.Now
	}
	if s.Audit != nil {
		s.version = s.Audit.Version
	}
	var err error
	if s.i18n, err = i18n.Load(); err != nil {
		return nil, err
	}
	if s.static, err = loadStatic(); err != nil {
		return nil, err
	}
	if s.pages, err = s.loadTemplates(); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	s.routes(mux)
	s.handler = s.observe(s.securityHeaders(s.crossOrigin(s.identify(s.fallback(mux)))))
	return s, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// handler is what every route implements: errors are answered in one place.
type handler func(w http.ResponseWriter, r *http.Request) error

// ctxKey carries the request's identity.
type ctxKey struct{}

type requestAuth struct {
	identity accounts.Identity
	viewer   policy.Viewer
	session  *model.Session  // set for a browser session
	token    *model.APIToken // set for a bearer token
	rawToken string
	// mustEnrol is set when the user must register a phishing-resistant
	// factor before anything else.
	mustEnrol bool
	// versions were read with the session or the token, before anything
	// the request reads: its answer is kept under them (kept.go). A
	// token's are the audit log's head alone.
	versions *model.Versions
}

func authOf(r *http.Request) *requestAuth {
	a, _ := r.Context().Value(ctxKey{}).(*requestAuth)
	if a == nil {
		return &requestAuth{}
	}
	return a
}

func viewerOf(r *http.Request) policy.Viewer { return authOf(r).viewer }

func withAuth(ctx context.Context, a *requestAuth) context.Context {
	return context.WithValue(ctx, ctxKey{}, a)
}

// crossOrigin refuses cross-site form posts to the site, whose sessions
// ride on cookies. The API authenticates with bearer tokens that a browser
// never attaches by itself, so other origins may call it.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	site := http.NewCrossOriginProtection()
	site.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.pageFail(w, r, model.ErrForbidden)
	}))
	protected := site.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		protected.ServeHTTP(w, r)
	})
}

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		if s.SecureCookies {
			h.Set("Strict-Transport-Security", "max-age=63072000")
		}
		next.ServeHTTP(w, r)
	})
}
