package accounts_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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
	org, err := organisations.NewService(s, c.now).Create(context.Background(), policy.System(), organisations.Input{Name: &name, Kind: &kind, Participation: &part, Country: &country})
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
		u, err := svc.Create(ctx, policy.System(), accounts.NewUser{OrgID: org.ID, Email: "Donor@Example.org", Roles: []model.Role{model.RoleDonor}, Password: password})
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
			if _, _, _, err := svc.Session(ctx, tok1); err != nil {
				t.Fatal(err)
			}
			if err := svc.EndSession(ctx, tok1); err != nil {
				t.Fatal(err)
			}
			if _, _, _, err := svc.Session(ctx, tok1); !errors.Is(err, model.ErrUnauthenticated) {
				t.Fatalf("ended session still works: %v", err)
			}
			clk.advance(13 * time.Hour)
			if _, _, _, err := svc.Session(ctx, tok2); !errors.Is(err, model.ErrUnauthenticated) {
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
			_, rec, _, err := svc.Token(ctx, tok)
			if err != nil || rec.TokenHash == tok {
				t.Fatalf("token lookup: %v", err)
			}
			if err := svc.RevokeToken(ctx, id, rec); err != nil {
				t.Fatal(err)
			}
			if _, _, _, err := svc.Token(ctx, tok); !errors.Is(err, model.ErrUnauthenticated) {
				t.Fatalf("revoked token still works: %v", err)
			}
			tok, _, _ = svc.IssueToken(ctx, id)
			clk.advance(25 * time.Hour)
			if _, _, _, err := svc.Token(ctx, tok); !errors.Is(err, model.ErrUnauthenticated) {
				t.Fatalf("expired token still works: %v", err)
			}
		})
	})
}

func TestTOTP(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		svc, clk, org := setup(t, s)
		u, err := svc.Create(ctx, policy.System(), accounts.NewUser{OrgID: org.ID, Email: "admin@example.org", Roles: []model.Role{model.RoleAdmin}, Password: password, WithTOTP: true})
		if err != nil || !strings.HasPrefix(u.TOTPURL, "otpauth://totp/") {
			t.Fatalf("%v %q", err, u.TOTPURL)
		}
		if _, err := svc.Authenticate(ctx, "admin@example.org", password, "", "192.0.2.1"); !errors.Is(err, accounts.ErrTOTPRequired) {
			t.Fatalf("no code: %v", err)
		}
		if _, err := svc.Authenticate(ctx, "admin@example.org", password, "000000", "192.0.2.1"); !errors.Is(err, model.ErrUnauthenticated) {
			t.Fatalf("wrong code: %v", err)
		}
		// The service's clock decides which codes are current.
		code, err := totp.GenerateCode(u.TOTPSecret, clk.now())
		if err != nil {
			t.Fatal(err)
		}
		// A wrong password with no code gets exactly the answer a right one
		// gets: the password step tells nothing before the code passes.
		if _, err := svc.Authenticate(ctx, "admin@example.org", "a wrong password", "", "192.0.2.1"); err != accounts.ErrTOTPRequired {
			t.Fatalf("wrong password, no code: %v", err)
		}
		// A wrong password with the right code fails as any wrong guess,
		// and does not use the code up.
		if _, err := svc.Authenticate(ctx, "admin@example.org", "a wrong password", code, "192.0.2.1"); err != accounts.ErrBadCredentials {
			t.Fatalf("wrong password, right code: %v", err)
		}
		if _, err := svc.Authenticate(ctx, "admin@example.org", password, code, "192.0.2.1"); err != nil {
			t.Fatalf("right code: %v", err)
		}
		if _, err := svc.Authenticate(ctx, "admin@example.org", password, code, "192.0.2.1"); err != accounts.ErrBadCredentials {
			t.Fatalf("the same code a second time: %v", err)
		}
		// Nor is the previous step's code good once a newer one was used.
		clk.advance(30 * time.Second)
		older := code
		code, _ = totp.GenerateCode(u.TOTPSecret, clk.now())
		if _, err := svc.Authenticate(ctx, "admin@example.org", password, code, "192.0.2.1"); err != nil {
			t.Fatalf("the next code: %v", err)
		}
		clk.advance(30 * time.Second)
		if _, err := svc.Authenticate(ctx, "admin@example.org", password, older, "192.0.2.1"); err != accounts.ErrBadCredentials {
			t.Fatalf("an older code after a newer one: %v", err)
		}
	})
}

// TestTOTPOnceUnderConcurrency signs in with one code from many places at
// the same moment: one of them gets in.
func TestTOTPOnceUnderConcurrency(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		svc, clk, org := setup(t, s)
		u, err := svc.Create(ctx, policy.System(), accounts.NewUser{OrgID: org.ID, Email: "admin@example.org", Roles: []model.Role{model.RoleAdmin}, Password: password, WithTOTP: true})
		if err != nil {
			t.Fatal(err)
		}
		code, _ := totp.GenerateCode(u.TOTPSecret, clk.now())
		const n = 4
		errs := make(chan error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := svc.Authenticate(ctx, "admin@example.org", password, code, fmt.Sprintf("192.0.2.%d", i))
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		ok := 0
		for err := range errs {
			switch {
			case err == nil:
				ok++
			case err != accounts.ErrBadCredentials:
				t.Errorf("a refused replay: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("one code signed in %d times at once", ok)
		}
	})
}

// TestLimitsUnderConcurrency sends a burst of wrong passwords for one
// account at the same moment: no more are checked than the limit allows.
func TestLimitsUnderConcurrency(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		svc, _, org := setup(t, s)
		if _, err := svc.Create(ctx, policy.System(), accounts.NewUser{OrgID: org.ID, Email: "donor@example.org", Roles: []model.Role{model.RoleDonor}, Password: password}); err != nil {
			t.Fatal(err)
		}
		var checks atomic.Int32
		accounts.SetCheck(svc, func(pw, enc string) (bool, error) {
			checks.Add(1)
			return accounts.CheckPassword(pw, enc)
		})
		const n = 16
		errs := make(chan error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := svc.Authenticate(ctx, "donor@example.org", "a wrong password", "", fmt.Sprintf("198.51.100.%d", i))
				errs <- err
			}()
		}
		close(start)
		wg.Wait()
		close(errs)
		bad, limited := 0, 0
		for err := range errs {
			switch {
			case err == accounts.ErrBadCredentials:
				bad++
			case errors.Is(err, model.ErrRateLimited):
				limited++
			default:
				t.Errorf("unexpected answer: %v", err)
			}
		}
		max := accounts.Defaults.MaxAccountFailures
		if got := int(checks.Load()); got > max || bad != got || bad+limited != n {
			t.Fatalf("%d passwords checked (limit %d); %d wrong, %d refused", got, max, bad, limited)
		}
	})
}

// TestHashingGate holds the hashes in progress: beyond the gate's size an
// attempt is refused at once as busy, and gets in once a slot is free.
func TestHashingGate(t *testing.T) {
	s := storetest.OpenSQLite(t)
	ctx := context.Background()
	c := &clock{time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)}
	cfg := accounts.Defaults
	cfg.Params = accounts.Params{Memory: 8 * 1024, Time: 1, Threads: 1}
	cfg.HashSlots, cfg.HashWait = 2, 0
	svc, err := accounts.NewService(s, c.now, cfg)
	if err != nil {
		t.Fatal(err)
	}
	entered, hold := make(chan struct{}), make(chan struct{})
	var holding atomic.Bool
	holding.Store(true)
	accounts.SetCheck(svc, func(pw, enc string) (bool, error) {
		if holding.Load() {
			entered <- struct{}{}
			<-hold
		}
		return accounts.CheckPassword(pw, enc)
	})
	done := make(chan error, 2)
	for i := range 2 {
		go func() {
			_, err := svc.Authenticate(ctx, fmt.Sprintf("held%d@example.org", i), "a wrong password", "", "192.0.2.1")
			done <- err
		}()
		<-entered
	}
	_, err = svc.Authenticate(ctx, "third@example.org", "a wrong password", "", "192.0.2.2")
	var th *model.Throttled
	if err != accounts.ErrBusy || !errors.Is(err, model.ErrRateLimited) || !errors.As(err, &th) || th.RetryAfter <= 0 {
		t.Fatalf("a third hash at once: %v", err)
	}
	holding.Store(false)
	close(hold)
	for range 2 {
		if err := <-done; err != accounts.ErrBadCredentials {
			t.Fatalf("a held attempt: %v", err)
		}
	}
	// The refused attempt was not counted as a guess: the account still
	// has all its attempts.
	for i := range accounts.Defaults.MaxAccountFailures {
		if _, err := svc.Authenticate(ctx, "third@example.org", "a wrong password", "", "192.0.2.2"); err != accounts.ErrBadCredentials {
			t.Fatalf("attempt %d after the gate freed: %v", i+1, err)
		}
	}
}

// TestRehash: a hash made with other costs still verifies, and is brought
// to the current costs at the next sign-in.
func TestRehash(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		old, _, org := setup(t, s)
		if _, err := old.Create(ctx, policy.System(), accounts.NewUser{OrgID: org.ID, Email: "donor@example.org", Roles: []model.Role{model.RoleDonor}, Password: password}); err != nil {
			t.Fatal(err)
		}
		cfg := accounts.Defaults
		cfg.Params = accounts.Params{Memory: 9 * 1024, Time: 2, Threads: 1}
		svc, err := accounts.NewService(s, time.Now, cfg)
		if err != nil {
			t.Fatal(err)
		}
		id, err := svc.Authenticate(ctx, "donor@example.org", password, "", "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		u, err := s.UserByID(ctx, id.User.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=9216,t=2,p=1$") {
			t.Fatalf("not rehashed: %s", u.PasswordHash)
		}
		if _, err := svc.Authenticate(ctx, "donor@example.org", password, "", "192.0.2.1"); err != nil {
			t.Fatalf("after the rehash: %v", err)
		}
	})
}

func TestDefaultParams(t *testing.T) {
	// OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane.
	if p := accounts.DefaultParams; p != (accounts.Params{Memory: 19 * 1024, Time: 2, Threads: 1}) {
		t.Fatalf("default argon2id parameters %+v", p)
	}
}

// TestFormerOrganisation: an organisation that leaves takes its users'
// sign-ins, sessions and tokens with it.
func TestFormerOrganisation(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		svc, _, org := setup(t, s)
		if _, err := svc.Create(ctx, policy.System(), accounts.NewUser{OrgID: org.ID, Email: "donor@example.org", Roles: []model.Role{model.RoleDonor}, Password: password}); err != nil {
			t.Fatal(err)
		}
		id, err := svc.Authenticate(ctx, "donor@example.org", password, "", "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		sess, _, err := svc.StartSession(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := svc.IssueToken(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		org.Participation = model.Former
		if err := s.UpdateOrganisation(ctx, &org); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Authenticate(ctx, "donor@example.org", password, "", "192.0.2.1"); err != accounts.ErrFormerOrganisation {
			t.Fatalf("sign-in: %v", err)
		}
		// A wrong password is still just wrong: the refusal tells only one
		// who knows the password that the organisation left.
		if _, err := svc.Authenticate(ctx, "donor@example.org", "a wrong password", "", "192.0.2.1"); err != accounts.ErrBadCredentials {
			t.Fatalf("wrong password: %v", err)
		}
		id.Org = org
		if _, _, err := svc.IssueToken(ctx, id); err != accounts.ErrFormerOrganisation {
			t.Fatalf("token issued: %v", err)
		}
		if _, _, err := svc.StartSession(ctx, id); err != accounts.ErrFormerOrganisation {
			t.Fatalf("session started: %v", err)
		}
		if _, _, _, err := svc.Session(ctx, sess); !errors.Is(err, model.ErrUnauthenticated) {
			t.Fatalf("session still resolves: %v", err)
		}
		who, _, _, err := svc.Token(ctx, tok)
		if err != nil || !who.Viewer().Anonymous() {
			t.Fatalf("token resolves to %+v, %v; want no one", who.User, err)
		}
	})
}

func TestRolesFitTheOrganisation(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		svc, c, ee := setup(t, s)
		orgs := organisations.NewService(s, c.now)
		mk := func(name string, kind model.OrgKind, part model.Participation, country string) model.Organisation {
			o, err := orgs.Create(ctx, policy.System(), organisations.Input{Name: &name, Kind: &kind, Participation: &part, Country: &country})
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
			_, err := svc.Create(ctx, policy.System(), accounts.NewUser{OrgID: c.org.ID, Email: "u" + string(rune('a'+i)) + "@example.org", Roles: []model.Role{c.role}, Password: password})
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

// TestViewersWith: the accounts whose roles grant a permission, each exactly
// as a session of theirs acts (the platform prepares per viewer what they
// will ask for, keyed by the whole viewer); not a disabled account, nor one
// whose roles do not grant it.
func TestViewersWith(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		svc, _, org := setup(t, s)
		var ids []string
		for _, u := range []accounts.NewUser{
			{OrgID: org.ID, Email: "coord@example.org", Roles: []model.Role{model.RoleCoordinator, model.RoleDonor}, Password: password},
			{OrgID: org.ID, Email: "admin@example.org", Roles: []model.Role{model.RoleAdmin}, Password: password},
			{OrgID: org.ID, Email: "donor@example.org", Roles: []model.Role{model.RoleDonor}, Password: password},
			{OrgID: org.ID, Email: "gone@example.org", Roles: []model.Role{model.RoleCoordinator}, Password: password},
		} {
			created, err := svc.Create(ctx, policy.System(), u)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, created.ID)
		}
		gone, err := s.UserByID(ctx, ids[3])
		if err == nil {
			gone.Disabled = true
			err = s.UpdateUser(ctx, &gone)
		}
		if err != nil {
			t.Fatal(err)
		}
		got, err := svc.ViewersWith(ctx, policy.AuditRead)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, email := range []string{"coord@example.org", "admin@example.org"} {
			id, err := svc.Authenticate(ctx, email, password, "", "192.0.2.1")
			if err != nil {
				t.Fatal(err)
			}
			token, _, err := svc.StartSession(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			sess, _, _, err := svc.Session(ctx, token)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, fmt.Sprintf("%#v", sess.Viewer()))
		}
		var gotKeys []string
		for _, v := range got {
			gotKeys = append(gotKeys, fmt.Sprintf("%#v", v))
		}
		slices.Sort(gotKeys)
		slices.Sort(want)
		if !slices.Equal(gotKeys, want) {
			t.Fatalf("viewers with audit:read:\n got %v\nwant %v", gotKeys, want)
		}
	})
}
