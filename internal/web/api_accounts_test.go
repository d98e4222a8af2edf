package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/pquerna/otp/totp"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/web/openapitest"
)

// signInStep is one request of a sign-in story and what must come back.
type signInStep struct {
	name   string
	token  string // a bearer token, or "" for none
	method string
	path   string
	body   string
	want   int
	code   string // the error code expected, when want is an error
}

func (c *client) step(t *testing.T, ex signInStep) (*http.Response, []byte) {
	t.Helper()
	var r io.Reader
	if ex.body != "" {
		r = strings.NewReader(ex.body)
	}
	req, err := http.NewRequest(ex.method, c.base+ex.path, r)
	if err != nil {
		t.Fatal(err)
	}
	if ex.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if ex.token != "" {
		req.Header.Set("Authorization", "Bearer "+ex.token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != ex.want {
		t.Fatalf("%s: status %d, want %d: %s", ex.name, res.StatusCode, ex.want, b)
	}
	if ex.code != "" {
		var e struct {
			Error struct{ Code, Message, Field string }
		}
		if err := json.Unmarshal(b, &e); err != nil || e.Error.Code != ex.code || e.Error.Message == "" {
			t.Fatalf("%s: error %s, want code %q with a message", ex.name, b, ex.code)
		}
	}
	return res, b
}

func (c *client) play(t *testing.T, exs ...signInStep) {
	t.Helper()
	for _, ex := range exs {
		c.step(t, ex)
	}
}

func signInBody(who, password, code string) string {
	b, _ := json.Marshal(map[string]string{"email": who, "password": password, "totp": code})
	return string(b)
}

func tokenOf(t *testing.T, b []byte) string {
	t.Helper()
	var out struct{ Token string }
	if err := json.Unmarshal(b, &out); err != nil || out.Token == "" {
		t.Fatalf("no token in %s", b)
	}
	return out.Token
}

func TestSignInHardening(t *testing.T) {
	t.Parallel()
	validator := openapitest.NewValidator(t)
	eachBackend(t, func(t *testing.T, s *store.DB) {
		a, cast := apptest.New(t, s, clock)
		srv := httptest.NewServer(a.Web)
		defer srv.Close()
		c := &client{t: t, base: srv.URL, tokens: map[string]string{},
			http: &http.Client{Transport: validator.RoundTripper(http.DefaultTransport)}}
		ids := fixture(t, a, cast)
		site := &site{t: t, app: a, cast: cast, srv: srv, ids: ids}
		admin := c.token("admin")

		t.Run("limits answer 429 with Retry-After", func(t *testing.T) {
			wrong := signInBody("donor@test.example", "not the password at all", "")
			for i := range accounts.Defaults.MaxAccountFailures {
				c.play(t, signInStep{fmt.Sprintf("wrong %d", i+1), "", "POST", "/api/v1/auth/token", wrong, 401, "bad_credentials"})
			}
			res, _ := c.step(t, signInStep{"right, after five wrong", "", "POST", "/api/v1/auth/token", signInBody("donor@test.example", apptest.Password, ""), 429, "rate_limited"})
			if n, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || n < 1 || n > 15*60 {
				t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
			}
			page, body := site.browser("").post("/signin", url.Values{"email": {"donor@test.example"}, "password": {apptest.Password}})
			if page.StatusCode != http.StatusTooManyRequests || page.Header.Get("Retry-After") == "" {
				t.Fatalf("sign-in page: %d, Retry-After %q", page.StatusCode, page.Header.Get("Retry-After"))
			}
			mustContain(t, "page", body, "Too many failed sign-in attempts.")
		})

		t.Run("weak passwords are refused with the reason", func(t *testing.T) {
			user := func(email, password string) string {
				return fmt.Sprintf(`{"org_id":%q,"email":%q,"roles":["viewer"],"password":%q}`, cast.Orgs["ee"].ID, email, password)
			}
			c.play(t,
				signInStep{"common", admin, "POST", "/api/v1/users", user("weak1@test.example", "password1234"), 422, "password_common"},
				signInStep{"repeated", admin, "POST", "/api/v1/users", user("weak2@test.example", "aaaaaaaaaaaa"), 422, "password_repeats"},
				signInStep{"the address", admin, "POST", "/api/v1/users", user("kateryna.shevchuk@test.example", "kateryna.shevchuk"), 422, "password_has_email"},
				signInStep{"strong", admin, "POST", "/api/v1/users", user("strong@test.example", "harbour lantern mosaic 2026"), 201, ""},
			)
			_, body := site.as("admin").submit("/users", url.Values{"org_id": {cast.Orgs["ee"].ID}, "email": {"weak3@test.example"}, "roles": {"viewer"}, "password": {"qwertyuiop12"}})
			mustContain(t, "users page", body, "This password is too easy to guess: it is a common password", `aria-invalid="true"`)
		})

		t.Run("the second factor: the password step tells nothing, a code is good once", func(t *testing.T) {
			u, err := a.Accounts.Create(t.Context(), policy.System(), accounts.NewUser{OrgID: cast.Orgs["ee"].ID, Email: "totp@test.example", Roles: []model.Role{model.RoleViewer}, Password: apptest.Password, WithTOTP: true})
			if err != nil {
				t.Fatal(err)
			}
			code, _ := totp.GenerateCode(u.TOTPSecret, testNow)
			_, wrongAnswer := c.step(t, signInStep{"wrong password, no code", "", "POST", "/api/v1/auth/token", signInBody("totp@test.example", "not the password at all", ""), 401, "totp_required"})
			_, rightAnswer := c.step(t, signInStep{"right password, no code", "", "POST", "/api/v1/auth/token", signInBody("totp@test.example", apptest.Password, ""), 401, "totp_required"})
			if string(wrongAnswer) != string(rightAnswer) {
				t.Fatalf("the answers differ:\n%s\n%s", wrongAnswer, rightAnswer)
			}
			c.play(t,
				signInStep{"wrong password, right code", "", "POST", "/api/v1/auth/token", signInBody("totp@test.example", "not the password at all", code), 401, "bad_credentials"},
				signInStep{"right password, wrong code", "", "POST", "/api/v1/auth/token", signInBody("totp@test.example", apptest.Password, "000000"), 401, "bad_credentials"},
				signInStep{"right password, right code", "", "POST", "/api/v1/auth/token", signInBody("totp@test.example", apptest.Password, code), 201, ""},
				signInStep{"the same code again", "", "POST", "/api/v1/auth/token", signInBody("totp@test.example", apptest.Password, code), 401, "bad_credentials"},
			)
			// The page asks for the code, keeps the address, and never
			// sends the password back.
			res, body := site.browser("").post("/signin", url.Values{"email": {"totp@test.example"}, "password": {"not the password at all"}})
			if res.StatusCode != http.StatusBadRequest {
				t.Fatalf("sign-in page without a code: %d", res.StatusCode)
			}
			mustContain(t, "code asked", body, "Enter the password again together with the code", `value="totp@test.example"`, `id="f-totp"`)
			if strings.Contains(body, "not the password at all") {
				t.Fatal("the page sends the password back")
			}
		})

		t.Run("a former organisation's users read as visitors", func(t *testing.T) {
			strict := "/api/v1/requirements/" + ids["strict"]
			_, b := c.step(t, signInStep{"sign in", "", "POST", "/api/v1/auth/token", signInBody("requester@test.example", apptest.Password, ""), 201, ""})
			tok := tokenOf(t, b)
			browser := site.as("requester")
			c.play(t, signInStep{"own strict record", tok, "GET", strict, "", 200, ""})

			// The organisation leaves by a change that did not end the
			// sessions (an older server, a database edit): the lookup alone
			// makes its users no one.
			org := cast.Orgs["ssscip"]
			org.Participation = model.Former
			if err := s.UpdateOrganisation(t.Context(), &org); err != nil {
				t.Fatal(err)
			}
			c.play(t,
				signInStep{"own strict record, after leaving", tok, "GET", strict, "", 404, "not_found"},
				signInStep{"a signed-in route, after leaving", tok, "GET", "/api/v1/organisations", "", 401, "unauthenticated"},
				signInStep{"a public record, after leaving", tok, "GET", "/api/v1/requirements/" + ids["clear"], "", 200, ""},
				signInStep{"sign in, after leaving", "", "POST", "/api/v1/auth/token", signInBody("requester@test.example", apptest.Password, ""), 403, "organisation_former"},
				signInStep{"wrong password, after leaving", "", "POST", "/api/v1/auth/token", signInBody("requester@test.example", "not the password at all", ""), 401, "bad_credentials"},
			)
			if _, body := browser.get("/"); strings.Contains(body, "Sign out") {
				t.Fatal("the session still signs in")
			}
			res, body := site.browser("").post("/signin", url.Values{"email": {"requester@test.example"}, "password": {apptest.Password}})
			if res.StatusCode != http.StatusForbidden {
				t.Fatalf("sign-in page after leaving: %d", res.StatusCode)
			}
			mustContain(t, "sign-in page after leaving", body, "Your organisation no longer takes part in the mechanism")

			// Back in, then out through the API: the change itself ends the
			// sessions and revokes the tokens.
			org.Participation = model.Beneficiary
			if err := s.UpdateOrganisation(t.Context(), &org); err != nil {
				t.Fatal(err)
			}
			c.play(t, signInStep{"own strict record, back in", tok, "GET", strict, "", 200, ""})
			browser = site.as("requester")
			c.play(t,
				signInStep{"leave", admin, "PATCH", "/api/v1/organisations/" + org.ID, `{"participation":"former"}`, 200, ""},
				signInStep{"own strict record, token revoked", tok, "GET", strict, "", 401, "unauthenticated"},
			)
			if _, body := browser.get("/"); strings.Contains(body, "Sign out") {
				t.Fatal("the session survived the organisation leaving")
			}
		})
	})
}
