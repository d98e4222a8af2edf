package web_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// pagesNow lies inside the bundled ECB table, so that USD pledges are valued
// whatever day the tests run.
var pagesNow = time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)

func ref[T any](v T) *T { return &v }

// site is a running server over a fresh database with the apptest cast and
// a few records, through the domain services.
type site struct {
	t    *testing.T
	app  *app.App
	cast apptest.Cast
	srv  *httptest.Server
	ids  map[string]string
}

func newSite(t *testing.T) *site {
	t.Helper()
	a, c := apptest.New(t, storetest.OpenSQLite(t), func() time.Time { return pagesNow })
	srv := httptest.NewServer(a.Web)
	t.Cleanup(srv.Close)
	s := &site{t: t, app: a, cast: c, srv: srv, ids: map[string]string{}}
	ctx := context.Background()
	draft := func(name string, tlp model.TLP, prio model.Priority) string {
		r, err := a.Requirements.Create(ctx, c.Viewer("requester"), requirements.Input{
			Title: ref("Requirement " + name), Description: ref("What " + name + " needs"),
			Sector: ref(model.Sector("energy")), Category: ref(model.Category("edr")),
			LineOfEffort: ref(model.LineSupport), Priority: ref(prio),
			EstimatedEURMinor: ref(int64(100_000_00)), NeededBy: ref(model.DateOf(pagesNow).AddDays(60)), TLP: &tlp,
		})
		if err != nil {
			t.Fatalf("draft %s: %v", name, err)
		}
		s.ids[name] = r.ID
		return r.ID
	}
	submit := func(id string) {
		if _, err := a.Requirements.Submit(ctx, c.Viewer("requester"), id); err != nil {
			t.Fatal(err)
		}
	}
	validate := func(id string) {
		submit(id)
		if _, err := a.Requirements.Validate(ctx, c.Viewer("validator"), id, model.DecisionApprove, ""); err != nil {
			t.Fatal(err)
		}
	}
	draft("draft", model.TLPAmber, model.PriorityHigh)
	submit(draft("submitted", model.TLPAmber, model.PriorityHigh))
	validate(draft("validated", model.TLPAmber, model.PriorityCritical))
	validate(draft("clear", model.TLPClear, model.PriorityCritical))
	validate(draft("green", model.TLPGreen, model.PriorityMedium))
	p, err := a.Pledges.Create(ctx, c.Viewer("donor"), pledges.Input{
		RequirementID: ref(s.ids["validated"]), AmountMinor: ref(int64(40_000_00)), Currency: ref("USD"),
	})
	if err != nil {
		t.Fatal(err)
	}
	s.ids["pledge"] = p.ID
	cp, err := a.Pledges.Create(ctx, c.Viewer("donor_company"), pledges.Input{
		RequirementID: ref(s.ids["green"]), AmountMinor: ref(int64(5_000_00)), Currency: ref("EUR"),
		Kind: ref(model.PledgeInKind), Description: ref("100 EDR licences for a year"),
	})
	if err != nil {
		t.Fatal(err)
	}
	s.ids["company_pledge"] = cp.ID
	cl, err := a.Pledges.Create(ctx, c.Viewer("donor_ee"), pledges.Input{
		RequirementID: ref(s.ids["clear"]), AmountMinor: ref(int64(30_000_00)), Currency: ref("EUR"), TLP: ref(model.TLPClear),
	})
	if err != nil {
		t.Fatal(err)
	}
	s.ids["clear_pledge"] = cl.ID
	return s
}

// browser is one person's browser: it keeps cookies and does not follow
// redirects, so that tests see each answer.
type browser struct {
	s    *site
	c    *http.Client
	csrf string
}

func (s *site) browser(lang string) *browser {
	jar, _ := cookiejar.New(nil)
	if lang != "" {
		u, _ := url.Parse(s.srv.URL)
		jar.SetCookies(u, []*http.Cookie{{Name: "lang", Value: lang, Path: "/"}})
	}
	return &browser{s: s, c: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// as signs a cast member in through the form.
func (s *site) as(who string) *browser {
	b := s.browser("")
	if who == "" {
		return b
	}
	res, _ := b.post("/signin", url.Values{"email": {who + "@test.example"}, "password": {apptest.Password}, "next": {"/"}})
	if res.StatusCode != http.StatusSeeOther {
		s.t.Fatalf("sign in as %s: %d", who, res.StatusCode)
	}
	b.get("/") // picks up the CSRF token
	return b
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.s.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.s.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if m := csrfField.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return res, string(body)
}

func (b *browser) get(path string) (*http.Response, string) {
	b.s.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.s.srv.URL+b.s.expand(path), nil)
	return b.do(req)
}

// post sends a form as it is; submit adds the session's CSRF token.
func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.s.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.s.srv.URL+b.s.expand(path), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func (b *browser) submit(path string, form url.Values) (*http.Response, string) {
	b.s.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", b.csrf)
	return b.post(path, form)
}

// expand replaces {name} with the id of that fixture record.
func (s *site) expand(path string) string {
	for k, v := range s.ids {
		path = strings.ReplaceAll(path, "{"+k+"}", v)
	}
	return path
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	text := html.UnescapeString(body)
	for _, w := range wants {
		if !strings.Contains(body, w) && !strings.Contains(text, w) {
			t.Errorf("%s: no %q in the page", what, w)
		}
	}
}

func TestPagesRender(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for _, c := range []struct {
		as, path string
		want     int
		contains []string
	}{
		{"", "/", 200, []string{"Dashboard", "Sign in", "Requirement clear", "EUR"}},
		{"", "/signin", 200, []string{`name="password"`, `autocomplete="current-password"`}},
		{"", "/requirements", 200, []string{"Requirement clear", "TLP:CLEAR"}},
		{"", "/requirements/{clear}", 200, []string{"Requirement clear", "Estonia"}},
		{"", "/pledges", 200, []string{"Estonia"}},
		{"donor", "/", 200, []string{"Dashboard", "United States", "Sign out", "Requirement validated", "<svg class=\"bar\""}},
		{"donor", "/requirements", 200, []string{"Requirement validated", "State Service of Special Communications", "TLP:AMBER"}},
		{"donor", "/requirements?status=validated&sector=energy&q=validated", 200, []string{"Requirement validated"}},
		{"donor", "/requirements/{validated}", 200, []string{"Requirement validated", "Pledge against this requirement", "United States", "Validated", "Validation decision"}},
		{"donor", "/requirements/{validated}/pledge", 200, []string{"Make a pledge", `name="amount"`, `<option value="USD"`, `value="2026-06-15"`}},
		{"donor", "/pledges", 200, []string{"USD", "United States"}},
		{"donor", "/pledges/{pledge}", 200, []string{"provisional, rate of 2026-04-13: 1 EUR =", "1 EUR =", "Confirm the pledge", "Withdraw"}},
		{"coordinator", "/pledges/{company_pledge}", 200, []string{"Alignment review", `name="decision" value="approve"`}},
		{"requester", "/requirements/{draft}", 200, []string{"Submit for validation", "Edit"}},
		{"requester", "/requirements/new", 200, []string{"Draft a requirement", `name="estimated_eur"`, "Kyiv Oblast", "TLP:AMBER+STRICT"}},
		{"requester", "/requirements/{draft}/edit", 200, []string{"Edit the requirement", `value="100000.00"`}},
		{"validator", "/requirements/{submitted}", 200, []string{"Validation by the government working group", `name="decision" value="return"`}},
		{"admin", "/organisations", 200, []string{"Members", "Observers", "Contributors", "Beneficiaries", "Estonia"}},
		{"admin", "/organisations/new", 200, []string{"Add an organisation", `name="participation"`}},
		{"admin", "/users", 200, []string{"donor@test.example", "Add an account", `name="roles" value="validator"`}},
		{"admin", "/audit", 200, []string{"Signed checkpoint", "Organisation added"}},
		{"coordinator", "/audit", 200, []string{"not been verified yet", "Requirement drafted"}},
		{"", "/iati/vocabulary/cyber-categories", 200, []string{`<tr id="satellite_comms"><td><code>satellite_comms</code></td><td>Satellite communications</td></tr>`, "sector vocabulary 99"}},
		{"donor", "/iati/vocabulary/cyber-categories", 200, []string{"<code>edr</code>"}},
		{"donor", "/no/such/page", 404, []string{"Page not found"}},
	} {
		t.Run(c.as+" "+c.path, func(t *testing.T) {
			b := s.as(c.as)
			res, body := b.get(c.path)
			if res.StatusCode != c.want {
				t.Fatalf("status %d, want %d\n%s", res.StatusCode, c.want, body)
			}
			if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if !strings.Contains(res.Header.Get("Content-Security-Policy"), "style-src 'self'") {
				t.Error("no content security policy")
			}
			if strings.Contains(body, " style=") || strings.Contains(body, "<script") {
				t.Error("the page has an inline style or a script, which the CSP blocks")
			}
			mustContain(t, c.path, body, c.contains...)
			for _, bad := range []string{"<no value>", "ZgotmplZ", "%!"} {
				if strings.Contains(body, bad) {
					t.Errorf("the page contains %q", bad)
				}
			}
		})
	}
}

func TestActionButtonsFollowThePolicy(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	_, body := s.as("donor_eu").get("/requirements/{validated}")
	mustContain(t, "EU donor", body, "Pledge against this requirement")
	if strings.Contains(body, "/withdraw") || strings.Contains(body, "/edit") || strings.Contains(body, "/submit") {
		t.Error("a donor is offered a requester's or validator's action")
	}
	_, body = s.as("viewer").get("/requirements/{validated}")
	if strings.Contains(body, "/pledge\"") {
		t.Error("a viewer is offered to pledge")
	}
	_, body = s.as("donor").get("/pledges/{company_pledge}")
	if strings.Contains(body, "/confirm") || strings.Contains(body, "/review") {
		t.Error("another organisation's pledge offers confirm or review")
	}
	_, body = s.as("delegate").get("/")
	if strings.Contains(body, `href="/users"`) || strings.Contains(body, `href="/audit"`) {
		t.Error("a delegate sees the admin navigation")
	}
	_, body = s.as("admin").get("/")
	mustContain(t, "admin nav", body, `href="/users"`, `href="/audit"`, `href="/organisations"`)
}

func TestSignIn(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	b := s.browser("")
	res, body := b.post("/signin", url.Values{"email": {"donor@test.example"}, "password": {"not the password"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("wrong password: status %d", res.StatusCode)
	}
	mustContain(t, "wrong password", body, "The e-mail address, password or code is wrong.", `aria-invalid="true"`, `value="donor@test.example"`)
	if strings.Contains(body, "not the password") {
		t.Error("the password is echoed back")
	}
	if res.Header.Get("Set-Cookie") != "" {
		t.Error("a failed sign-in sets a cookie")
	}

	res, _ = b.post("/signin", url.Values{"email": {"donor@test.example"}, "password": {apptest.Password}, "next": {"/pledges?status=proposed"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/pledges?status=proposed" {
		t.Fatalf("sign in: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if c := res.Header.Get("Set-Cookie"); !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Lax") {
		t.Errorf("session cookie %q", c)
	}
	_, body = b.get("/")
	mustContain(t, "signed in", body, "Sign out", "United States", "Donor")

	// A sign-in cannot send the browser off the site.
	res, _ = s.browser("").post("/signin", url.Values{"email": {"donor@test.example"}, "password": {apptest.Password}, "next": {"//evil.example/"}})
	if loc := res.Header.Get("Location"); loc != "/" {
		t.Errorf("next=//evil.example/ redirected to %q", loc)
	}

	// Signing out without the token is refused; with it, the session ends.
	if res, _ = b.post("/signout", url.Values{}); res.StatusCode != http.StatusBadRequest {
		t.Errorf("sign out without CSRF: %d", res.StatusCode)
	}
	if res, _ = b.submit("/signout", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %d", res.StatusCode)
	}
	res, _ = b.get("/pledges/{pledge}")
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("after sign-out an AMBER pledge answers %d", res.StatusCode)
	}
	_, body = b.get("/")
	mustContain(t, "signed out", body, `href="/signin?next=`)
}

func TestFormWithoutCSRFIsRefused(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	b := s.as("requester")
	form := url.Values{
		"title": {"Without a token"}, "sector": {"energy"}, "category": {"edr"}, "line_of_effort": {"support"},
		"priority": {"high"}, "estimated_eur": {"1000"}, "tlp": {"amber"},
	}
	res, body := b.post("/requirements", form)
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("status %d", res.StatusCode)
	}
	mustContain(t, "refusal", body, "This form has expired")
	form.Set("csrf", "forged")
	if res, _ = b.post("/requirements", form); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("forged token: status %d", res.StatusCode)
	}
	items, err := s.app.Requirements.All(context.Background(), s.cast.Viewer("requester"), model.RequirementFilter{Query: "Without a token"})
	if err != nil || len(items) != 0 {
		t.Fatalf("a refused form created %d requirements (%v)", len(items), err)
	}
}

func TestHiddenRecordsAre404(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for _, c := range []struct{ as, path string }{
		{"donor", "/requirements/{draft}"},
		{"donor", "/requirements/{submitted}"},
		{"donor_ngo", "/requirements/{validated}"},
		{"", "/requirements/{validated}"},
		{"", "/pledges/{pledge}"},
		{"donor", "/requirements/no-such-id"},
	} {
		res, body := s.as(c.as).get(c.path)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s %s: %d, want 404", c.as, c.path, res.StatusCode)
		}
		if strings.Contains(body, "What draft needs") || strings.Contains(body, "Requirement validated") {
			t.Errorf("%s %s: the 404 page shows the record", c.as, c.path)
		}
	}
	// A page that needs a permission sends a visitor to sign in.
	res, _ := s.as("").get("/requirements/new")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin?next=%2Frequirements%2Fnew") {
		t.Errorf("visitor on a protected page: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	// A role without the permission is refused.
	if res, _ = s.as("donor").get("/users"); res.StatusCode != http.StatusForbidden {
		t.Errorf("donor on /users: %d", res.StatusCode)
	}
}

func TestUkrainian(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	b := s.browser("uk")
	res, body := b.get("/")
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	mustContain(t, "uk dashboard", body, `<html lang="uk">`, "Огляд", "Потреби", "Увійти", "Енергетика")
	if strings.Contains(body, ">Dashboard<") {
		t.Error("English text on the Ukrainian page")
	}
	// Money is written the Ukrainian way: the code after the amount.
	if !regexp.MustCompile(`\d{3},00\x{a0}EUR`).MatchString(html.UnescapeString(body)) {
		t.Error("no amount written as «… 000,00 EUR»")
	}

	// Accept-Language alone chooses Ukrainian too; the cookie wins over it.
	req, _ := http.NewRequest(http.MethodGet, s.srv.URL+"/signin", nil)
	req.Header.Set("Accept-Language", "uk-UA,uk;q=0.9,en;q=0.5")
	_, body = s.browser("").do(req)
	mustContain(t, "Accept-Language", body, "Вхід", "Пароль")
	req, _ = http.NewRequest(http.MethodGet, s.srv.URL+"/signin", nil)
	req.Header.Set("Accept-Language", "uk-UA")
	_, body = s.browser("en").do(req)
	mustContain(t, "cookie over header", body, "Password")

	// The switch sets the cookie and comes back, never off the site.
	en := s.browser("")
	res, _ = en.get("/lang/uk?next=/requirements")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/requirements" {
		t.Fatalf("switch: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	_, body = en.get("/requirements")
	mustContain(t, "after the switch", body, "Потреби", "TLP:CLEAR")
	if res, _ = en.get("/lang/uk?next=//evil.example"); res.Header.Get("Location") != "/" {
		t.Errorf("switch to //evil.example went to %q", res.Header.Get("Location"))
	}
	if res, _ = en.get("/lang/xx"); res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown language: %d", res.StatusCode)
	}

	// A signed-in Ukrainian validator sees labels and plural forms in Ukrainian.
	v := s.as("validator")
	v.get("/lang/uk?next=/")
	_, body = v.get("/requirements/{submitted}")
	mustContain(t, "uk requirement", body, "Затвердження робочою групою уряду", "Повернути на доопрацювання", "Подано")
	_, body = v.get("/requirements")
	mustContain(t, "uk list", body, "5 потреб на цій сторінці")
}

func TestRequirementWorkflow(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	req := s.as("requester")
	req.get("/requirements/new")
	form := url.Values{
		"title": {""}, "description": {"Firewalls for three substations"}, "sector": {"energy"},
		"category": {"hardware_software"}, "line_of_effort": {"strengthen"}, "priority": {"high"},
		"estimated_eur": {"125000.50"}, "quantity": {"3"}, "unit": {"firewalls"},
		"needed_by": {"2026-09-01"}, "region": {"UA-32"}, "tlp": {"amber"},
	}
	res, body := req.submit("/requirements", form)
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("missing title: %d", res.StatusCode)
	}
	mustContain(t, "refused draft", body, `id="f-title-error"`, "Enter a title.", `aria-invalid="true"`,
		`<a href="#f-title">Enter a title.</a>`,
		"Firewalls for three substations", `value="125000.50"`, `value="UA-32" selected`)

	form.Set("title", "Next-generation firewalls")
	// In English "125.000" is 125 with three decimals, which euros do not
	// have: refused, saying what to write for thousands.
	form.Set("estimated_eur", "125.000")
	res, body = req.submit("/requirements", form)
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("ambiguous amount: %d", res.StatusCode)
	}
	mustContain(t, "amount error", body, `id="f-estimated_eur-error"`, "EUR\u00a0125,000.00")

	form.Set("estimated_eur", "125000.50")
	res, _ = req.submit("/requirements", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	loc := res.Header.Get("Location")
	id := strings.TrimSuffix(strings.TrimPrefix(loc, "/requirements/"), "?done=created")
	s.ids["new"] = id
	_, body = req.get(loc)
	mustContain(t, "new draft", body, "Next-generation firewalls", "Draft saved", "Kyiv Oblast", "EUR\u00a0125,000.50", "Submit for validation")

	if res, _ = req.submit("/requirements/{new}/submit", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", res.StatusCode)
	}
	// Submitting twice is a conflict shown on the record.
	res, body = req.submit("/requirements/{new}/submit", nil)
	if res.StatusCode != http.StatusConflict {
		t.Fatalf("second submit: %d", res.StatusCode)
	}
	mustContain(t, "conflict", body, "Only a draft or returned requirement can be submitted.")

	val := s.as("validator")
	val.get("/requirements/{new}")
	res, body = val.submit("/requirements/{new}/validate", url.Values{"decision": {"return"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("return without comment: %d", res.StatusCode)
	}
	mustContain(t, "comment required", body, `id="f-comment-error"`, `value="return" checked`)
	if res, _ = val.submit("/requirements/{new}/validate", url.Values{"decision": {"approve"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", res.StatusCode)
	}

	donor := s.as("donor")
	_, body = donor.get("/requirements/{new}")
	mustContain(t, "validated", body, "Pledge against this requirement", "Validated")
	donor.get("/requirements/{new}/pledge")
	pf := url.Values{
		"requirement_id": {id}, "amount": {"150 000"}, "currency": {"USD"}, "kind": {"money"},
		"channel": {"mechanism"}, "tlp": {"amber"}, "pledge_date": {"2026-06-30"},
	}
	res, body = donor.submit("/pledges", pf)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("future date: %d", res.StatusCode)
	}
	mustContain(t, "future date", body, `id="f-pledge_date-error"`, `value="150 000"`)
	pf.Set("pledge_date", "2026-06-12")
	res, _ = donor.submit("/pledges", pf)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("pledge: %d", res.StatusCode)
	}
	loc = res.Header.Get("Location")
	if !strings.Contains(loc, "over=1") {
		t.Errorf("USD 150,000 on a EUR 125,000 need is not flagged over: %s", loc)
	}
	_, body = donor.get(loc)
	mustContain(t, "pledge page", body, "Pledge recorded", "takes the requirement past its estimated need",
		"USD\u00a0150,000.00")
	// 2026-06-12 is after the newest ECB rate held, of 2026-04-13.
	mustContain(t, "pledge page", body, "provisional, rate of 2026-04-13: 1 EUR = 1.1684 USD")

	pid := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/pledges/")
	s.ids["newpledge"] = pid
	if res, _ = donor.submit("/pledges/{newpledge}/confirm", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d", res.StatusCode)
	}
	_, body = donor.get("/pledges/{newpledge}")
	mustContain(t, "confirmed", body, "Confirmed")
	if res, _ = donor.submit("/pledges/{newpledge}/withdraw", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", res.StatusCode)
	}
}

func TestPledgeReview(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	co := s.as("coordinator")
	co.get("/pledges/{company_pledge}")
	res, body := co.submit("/pledges/{company_pledge}/review", url.Values{"decision": {"reject"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("reject without comment: %d", res.StatusCode)
	}
	mustContain(t, "review", body, `id="f-comment-error"`)
	if res, _ = co.submit("/pledges/{company_pledge}/review", url.Values{"decision": {"approve"}, "comment": {"Fits SUPPORT"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", res.StatusCode)
	}
	_, body = s.as("donor_company").get("/pledges/{company_pledge}")
	mustContain(t, "after review", body, "Alignment approved", "Fits SUPPORT", "Confirm the pledge")
}

func TestAdminPages(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	admin := s.as("admin")
	admin.get("/organisations/new")
	res, body := admin.submit("/organisations", url.Values{"name": {"Latvia"}, "kind": {"state"}, "participation": {"member"}, "country": {""}})
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("state without country: %d", res.StatusCode)
	}
	mustContain(t, "org form", body, `id="f-country-error"`, `value="Latvia"`)
	res, _ = admin.submit("/organisations", url.Values{"name": {"Latvia"}, "kind": {"state"}, "participation": {"member"}, "country": {"LV"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create org: %d", res.StatusCode)
	}
	_, body = admin.get(res.Header.Get("Location"))
	mustContain(t, "org page", body, "Latvia", "Organisation added", "Accounts")
	orgID := strings.TrimSuffix(strings.TrimPrefix(res.Header.Get("Location"), "/organisations/"), "?done=created")

	res, _ = admin.submit("/users", url.Values{"org_id": {orgID}, "email": {"lv@test.example"}, "name": {"Līga"}, "roles": {"donor", "delegate"}, "password": {apptest.Password}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create user: %d", res.StatusCode)
	}
	_, body = admin.get(res.Header.Get("Location"))
	mustContain(t, "users", body, "Account created for lv@test.example", "Līga")

	res, body = admin.submit("/users", url.Values{"org_id": {orgID}, "email": {"lv2@test.example"}, "roles": {"validator"}, "password": {apptest.Password}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("validator outside Ukraine: %d", res.StatusCode)
	}
	mustContain(t, "role rule", body, `id="f-roles-error"`, `value="validator" checked`)

	res, body = admin.submit("/users", url.Values{"org_id": {orgID}, "email": {"lv3@test.example"}, "roles": {"viewer"}, "password": {apptest.Password}, "with_totp": {"on"}})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("user with TOTP: %d", res.StatusCode)
	}
	mustContain(t, "totp", body, "otpauth://totp/", "data:image/png;base64,", "shown once")
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Error("the TOTP enrolment page may be cached")
	}
}
