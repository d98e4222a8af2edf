package loadtest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestRunMeasuresBothSides(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		if r.Header.Get("Authorization") != "Bearer t" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		w.Write([]byte(`{"items":[]}`))
	}))
	defer srv.Close()
	cfg := Config{Base: srv.URL, Clients: 2, Duration: 100 * time.Millisecond, Rounds: 2}
	rs, err := Run(t.Context(), cfg, []Target{{Name: "list", Path: "/list", Token: "t"}, {Name: "gone", Path: "/missing", Token: "t"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 {
		t.Fatalf("%d results, want 2", len(rs))
	}
	if rs[0].Bytes != len(`{"items":[]}`) || len(rs[0].Server) != 2 || len(rs[0].Bare) != 2 {
		t.Errorf("result %+v: want the body's size and two rounds a side", rs[0])
	}
	for _, r := range append(rs[0].Server, rs[0].Bare...) {
		if r.Requests == 0 || r.Errors != 0 || r.P99 < r.P50 {
			t.Errorf("round %+v: want requests, no error, p99 ≥ p50", r)
		}
	}
	if rs[1].Err == "" {
		t.Error("a call the server does not answer was measured")
	}
	var b strings.Builder
	Report(&b, rs)
	if !strings.Contains(b.String(), "| list |") || !strings.Contains(b.String(), "not measured") {
		t.Errorf("report:\n%s", b.String())
	}
}

// TestPagesSendTheSession: a page is read with the session cookie, the API
// with the bearer token, each as the server expects it.
func TestPagesSendTheSession(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(SessionCookie)
		switch {
		case strings.HasPrefix(r.URL.Path, "/api/") && r.Header.Get("Authorization") == "Bearer t" && err != nil:
		case !strings.HasPrefix(r.URL.Path, "/api/") && err == nil && c.Value == "s" && r.Header.Get("Authorization") == "":
		default:
			http.Error(w, "wrong credentials for this path", http.StatusUnauthorized)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	cfg := Config{Base: srv.URL, Clients: 1, Duration: 50 * time.Millisecond, Rounds: 1}
	rs, err := Run(t.Context(), cfg, []Target{
		{Name: "api", Path: "/api/v1/x", Token: "t", Session: "s"},
		{Name: "page", Path: "/", Token: "t", Session: "s"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Err != "" || len(r.Server) != 1 || r.Server[0].Errors != 0 {
			t.Errorf("%s: %+v", r.Target.Name, r)
		}
	}
}

func TestChosen(t *testing.T) {
	for _, tc := range []struct {
		name, only string
		want       bool
	}{
		{"requirements, first page", "", true},
		{"requirements, first page", "requirements", true},
		{"search page", "summary, search", true},
		{"charts", "summary,search", false},
		{"charts", " , ", false},
	} {
		if got := chosen(tc.name, tc.only); got != tc.want {
			t.Errorf("chosen(%q, %q) = %v", tc.name, tc.only, got)
		}
	}
}
