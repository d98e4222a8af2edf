package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

// reviewsScenarios: the working groups' reviews, a validator's group, and
// the spreadsheet intake (played as multipart uploads in reviewsUploads).
var reviewsScenarios = []scenario{
	{"reviews: anonymous", "", "GET", "/api/v1/requirements/{submitted}/reviews", "", 404, "not_found"},
	{"reviews: another beneficiary", "requester2", "GET", "/api/v1/requirements/{submitted}/reviews", "", 404, "not_found"},
	{"reviews: a donor who sees the validated requirement", "donor", "GET", "/api/v1/requirements/{validated}/reviews", "", 404, "not_found"},
	{"reviews: the beneficiary", "requester", "GET", "/api/v1/requirements/{validated}/reviews", "", 200, ""},
	{"reviews: coordinator", "coordinator", "GET", "/api/v1/requirements/{submitted}/reviews", "", 200, ""},
	{"reviews: validator", "validator", "GET", "/api/v1/requirements/{validated}/reviews", "", 200, ""},

	{"review scores: the group's own", "validator", "POST", "/api/v1/requirements/{submitted}/validate", `{"decision":"approve","scores":{"technical_capacity":4,"relevance":5}}`, 200, ""},
	{"review scores: the other group's", "validator", "POST", "/api/v1/requirements/{submitted}/validate", `{"decision":"approve","scores":{"strategic_importance":4}}`, 422, "score_not_for_group"},
	{"review scores: out of range", "validator", "POST", "/api/v1/requirements/{submitted}/validate", `{"decision":"approve","scores":{"relevance":6}}`, 400, "invalid_scores.relevance"},
	{"review scores: a validator of a group not asked for", "validator_ia", "POST", "/api/v1/requirements/{submitted}/validate", `{"decision":"approve"}`, 422, "review_not_required"},

	{"user group: anonymous", "", "PATCH", "/api/v1/users/{user:validator}", `{"working_group":"technical"}`, 401, "unauthenticated"},
	{"user group: coordinator", "coordinator", "PATCH", "/api/v1/users/{user:validator}", `{"working_group":"technical"}`, 403, "forbidden"},
	{"user group: admin", "admin", "PATCH", "/api/v1/users/{user:validator_ia}", `{"working_group":"technical"}`, 200, ""},
	{"user group: admin clears it", "admin", "PATCH", "/api/v1/users/{user:validator_tech}", `{"working_group":""}`, 200, ""},
	{"user group: not a validator", "admin", "PATCH", "/api/v1/users/{user:donor}", `{"working_group":"technical"}`, 422, "not_validator"},
	{"user group: unknown", "admin", "PATCH", "/api/v1/users/{user:validator}", `{"working_group":"finance"}`, 400, "invalid_working_group"},
	{"user group: no such user", "admin", "PATCH", "/api/v1/users/nope", `{"working_group":"technical"}`, 404, "not_found"},
}

func TestReviewsAPIScenarios(t *testing.T) {
	runScenarios(t, scenarioTable{scenarios: reviewsScenarios, fixture: fixture, operations: []string{
		"/api/v1/requirements/{id}/reviews", "/api/v1/users/{id}", "/api/v1/imports/requirements",
	}, after: reviewsUploads})
}

// upload sends a spreadsheet as the multipart part named file.
func (c *client) upload(as, path, name, content string, fields map[string]string) (int, []byte) {
	c.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			c.t.Fatal(err)
		}
	}
	part, err := w.CreateFormFile("file", name)
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := io.WriteString(part, content); err != nil {
		c.t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		c.t.Fatal(err)
	}
	req, err := http.NewRequest("POST", c.base+path, &body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	if as != "" {
		req.Header.Set("Authorization", "Bearer "+c.token(as))
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func reviewsUploads(t *testing.T, c *client, a *app.App, _ map[string]string) {
	header := strings.Join(requirements.ImportColumns, ",") + "\n"
	good := header + "Firewalls for the regional offices,,government,hardware_software,strengthen,medium,40000,2026-12-01,amber,local_executive_body,4,units,UA-46,OFF-1\n"
	bad := header + "Firewalls,,government,firewalls,strengthen,medium,40000,2026-12-01,amber,local_executive_body,4,units,UA-46,OFF-1\n"
	orgs, err := a.Organisations.Names(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var power string
	for id, name := range orgs {
		if name == "Regional Power Distributor" {
			power = id
		}
	}
	cases := []struct {
		name, as, file string
		fields         map[string]string
		want           int
		code           string
	}{
		{"anonymous", "", good, nil, 401, "unauthenticated"},
		{"donor", "donor", good, nil, 403, "forbidden"},
		{"validator", "validator", good, map[string]string{"org_id": power}, 403, "forbidden"},
		{"requester for another beneficiary", "requester", good, map[string]string{"org_id": power}, 403, "forbidden"},
		{"requester", "requester", good, nil, 201, ""},
		{"coordinator for a beneficiary", "coordinator", good, map[string]string{"org_id": power}, 201, ""},
		{"a faulty row", "requester", bad, nil, 422, "import_refused"},
	}
	for _, tc := range cases {
		t.Run("import: "+tc.name, func(t *testing.T) {
			c.t = t
			code, body := c.upload(tc.as, "/api/v1/imports/requirements", "needs.csv", tc.file, tc.fields)
			if code != tc.want {
				t.Fatalf("status %d, want %d: %s", code, tc.want, body)
			}
			if tc.code == "" {
				var res requirements.ImportResult
				if err := json.Unmarshal(body, &res); err != nil || res.Created+res.Updated != 1 {
					t.Fatalf("result %s (%v)", body, err)
				}
				return
			}
			var e struct {
				Error struct {
					Code     string
					Problems []requirements.RowProblem
				}
			}
			if err := json.Unmarshal(body, &e); err != nil || e.Error.Code != tc.code {
				t.Fatalf("error %s, want %s", body, tc.code)
			}
			if tc.code == "import_refused" && (len(e.Error.Problems) != 1 || e.Error.Problems[0].Row != 2 || e.Error.Problems[0].Column != "category") {
				t.Fatalf("problems %+v", e.Error.Problems)
			}
		})
	}
}
