package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/web/openapitest"
)

// testNow is the tests' clock: inside the bundled ECB table, so that
// pledges in any quoted currency can be valued whatever day the tests run.
var testNow = time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)

func clock() time.Time { return testNow }

func ptr[T any](v T) *T { return &v }

// fixture creates, through the domain services, one record in each state
// the scenarios need, and returns their ids by name.
func fixture(t *testing.T, a *app.App, c apptest.Cast) map[string]string {
	t.Helper()
	ctx := context.Background()
	ids := map[string]string{}
	for k, o := range c.Orgs {
		ids["org:"+k] = o.ID
	}
	for k, u := range c.Users {
		ids["user:"+k] = u.ID
	}
	draft := func(name string, tlp model.TLP, named ...string) string {
		in := requirements.Input{
			Title: ptr("EDR licences for " + name), Description: ptr("Endpoint detection for substations"),
			Sector: ptr(model.Sector("energy")), Category: ptr(model.Category("edr")),
			LineOfEffort: ptr(model.LineSupport), Priority: ptr(model.PriorityHigh),
			EstimatedEURMinor: ptr(int64(100_000_00)), NeededBy: ptr(model.DateOf(testNow).AddDays(90)), TLP: &tlp,
		}
		if len(named) > 0 {
			in.NamedUserIDs = &named
		}
		r, err := a.Requirements.Create(ctx, c.Viewer("requester"), in)
		if err != nil {
			t.Fatalf("draft %s: %v", name, err)
		}
		ids[name] = r.ID
		return r.ID
	}
	submit := func(id string) {
		if _, err := a.Requirements.Submit(ctx, c.Viewer("requester"), id); err != nil {
			t.Fatalf("submit: %v", err)
		}
	}
	validate := func(id string) {
		submit(id)
		if _, err := a.Requirements.Validate(ctx, c.Viewer("validator"), id, model.DecisionApprove, ""); err != nil {
			t.Fatalf("validate: %v", err)
		}
	}
	draft("draft", model.TLPAmber)
	submit(draft("submitted", model.TLPAmber))
	validate(draft("validated", model.TLPAmber))
	validate(draft("clear", model.TLPClear))
	validate(draft("green", model.TLPGreen))
	validate(draft("strict", model.TLPAmberStrict))
	validate(draft("red", model.TLPRed, c.Users["validator"].ID))
	validate(draft("withdrawn", model.TLPAmber))
	if _, err := a.Requirements.Withdraw(ctx, c.Viewer("requester"), ids["withdrawn"]); err != nil {
		t.Fatal(err)
	}
	p, err := a.Pledges.Create(ctx, c.Viewer("donor"), pledges.Input{
		RequirementID: ptr(ids["validated"]), AmountMinor: ptr(int64(40_000_00)), Currency: ptr("USD"),
	})
	if err != nil {
		t.Fatalf("pledge: %v", err)
	}
	ids["pledge"] = p.ID
	cp, err := a.Pledges.Create(ctx, c.Viewer("donor_company"), pledges.Input{
		RequirementID: ptr(ids["green"]), AmountMinor: ptr(int64(10_000_00)), Currency: ptr("EUR"),
		Kind: ptr(model.PledgeInKind), Description: ptr("200 EDR licences for a year"),
	})
	if err != nil {
		t.Fatalf("company pledge: %v", err)
	}
	ids["company_pledge"] = cp.ID
	return ids
}

type scenario struct {
	name   string
	as     string // a cast member, or "" for an anonymous caller
	method string
	path   string // {name} is replaced by the fixture's id of that name
	body   string
	want   int
	code   string // the error code expected, when want is an error
}

// scenarios covers every /api/v1 route: for each protected one, the
// anonymous, wrong-role, wrong-organisation and allowed callers.
var scenarios = []scenario{
	{"openapi", "", "GET", "/api/v1/openapi.json", "", 200, ""},

	{"token: wrong password", "", "POST", "/api/v1/auth/token", `{"email":"donor@test.example","password":"wrong password!"}`, 401, "bad_credentials"},
	{"token: unknown account", "", "POST", "/api/v1/auth/token", `{"email":"nobody@test.example","password":"wrong password!"}`, 401, "bad_credentials"},
	{"token: missing email", "", "POST", "/api/v1/auth/token", `{"password":"x"}`, 400, "invalid_email"},
	{"token: revoke anonymous", "", "DELETE", "/api/v1/auth/token", "", 401, "unauthenticated"},

	{"orgs list: anonymous", "", "GET", "/api/v1/organisations", "", 401, "unauthenticated"},
	{"orgs list: former participant", "former", "GET", "/api/v1/organisations", "", 401, "unauthenticated"},
	{"orgs list: viewer", "viewer", "GET", "/api/v1/organisations", "", 200, ""},
	{"org get: anonymous", "", "GET", "/api/v1/organisations/{org:ee}", "", 401, "unauthenticated"},
	{"org get: viewer", "viewer", "GET", "/api/v1/organisations/{org:ee}", "", 200, ""},
	{"org get: missing", "viewer", "GET", "/api/v1/organisations/nope", "", 404, "not_found"},
	{"org create: anonymous", "", "POST", "/api/v1/organisations", `{"name":"Latvia","kind":"state","participation":"member","country":"LV"}`, 401, "unauthenticated"},
	{"org create: donor", "donor", "POST", "/api/v1/organisations", `{"name":"Latvia","kind":"state","participation":"member","country":"LV"}`, 403, "forbidden"},
	{"org create: admin", "admin", "POST", "/api/v1/organisations", `{"name":"Latvia","kind":"state","participation":"member","country":"LV"}`, 201, ""},
	{"org create: unknown kind", "admin", "POST", "/api/v1/organisations", `{"name":"Mars","kind":"planet","participation":"member","country":"LV"}`, 400, "invalid_kind"},
	{"org create: bad country", "admin", "POST", "/api/v1/organisations", `{"name":"Atlantis","kind":"state","participation":"member","country":"XX"}`, 400, "invalid_country"},
	{"org create: duplicate name", "admin", "POST", "/api/v1/organisations", `{"name":"Estonia","kind":"state","participation":"member","country":"EE"}`, 422, "name_taken"},
	{"org update: anonymous", "", "PATCH", "/api/v1/organisations/{org:eu}", `{"participation":"member"}`, 401, "unauthenticated"},
	{"org update: coordinator", "coordinator", "PATCH", "/api/v1/organisations/{org:eu}", `{"participation":"member"}`, 403, "forbidden"},
	{"org update: admin", "admin", "PATCH", "/api/v1/organisations/{org:eu}", `{"name":"European Union (EEAS)"}`, 200, ""},
	{"org update: roles no longer fit", "admin", "PATCH", "/api/v1/organisations/{org:us}", `{"participation":"former"}`, 422, "roles_no_longer_fit"},

	{"users list: anonymous", "", "GET", "/api/v1/users", "", 401, "unauthenticated"},
	{"users list: coordinator", "coordinator", "GET", "/api/v1/users", "", 403, "forbidden"},
	{"users list: admin", "admin", "GET", "/api/v1/users", "", 200, ""},
	{"user create: anonymous", "", "POST", "/api/v1/users", `{"org_id":"{org:us}","email":"new@test.example","roles":["donor"],"password":"a long enough password"}`, 401, "unauthenticated"},
	{"user create: donor", "donor", "POST", "/api/v1/users", `{"org_id":"{org:us}","email":"new@test.example","roles":["donor"],"password":"a long enough password"}`, 403, "forbidden"},
	{"user create: admin", "admin", "POST", "/api/v1/users", `{"org_id":"{org:us}","email":"new@test.example","name":"New Donor","roles":["donor"],"password":"a long enough password"}`, 201, ""},
	{"user create: validator outside the government", "admin", "POST", "/api/v1/users", `{"org_id":"{org:ee}","email":"v@test.example","roles":["validator"],"password":"a long enough password"}`, 422, "validator_not_government"},
	{"user create: email taken", "admin", "POST", "/api/v1/users", `{"org_id":"{org:us}","email":"DONOR@test.example","roles":["donor"],"password":"a long enough password"}`, 422, "email_taken"},
	{"user create: short password", "admin", "POST", "/api/v1/users", `{"org_id":"{org:us}","email":"s@test.example","roles":["donor"],"password":"short"}`, 400, "invalid_password"},
	{"user create: bad email", "admin", "POST", "/api/v1/users", `{"org_id":"{org:us}","email":"not an address","roles":["donor"],"password":"a long enough password"}`, 400, "invalid_email"},
	{"user create: unknown role", "admin", "POST", "/api/v1/users", `{"org_id":"{org:us}","email":"r@test.example","roles":["king"],"password":"a long enough password"}`, 400, "invalid_roles"},

	{"requirements list: anonymous", "", "GET", "/api/v1/requirements", "", 200, ""},
	{"requirements list: donor, filtered", "donor", "GET", "/api/v1/requirements?sector=energy&priority=high&q=edr&limit=2", "", 200, ""},
	{"requirements list: unknown sector", "donor", "GET", "/api/v1/requirements?sector=space", "", 400, "invalid_sector"},
	{"requirements list: bad limit", "donor", "GET", "/api/v1/requirements?limit=0", "", 400, "invalid_limit"},
	{"requirement get: anonymous, amber", "", "GET", "/api/v1/requirements/{validated}", "", 404, "not_found"},
	{"requirement get: anonymous, clear", "", "GET", "/api/v1/requirements/{clear}", "", 200, ""},
	{"requirement get: donor, amber", "donor", "GET", "/api/v1/requirements/{validated}", "", 200, ""},
	{"requirement get: company not engaged, amber", "donor_company", "GET", "/api/v1/requirements/{validated}", "", 404, "not_found"},
	{"requirement get: company engaged, green", "donor_company", "GET", "/api/v1/requirements/{green}", "", 200, ""},
	{"requirement get: donor, draft", "donor", "GET", "/api/v1/requirements/{draft}", "", 404, "not_found"},
	{"requirement get: other beneficiary, draft", "requester2", "GET", "/api/v1/requirements/{draft}", "", 404, "not_found"},
	{"requirement get: validator, draft", "validator", "GET", "/api/v1/requirements/{draft}", "", 200, ""},
	{"requirement get: donor, amber+strict", "donor", "GET", "/api/v1/requirements/{strict}", "", 404, "not_found"},
	{"requirement get: coordinator, amber+strict", "coordinator", "GET", "/api/v1/requirements/{strict}", "", 200, ""},
	{"requirement get: coordinator, red", "coordinator", "GET", "/api/v1/requirements/{red}", "", 404, "not_found"},
	{"requirement get: named requester, red", "requester", "GET", "/api/v1/requirements/{red}", "", 200, ""},
	{"requirement get: missing", "donor", "GET", "/api/v1/requirements/nope", "", 404, "not_found"},
	{"requirement history: anonymous", "", "GET", "/api/v1/requirements/{validated}/history", "", 404, "not_found"},
	{"requirement history: requester", "requester", "GET", "/api/v1/requirements/{validated}/history", "", 200, ""},

	{"requirement create: anonymous", "", "POST", "/api/v1/requirements", reqBody, 401, "unauthenticated"},
	{"requirement create: donor", "donor", "POST", "/api/v1/requirements", reqBody, 403, "forbidden"},
	{"requirement create: requester", "requester", "POST", "/api/v1/requirements", reqBody, 201, ""},
	{"requirement create: no title", "requester", "POST", "/api/v1/requirements", `{"sector":"energy","category":"edr","line_of_effort":"support","priority":"high","estimated_eur_minor":100}`, 400, "invalid_title"},
	{"requirement create: unknown sector", "requester", "POST", "/api/v1/requirements", strings.Replace(reqBody, `"government"`, `"space"`, 1), 400, "invalid_sector"},
	{"requirement create: negative cost", "requester", "POST", "/api/v1/requirements", strings.Replace(reqBody, `5000000`, `-5`, 1), 422, "amount_not_positive"},
	{"requirement create: absurd cost", "requester", "POST", "/api/v1/requirements", strings.Replace(reqBody, `5000000`, `99000000000000000`, 1), 422, "amount_too_large"},
	{"requirement create: cost not a number", "requester", "POST", "/api/v1/requirements", strings.Replace(reqBody, `5000000`, `"a lot"`, 1), 400, "invalid_estimated_eur_minor"},
	{"requirement create: title too long", "requester", "POST", "/api/v1/requirements", strings.Replace(reqBody, `Backup servers`, strings.Repeat("x", 201), 1), 400, "invalid_title"},
	{"requirement create: bad date", "requester", "POST", "/api/v1/requirements", strings.Replace(reqBody, `2026-12-01`, `December`, 1), 400, "invalid_needed_by"},
	{"requirement create: past date", "requester", "POST", "/api/v1/requirements", strings.Replace(reqBody, `2026-12-01`, `2020-01-01`, 1), 422, "date_in_past"},
	{"requirement create: unknown region", "requester", "POST", "/api/v1/requirements", strings.Replace(reqBody, `UA-32`, `Narnia`, 1), 400, "invalid_region"},
	{"requirement create: unknown field", "requester", "POST", "/api/v1/requirements", `{"title":"x","colour":"red"}`, 400, "invalid_colour"},
	{"requirement create: malformed", "requester", "POST", "/api/v1/requirements", `{"title":`, 400, "invalid_input"},

	{"requirement update: anonymous", "", "PATCH", "/api/v1/requirements/{draft}", `{"priority":"critical"}`, 401, "unauthenticated"},
	{"requirement update: donor", "donor", "PATCH", "/api/v1/requirements/{draft}", `{"priority":"critical"}`, 403, "forbidden"},
	{"requirement update: other beneficiary, hidden draft", "requester2", "PATCH", "/api/v1/requirements/{draft}", `{"priority":"critical"}`, 404, "not_found"},
	{"requirement update: other beneficiary, visible", "requester2", "PATCH", "/api/v1/requirements/{clear}", `{"priority":"critical"}`, 403, "forbidden"},
	{"requirement update: requester", "requester", "PATCH", "/api/v1/requirements/{draft}", `{"priority":"critical"}`, 200, ""},
	{"requirement update: withdrawn", "requester", "PATCH", "/api/v1/requirements/{withdrawn}", `{"priority":"critical"}`, 409, "not_editable"},

	{"requirement submit: anonymous", "", "POST", "/api/v1/requirements/{draft}/submit", "", 401, "unauthenticated"},
	{"requirement submit: donor", "donor", "POST", "/api/v1/requirements/{draft}/submit", "", 403, "forbidden"},
	{"requirement submit: other beneficiary", "requester2", "POST", "/api/v1/requirements/{draft}/submit", "", 404, "not_found"},
	{"requirement submit: requester", "requester", "POST", "/api/v1/requirements/{draft}/submit", "", 200, ""},
	{"requirement submit: already validated", "requester", "POST", "/api/v1/requirements/{validated}/submit", "", 409, "not_submittable"},

	{"requirement validate: anonymous", "", "POST", "/api/v1/requirements/{submitted}/validate", `{"decision":"approve"}`, 401, "unauthenticated"},
	{"requirement validate: requester", "requester", "POST", "/api/v1/requirements/{submitted}/validate", `{"decision":"approve"}`, 403, "forbidden"},
	{"requirement validate: coordinator", "coordinator", "POST", "/api/v1/requirements/{submitted}/validate", `{"decision":"approve"}`, 403, "forbidden"},
	{"requirement validate: validator", "validator", "POST", "/api/v1/requirements/{submitted}/validate", `{"decision":"approve","comment":"Agreed by the working group"}`, 200, ""},
	{"requirement validate: return without comment", "validator", "POST", "/api/v1/requirements/{submitted}/validate", `{"decision":"return"}`, 400, "invalid_comment"},
	{"requirement validate: unknown decision", "validator", "POST", "/api/v1/requirements/{submitted}/validate", `{"decision":"maybe"}`, 400, "invalid_decision"},
	{"requirement validate: a draft", "validator", "POST", "/api/v1/requirements/{draft}/validate", `{"decision":"approve"}`, 409, "not_submitted"},

	{"requirement withdraw: anonymous", "", "POST", "/api/v1/requirements/{validated}/withdraw", "", 401, "unauthenticated"},
	{"requirement withdraw: donor", "donor", "POST", "/api/v1/requirements/{validated}/withdraw", "", 403, "forbidden"},
	{"requirement withdraw: other beneficiary", "requester2", "POST", "/api/v1/requirements/{clear}/withdraw", "", 403, "forbidden"},
	{"requirement withdraw: requester", "requester", "POST", "/api/v1/requirements/{validated}/withdraw", "", 200, ""},
	{"requirement withdraw: validator", "validator", "POST", "/api/v1/requirements/{submitted}/withdraw", "", 200, ""},
	{"requirement withdraw: twice", "requester", "POST", "/api/v1/requirements/{withdrawn}/withdraw", "", 409, "not_withdrawable"},

	{"requirement share: anonymous", "", "POST", "/api/v1/requirements/{strict}/share", `{"org_ids":["{org:us}"]}`, 401, "unauthenticated"},
	{"requirement share: donor", "donor", "POST", "/api/v1/requirements/{strict}/share", `{"org_ids":["{org:us}"]}`, 403, "forbidden"},
	{"requirement share: coordinator", "coordinator", "POST", "/api/v1/requirements/{strict}/share", `{"org_ids":["{org:us}"]}`, 200, ""},
	{"requirement share: unknown org", "coordinator", "POST", "/api/v1/requirements/{strict}/share", `{"org_ids":["nope"]}`, 400, "invalid_org_ids"},

	{"pledges list: anonymous", "", "GET", "/api/v1/pledges", "", 200, ""},
	{"pledges list: donor, filtered", "donor", "GET", "/api/v1/pledges?requirement={validated}&status=proposed&channel=mechanism", "", 200, ""},
	{"pledges list: unknown status", "donor", "GET", "/api/v1/pledges?status=lost", "", 400, "invalid_status"},
	{"pledge get: anonymous", "", "GET", "/api/v1/pledges/{pledge}", "", 404, "not_found"},
	{"pledge get: donor", "donor", "GET", "/api/v1/pledges/{pledge}", "", 200, ""},
	{"pledge get: another member's donor", "donor_ee", "GET", "/api/v1/pledges/{pledge}", "", 200, ""},
	{"pledge get: company not engaged", "donor_company", "GET", "/api/v1/pledges/{pledge}", "", 404, "not_found"},

	{"pledge create: anonymous", "", "POST", "/api/v1/pledges", `{"requirement_id":"{validated}","amount_minor":500000,"currency":"EUR"}`, 401, "unauthenticated"},
	{"pledge create: requester", "requester", "POST", "/api/v1/pledges", `{"requirement_id":"{validated}","amount_minor":500000,"currency":"EUR"}`, 403, "forbidden"},
	{"pledge create: donor", "donor", "POST", "/api/v1/pledges", `{"requirement_id":"{validated}","amount_minor":500000,"currency":"GBP","pledge_date":"2026-05-20"}`, 201, ""},
	{"pledge create: in kind", "donor_ee", "POST", "/api/v1/pledges", `{"requirement_id":"{validated}","amount_minor":250000,"currency":"EUR","kind":"in_kind","description":"Two-day incident response course for 20 people"}`, 201, ""},
	{"pledge create: bilateral", "donor_ee", "POST", "/api/v1/pledges", `{"amount_minor":250000,"currency":"SEK","channel":"bilateral","beneficiary_org_id":"{org:power}","sector":"energy","category":"training","period_start":"2026-01-01","period_end":"2026-03-31"}`, 201, ""},
	{"pledge create: bilateral without a sector", "donor_ee", "POST", "/api/v1/pledges", `{"amount_minor":250000,"currency":"SEK","channel":"bilateral","beneficiary_org_id":"{org:power}","category":"training"}`, 400, "invalid_sector"},
	{"pledge create: bilateral to a donor", "donor_ee", "POST", "/api/v1/pledges", `{"amount_minor":250000,"currency":"SEK","channel":"bilateral","beneficiary_org_id":"{org:us}","sector":"energy","category":"training"}`, 422, "not_beneficiary"},
	{"pledge create: bilateral period reversed", "donor_ee", "POST", "/api/v1/pledges", `{"amount_minor":250000,"currency":"SEK","channel":"bilateral","beneficiary_org_id":"{org:power}","sector":"energy","category":"training","period_start":"2026-03-01","period_end":"2026-01-31"}`, 422, "period_reversed"},
	{"pledge create: on a draft", "donor", "POST", "/api/v1/pledges", `{"requirement_id":"{draft}","amount_minor":500000,"currency":"EUR"}`, 400, "invalid_requirement_id"},
	{"pledge create: on a withdrawn requirement", "donor", "POST", "/api/v1/pledges", `{"requirement_id":"{withdrawn}","amount_minor":500000,"currency":"EUR"}`, 422, "requirement_not_open"},
	{"pledge create: company on hidden amber", "donor_company", "POST", "/api/v1/pledges", `{"requirement_id":"{validated}","amount_minor":500000,"currency":"EUR"}`, 400, "invalid_requirement_id"},
	{"pledge create: no requirement", "donor", "POST", "/api/v1/pledges", `{"amount_minor":500000,"currency":"EUR"}`, 400, "invalid_requirement_id"},
	{"pledge create: unknown currency", "donor", "POST", "/api/v1/pledges", `{"requirement_id":"{validated}","amount_minor":500000,"currency":"ABC"}`, 400, "invalid_currency"},
	{"pledge create: lower-case currency", "donor", "POST", "/api/v1/pledges", `{"requirement_id":"{validated}","amount_minor":500000,"currency":"eur"}`, 400, "invalid_currency"},
	{"pledge create: currency the ECB does not quote", "donor", "POST", "/api/v1/pledges", `{"requirement_id":"{validated}","amount_minor":500000,"currency":"UAH"}`, 422, "no_reference_rate"},
	{"pledge create: zero", "donor", "POST", "/api/v1/pledges", `{"requirement_id":"{validated}","amount_minor":0,"currency":"EUR"}`, 422, "amount_not_positive"},
	{"pledge create: absurd", "donor", "POST", "/api/v1/pledges", `{"requirement_id":"{validated}","amount_minor":99000000000000000,"currency":"EUR"}`, 422, "amount_too_large"},
	{"pledge create: fractional", "donor", "POST", "/api/v1/pledges", `{"requirement_id":"{validated}","amount_minor":12.5,"currency":"EUR"}`, 400, "invalid_amount_minor"},
	{"pledge create: future date", "donor", "POST", "/api/v1/pledges", `{"requirement_id":"{validated}","amount_minor":500000,"currency":"EUR","pledge_date":"2030-01-01"}`, 422, "date_in_future"},
	{"pledge create: in kind without description", "donor", "POST", "/api/v1/pledges", `{"requirement_id":"{validated}","amount_minor":500000,"currency":"EUR","kind":"in_kind"}`, 400, "invalid_description"},

	{"pledge update: anonymous", "", "PATCH", "/api/v1/pledges/{pledge}", `{"amount_minor":600000}`, 401, "unauthenticated"},
	{"pledge update: requester", "requester", "PATCH", "/api/v1/pledges/{pledge}", `{"amount_minor":600000}`, 403, "forbidden"},
	{"pledge update: another donor", "donor_ee", "PATCH", "/api/v1/pledges/{pledge}", `{"amount_minor":600000}`, 403, "forbidden"},
	{"pledge update: donor", "donor", "PATCH", "/api/v1/pledges/{pledge}", `{"amount_minor":600000}`, 200, ""},
	{"pledge update: requirement is fixed", "donor", "PATCH", "/api/v1/pledges/{pledge}", `{"requirement_id":"{clear}"}`, 422, "immutable"},

	{"pledge confirm: anonymous", "", "POST", "/api/v1/pledges/{pledge}/confirm", "", 401, "unauthenticated"},
	{"pledge confirm: requester", "requester", "POST", "/api/v1/pledges/{pledge}/confirm", "", 403, "forbidden"},
	{"pledge confirm: another donor", "donor_ee", "POST", "/api/v1/pledges/{pledge}/confirm", "", 403, "forbidden"},
	{"pledge confirm: donor", "donor", "POST", "/api/v1/pledges/{pledge}/confirm", "", 200, ""},
	{"pledge confirm: company before review", "donor_company", "POST", "/api/v1/pledges/{company_pledge}/confirm", "", 409, "review_pending"},

	{"pledge withdraw: anonymous", "", "POST", "/api/v1/pledges/{pledge}/withdraw", "", 401, "unauthenticated"},
	{"pledge withdraw: requester", "requester", "POST", "/api/v1/pledges/{pledge}/withdraw", "", 403, "forbidden"},
	{"pledge withdraw: another donor", "donor_ee", "POST", "/api/v1/pledges/{pledge}/withdraw", "", 403, "forbidden"},
	{"pledge withdraw: donor", "donor", "POST", "/api/v1/pledges/{pledge}/withdraw", "", 200, ""},

	{"pledge review: anonymous", "", "POST", "/api/v1/pledges/{company_pledge}/review", `{"decision":"approve"}`, 401, "unauthenticated"},
	{"pledge review: donor", "donor", "POST", "/api/v1/pledges/{company_pledge}/review", `{"decision":"approve"}`, 403, "forbidden"},
	{"pledge review: coordinator", "coordinator", "POST", "/api/v1/pledges/{company_pledge}/review", `{"decision":"approve","comment":"Fits the mechanism's aims"}`, 200, ""},
	{"pledge review: reject without reason", "coordinator", "POST", "/api/v1/pledges/{company_pledge}/review", `{"decision":"reject"}`, 400, "invalid_comment"},
	{"pledge review: nothing pending", "coordinator", "POST", "/api/v1/pledges/{pledge}/review", `{"decision":"approve"}`, 409, "no_review_pending"},

	{"summary: anonymous", "", "GET", "/api/v1/reports/summary?by=line", "", 200, ""},
	{"summary: donor by donor", "donor", "GET", "/api/v1/reports/summary?by=donor", "", 200, ""},
	{"summary: unknown grouping", "donor", "GET", "/api/v1/reports/summary?by=colour", "", 400, "invalid_by"},

	{"audit: anonymous", "", "GET", "/api/v1/audit", "", 401, "unauthenticated"},
	{"audit: donor", "donor", "GET", "/api/v1/audit", "", 403, "forbidden"},
	{"audit: admin", "admin", "GET", "/api/v1/audit?limit=5", "", 200, ""},
	{"audit: coordinator, one object", "coordinator", "GET", "/api/v1/audit?object_type=requirement&object_id={validated}", "", 200, ""},
	{"audit verify: anonymous", "", "GET", "/api/v1/audit/verify", "", 401, "unauthenticated"},
	{"audit verify: requester", "requester", "GET", "/api/v1/audit/verify", "", 403, "forbidden"},
	{"audit verify: admin", "admin", "GET", "/api/v1/audit/verify", "", 200, ""},

	{"unknown API path", "donor", "GET", "/api/v1/nothing-here", "", 404, "not_found"},
	{"known path, wrong method", "donor", "PUT", "/api/v1/requirements", "", 405, "method_not_allowed"},
}

const reqBody = `{"title":"Backup servers for the state registers","description":"Offline backups","sector":"government","category":"restoration","line_of_effort":"strengthen","priority":"critical","estimated_eur_minor":5000000,"quantity":4,"unit":"servers","needed_by":"2026-12-01","region":"UA-32","tlp":"amber"}`

// client is an HTTP client for one backend, whose every exchange is checked
// against the OpenAPI document.
type client struct {
	t      *testing.T
	base   string
	http   *http.Client
	tokens map[string]string
}

func (c *client) do(as, method, path, body string) (int, []byte) {
	c.t.Helper()
	var r io.Reader
	contentType := "application/json"
	if spec, ok := strings.CutPrefix(body, multipartMark); ok {
		var b []byte
		contentType, b = multipartOf(spec)
		body = string(b)
	}
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != "" {
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

func (c *client) token(as string) string {
	if tok, ok := c.tokens[as]; ok {
		return tok
	}
	code, b := c.do("", "POST", "/api/v1/auth/token", fmt.Sprintf(`{"email":%q,"password":%q}`, as+"@test.example", apptest.Password))
	if code != http.StatusCreated {
		c.t.Fatalf("sign in %s: %d %s", as, code, b)
	}
	var out struct{ Token string }
	if err := json.Unmarshal(b, &out); err != nil {
		c.t.Fatal(err)
	}
	c.tokens[as] = out.Token
	return out.Token
}

// formerToken is a token the former participant got while its
// organisation still took part: it can no longer sign in, and the token it
// kept reads as a visitor's.
func formerToken(t *testing.T, s store.Store, cast apptest.Cast) string {
	t.Helper()
	token := "cyb_kept-from-before-leaving"
	err := s.CreateAPIToken(context.Background(), model.APIToken{
		UserID: cast.Users["former"].ID, TokenHash: accounts.HashToken(token), CreatedAt: testNow, ExpiresAt: testNow.Add(time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	return token
}

func expand(s string, ids map[string]string) string {
	for k, v := range ids {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

func TestAPIScenarios(t *testing.T) {
	runScenarios(t, scenarioTable{scenarios: scenarios, fixture: fixture, operations: coreOperations})
}

// scenarioTable is one area's scenarios, played by runScenarios.
type scenarioTable struct {
	scenarios []scenario
	// fixture creates the records the scenarios name, afresh for each
	// scenario unless shared is set (for tables that only read).
	fixture func(*testing.T, *app.App, apptest.Cast) map[string]string
	shared  bool
	// operations are the paths whose every operation must be exercised.
	operations []string
	// after runs further checks with the same client and records.
	after func(t *testing.T, c *client, a *app.App, ids map[string]string)
}

// runScenarios plays a table on both backends, every exchange checked
// against the OpenAPI document. A table whose scenarios each make their own
// records is cut into groups that run in parallel, each over a database of
// its own; within a group the scenarios run in order, as before. A shared
// table is one group per backend, since its scenarios read one fixture.
func runScenarios(t *testing.T, tab scenarioTable) {
	t.Helper()
	t.Parallel()
	validator := openapitest.NewValidator(t)
	// Cleanup waits for the parallel groups: coverage is their sum.
	t.Cleanup(func() { requireCovered(t, validator, tab.operations) })
	groups := [][]scenario{tab.scenarios}
	if !tab.shared {
		groups = scenarioGroups(tab.scenarios, scenarioGroupSize)
	}
	parallelBackends(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		for gi, group := range groups {
			name := fmt.Sprintf("group%02d", gi+1)
			if len(groups) == 1 {
				name = "all"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				playGroup(t, open(t), tab, group, validator)
			})
		}
	})
}

// scenarioGroupSize is about how many scenarios share one database: enough
// that building the cast is not most of the work, few enough to spread a
// table over the cores.
const scenarioGroupSize = 20

// scenarioGroups cuts scenarios into groups of about n, in order. A run of
// scenarios on one subject (the name before its colon, such as "rotation
// add") is never cut: one of them may build on what an earlier one did.
func scenarioGroups(scenarios []scenario, n int) [][]scenario {
	var out [][]scenario
	start := 0
	for i := 1; i <= len(scenarios); i++ {
		if i < len(scenarios) && (i-start < n || subject(scenarios[i]) == subject(scenarios[i-1])) {
			continue
		}
		out = append(out, scenarios[start:i:i])
		start = i
	}
	return out
}

func subject(sc scenario) string {
	s, _, _ := strings.Cut(sc.name, ":")
	return s
}

// playGroup plays scenarios in order over one fresh program on s.
func playGroup(t *testing.T, s *store.DB, tab scenarioTable, scenarios []scenario, validator *openapitest.Validator) {
	a, cast := apptest.New(t, s, clock)
	srv := httptest.NewServer(a.Web)
	defer srv.Close()
	c := &client{t: t, base: srv.URL, tokens: map[string]string{},
		http: &http.Client{Transport: validator.RoundTripper(http.DefaultTransport)}}
	c.tokens["former"] = formerToken(t, s, cast)
	var ids map[string]string
	if tab.shared {
		ids = tab.fixture(t, a, cast)
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			c.t = t
			scIDs := ids
			if !tab.shared {
				// A fresh set of records, so that a scenario that
				// changes one does not decide the next one's answer.
				scIDs = tab.fixture(t, a, cast)
			}
			play(t, c, sc, scIDs)
		})
	}
	if tab.after != nil {
		c.t = t
		tab.after(t, c, a, ids)
	}
}

// play sends one scenario's request and checks its status and error code.
func play(t *testing.T, c *client, sc scenario, ids map[string]string) {
	t.Helper()
	code, body := c.do(sc.as, sc.method, expand(sc.path, ids), expand(sc.body, ids))
	if code != sc.want {
		t.Fatalf("status %d, want %d: %s", code, sc.want, body)
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
}

// coreOperations are the paths TestAPIScenarios answers for; other areas'
// scenario tables check their own.
var coreOperations = []string{
	"/api/v1/openapi.json", "/api/v1/auth/token",
	"/api/v1/organisations", "/api/v1/organisations/{id}", "/api/v1/users",
	"/api/v1/requirements", "/api/v1/requirements/{id}", "/api/v1/requirements/{id}/history",
	"/api/v1/requirements/{id}/submit", "/api/v1/requirements/{id}/validate",
	"/api/v1/requirements/{id}/withdraw", "/api/v1/requirements/{id}/share",
	"/api/v1/pledges", "/api/v1/pledges/{id}", "/api/v1/pledges/{id}/confirm",
	"/api/v1/pledges/{id}/withdraw", "/api/v1/pledges/{id}/review",
	"/api/v1/reports/summary", "/api/v1/audit", "/api/v1/audit/verify",
}

// requireCovered fails when an operation on one of paths was never
// exercised successfully against the OpenAPI document.
func requireCovered(t *testing.T, v *openapitest.Validator, paths []string) {
	t.Helper()
	want := map[string]bool{}
	for _, p := range paths {
		want[p] = true
	}
	var left []string
	for _, op := range v.Uncovered() {
		_, path, _ := strings.Cut(op, " ")
		if want[path] {
			left = append(left, op)
		}
	}
	if len(left) > 0 {
		t.Errorf("operations no scenario exercised: %v", left)
	}
}
