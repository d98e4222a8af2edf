package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/web/openapitest"
)

// inputScenario is one hostile or malformed request: what it must be
// answered, identically on both databases, before any database sees it.
type inputScenario struct {
	name        string
	as          string
	method      string
	path        string // {name} is replaced by the fixture's id of that name
	contentType string // "" sends application/json with a body, none without
	body        string
	want        int
	code        string
}

// missingID has the form of an id but names no record.
const missingID = "01890a5d-ac96-774b-bcce-b302099a8057"

var listPaths = []struct{ as, path string }{
	{"viewer", "/api/v1/organisations"},
	{"admin", "/api/v1/users"},
	{"donor", "/api/v1/requirements"},
	{"donor", "/api/v1/pledges"},
	{"donor", "/api/v1/offers"},
	{"delegate", "/api/v1/proposals"},
	{"donor", "/api/v1/lessons"},
	{"", "/api/v1/statements"},
	{"delegate", "/api/v1/rotations"},
	{"coordinator", "/api/v1/meetings"},
	{"coordinator", "/api/v1/deconfliction"},
	{"donor", "/api/v1/pledges/{pledge}/milestones"},
	{"coordinator", "/api/v1/matching/suggestions?requirement={validated}"},
	{"admin", "/api/v1/audit"},
	{"donor", "/api/v1/exports/requirements.csv"},
	{"donor", "/api/v1/exports/pledges.json"},
	{"donor", "/api/v1/exports/lessons.csv"},
	{"", "/api/v1/exports/iati.xml"},
}

func withQuery(path, q string) string {
	if strings.Contains(path, "?") {
		return path + "&" + q
	}
	return path + "?" + q
}

func inputScenarios() []inputScenario {
	sc := []inputScenario{
		{name: "path: NUL in an id", as: "donor", method: "GET", path: "/api/v1/requirements/ab%00cd", want: 400, code: "invalid_id"},
		{name: "path: invalid UTF-8 in an id", as: "viewer", method: "GET", path: "/api/v1/organisations/%FF%FE", want: 400, code: "invalid_id"},
		{name: "path: NUL in an id, on a command", as: "donor", method: "POST", path: "/api/v1/pledges/%00/confirm", want: 400, code: "invalid_id"},
		{name: "path: NUL in an export's name", as: "donor", method: "GET", path: "/api/v1/exports/requirements%00.csv", want: 400, code: "invalid_file"},
		{name: "query: NUL in a filter", as: "donor", method: "GET", path: "/api/v1/requirements?q=edr%00", want: 400, code: "invalid_q"},
		{name: "query: invalid UTF-8 in a filter", as: "donor", method: "GET", path: "/api/v1/pledges?donor=%C3%28", want: 400, code: "invalid_donor"},
		{name: "query: NUL in an export filter", as: "donor", method: "GET", path: "/api/v1/exports/pledges.csv?requirement=%00", want: 400, code: "invalid_requirement"},
		{name: "query: NUL in the audit object", as: "admin", method: "GET", path: "/api/v1/audit?object_id=%00", want: 400, code: "invalid_object_id"},
		{name: "query: NUL in an unknown parameter", as: "donor", method: "GET", path: "/api/v1/requirements?x=%00", want: 400, code: "invalid_x"},
		{name: "query: invalid UTF-8 in a parameter's name", as: "donor", method: "GET", path: "/api/v1/requirements?%FF=1", want: 400, code: "invalid_parameter"},
		{name: "query: NUL in the suggestions' requirement", as: "coordinator", method: "GET", path: "/api/v1/matching/suggestions?requirement=%00", want: 400, code: "invalid_requirement"},

		{name: "sign-in: NUL in the e-mail", method: "POST", path: "/api/v1/auth/token", body: `{"email":"donor\u0000@test.example","password":"x"}`, want: 400, code: "invalid_email"},
		{name: "sign-in: invalid UTF-8 in the e-mail", method: "POST", path: "/api/v1/auth/token", body: "{\"email\":\"donor\xff@test.example\",\"password\":\"x\"}", want: 400, code: "invalid_email"},
		{name: "JSON: NUL in a title", as: "requester", method: "POST", path: "/api/v1/requirements", body: strings.Replace(reqBody, "Backup servers", `Backup\u0000servers`, 1), want: 400, code: "invalid_title"},
		{name: "JSON: invalid UTF-8 in a title", as: "requester", method: "PATCH", path: "/api/v1/requirements/{draft}", body: "{\"title\":\"EDR \xc3\x28\"}", want: 400, code: "invalid_title"},
		{name: "JSON: NUL in a list item", as: "coordinator", method: "POST", path: "/api/v1/requirements/{strict}/share", body: `{"org_ids":["\u0000"]}`, want: 400, code: "invalid_org_ids"},
		{name: "JSON: NUL in a field's name", as: "requester", method: "PATCH", path: "/api/v1/requirements/{draft}", body: `{"ti\u0000tle":"x"}`, want: 400, code: "invalid_input"},
		{name: "JSON: NUL in a nested field", as: "coordinator", method: "POST", path: "/api/v1/matching/plan", body: `{"weights":{"critical\u0000":1}}`, want: 400, code: "invalid_weights"},
		{name: "JSON: year 0000", as: "donor", method: "POST", path: "/api/v1/pledges", body: `{"requirement_id":"{validated}","amount_minor":500000,"currency":"EUR","pledge_date":"0000-01-01"}`, want: 400, code: "invalid_pledge_date"},
		{name: "JSON: before 1900", as: "donor", method: "POST", path: "/api/v1/pledges", body: `{"requirement_id":"{validated}","amount_minor":500000,"currency":"EUR","pledge_date":"1899-12-31"}`, want: 400, code: "invalid_pledge_date"},
		{name: "JSON: after 2200", as: "requester", method: "POST", path: "/api/v1/requirements", body: strings.Replace(reqBody, "2026-12-01", "2201-01-01", 1), want: 400, code: "invalid_needed_by"},
		{name: "JSON: the last day taken", as: "requester", method: "POST", path: "/api/v1/requirements", body: strings.Replace(reqBody, "2026-12-01", "2200-12-31", 1), want: 201},
		{name: "content type: application/jsonx", as: "requester", method: "POST", path: "/api/v1/requirements", contentType: "application/jsonx", body: reqBody, want: 400, code: "invalid_input"},
		{name: "content type: text/plain", as: "requester", method: "POST", path: "/api/v1/requirements", contentType: "text/plain", body: reqBody, want: 400, code: "invalid_input"},
		{name: "content type: malformed", as: "requester", method: "POST", path: "/api/v1/requirements", contentType: "application/json; charset", body: reqBody, want: 400, code: "invalid_input"},
		{name: "content type: JSON with a charset", as: "requester", method: "POST", path: "/api/v1/requirements", contentType: "application/json; charset=utf-8", body: reqBody, want: 201},

		{name: "page: NUL in a path segment", as: "", method: "GET", path: "/requirements/%00", want: 400},
		{name: "page: invalid UTF-8 in a filter", as: "", method: "GET", path: "/requirements?sector=%FF", want: 400},
		{name: "page: NUL in the sign-in e-mail", as: "", method: "POST", path: "/signin", contentType: "application/x-www-form-urlencoded", body: "email=donor%00%40test.example&password=x", want: 400},
		{name: "page: invalid UTF-8 in the sign-in e-mail", as: "", method: "POST", path: "/signin", contentType: "application/x-www-form-urlencoded", body: "email=donor%FF%40test.example&password=x", want: 400},

		{name: "cursor: NUL", as: "donor", method: "GET", path: "/api/v1/offers?cursor=%00", want: 400, code: "invalid_cursor"},
		{name: "cursor: not an id", as: "donor", method: "GET", path: "/api/v1/requirements?cursor=zzz", want: 400, code: "invalid_cursor"},
		{name: "cursor: an id in capitals", as: "donor", method: "GET", path: "/api/v1/pledges?cursor=" + strings.ToUpper(missingID), want: 400, code: "invalid_cursor"},
		{name: "cursor: twice", as: "donor", method: "GET", path: "/api/v1/pledges?cursor=" + missingID + "&cursor=" + missingID, want: 400, code: "invalid_cursor"},
		{name: "cursor: no such organisation", as: "viewer", method: "GET", path: "/api/v1/organisations?cursor=" + missingID, want: 400, code: "invalid_cursor"},
		{name: "cursor: no such user", as: "admin", method: "GET", path: "/api/v1/users?cursor=" + missingID, want: 400, code: "invalid_cursor"},
		{name: "cursor: no such lesson", as: "donor", method: "GET", path: "/api/v1/lessons?cursor=" + missingID, want: 400, code: "invalid_cursor"},
		{name: "cursor: no such meeting", as: "coordinator", method: "GET", path: "/api/v1/meetings?cursor=" + missingID, want: 400, code: "invalid_cursor"},
		{name: "cursor: no such rotation", as: "delegate", method: "GET", path: "/api/v1/rotations?cursor=" + missingID, want: 400, code: "invalid_cursor"},
		{name: "cursor: a user's id on the organisations", as: "viewer", method: "GET", path: "/api/v1/organisations?cursor={user:viewer}", want: 400, code: "invalid_cursor"},
		{name: "cursor: not an alert key", as: "coordinator", method: "GET", path: "/api/v1/deconfliction?cursor=gap:x", want: 400, code: "invalid_cursor"},
		{name: "cursor: no such alert", as: "coordinator", method: "GET", path: "/api/v1/deconfliction?cursor=gap:" + missingID, want: 400, code: "invalid_cursor"},
		{name: "cursor: no such milestone", as: "donor", method: "GET", path: "/api/v1/pledges/{pledge}/milestones?cursor=" + missingID, want: 400, code: "invalid_cursor"},
		{name: "cursor: an audit seq that is not a number", as: "admin", method: "GET", path: "/api/v1/audit?cursor=1e3", want: 400, code: "invalid_cursor"},
		{name: "limit: the maximum", as: "viewer", method: "GET", path: "/api/v1/organisations?limit=200", want: 200},
		{name: "limit: above the maximum", as: "viewer", method: "GET", path: "/api/v1/organisations?limit=201", want: 400, code: "invalid_limit"},
	}
	for _, l := range listPaths {
		for _, bad := range []string{"-1", "0", "abc", "1.5", ""} {
			sc = append(sc, inputScenario{name: "limit " + bad + ": " + l.path, as: l.as, method: "GET",
				path: withQuery(l.path, "limit="+bad), want: 400, code: "invalid_limit"})
		}
		sc = append(sc, inputScenario{name: "cursor not issued: " + l.path, as: l.as, method: "GET",
			path: withQuery(l.path, "cursor=%27%20OR%201%3D1"), want: 400, code: "invalid_cursor"})
		sc = append(sc, inputScenario{name: "limit 1: " + l.path, as: l.as, method: "GET", path: withQuery(l.path, "limit=1"), want: 200})
	}
	return sc
}

// inputFixture adds lessons to the API fixture, so that their list has
// pages to walk.
func inputFixture(t *testing.T, a *app.App, c apptest.Cast) map[string]string {
	ids := fixture(t, a, c)
	clear := model.TLPClear
	for i := range 5 {
		l, err := a.Lessons.Create(context.Background(), c.Viewer("coordinator"), lessons.Input{Title: ptr(fmt.Sprintf("Lesson %d", i)), TLP: &clear})
		if err != nil {
			t.Fatal(err)
		}
		ids[fmt.Sprintf("lesson%d", i)] = l.ID
	}
	return ids
}

func TestAPIInputScenarios(t *testing.T) {
	t.Parallel()
	validator := openapitest.NewValidator(t)
	eachBackend(t, func(t *testing.T, s *store.DB) {
		a, cast := apptest.New(t, s, clock)
		srv := httptest.NewServer(a.Web)
		defer srv.Close()
		c := &client{t: t, base: srv.URL, tokens: map[string]string{},
			http: &http.Client{Transport: validator.RoundTripper(http.DefaultTransport),
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		ids := inputFixture(t, a, cast)
		for _, sc := range inputScenarios() {
			t.Run(sc.name, func(t *testing.T) {
				c.t = t
				code, body := c.send(sc.as, sc.method, expand(sc.path, ids), sc.contentType, expand(sc.body, ids))
				if code != sc.want {
					t.Fatalf("status %d, want %d: %.300s", code, sc.want, body)
				}
				if sc.code == "" {
					return
				}
				var e struct {
					Error struct{ Code, Message string }
				}
				if err := json.Unmarshal(body, &e); err != nil || e.Error.Code != sc.code || e.Error.Message == "" {
					t.Fatalf("error %s, want code %q with a message", body, sc.code)
				}
			})
		}
		c.t = t
		t.Run("pages walk every list whole", func(t *testing.T) {
			c.t = t
			for _, l := range []struct{ as, path string }{
				{"viewer", "/api/v1/organisations"}, {"admin", "/api/v1/users"}, {"coordinator", "/api/v1/lessons"},
				{"donor", "/api/v1/requirements"}, {"coordinator", "/api/v1/deconfliction"},
			} {
				whole := c.walk(l.as, l.path, 0)
				paged := c.walk(l.as, l.path, 2)
				if len(whole) < 3 || !slices.Equal(whole, paged) {
					t.Errorf("%s: by pages of 2 %v, whole %v", l.path, paged, whole)
				}
			}
		})
	})
}

// walk follows a list's next cursors to its end and returns the ids (or
// keys) of its items in order.
func (c *client) walk(as, path string, limit int) []string {
	c.t.Helper()
	var out []string
	cursor := ""
	for range 1000 {
		q := url.Values{}
		if limit > 0 {
			q.Set("limit", fmt.Sprint(limit))
		}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		code, body := c.send(as, "GET", path+"?"+q.Encode(), "", "")
		if code != http.StatusOK {
			c.t.Fatalf("%s: %d %s", path, code, body)
		}
		var page struct {
			Items []struct{ ID, Key string }
			Next  *string
		}
		if err := json.Unmarshal(body, &page); err != nil {
			c.t.Fatal(err)
		}
		if limit > 0 && len(page.Items) > limit {
			c.t.Fatalf("%s: %d items on a page of %d", path, len(page.Items), limit)
		}
		for _, it := range page.Items {
			out = append(out, it.ID+it.Key)
		}
		if page.Next == nil {
			return out
		}
		cursor = *page.Next
	}
	c.t.Fatalf("%s: the pages never end", path)
	return nil
}

// send is do with a chosen content type ("" sends application/json with
// a body).
func (c *client) send(as, method, path, contentType, body string) (int, []byte) {
	c.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != "" {
		if contentType == "" {
			contentType = "application/json"
		}
		req.Header.Set("Content-Type", contentType)
	}
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
