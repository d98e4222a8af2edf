package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/oidctest"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// browserClient keeps cookies and stops at every redirect, so that each
// step's answer can be read.
type browserClient struct {
	t    *testing.T
	c    *http.Client
	base string
}

func newBrowser(t *testing.T, base string) *browserClient {
	jar, _ := cookiejar.New(nil)
	return &browserClient{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browserClient) do(method, path string, form url.Values) (int, string, http.Header) {
	b.t.Helper()
	target := path
	if !strings.HasPrefix(path, "http") {
		target = b.base + path
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out), resp.Header
}

// csrf reads the session's form token from a page.
func (b *browserClient) csrf() string {
	b.t.Helper()
	_, page, _ := b.do("GET", "/account", nil)
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatalf("no CSRF token on the account page: %.300s", page)
	}
	return m[1]
}

func (b *browserClient) signIn(email string) {
	b.t.Helper()
	st, page, _ := b.do("POST", "/signin", url.Values{"email": {email}, "password": {apptest.Password}})
	if st != http.StatusSeeOther {
		b.t.Fatalf("sign in as %s: %d %.300s", email, st, page)
	}
}

// siteOnLocalhost runs the program at a localhost address it knows as its
// own, so that passkeys are on.
func siteOnLocalhost(t *testing.T, s store.Store) (*app.App, apptest.Cast, string) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	base := "http://localhost:" + port
	a, c := apptest.NewWith(t, s, app.Options{Now: time.Now, BaseURL: base})
	srv := httptest.NewUnstartedServer(a.Web)
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return a, c, base
}

// TestSingleSignOnPages walks single sign-on through the site: an admin
// sets up Estonia's provider, a user signs in through it, a callback is
// good once and only in the browser that started it, the user makes an
// API token on the account page, and signing out offers the provider's.
func TestSingleSignOnPages(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		a, c, base := siteOnLocalhost(t, s)
		op := oidctest.Start(t, time.Now, true)
		ee := c.Orgs["ee"].ID

		admin := newBrowser(t, base)
		admin.signIn("admin@test.example")
		csrf := admin.csrf()
		steps := []struct {
			name, method, path string
			form               url.Values
			status             int
			has, lacks         []string
		}{
			{"the provider page", "GET", "/organisations/" + ee + "/sso", nil, 200, []string{"No identity provider is set up."}, nil},
			{"a provider without a secret", "POST", "/organisations/" + ee + "/sso",
				url.Values{"csrf": {csrf}, "issuer": {op.Issuer}, "client_id": {op.ClientID}}, 400, []string{"f-client_secret-error"}, nil},
			{"a provider with a bad issuer", "POST", "/organisations/" + ee + "/sso",
				url.Values{"csrf": {csrf}, "issuer": {"ftp://x"}, "client_id": {op.ClientID}, "client_secret": {"x"}}, 400, []string{"f-issuer-error"}, nil},
			{"a provider", "POST", "/organisations/" + ee + "/sso",
				url.Values{"csrf": {csrf}, "name": {"Estonian ID"}, "issuer": {op.Issuer}, "client_id": {op.ClientID},
					"client_secret": {op.ClientSecret}, "email_domains": {"test.example"}, "allow_passwords": {"on"}}, 303, nil, nil},
			{"the provider listed, its secret not", "GET", "/organisations/" + ee + "/sso", nil, 200, []string{"Estonian ID", op.Issuer}, []string{op.ClientSecret}},
			{"a donor may not", "GET", "/organisations/" + ee + "/sso", nil, 0, nil, nil},
		}
		donor := newBrowser(t, base)
		donor.signIn("donor@test.example")
		for _, st := range steps {
			b := admin
			if st.status == 0 {
				b, st.status = donor, 403
			}
			got, page, _ := b.do(st.method, st.path, st.form)
			if got != st.status {
				t.Fatalf("%s: status %d, want %d\n%.500s", st.name, got, st.status, page)
			}
			for _, h := range st.has {
				if !strings.Contains(page, h) {
					t.Errorf("%s: the page lacks %q", st.name, h)
				}
			}
			for _, h := range st.lacks {
				if strings.Contains(page, h) {
					t.Errorf("%s: the page shows %q", st.name, h)
				}
			}
		}
		providers, _ := a.Accounts.SSOProviders(context.Background(), ee)
		if len(providers) != 1 {
			t.Fatalf("providers = %+v", providers)
		}
		start := "/signin/sso/" + providers[0].ID + "?next=/requirements"
		if _, page, _ := newBrowser(t, base).do("GET", "/signin", nil); !strings.Contains(page, `href="/signin/sso/`+providers[0].ID) {
			t.Fatal("the sign-in page offers no single sign-on")
		}

		op.SignInAs(oidctest.User{Subject: "ee-coordinator", Email: "coordinator@test.example", EmailVerified: true})
		user := newBrowser(t, base)
		st, _, h := user.do("GET", start, nil)
		if st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), op.Issuer+"/authorize?") {
			t.Fatalf("start: %d to %q", st, h.Get("Location"))
		}
		back := op.Follow(t, h.Get("Location"))
		callback := "/signin/sso/callback?" + back.Encode()
		// Another browser cannot finish it: the state is bound to this one.
		if st, page, _ := newBrowser(t, base).do("GET", callback, nil); st != http.StatusBadRequest || !strings.Contains(page, "expired") {
			t.Fatalf("callback in another browser: %d %.300s", st, page)
		}
		st, _, h = user.do("GET", callback, nil)
		if st != http.StatusSeeOther || h.Get("Location") != "/requirements" {
			t.Fatalf("callback: %d to %q", st, h.Get("Location"))
		}
		if _, page, _ := user.do("GET", "/account", nil); !strings.Contains(page, "coordinator@test.example") || !strings.Contains(page, "Single sign-on") {
			t.Fatalf("the account page after single sign-on: %.500s", page)
		}
		// The same callback again signs no one in.
		if st, _, _ := newBrowser(t, base).do("GET", callback, nil); st != http.StatusBadRequest {
			t.Fatalf("a replayed callback: %d", st)
		}

		// An API token from the account page works on the API.
		ucsrf := user.csrf()
		st, page, _ := user.do("POST", "/account/tokens", url.Values{"csrf": {ucsrf}})
		token := regexp.MustCompile(`cyb_[A-Za-z0-9_-]+`).FindString(page)
		if st != http.StatusCreated || token == "" {
			t.Fatalf("create a token: %d %.300s", st, page)
		}
		req, _ := http.NewRequest("GET", base+"/api/v1/requirements", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("the token on the API: %v %v", resp.StatusCode, err)
		}
		resp.Body.Close()
		// The user is told of the new token, and of the link to the provider.
		notes, err := a.Notify.List(context.Background(), c.Viewer("coordinator"))
		if err != nil {
			t.Fatal(err)
		}
		var told []string
		for _, n := range notes {
			told = append(told, n.Subject)
		}
		if !strings.Contains(strings.Join(told, " "), "token.issue") || !strings.Contains(strings.Join(told, " "), "sso.link") {
			t.Fatalf("security notices: %v", told)
		}

		// Signing out ends the session here and offers the provider's.
		st, page, _ = user.do("POST", "/signout", url.Values{"csrf": {ucsrf}})
		if st != 200 || !strings.Contains(page, op.Issuer+"/logout?") {
			t.Fatalf("sign out: %d %.500s", st, page)
		}
		if st, _, _ := user.do("GET", "/account", nil); st != http.StatusOK {
			// The account page of a visitor sends them to sign in.
			if st != http.StatusSeeOther {
				t.Fatalf("the account page after sign-out: %d", st)
			}
		}
	})
}

// TestStrongFactorRequired holds admins and coordinators on the account
// page once the platform requires a phishing-resistant factor, and refuses
// them a bearer token for a password alone.
func TestStrongFactorRequired(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		a, c, base := siteOnLocalhost(t, s)
		admin := newBrowser(t, base)
		admin.signIn("admin@test.example")
		if st, _, _ := admin.do("POST", "/admin/security", url.Values{"csrf": {admin.csrf()}, "staff": {"on"}}); st != http.StatusSeeOther {
			t.Fatalf("require: %d", st)
		}
		on, err := a.Accounts.StaffPolicy(context.Background())
		if err != nil || !on {
			t.Fatalf("the rule is %v, %v", on, err)
		}
		coord := newBrowser(t, base)
		coord.signIn("coordinator@test.example")
		for _, c := range []struct {
			who    *browserClient
			method string
			path   string
			status int
			where  string
		}{
			{coord, "GET", "/requirements", http.StatusSeeOther, "/account"},
			{coord, "GET", "/account", http.StatusOK, ""},
			{admin, "GET", "/users", http.StatusSeeOther, "/account"},
		} {
			st, page, h := c.who.do(c.method, c.path, nil)
			if st != c.status || h.Get("Location") != c.where {
				t.Fatalf("%s %s: %d to %q", c.method, c.path, st, h.Get("Location"))
			}
			if c.path == "/account" && !strings.Contains(page, "requires a phishing-resistant factor") {
				t.Fatalf("the account page does not say why: %.300s", page)
			}
		}
		// Nor does the account page give a held user an API token.
		if st, _, _ := coord.do("POST", "/account/tokens", url.Values{"csrf": {coord.csrf()}}); st != http.StatusForbidden {
			t.Fatalf("a held user made a token: %d", st)
		}
		// A donor is not staff: nothing changes for them.
		donor := newBrowser(t, base)
		donor.signIn("donor@test.example")
		if st, _, _ := donor.do("GET", "/requirements", nil); st != http.StatusOK {
			t.Fatalf("a donor is held: %d", st)
		}
		body := strings.NewReader(`{"email":"coordinator@test.example","password":"` + apptest.Password + `"}`)
		resp, err := http.Post(base+"/api/v1/auth/token", "application/json", body)
		if err != nil {
			t.Fatal(err)
		}
		var e struct {
			Error struct{ Code string } `json:"error"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || e.Error.Code != "strong_factor_required" {
			t.Fatalf("a token for a password alone: %d %+v", resp.StatusCode, e)
		}
		// The organisation's own rule holds its donors too.
		if err := a.Accounts.SetOrganisationPolicy(context.Background(), accounts.Identity{}, c.Orgs["us"].ID, true); err != nil {
			t.Fatal(err)
		}
		if st, _, h := donor.do("GET", "/requirements", nil); st != http.StatusSeeOther || h.Get("Location") != "/account" {
			t.Fatalf("a donor of an organisation with the rule: %d to %q", st, h.Get("Location"))
		}
	})
}
