package loadtest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestRunWritesCountsAcknowledgedPledges: only answers 201 count, each
// client pledges as its writer on the requirements that writer sees, and
// the report gives the rate and the first refusal.
func TestRunWritesCountsAcknowledgedPledges(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]map[string]bool{} // token → requirement ids
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/v1/pledges" {
			http.NotFound(w, r)
			return
		}
		var in struct {
			RequirementID string `json:"requirement_id"`
			AmountMinor   int64  `json:"amount_minor"`
			Currency      string `json:"currency"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.AmountMinor <= 0 || in.Currency == "" {
			http.Error(w, "bad pledge", http.StatusBadRequest)
			return
		}
		if in.RequirementID == "closed" {
			http.Error(w, "requirement_not_open", http.StatusUnprocessableEntity)
			return
		}
		token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		mu.Lock()
		if seen[token] == nil {
			seen[token] = map[string]bool{}
		}
		seen[token][in.RequirementID] = true
		mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	cfg := Config{Base: srv.URL, Clients: 4, Duration: 100 * time.Millisecond, Rounds: 2}
	res, err := RunWrites(t.Context(), cfg, []Writer{
		{Name: "a", Token: "ta", Requirements: []string{"r1", "r2"}},
		{Name: "b", Token: "tb", Requirements: []string{"r3", "closed"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rounds) != 2 {
		t.Fatalf("%d rounds, want 2", len(res.Rounds))
	}
	for _, r := range res.Rounds {
		if r.Requests == 0 || r.Errors == 0 || r.P99 < r.P50 {
			t.Errorf("round %+v: want acknowledged pledges, the refused ones counted apart, p99 ≥ p50", r)
		}
	}
	if !seen["ta"]["r1"] || !seen["ta"]["r2"] || seen["ta"]["r3"] || !seen["tb"]["r3"] || seen["tb"]["r1"] {
		t.Errorf("pledged on %v: each writer on its own requirements, all of them", seen)
	}
	var b strings.Builder
	ReportWrites(&b, res)
	if !strings.Contains(b.String(), "pledges/s over 2 rounds") || !strings.Contains(b.String(), "requirement_not_open") {
		t.Errorf("report:\n%s", b.String())
	}
	if _, err := RunWrites(t.Context(), cfg, []Writer{{Name: "c", Token: "tc"}}); err == nil {
		t.Error("a writer who sees no requirement was sent to pledge")
	}
}
