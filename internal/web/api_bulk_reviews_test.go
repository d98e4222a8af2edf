package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
)

// bulkReviewFixture is fixture with a second submitted requirement, and a
// submitted RED one that names only its requester: validators do not see it.
func bulkReviewFixture(t *testing.T, a *app.App, c apptest.Cast) map[string]string {
	t.Helper()
	ctx := context.Background()
	ids := fixture(t, a, c)
	create := func(name string, tlp model.TLP, named ...string) string {
		in := requirements.Input{
			Title: ptr("Backup links for " + name), Description: ptr("Redundant links for the control centres"),
			Sector: ptr(model.Sector("telecom")), Category: ptr(model.Category("hardware_software")),
			LineOfEffort: ptr(model.LineStrengthen), Priority: ptr(model.PriorityMedium),
			EstimatedEURMinor: ptr(int64(50_000_00)), NeededBy: ptr(model.DateOf(testNow).AddDays(120)), TLP: &tlp,
		}
		if len(named) > 0 {
			in.NamedUserIDs = &named
		}
		r, err := a.Requirements.Create(ctx, c.Viewer("requester"), in)
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		if _, err := a.Requirements.Submit(ctx, c.Viewer("requester"), r.ID); err != nil {
			t.Fatalf("submit %s: %v", name, err)
		}
		ids[name] = r.ID
		return r.ID
	}
	create("submitted2", model.TLPAmber)
	create("hidden", model.TLPRed, c.Users["requester"].ID)
	return ids
}

const bulkReviewPath = "/api/v1/requirements/reviews"

var bulkReviewScenarios = []scenario{
	{"bulk review: anonymous", "", "POST", bulkReviewPath, `{"items":[{"id":"{submitted}","decision":"approve"}]}`, 401, "unauthenticated"},
	{"bulk review: donor", "donor", "POST", bulkReviewPath, `{"items":[{"id":"{submitted}","decision":"approve"}]}`, 403, "forbidden"},
	{"bulk review: requester", "requester", "POST", bulkReviewPath, `{"items":[{"id":"{submitted}","decision":"approve"}]}`, 403, "forbidden"},
	{"bulk review: a validator of a group not asked for", "validator_ia", "POST", bulkReviewPath, `{"items":[{"id":"{submitted}","decision":"approve"},{"id":"{submitted2}","decision":"approve"}]}`, 422, "review_not_required"},
	{"bulk review: validator", "validator", "POST", bulkReviewPath, `{"items":[{"id":"{submitted}","decision":"approve","comment":"Fits the plan"},{"id":"{submitted2}","decision":"return","comment":"Say which offices"}]}`, 200, ""},
	{"bulk review: the technical group's validator", "validator_tech", "POST", bulkReviewPath, `{"items":[{"id":"{submitted}","decision":"approve","scores":{"technical_capacity":4,"relevance":5}}]}`, 200, ""},
	{"bulk review: a requirement the validator may not see", "validator", "POST", bulkReviewPath, `{"items":[{"id":"{submitted}","decision":"approve"},{"id":"{hidden}","decision":"approve"}]}`, 404, "not_found"},
	{"bulk review: an unknown id", "validator", "POST", bulkReviewPath, `{"items":[{"id":"{submitted}","decision":"approve"},{"id":"nope","decision":"approve"}]}`, 404, "not_found"},
	{"bulk review: a return without a comment", "validator", "POST", bulkReviewPath, `{"items":[{"id":"{submitted}","decision":"approve"},{"id":"{submitted2}","decision":"return"}]}`, 400, "invalid_comment"},
	{"bulk review: a validated requirement", "validator", "POST", bulkReviewPath, `{"items":[{"id":"{validated}","decision":"approve"}]}`, 409, "not_submitted"},
	{"bulk review: the same requirement twice", "validator", "POST", bulkReviewPath, `{"items":[{"id":"{submitted}","decision":"approve"},{"id":"{submitted}","decision":"approve"}]}`, 400, "invalid_id"},
	{"bulk review: nothing", "validator", "POST", bulkReviewPath, `{"items":[]}`, 400, "invalid_items"},
	{"bulk review: a score out of range", "validator_tech", "POST", bulkReviewPath, `{"items":[{"id":"{submitted}","decision":"approve","scores":{"relevance":6}}]}`, 400, "invalid_scores.relevance"},
}

func TestBulkReviewAPIScenarios(t *testing.T) {
	runScenarios(t, scenarioTable{scenarios: bulkReviewScenarios, fixture: bulkReviewFixture, operations: []string{bulkReviewPath}})
}

// TestBulkReviewAllOrNothing: one refused item records no review at all,
// every refused item is named by its place, a hidden requirement answers as
// an unknown id does, and an accepted list records one audited review each.
func TestBulkReviewAllOrNothing(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		a, cast := apptest.New(t, s, clock)
		srv := httptest.NewServer(a.Web)
		defer srv.Close()
		c := &client{t: t, base: srv.URL, tokens: map[string]string{}, http: srv.Client()}
		ids := bulkReviewFixture(t, a, cast)
		reviews := func() int {
			t.Helper()
			evs, err := s.ListAuditEvents(ctx, model.AuditFilter{ObjectType: requirements.ReviewObject}, 0, 10_000)
			if err != nil {
				t.Fatal(err)
			}
			return len(evs)
		}
		before := reviews()

		// Two faults, the first item good: nothing recorded, both named.
		code, body := c.do("validator", "POST", bulkReviewPath, expand(`{"items":[
			{"id":"{submitted}","decision":"approve"},
			{"id":"{submitted2}","decision":"return"},
			{"id":"{validated}","decision":"approve"},
			{"id":"{hidden}","decision":"approve"}]}`, ids))
		var refused struct {
			Error  struct{ Code, Field, Message string }
			Errors []struct{ Code, Field, Message string }
		}
		if err := json.Unmarshal(body, &refused); err != nil {
			t.Fatalf("%d %s", code, body)
		}
		if code != http.StatusBadRequest || refused.Error.Field != "items[1].comment" {
			t.Fatalf("status %d, error %+v: want 400 on items[1].comment", code, refused.Error)
		}
		want := []struct{ field, code string }{
			{"items[1].comment", "invalid_comment"}, {"items[2].id", "not_submitted"}, {"items[3].id", "not_found"},
		}
		if len(refused.Errors) != len(want) {
			t.Fatalf("errors %+v, want %v", refused.Errors, want)
		}
		for i, w := range want {
			if got := refused.Errors[i]; got.Field != w.field || got.Code != w.code || got.Message == "" {
				t.Errorf("fault %d: %+v, want %s on %s", i, got, w.code, w.field)
			}
		}
		if n := reviews(); n != before {
			t.Fatalf("%d reviews recorded by a refused list, want none", n-before)
		}
		if got, err := a.Requirements.Get(ctx, cast.Viewer("validator"), ids["submitted"]); err != nil || got.Status != model.ReqSubmitted {
			t.Fatalf("the good item of a refused list: %v %s", err, got.Status)
		}

		// A hidden requirement and an unknown id: the same answer, byte
		// for byte, in every language.
		if _, err := a.Requirements.Get(ctx, cast.Viewer("validator"), ids["hidden"]); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("the validator sees the RED requirement: %v", err)
		}
		for _, lang := range []string{"en", "uk", "fr"} {
			ask := func(id string) (int, string) {
				req, _ := http.NewRequest("POST", srv.URL+bulkReviewPath, strings.NewReader(`{"items":[{"id":"`+id+`","decision":"approve"}]}`))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept-Language", lang)
				req.Header.Set("Authorization", "Bearer "+c.token("validator"))
				res, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				var b json.RawMessage
				if err := json.NewDecoder(res.Body).Decode(&b); err != nil {
					t.Fatal(err)
				}
				return res.StatusCode, string(b)
			}
			hc, hb := ask(ids["hidden"])
			uc, ub := ask("0190aaaa-0000-7000-8000-000000000000")
			if hc != http.StatusNotFound || hc != uc || hb != ub {
				t.Errorf("%s: hidden %d %s, unknown %d %s", lang, hc, hb, uc, ub)
			}
		}

		// Accepted: one review each, each its own audit event.
		code, body = c.do("validator", "POST", bulkReviewPath, expand(`{"items":[
			{"id":"{submitted}","decision":"approve"},
			{"id":"{submitted2}","decision":"return","comment":"Say which offices"}]}`, ids))
		if code != http.StatusOK {
			t.Fatalf("accepted list: %d %s", code, body)
		}
		var done struct {
			Items []struct{ ID, Status string }
			Total int
		}
		if err := json.Unmarshal(body, &done); err != nil || done.Total != 2 || len(done.Items) != 2 {
			t.Fatalf("answer %s (%v)", body, err)
		}
		if done.Items[0].ID != ids["submitted"] || done.Items[0].Status != "validated" || done.Items[1].Status != "returned" {
			t.Errorf("items %+v", done.Items)
		}
		if n := reviews(); n != before+2 {
			t.Errorf("%d reviews audited, want 2", n-before)
		}
	})
}
