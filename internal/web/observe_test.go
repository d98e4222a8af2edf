package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/obs"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// logLines is a log sink whose JSON records a test can read back.
type logLines struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logLines) records(t *testing.T) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// find returns the records whose fields hold every value of want.
func (l *logLines) find(t *testing.T, want map[string]any) []map[string]any {
	t.Helper()
	var out []map[string]any
next:
	for _, r := range l.records(t) {
		for k, v := range want {
			if fmt.Sprint(r[k]) != fmt.Sprint(v) {
				continue next
			}
		}
		out = append(out, r)
	}
	return out
}

type observed struct {
	app     *app.App
	cast    apptest.Cast
	srv     *httptest.Server
	log     *logLines
	metrics *obs.Metrics
}

func newObserved(t *testing.T, s store.Store) *observed {
	t.Helper()
	o := &observed{log: &logLines{}, metrics: obs.NewMetrics()}
	logger := slog.New(slog.NewJSONHandler(o.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	o.app, o.cast = apptest.NewWith(t, s, app.Options{Now: clock, Log: logger, Metrics: o.metrics})
	o.srv = httptest.NewServer(o.app.Web)
	t.Cleanup(o.srv.Close)
	return o
}

func (o *observed) do(t *testing.T, method, path, token, requestID, body string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, o.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if requestID != "" {
		req.Header.Set("X-Request-Id", requestID)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func (o *observed) token(t *testing.T, who string) string {
	t.Helper()
	res, b := o.do(t, "POST", "/api/v1/auth/token", "", "", fmt.Sprintf(`{"email":%q,"password":%q}`, who+"@test.example", apptest.Password))
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("sign in %s: %d %s", who, res.StatusCode, b)
	}
	var out struct{ Token string }
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out.Token
}

// TestRequestIDs: a well-formed X-Request-Id is kept, anything else is
// replaced by a fresh one; either way the answer names it.
func TestRequestIDs(t *testing.T) {
	o := newObserved(t, storetest.OpenSQLite(t))
	for _, tc := range []struct {
		name, sent string
		kept       bool
	}{
		{"well-formed", "abc-123_X.y", true},
		{"64 characters", strings.Repeat("a", 64), true},
		{"missing", "", false},
		{"65 characters", strings.Repeat("a", 65), false},
		{"a space", "abc def", false},
		{"a log field forged", "x\" level=ERROR", false},
		{"non-ASCII", "ключ", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := o.do(t, "GET", "/healthz", "", tc.sent, "")
			got := res.Header.Get("X-Request-Id")
			if tc.kept && got != tc.sent {
				t.Fatalf("sent %q, answered %q", tc.sent, got)
			}
			if !tc.kept && (got == tc.sent || !obs.ValidRequestID(got)) {
				t.Fatalf("sent %q, answered %q: want a fresh well-formed id", tc.sent, got)
			}
		})
	}
	a, _ := o.do(t, "GET", "/healthz", "", "", "")
	b, _ := o.do(t, "GET", "/healthz", "", "", "")
	if a.Header.Get("X-Request-Id") == b.Header.Get("X-Request-Id") {
		t.Fatal("two requests were given the same id")
	}
}

// TestAccessLog: one line a request, with the route's pattern rather than
// the path (which holds record ids), the status, size, duration, user and
// request id; probes and static files only at debug level.
func TestAccessLog(t *testing.T) {
	o := newObserved(t, storetest.OpenSQLite(t))
	ctx := context.Background()
	tok := o.token(t, "requester")
	_, b := o.do(t, "POST", "/api/v1/requirements", tok, "", reqBody)
	var created model.Requirement
	if err := json.Unmarshal(b, &created); err != nil || created.ID == "" {
		t.Fatalf("create: %s", b)
	}
	res, body := o.do(t, "GET", "/api/v1/requirements/"+created.ID, tok, "trace-1", "")
	if res.StatusCode != 200 {
		t.Fatalf("get: %d %s", res.StatusCode, body)
	}
	o.do(t, "GET", "/api/v1/requirements/no-such-id", "", "trace-2", "")
	o.do(t, "GET", "/healthz", "", "trace-3", "")
	o.do(t, "GET", "/nothing/here", "", "trace-4", "")

	lines := o.log.find(t, map[string]any{"msg": "request", "request_id": "trace-1"})
	if len(lines) != 1 {
		t.Fatalf("want one access line for trace-1, got %v", lines)
	}
	l := lines[0]
	want := map[string]any{"level": "INFO", "method": "GET", "route": "GET /api/v1/requirements/{id}", "status": 200.0,
		"bytes": float64(len(body)), "user": o.cast.Users["requester"].ID}
	for k, v := range want {
		if l[k] != v {
			t.Errorf("%s: got %v, want %v (line %v)", k, l[k], v, l)
		}
	}
	if _, ok := l["duration"]; !ok {
		t.Errorf("no duration: %v", l)
	}
	for _, tc := range []struct {
		id    string
		want  map[string]any
		noKey string
	}{
		{"trace-2", map[string]any{"level": "INFO", "status": 404.0, "route": "GET /api/v1/requirements/{id}"}, "user"},
		{"trace-3", map[string]any{"level": "DEBUG", "status": 200.0, "route": "GET /healthz"}, "user"},
		{"trace-4", map[string]any{"level": "INFO", "status": 404.0, "route": obs.UnmatchedRoute}, "user"},
	} {
		got := o.log.find(t, map[string]any{"msg": "request", "request_id": tc.id})
		if len(got) != 1 {
			t.Fatalf("%s: want one line, got %v", tc.id, got)
		}
		for k, v := range tc.want {
			if got[0][k] != v {
				t.Errorf("%s: %s is %v, want %v", tc.id, k, got[0][k], v)
			}
		}
		if _, ok := got[0][tc.noKey]; ok {
			t.Errorf("%s: a visitor's line names a %s: %v", tc.id, tc.noKey, got[0])
		}
	}
	// No line anywhere holds the record's id as a route.
	for _, r := range o.log.records(t) {
		if route, _ := r["route"].(string); strings.Contains(route, created.ID) {
			t.Errorf("a raw path was logged as the route: %v", r)
		}
	}
	_ = ctx
}

// TestPanicRecovery: a panicking handler is logged with its stack and
// request id, and answered 500 with the usual error body, JSON on the API
// and a page elsewhere; an answer under way is left as it is.
func TestPanicRecovery(t *testing.T) {
	o := newObserved(t, storetest.OpenSQLite(t))
	boom := o.app.Web.Observe(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("after") != "" {
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte("partial"))
		}
		panic("boom")
	}))
	srv := httptest.NewServer(boom)
	t.Cleanup(srv.Close)
	var readErr error
	get := func(path, id string) (*http.Response, string) {
		method := "GET"
		if strings.Contains(path, "after=") {
			// Not retried by the client when the connection is cut.
			method = "POST"
		}
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		req.Header.Set("X-Request-Id", id)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			readErr = err
			return &http.Response{}, ""
		}
		defer res.Body.Close()
		var b []byte
		b, readErr = io.ReadAll(res.Body)
		return res, string(b)
	}

	res, body := get("/api/v1/requirements", "panic-api")
	if readErr != nil || res.StatusCode != 500 || !strings.Contains(res.Header.Get("Content-Type"), "application/json") ||
		!strings.Contains(body, `"code":"internal"`) {
		t.Fatalf("API: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	res, body = get("/requirements", "panic-page")
	if readErr != nil || res.StatusCode != 500 || !strings.Contains(res.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, "<html") {
		t.Fatalf("page: %d %s %.200s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	// An answer under way is cut off: the client must not take it for whole.
	res, body = get("/requirements?after=1", "panic-late")
	if readErr == nil {
		t.Fatalf("an answer under way was not cut off: %d %q %v", res.StatusCode, body, readErr)
	}
	for _, id := range []string{"panic-api", "panic-page", "panic-late"} {
		got := o.log.find(t, map[string]any{"msg": "panic", "request_id": id, "level": "ERROR", "panic": "boom"})
		if len(got) != 1 || !strings.Contains(fmt.Sprint(got[0]["stack"]), "observe_test.go") {
			t.Errorf("%s: want one error line with the stack, got %v", id, got)
		}
		if n := len(o.log.find(t, map[string]any{"request_id": id, "level": "ERROR"})); n != 1 {
			t.Errorf("%s: the panic was logged %d times", id, n)
		}
		if got := o.log.find(t, map[string]any{"msg": "request", "request_id": id}); len(got) != 1 {
			t.Errorf("%s: no access line: %v", id, got)
		}
	}
}

// TestRequestMetrics: requests are counted by route pattern and status.
func TestRequestMetrics(t *testing.T) {
	o := newObserved(t, storetest.OpenSQLite(t))
	o.do(t, "GET", "/api/v1/requirements/abc", "", "", "")
	o.do(t, "GET", "/api/v1/requirements/def", "", "", "")
	o.do(t, "GET", "/healthz", "", "", "")
	rec := httptest.NewRecorder()
	o.metrics.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	text := rec.Body.String()
	for _, want := range []string{
		`cyberaid_http_requests_total{route="GET /api/v1/requirements/{id}",status="404"} 2`,
		`cyberaid_http_requests_total{route="GET /healthz",status="200"} 1`,
		`cyberaid_http_request_duration_seconds_count{route="GET /api/v1/requirements/{id}"} 2`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(text, "/abc") {
		t.Error("a raw path became a label")
	}
}

// TestReadyz: ready while the schema is current; 503 with the reason when
// the database lags behind the program's migrations.
func TestReadyz(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		o := newObserved(t, s)
		res, b := o.do(t, "GET", "/readyz", "", "", "")
		if res.StatusCode != 200 || !strings.Contains(string(b), `"ready"`) {
			t.Fatalf("current schema: %d %s", res.StatusCode, b)
		}
		st, err := s.SchemaStatus(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		// The last migration's record removed: the schema reads as one
		// migration behind, as a database that a newer program has not
		// yet migrated does.
		if _, err := s.SQLDB().Exec(`DELETE FROM goose_db_version WHERE version_id = ` + fmt.Sprint(st.Latest)); err != nil {
			t.Fatal(err)
		}
		res, b = o.do(t, "GET", "/readyz", "", "", "")
		if res.StatusCode != 503 || !strings.Contains(string(b), "schema at migration") {
			t.Fatalf("lagging schema: %d %s", res.StatusCode, b)
		}
		s.Close()
		res, b = o.do(t, "GET", "/readyz", "", "", "")
		if res.StatusCode != 503 || !strings.Contains(string(b), "database unreachable") {
			t.Fatalf("closed database: %d %s", res.StatusCode, b)
		}
	})
}

// TestAbandonedRequest: a request its client gave up on is not a fault of
// ours: it is recorded as 499 at info level, never as a 500 at error level.
func TestAbandonedRequest(t *testing.T) {
	o := newObserved(t, storetest.OpenSQLite(t))
	tok := o.token(t, "coordinator")
	for _, path := range []string{"/api/v1/requirements", "/requirements"} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		req := httptest.NewRequestWithContext(ctx, "GET", path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("X-Request-Id", "gone-"+strings.Trim(path, "/api"))
		rec := httptest.NewRecorder()
		o.app.Web.ServeHTTP(rec, req)
		if rec.Code != 499 {
			t.Errorf("%s: answered %d, want 499", path, rec.Code)
		}
	}
	for _, r := range o.log.records(t) {
		if r["level"] == "ERROR" {
			t.Errorf("an abandoned request was logged as an error: %v", r)
		}
	}
	if got := o.log.find(t, map[string]any{"msg": "request abandoned by its client"}); len(got) != 2 {
		t.Errorf("want two abandoned requests logged at info, got %v", got)
	}
}
