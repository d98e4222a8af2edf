package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/delivery"
	"github.com/cyberaid/cyberaid/internal/governance"
	"github.com/cyberaid/cyberaid/internal/indicators"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
	"github.com/cyberaid/cyberaid/internal/web/openapitest"
)

// mustShowFaults checks a refused submit: the form comes back with every
// field at fault in its summary, each linked to its input (which is on the
// page) and worded beside it, and with what was typed.
func mustShowFaults(t *testing.T, what string, res *http.Response, body string, fields []string, kept ...string) {
	t.Helper()
	if res.StatusCode != http.StatusBadRequest && res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("%s: %d, want the form again", what, res.StatusCode)
	}
	want := []string{`class="error-summary"`}
	for _, f := range fields {
		want = append(want, `href="#f-`+f+`"`, `id="f-`+f+`"`, `id="f-`+f+`-error"`)
	}
	mustContain(t, what, body, append(want, kept...)...)
}

// head is the audit log's last event: every write records one in its own
// transaction, so a refused submit leaves it where it was.
func (s *site) head() int64 {
	s.t.Helper()
	seq, err := s.app.Audit.Head(context.Background(), s.cast.Viewer("admin"))
	if err != nil {
		s.t.Fatal(err)
	}
	return seq
}

// submitRefused submits a form that must be refused and checks that
// nothing was written.
func (b *browser) submitRefused(path string, form url.Values) (*http.Response, string) {
	b.s.t.Helper()
	before := b.s.head()
	res, body := b.submit(path, form)
	if after := b.s.head(); after != before {
		b.s.t.Errorf("POST %s: the refused form wrote %d audit events", path, after-before)
	}
	return res, body
}

// mustListFaults sends an API request that must be refused and checks that
// its answer, as the API's description says it, lists each of fields.
func (s *site) mustListFaults(t *testing.T, as, method, path, body string, fields ...string) {
	t.Helper()
	c := &client{t: t, base: s.srv.URL, tokens: map[string]string{},
		http: &http.Client{Transport: openapitest.NewValidator(t).RoundTripper(http.DefaultTransport)}}
	c.token(as)
	before := s.head()
	code, e := c.sendIn("", as, method, s.expand(path), body)
	if code != http.StatusBadRequest && code != http.StatusUnprocessableEntity {
		t.Errorf("%s %s: %d, want 400 or 422", method, path, code)
	}
	var got []string
	for _, f := range e.Errors {
		got = append(got, f.Field)
	}
	for _, f := range fields {
		if !slices.Contains(got, f) {
			t.Errorf("%s %s: errors name %v, want %s among them", method, path, got, f)
		}
	}
	if len(fields) > 0 && e.Error.Field != got[0] {
		t.Errorf("%s %s: the error names %q, the first of the list %q", method, path, e.Error.Field, got[0])
	}
	if after := s.head(); after != before {
		t.Errorf("%s %s: the refused request wrote %d audit events", method, path, after-before)
	}
}

func TestPledgeFormReportsEveryFault(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	donor := s.as("donor")
	res, body := donor.submitRefused("/pledges", url.Values{
		"requirement_id": {s.ids["validated"]}, "amount": {"12x"}, "currency": {"EUR"}, "kind": {"in_kind"},
		"description": {""}, "channel": {"mechanism"}, "tlp": {"amber"}, "pledge_date": {"2099-01-01"},
	})
	mustShowFaults(t, "pledge", res, body, []string{"amount", "description", "pledge_date"}, `value="12x"`, `value="2099-01-01"`)
	s.mustListFaults(t, "donor", "POST", "/api/v1/pledges",
		`{"requirement_id":"{validated}","amount_minor":-5,"currency":"XXX","kind":"in_kind"}`,
		"amount_minor", "currency", "description")
}

func TestOfferFormReportsEveryFault(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	donor := s.as("donor")
	form := func() url.Values {
		return url.Values{"title": {""}, "kind": {"in_kind"}, "description": {""}, "amount": {"7,5,0"}, "currency": {"EUR"},
			"quantity": {"many"}, "unit": {"laptops"}, "valid_until": {"2020-01-01"}, "tlp": {"amber"}}
	}
	res, body := donor.submitRefused("/offers", form())
	fields := []string{"title", "description", "amount", "quantity", "valid_until"}
	mustShowFaults(t, "new offer", res, body, fields, `value="7,5,0"`, `value="many"`, `value="laptops"`)
	s.mustListFaults(t, "donor", "POST", "/api/v1/offers",
		`{"title":"","amount_minor":-1,"currency":"EUR","valid_until":"2027-01-01","kind":"in_kind"}`, "title", "amount_minor", "description")

	o, err := s.app.Offers.Create(context.Background(), s.cast.Viewer("donor"), offers.Input{
		Title: ref("Laptops"), AmountMinor: ref(int64(1000_00)), Currency: ref("EUR"), ValidUntil: ref(model.DateOf(pagesNow).AddDays(30)),
	})
	if err != nil {
		t.Fatal(err)
	}
	res, body = donor.submitRefused("/offers/"+o.ID+"/edit", form())
	mustShowFaults(t, "offer edit", res, body, fields, `value="7,5,0"`, `value="many"`)
	s.mustListFaults(t, "donor", "PATCH", "/api/v1/offers/"+o.ID, `{"title":"","quantity":-3}`, "title", "quantity")
}

func TestOrganisationFormReportsEveryFault(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	admin := s.as("admin")
	res, body := admin.submitRefused("/organisations", url.Values{
		"name": {"  "}, "name_uk": {"Міністерство"}, "kind": {"state"}, "participation": {"contributor"}, "country": {"XX"},
	})
	mustShowFaults(t, "organisation", res, body, []string{"name", "participation", "country"}, `value="Міністерство"`, `value="XX"`)
	s.mustListFaults(t, "admin", "POST", "/api/v1/organisations", `{"name":"","kind":"planet","participation":"member"}`, "name", "kind")
	s.mustListFaults(t, "admin", "PATCH", "/api/v1/organisations/"+s.cast.Orgs["us"].ID, `{"name":"","country":"Narnia"}`, "name", "country")
}

func TestUserFormReportsEveryFault(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	admin := s.as("admin")
	res, body := admin.submitRefused("/users", url.Values{
		"org_id": {s.cast.Orgs["us"].ID}, "email": {"not an address"}, "name": {"Pat Doe"}, "roles": {"validator"}, "password": {"short"},
	})
	mustShowFaults(t, "user", res, body, []string{"email", "roles", "password"}, `value="not an address"`, `value="Pat Doe"`)
	s.mustListFaults(t, "admin", "POST", "/api/v1/users",
		`{"org_id":"`+s.cast.Orgs["us"].ID+`","email":"nobody","roles":["donor"],"password":"short"}`, "email", "password")
}

func TestBilateralFormReportsEveryFault(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	donor := s.as("donor")
	res, body := donor.submitRefused("/pledges/bilateral", url.Values{
		"requirement_id": {""}, "beneficiary_org_id": {""}, "sector": {"energy"}, "category": {""},
		"period_start": {"2026-06-01"}, "period_end": {"2026-05-01"}, "amount": {"lots"}, "currency": {"EUR"},
		"kind": {"money"}, "description": {"Training for grid operators"}, "tlp": {"amber"}, "pledge_date": {"2026-06-01"},
	})
	mustShowFaults(t, "bilateral", res, body, []string{"beneficiary_org_id", "category", "period_end", "amount"},
		`value="lots"`, "Training for grid operators")
	s.mustListFaults(t, "donor", "POST", "/api/v1/pledges",
		`{"channel":"bilateral","amount_minor":100,"currency":"EUR","sector":"energy","period_start":"2026-06-01","period_end":"2026-05-01"}`,
		"period_end", "beneficiary_org_id", "category")
}

func TestProposalFormReportsEveryFault(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	delegate := s.as("delegate")
	res, body := delegate.submitRefused("/proposals", url.Values{
		"kind": {"operational"}, "procedure": {"consensus"}, "title": {""}, "text": {"Adopt the annual plan"},
		"deadline": {"next week"}, "subject_org_id": {s.cast.Orgs["us"].ID}, "tlp": {"red"},
	})
	mustShowFaults(t, "proposal", res, body, []string{"title", "deadline", "tlp"}, "Adopt the annual plan", `value="next week"`)
	s.mustListFaults(t, "delegate", "POST", "/api/v1/proposals",
		`{"kind":"operational","procedure":"whenever","title":"","deadline":"2026-06-20T10:00:00Z"}`, "title", "procedure")
}

// postUpload sends an upload form: an empty file, its label and, unless
// csrf is "", the token.
func (b *browser) postUpload(path, csrf, tlp string, bearer string) (*http.Response, string) {
	b.s.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if csrf != "" {
		_ = w.WriteField("csrf", csrf)
	}
	_ = w.WriteField("tlp", tlp)
	_, _ = w.CreateFormFile("file", "empty.txt")
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.s.srv.URL+b.s.expand(path), &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return b.do(req)
}

// The upload form, refused, shows the record's page again with its
// faults; the API lists them too.
func TestDocumentFormReportsEveryFault(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	owner := s.as("requester")
	owner.get("/requirements/{validated}")
	before := s.head()
	res, body := owner.postUpload("/requirements/{validated}/documents", owner.csrf, "clear", "")
	mustShowFaults(t, "upload", res, body, []string{"document-file", "document-tlp"}, "Requirement validated")
	c := &client{t: t, base: s.srv.URL, tokens: map[string]string{}, http: http.DefaultClient}
	res, body = s.browser("").postUpload("/api/v1/requirements/{validated}/documents", "", "clear", c.token("requester"))
	if res.StatusCode != http.StatusBadRequest && res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("API upload: %d %s", res.StatusCode, body)
	}
	mustContain(t, "API upload", body, `"field":"file"`, `"field":"tlp"`)
	if s.head() != before+1 { // the token's issue only
		t.Errorf("refused uploads wrote %d audit events", s.head()-before-1)
	}
}

func TestIndicatorFormsReportEveryFault(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	owner := s.as("requester")
	res, body := owner.submitRefused("/requirements/{validated}/indicators", url.Values{
		"title": {""}, "measure": {"unit"}, "unit": {""}, "baseline_value": {"abc"}, "baseline_date": {"someday"},
		"target_value": {"10"}, "target_date": {"2026-12-01"},
	})
	mustShowFaults(t, "new indicator", res, body, []string{"ind-title", "ind-unit", "ind-bv", "ind-bd"},
		"Requirement validated", `value="abc"`, `value="someday"`, `value="2026-12-01"`, `<details class="indicator-new" open>`)
	s.mustListFaults(t, "requester", "POST", "/api/v1/requirements/{validated}/indicators",
		`{"title":"","measure":"unit","unit":"hosts","baseline":{"value":"x","date":"2026-01-01"},"target":{"value":"5","date":"2026-12-01"}}`,
		"title", "baseline.value")

	i, err := s.app.Indicators.Create(context.Background(), s.cast.Viewer("requester"), s.ids["validated"], indicators.Input{
		Title: ref("Hosts covered"), Measure: ref(model.MeasureUnit), Unit: ref("hosts"),
		Baseline: &indicators.PointInput{Value: ref("0"), Date: ref(model.DateOf(pagesNow).AddDays(-10))},
		Target:   &indicators.PointInput{Value: ref("100"), Date: ref(model.DateOf(pagesNow).AddDays(100))},
	})
	if err != nil {
		t.Fatal(err)
	}
	res, body = owner.submitRefused("/indicators/"+i.ID+"/values", url.Values{"value": {"many"}, "date": {"2099-01-01"}, "comment": {"Counted by hand"}})
	mustShowFaults(t, "indicator value", res, body, []string{"value-" + i.ID, "date-" + i.ID},
		"Requirement validated", `value="many"`, `value="2099-01-01"`, `value="Counted by hand"`)
	s.mustListFaults(t, "requester", "POST", "/api/v1/indicators/"+i.ID+"/values", `{"value":"x","date":"2099-01-01"}`, "value", "date")
}

// The pledge page's stage forms, refused, list their faults in the
// summary at the top of the page, beside each field too.
func TestPledgeStageFormsReportEveryFault(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	if _, err := s.app.Pledges.Confirm(ctx, s.cast.Viewer("donor_ee"), s.ids["clear_pledge"]); err != nil {
		t.Fatal(err)
	}
	donor := s.as("donor_ee")
	res, body := donor.submitRefused("/pledges/{clear_pledge}/disbursements", url.Values{
		"amount": {"ten"}, "currency": {"EUR"}, "date": {"2099-01-01"}, "note": {"First tranche"},
	})
	mustShowFaults(t, "tranche", res, body, []string{"tranche-amount", "tranche-date"}, `value="ten"`, `value="2099-01-01"`, "First tranche")
	s.mustListFaults(t, "donor_ee", "POST", "/api/v1/pledges/{clear_pledge}/disbursements",
		`{"amount_minor":-1,"currency":"EUR","date":"2099-01-01"}`, "amount_minor", "date")

	res, body = donor.submitRefused("/pledges/{clear_pledge}/milestones", url.Values{
		"kind": {"boxed"}, "date": {"someday"}, "note": {"Packed in Tallinn"},
	})
	mustShowFaults(t, "milestone", res, body, []string{"kind", "date"}, `value="someday"`, "Packed in Tallinn")
	s.mustListFaults(t, "donor_ee", "POST", "/api/v1/pledges/{clear_pledge}/milestones", `{"kind":"boxed"}`, "kind", "date")

	if _, err := s.app.Delivery.AddMilestone(ctx, s.cast.Viewer("donor_ee"), s.ids["clear_pledge"], delivery.MilestoneInput{
		Kind: ref(model.MilestoneDelivered), Date: ref(model.DateOf(pagesNow)),
	}); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", model.MaxComment+1)
	res, body = s.as("requester").submitRefused("/pledges/{clear_pledge}/receipt", url.Values{"outcome": {""}, "note": {long}})
	mustShowFaults(t, "receipt", res, body, []string{"outcome", "rnote"})
	s.mustListFaults(t, "requester", "POST", "/api/v1/pledges/{clear_pledge}/receipt", `{"outcome":"lost","note":"`+long+`"}`, "outcome", "note")
}

func TestRotationFormReportsEveryFault(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	coord := s.as("coordinator")
	res, body := coord.submitRefused("/rotations", url.Values{
		"starts": {"first of July"}, "ends": {"2026-12-31"}, "front_office_org_id": {s.cast.Orgs["ee"].ID}, "back_office_org_id": {""},
	})
	mustShowFaults(t, "rotation", res, body, []string{"starts", "back_office_org_id"}, `value="first of July"`, `value="2026-12-31"`)
	s.mustListFaults(t, "coordinator", "POST", "/api/v1/rotations",
		`{"starts":"2026-12-31","ends":"2026-07-01","front_office_org_id":"`+unknownID+`"}`, "ends", "front_office_org_id", "back_office_org_id")
}

func TestReviewFormsReportEveryFault(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	long := strings.Repeat("y", model.MaxComment+1)
	coord := s.as("coordinator")
	res, body := coord.submitRefused("/pledges/{company_pledge}/review", url.Values{"decision": {""}, "comment": {long}})
	mustShowFaults(t, "pledge review", res, body, []string{"decision", "comment"})
	s.mustListFaults(t, "coordinator", "POST", "/api/v1/pledges/{company_pledge}/review", `{"decision":"maybe","comment":"`+long+`"}`, "decision", "comment")

	o, err := s.app.Offers.Create(context.Background(), s.cast.Viewer("donor_company"), offers.Input{
		Title: ref("Licences"), AmountMinor: ref(int64(1000_00)), Currency: ref("EUR"), ValidUntil: ref(model.DateOf(pagesNow).AddDays(30)),
	})
	if err != nil {
		t.Fatal(err)
	}
	res, body = coord.submitRefused("/offers/"+o.ID+"/review", url.Values{"decision": {"maybe"}, "comment": {long}})
	mustShowFaults(t, "offer review", res, body, []string{"decision", "comment"})
}

func TestPositionFormReportsEveryFault(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	p, err := s.app.Governance.Open(context.Background(), s.cast.Viewer("delegate"), governance.Input{
		Kind: ref(model.ProposalOperational), Title: ref("Annual plan"), Procedure: ref(model.Procedure("consensus")),
		Deadline: ref(pagesNow.Add(72 * time.Hour)),
	})
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("z", model.MaxDescription+1)
	res, body := s.as("delegate").submitRefused("/proposals/"+p.ID+"/positions", url.Values{"position": {"perhaps"}, "reason": {long}})
	mustShowFaults(t, "position", res, body, []string{"position", "reason"}, `id="f-position"`)
	s.mustListFaults(t, "delegate", "POST", "/api/v1/proposals/"+p.ID+"/positions", `{"position":"perhaps","reason":"`+long+`"}`, "position", "reason")
}

// A figure the requirement form cannot read no longer hides the faults
// only the service finds.
func TestRequirementFormReportsEveryFault(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	requester := s.as("requester")
	form := func() url.Values {
		return url.Values{"title": {"Backup servers"}, "sector": {"energy"}, "category": {"edr"}, "line_of_effort": {"support"},
			"priority": {"high"}, "estimated_eur": {"a lot"}, "quantity": {"3"}, "region": {"UA-99"}, "tlp": {"amber"}, "needed_by": {"2020-01-01"}}
	}
	res, body := requester.submitRefused("/requirements", form())
	mustShowFaults(t, "new requirement", res, body, []string{"estimated_eur", "needed_by", "region"}, `value="a lot"`, "Backup servers")
	res, body = requester.submitRefused("/requirements/{draft}/edit", form())
	mustShowFaults(t, "requirement edit", res, body, []string{"estimated_eur", "region"}, `value="a lot"`, "Backup servers")
}
