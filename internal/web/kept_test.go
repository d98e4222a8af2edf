package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// TestKeptAnswers: an answer is kept for its viewer, method, path and
// query and day at one version of the records, and for nothing else; an
// answer other than 200, an error, or an answer shown without one of its
// parts is never kept.
func TestKeptAnswers(t *testing.T) {
	var version atomic.Int64
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	s := &Server{Deps: Deps{Now: func() time.Time { return now }}, bodies: newKeptBodies(),
		version: func(context.Context) (int64, error) { return version.Load(), nil }}
	var computed atomic.Int64
	status, fail, partial := http.StatusOK, error(nil), false
	h := s.kept(func(w http.ResponseWriter, r *http.Request) error {
		n := computed.Add(1)
		if fail != nil {
			return fail
		}
		if partial {
			markPartial(r.Context())
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		_, err := fmt.Fprintf(w, `{"n":%d,"user":%q}`, n, viewerOf(r).UserID)
		return err
	})
	org := model.Organisation{ID: "us", Kind: model.KindState, Participation: model.Member}
	alice := policy.Viewer{UserID: "alice", Org: org, Roles: []model.Role{model.RoleDonor}}
	bob := policy.Viewer{UserID: "bob", Org: org, Roles: []model.Role{model.RoleDonor}}
	method := http.MethodGet
	get := func(v policy.Viewer, target, lang string) (int, string, error) {
		t.Helper()
		r := httptest.NewRequest(method, target, nil)
		if lang != "" {
			r.Header.Set("Accept-Language", lang)
		}
		r = r.WithContext(withAuth(r.Context(), &requestAuth{viewer: v}))
		w := httptest.NewRecorder()
		err := h(w, r)
		if err == nil && w.Code == http.StatusOK && w.Header().Get("Content-Type") != "application/json; charset=utf-8" {
			t.Errorf("%s: Content-Type %q, want the handler's", target, w.Header().Get("Content-Type"))
		}
		return w.Code, w.Body.String(), err
	}
	answer := func(v policy.Viewer, target, lang string) string {
		t.Helper()
		code, body, err := get(v, target, lang)
		if err != nil || code != http.StatusOK {
			t.Fatalf("%s: %d %v", target, code, err)
		}
		return body
	}

	first := answer(alice, "/api/v1/pledges", "")
	if again := answer(alice, "/api/v1/pledges", ""); again != first || computed.Load() != 1 {
		t.Fatalf("the same request again: %s after %s, computed %d times; want the kept answer", again, first, computed.Load())
	}
	// The language chooses only the messages of errors, never kept.
	if again := answer(alice, "/api/v1/pledges", "uk"); again != first || computed.Load() != 1 {
		t.Fatalf("the same request in another language: %s after %s, computed %d times; want the kept answer", again, first, computed.Load())
	}
	others := []struct {
		name   string
		answer func() string
	}{
		{"another user of the same organisation and roles", func() string { return answer(bob, "/api/v1/pledges", "") }},
		{"another query", func() string { return answer(alice, "/api/v1/pledges?status=confirmed", "") }},
		{"another path", func() string { return answer(alice, "/api/v1/offers", "") }},
		{"a change to the records", func() string { version.Add(1); return answer(alice, "/api/v1/pledges", "") }},
		{"the next day", func() string { now = now.Add(24 * time.Hour); return answer(alice, "/api/v1/pledges", "") }},
		// A HEAD is routed as a GET, and a page's layout tells them apart.
		{"another method", func() string {
			method = http.MethodHead
			defer func() { method = http.MethodGet }()
			return answer(alice, "/api/v1/pledges", "")
		}},
	}
	for _, o := range others {
		before := computed.Load()
		if got := o.answer(); got == first || computed.Load() != before+1 {
			t.Errorf("%s: answered %s, computed %d times; want its own answer", o.name, got, computed.Load()-before)
		}
	}
	if got := answer(bob, "/api/v1/pledges", ""); got != fmt.Sprintf(`{"n":%d,"user":"bob"}`, computed.Load()) {
		t.Errorf("bob after the change: %s", got)
	}

	// An answer other than 200 is answered to its request, kept for none.
	status = http.StatusNotFound
	for range 2 {
		before := computed.Load()
		if code, _, err := get(alice, "/api/v1/pledges?missing", ""); err != nil || code != http.StatusNotFound || computed.Load() != before+1 {
			t.Errorf("a 404: answered %d (%v), computed %d times; want 404, each time", code, err, computed.Load()-before)
		}
	}
	// Nor is an error.
	status, fail = http.StatusOK, errors.New("the database went away")
	for range 2 {
		if _, _, err := get(alice, "/api/v1/pledges?failing", ""); !errors.Is(err, fail) {
			t.Errorf("a failure: %v, want the handler's error each time", err)
		}
	}
	fail = nil
	if _, body, _ := get(alice, "/api/v1/pledges?failing", ""); body == "" {
		t.Error("after a failure, nothing was computed")
	}
	// Nor is an answer shown without one of its parts.
	partial = true
	for range 2 {
		before := computed.Load()
		if code, _, err := get(alice, "/api/v1/pledges?partial", ""); err != nil || code != http.StatusOK || computed.Load() != before+1 {
			t.Errorf("a partial answer: answered %d (%v), computed %d times; want 200, each time", code, err, computed.Load()-before)
		}
	}
}
