package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/cyberaid/cyberaid/internal/obs"
)

// requestInfo is filled in as a request goes down the handlers, for the
// access log written on its way back: the inner handlers run on copies of
// the request (WithContext), so they report through this shared record.
type requestInfo struct {
	pattern string
	userID  string
}

type infoKey struct{}

func infoOf(ctx context.Context) *requestInfo {
	if i, _ := ctx.Value(infoKey{}).(*requestInfo); i != nil {
		return i
	}
	return &requestInfo{}
}

// errPanicked stands for a handler that panicked: it is answered as any
// other fault of ours, and logged once, with its stack, by observe.
var errPanicked = errors.New("handler panicked")

// observe is the outermost handler: it names the request (X-Request-Id),
// recovers a panicking handler, writes the access log and counts the
// request in the metrics.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !obs.ValidRequestID(id) {
			id = obs.NewRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		info := &requestInfo{}
		ctx := context.WithValue(obs.WithRequestID(r.Context(), id), infoKey{}, info)
		r = r.WithContext(ctx)
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			v := recover()
			if v == nil {
				s.accessLog(ctx, r, info, rec, time.Since(start))
				return
			}
			if v != http.ErrAbortHandler {
				s.log.ErrorContext(ctx, "panic", "method", r.Method, "route", info.pattern,
					"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			}
			if v == http.ErrAbortHandler || rec.wrote {
				// An answer under way cannot be taken back: the connection
				// is cut, so that the client sees it broken rather than
				// complete.
				if rec.status == 0 || v != http.ErrAbortHandler {
					rec.status = http.StatusInternalServerError
				}
				s.accessLog(ctx, r, info, rec, time.Since(start))
				panic(http.ErrAbortHandler)
			}
			rec.Header().Del("Content-Length")
			if strings.HasPrefix(r.URL.Path, "/api/") {
				s.apiFail(rec, r, errPanicked)
			} else {
				s.pageFail(rec, r, errPanicked)
			}
			s.accessLog(ctx, r, info, rec, time.Since(start))
		}()
		next.ServeHTTP(rec, r)
	})
}

func (s *Server) accessLog(ctx context.Context, r *http.Request, info *requestInfo, rec *statusRecorder, d time.Duration) {
	status := rec.status
	if status == 0 {
		// A handler that wrote nothing has answered 200 with no body.
		status = http.StatusOK
	}
	s.Metrics.ObserveRequest(info.pattern, status, d)
	level := slog.LevelInfo
	if quietPath(r.URL.Path) {
		level = slog.LevelDebug
	}
	if !s.log.Enabled(ctx, level) {
		return
	}
	route := info.pattern
	if route == "" {
		route = obs.UnmatchedRoute
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Duration("duration", d),
		slog.Int64("bytes", rec.bytes),
	}
	if info.userID != "" {
		attrs = append(attrs, slog.String("user", info.userID))
	}
	s.log.LogAttrs(ctx, level, "request", attrs...)
}

// quietPath is what load balancers and browsers ask for all the time; its
// lines would drown the others.
func quietPath(p string) bool {
	return strings.HasPrefix(p, "/static/") || p == "/healthz" || p == "/readyz"
}

// statusRecorder notes what a handler answered. Unwrap lets http.ResponseController
// reach the connection's own Flush and deadlines, which the streamed exports use.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
	wrote  bool
}

func (w *statusRecorder) WriteHeader(code int) {
	if !w.wrote {
		w.status = code
		// 1xx answers are interim: the final one follows.
		w.wrote = code >= 200
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if !w.wrote {
		w.status, w.wrote = http.StatusOK, true
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusRecorder) Flush() {
	if !w.wrote {
		w.status, w.wrote = http.StatusOK, true
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// readyTimeout bounds the database reads of a readiness probe: a probe that
// hangs tells the load balancer less than a prompt 503.
const readyTimeout = 5 * time.Second

// readyz says whether this server should take traffic: its database answers
// and holds every migration the program knows. A server sharing a database
// that another, newer one has migrated stays ready (its schema is current
// or newer); one whose database lags behind is not.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	w.Header().Set("Cache-Control", "no-store")
	st, err := s.Schema(ctx)
	switch {
	case err != nil:
		s.log.ErrorContext(ctx, "readiness check failed", "err", err)
		_ = writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "database unreachable"})
	case !st.Current():
		_ = writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable",
			"reason": fmt.Sprintf("database schema at migration %d, program needs %d", st.Applied, st.Latest)})
	default:
		_ = writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	}
}
