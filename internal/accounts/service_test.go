package accounts_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/organisations"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

const password = "a long enough password"

type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func setup(t *testing.T, s *store.DB) (*accounts.Service, *clock, model.Organisation) {
	t.Helper()
	c := &clock{time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)}
	cfg := accounts.Defaults
	cfg.Params = accounts.Params{Memory: 8 * 1024, Time: 1, Threads: 1}
	svc, err := accounts.NewService(s, c.now, cfg)
	if err != nil {
		t.Fatal(err)
	}
	name, kind, part, country := "Estonia", model.KindState, model.Member, "EE"
	org, err := organisations.NewService(s, c.now).Create(context.Background(), policy.Viewer{}, organisations.Input{Name: &name, Kind: &kind, Participation: &part, Country: &country})
	if err != nil {
		t.Fatal(err)
	}
	return svc, c, org
}

func TestPasswordHash(t *testing.T) {
	h, err := accounts.HashPassword("secret words", accounts.Params{Memory: 8 * 1024, Time: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=8192,t=1,p=1$") {
		t.Fatalf("not a PHC argon2id string: %s", h)
	}
	for _, c := range []struct {
		pw   string
		want bool
	}{{"secret words", true}, {"secret word", false}, {"", false}} {
		if ok, err := accounts.CheckPassword(c.pw, h); err != nil || ok != c.want {
			t.Errorf("check %q: %v %v", c.pw, ok, err)
		}
	}
	if _, err := accounts.CheckPassword("x", "$bcrypt$nonsense"); err == nil {
		t.Error("a malformed hash must be an error")
	}
}

func TestSignIn(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		svc, clk, org := setup(t, s)
		u, err := svc.Create(ctx, policy.Viewer{}, accounts.NewUser{OrgID: org.ID, Email: "Donor@Example.org", Roles: []model.Role{model.RoleDonor}, Password: password})
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "donor@example.org" || u.PasswordHash == "" || strings.Contains(u.PasswordHash, password) {
			t.Fatalf("stored user %+v", u.User)
		}

		t.Run("right password, any case of address", func(t *testing.T) {
			id, err := svc.Authenticate(ctx, "DONOR@example.org", password, "", "192.0.2.1")
			if err != nil || id.User.ID != u.ID || id.Org.ID != org.ID {
				t.Fatalf("%+v %v", id, err)
			}
		})

		t.Run("locked after five failures for the account, from any address", func(t *testing.T) {
			for i := range 5 {
				if _, err := svc.Authenticate(ctx, "donor@example.org", "wrong", "", "192.0.2.10"); !errors.Is(err, model.ErrUnauthenticated) {
					t.Fatalf("failure %d: %v", i, err)
				}
			}
			if _, err := svc.Authenticate(ctx, "donor@example.org", password, "", "198.51.100.7"); !errors.Is(err, model.ErrRateLimited) {
				t.Fatalf("sixth attempt, right password, other address: %v", err)
			}
			clk.advance(16 * time.Minute)
			if _, err := svc.Authenticate(ctx, "donor@example.org", password, "", "198.51.100.7"); err != nil {
				t.Fatalf("after the window: %v", err)
			}
		})

		t.Run("locked after twenty failures from one address, for any account", func(t *testing.T) {
			for i := range 20 {
				email := "guess" + string(rune('a'+i)) + "@example.org"
				if _, err := svc.Authenticate(ctx, email, "wrong", "", "203.0.113.9"); !errors.Is(err, model.ErrUnauthenticated) {
					t.Fatalf("failure %d: %v", i, err)
				}
			}
			if _, err := svc.Authenticate(ctx, "donor@example.org", password, "", "203.0.113.9"); !errors.Is(err, model.ErrRateLimited) {
				t.Fatalf("the address is not limited: %v", err)
			}
			if _, err := svc.Authenticate(ctx, "donor@example.org", password, "", "203.0.113.10"); err != nil {
				t.Fatalf("another address is limited too: %v", err)
			}
		})

		t.Run("sessions are stored hashed, renewed at sign-in and expire", func(t *testing.T) {
			id, err := svc.Authenticate(ctx, "donor@example.org", password, "", "192.0.2.2")
			if err != nil {
				t.Fatal(err)
			}
			tok1, sess, err := svc.StartSession(ctx, id)
			if err != nil || sess.TokenHash == tok1 || sess.CSRFToken == "" {
				t.Fatalf("session %+v %v", sess, err)
			}
			tok2, _, _ := svc.StartSession(ctx, id)
			if tok1 == tok2 {
				t.Fatal("each sign-in must get a new session token")
			}
			if _, _, err := svc.Session(ctx, tok1); err != nil {
				t.Fatal(err)
			}
			if err := svc.EndSession(ctx, tok1); err != nil {
				t.Fatal(err)
			}
			if _, _, err := svc.Session(ctx, tok1); !errors.Is(err, model.ErrUnauthenticated) {
				t.Fatalf("ended session still works: %v", err)
			}
			clk.advance(13 * time.Hour)
			if _, _, err := svc.Session(ctx, tok2); !errors.Is(err, model.ErrUnauthenticated) {
				t.Fatalf("expired session still works: %v", err)
			}
		})

		t.Run("API tokens expire and can be revoked", func(t *testing.T) {
			id, err := svc.Authenticate(ctx, "donor@example.org", password, "", "192.0.2.3")
			if err != nil {
				t.Fatal(err)
			}
			tok, exp, err := svc.IssueToken(ctx, id)
			if err != nil || !strings.HasPrefix(tok, "cyb_") || !exp.After(clk.now()) {
				t.Fatalf("token %q %v %v", tok, exp, err)
			}
			_, rec, err := svc.Token(ctx, tok)
			if err != nil || rec.TokenHash == tok {
				t.Fatalf("token lookup: %v", err)
			}
			if err := svc.RevokeToken(ctx, id, rec); err != nil {
				t.Fatal(err)
			}
			if _, _, err := svc.Token(ctx, tok); !errors.Is(err, model.ErrUnauthenticated) {
				t.Fatalf("revoked token still works: %v", err)
			}
			tok, _, _ = svc.IssueToken(ctx, id)
			clk.advance(25 * time.Hour)
			if _, _, err := svc.Token(ctx, tok); !errors.Is(err, model.ErrUnauthenticated) {
				t.Fatalf("expired token still works: %v", err)
			}
		})
	})
}

func TestTOTP(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		svc, _, org := setup(t, s)
		u, err := svc.Create(ctx, policy.Viewer{}, accounts.NewUser{OrgID: org.ID, Email: "admin@example.org", Roles: []model.Role{model.RoleAdmin}, Password: password, WithTOTP: true})
		if err != nil || !strings.HasPrefix(u.TOTPURL, "otpauth://totp/") {
			t.Fatalf("%v %q", err, u.TOTPURL)
		}
		if _, err := svc.Authenticate(ctx, "admin@example.org", password, "", "192.0.2.1"); !errors.Is(err, accounts.ErrTOTPRequired) {
			t.Fatalf("no code: %v", err)
		}
		if _, err := svc.Authenticate(ctx, "admin@example.org", password, "000000", "192.0.2.1"); !errors.Is(err, model.ErrUnauthenticated) {
			t.Fatalf("wrong code: %v", err)
		}
		code, err := totp.GenerateCode(u.TOTPSecret, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Authenticate(ctx, "admin@example.org", password, code, "192.0.2.1"); err != nil {
			t.Fatalf("right code: %v", err)
		}
	})
}

func TestRolesFitTheOrganisation(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		svc, c, ee := setup(t, s)
		orgs := organisations.NewService(s, c.now)
		mk := func(name string, kind model.OrgKind, part model.Participation, country string) model.Organisation {
			o, err := orgs.Create(ctx, policy.Viewer{}, organisations.Input{Name: &name, Kind: &kind, Participation: &part, Country: &country})
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		ua := mk("Ukraine", model.KindState, model.Member, "UA")
		agency := mk("Cyber agency", model.KindBeneficiaryAgency, model.Beneficiary, "UA")
		eu := mk("European Union", model.KindInternationalOrg, model.Observer, "")
		cases := []struct {
			org  model.Organisation
			role model.Role
			code string
		}{
			{ua, model.RoleValidator, ""},
			{agency, model.RoleValidator, "validator_not_government"},
			{ee, model.RoleValidator, "validator_not_government"},
			{agency, model.RoleRequester, ""},
			{ee, model.RoleRequester, "requester_not_beneficiary"},
			{agency, model.RoleDonor, "donor_cannot_donate"},
			{eu, model.RoleDonor, ""},
			{eu, model.RoleDelegate, "delegate_not_member"},
			{ee, model.RoleDelegate, ""},
		}
		for i, c := range cases {
			_, err := svc.Create(ctx, policy.Viewer{}, accounts.NewUser{OrgID: c.org.ID, Email: "u" + string(rune('a'+i)) + "@example.org", Roles: []model.Role{c.role}, Password: password})
			var fe *model.FieldError
			switch {
			case c.code == "" && err != nil:
				t.Errorf("%s in %s: %v", c.role, c.org.Name, err)
			case c.code != "" && (!errors.As(err, &fe) || fe.Code != c.code):
				t.Errorf("%s in %s: got %v, want %s", c.role, c.org.Name, err, c.code)
			}
		}
	})
}
