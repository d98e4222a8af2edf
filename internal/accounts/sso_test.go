package accounts_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/oidctest"
	"github.com/cyberaid/cyberaid/internal/organisations"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

const redirect = "https://cyberaid.example/signin/sso/callback"

func newOrg(t *testing.T, s *store.DB, c *clock, name string, part model.Participation) model.Organisation {
	t.Helper()
	kind, country := model.KindState, "LV"
	o, err := organisations.NewService(s, c.now).Create(context.Background(), policy.System(),
		organisations.Input{Name: &name, Kind: &kind, Participation: &part, Country: &country})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestSSO signs in through a real OpenID provider on a loopback port, and
// makes its token wrong in one way at a time.
func TestSSO(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		svc, clk, ee := setup(t, s)
		lv := newOrg(t, s, clk, "Latvia", model.Member)
		gone := newOrg(t, s, clk, "Formerland", model.Former)
		op := oidctest.Start(t, clk.now, true)
		user := func(org model.Organisation, email string) model.User {
			t.Helper()
			u, err := svc.Create(ctx, policy.System(), accounts.NewUser{OrgID: org.ID, Email: email, Roles: []model.Role{model.RoleViewer}, Password: password})
			if err != nil {
				t.Fatal(err)
			}
			return u.User
		}
		alice := user(ee, "alice@ria.example.ee")
		user(lv, "bob@ria.example.ee")
		user(ee, "dave@mail.example")
		user(gone, "erin@ria.example.ee")
		provider := func(org model.Organisation, clientID string, allowPasswords bool) model.SSOProvider {
			t.Helper()
			p, err := svc.PutSSOProvider(ctx, accounts.Identity{}, policy.System(), accounts.SSOInput{
				OrgID: org.ID, Name: "RIA", Issuer: op.Issuer, ClientID: clientID, ClientSecret: op.ClientSecret,
				EmailDomains: []string{"RIA.example.ee"}, AllowPasswords: allowPasswords,
			})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		eeSSO := provider(ee, op.ClientID, true)
		begin := func(p model.SSOProvider) (state, code string) {
			t.Helper()
			to, state, err := svc.BeginSSO(ctx, p.ID, "/requirements", redirect)
			if err != nil {
				t.Fatal(err)
			}
			back := op.Follow(t, to)
			if back.Get("state") != state {
				t.Fatalf("the provider sent back state %q, want %q", back.Get("state"), state)
			}
			return state, back.Get("code")
		}
		signIn := func(p model.SSOProvider) (accounts.SSOResult, error) {
			state, code := begin(p)
			return svc.FinishSSO(ctx, state, code, redirect)
		}
		refused := func(name string, p model.SSOProvider, wantReason string) {
			t.Helper()
			_, err := signIn(p)
			var r *accounts.SSORefusal
			if !errors.As(err, &r) || !errors.Is(err, accounts.ErrSSORefused) || !strings.Contains(r.Reason, wantReason) {
				t.Fatalf("%s: err = %v, want a refusal for %q", name, err, wantReason)
			}
		}

		// A good sign-in, matched by verified e-mail and then linked.
		op.SignInAs(oidctest.User{Subject: "sub-alice", Email: "Alice@ria.example.ee", EmailVerified: true})
		res, err := signIn(eeSSO)
		if err != nil {
			t.Fatal(err)
		}
		if res.Identity.User.ID != alice.ID || res.Next != "/requirements" || res.ProviderID != eeSSO.ID {
			t.Fatalf("signed in %+v", res)
		}
		// Once linked, the subject signs in whatever the token's address.
		op.SignInAs(oidctest.User{Subject: "sub-alice", Email: "", EmailVerified: false})
		if res, err := signIn(eeSSO); err != nil || res.Identity.User.ID != alice.ID {
			t.Fatalf("linked sign-in: %+v, %v", res, err)
		}

		// A state is good once.
		state, code := begin(eeSSO)
		if _, err := svc.FinishSSO(ctx, state, code, redirect); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.FinishSSO(ctx, state, code, redirect); !errors.Is(err, model.ErrUnauthenticated) || !strings.Contains(err.Error(), "expired or was already used") {
			t.Fatalf("replayed state: %v", err)
		}
		// A state expires.
		state, code = begin(eeSSO)
		clk.advance(11 * time.Minute)
		if _, err := svc.FinishSSO(ctx, state, code, redirect); !errors.Is(err, model.ErrUnauthenticated) {
			t.Fatalf("expired state: %v", err)
		}

		// The token, wrong in one way at a time.
		op.ShapeNextToken(func(c map[string]any) { c["aud"] = "another-client" })
		refused("wrong audience", eeSSO, "audience")
		op.ShapeNextToken(func(c map[string]any) { c["iss"] = "https://evil.example" })
		refused("wrong issuer", eeSSO, "different provider")
		op.ShapeNextToken(func(c map[string]any) { c["exp"] = clk.now().Add(-2 * time.Minute).Unix() })
		refused("expired token", eeSSO, "expired")
		op.ShapeNextToken(func(c map[string]any) { c["iat"] = clk.now().Add(5 * time.Minute).Unix() })
		refused("token from the future", eeSSO, "future")
		op.ShapeNextToken(func(c map[string]any) { c["nonce"] = "not-the-nonce" })
		refused("nonce mismatch", eeSSO, "nonce")
		op.SignNextWithForeignKey(t)
		refused("foreign signature", eeSSO, "ID token")
		// A clock a little behind the provider's is forgiven, by a bounded amount.
		op.ShapeNextToken(func(c map[string]any) { c["exp"] = clk.now().Add(-30 * time.Second).Unix() })
		if _, err := signIn(eeSSO); err != nil {
			t.Fatalf("a token 30 s past its expiry is within the skew: %v", err)
		}

		// Who the provider vouches for must have been provisioned here, in
		// the provider's organisation, with an allowed, verified address.
		op.SignInAs(oidctest.User{Subject: "sub-x", Email: "nobody@ria.example.ee", EmailVerified: true})
		refused("unprovisioned user", eeSSO, "no account")
		op.SignInAs(oidctest.User{Subject: "sub-bob", Email: "bob@ria.example.ee", EmailVerified: true})
		refused("user of another organisation", eeSSO, "another organisation")
		op.SignInAs(oidctest.User{Subject: "sub-alice-2", Email: "alice@ria.example.ee", EmailVerified: false})
		refused("unverified e-mail", eeSSO, "not verified")
		op.SignInAs(oidctest.User{Subject: "sub-dave", Email: "dave@mail.example", EmailVerified: true})
		refused("domain not allowed", eeSSO, "domain")

		// Latvia's provider, at the same issuer, never signs in an
		// Estonian user, even one linked at Estonia's provider.
		lvSSO := provider(lv, "cyberaid-lv", true)
		op.ClientID = "cyberaid-lv"
		op.SignInAs(oidctest.User{Subject: "sub-alice", Email: "alice@ria.example.ee", EmailVerified: true})
		refused("another organisation's provider", lvSSO, "another organisation")
		op.ClientID = "cyberaid"

		// A former organisation's users are refused as with passwords.
		goneSSO := provider(gone, op.ClientID, true)
		op.SignInAs(oidctest.User{Subject: "sub-erin", Email: "erin@ria.example.ee", EmailVerified: true})
		if _, err := signIn(goneSSO); !errors.Is(err, accounts.ErrFormerOrganisation) {
			t.Fatalf("former organisation: %v", err)
		}

		// The provider publishes an end-session endpoint: sign-out offers it.
		if u := svc.SSOEndSessionURL(ctx, eeSSO.ID, "https://cyberaid.example/"); !strings.HasPrefix(u, op.Issuer+"/logout?") || !strings.Contains(u, "client_id=cyberaid") {
			t.Fatalf("end-session URL = %q", u)
		}

		// With passwords turned off for Estonia, its users sign in through
		// the provider only.
		if _, err := svc.Authenticate(ctx, "alice@ria.example.ee", password, "", "192.0.2.1"); err != nil {
			t.Fatalf("password while allowed: %v", err)
		}
		provider(ee, op.ClientID, false)
		if _, err := svc.Authenticate(ctx, "alice@ria.example.ee", password, "", "192.0.2.1"); !errors.Is(err, accounts.ErrPasswordsOff) {
			t.Fatalf("password while turned off: %v", err)
		}
		// The secret is never shown back.
		ps, err := svc.SSOProviders(ctx, ee.ID)
		if err != nil || len(ps) != 1 {
			t.Fatalf("providers: %+v, %v", ps, err)
		}
		if _, err := svc.PutSSOProvider(ctx, accounts.Identity{}, policy.System(), accounts.SSOInput{OrgID: ee.ID, Issuer: "http://id.example.ee", ClientID: "x", ClientSecret: "y"}); err == nil {
			t.Fatal("a plain-HTTP issuer off the loopback was accepted")
		}
	})
}
