package storetest

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

func testSSOProviders(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	org := newOrg(t, s, "Estonia")
	other := newOrg(t, s, "Latvia")
	u := newUser(t, s, org.ID, "a@example.ee")
	p := model.SSOProvider{OrgID: org.ID, Name: "RIA", Issuer: "https://id.example.ee", ClientID: "cyberaid",
		ClientSecret: "s3cret", EmailDomains: []string{"mil.example.ee", "example.ee"}, AllowPasswords: true}
	must(t, s.CreateSSOProvider(ctx, &p))
	dup := p
	dup.ID = ""
	wantErr(t, s.CreateSSOProvider(ctx, &dup), model.ErrDuplicate)
	q := model.SSOProvider{OrgID: other.ID, Name: "LV", Issuer: "https://id.example.ee", ClientID: "cyberaid", ClientSecret: "x"}
	must(t, s.CreateSSOProvider(ctx, &q))

	got, err := s.SSOProviderByID(ctx, p.ID)
	must(t, err)
	if got.ClientSecret != "s3cret" || len(got.EmailDomains) != 2 || got.EmailDomains[0] != "example.ee" || !got.AllowPasswords {
		t.Fatalf("provider = %+v", got)
	}
	got.AllowPasswords, got.EmailDomains = false, nil
	must(t, s.UpdateSSOProvider(ctx, &got))
	if got, _ = s.SSOProviderByID(ctx, p.ID); got.AllowPasswords || got.EmailDomains != nil {
		t.Fatalf("after update: %+v", got)
	}
	list, err := s.ListSSOProviders(ctx, org.ID)
	must(t, err)
	if len(list) != 1 || list[0].ID != p.ID {
		t.Fatalf("providers of the organisation = %+v", list)
	}
	if all, _ := s.ListSSOProviders(ctx, ""); len(all) != 2 {
		t.Fatalf("all providers = %d, want 2", len(all))
	}

	_, err = s.SSOLinkedUser(ctx, p.ID, "sub-1")
	wantErr(t, err, model.ErrNotFound)
	must(t, s.LinkSSOSubject(ctx, p.ID, "sub-1", u.ID, t0))
	wantErr(t, s.LinkSSOSubject(ctx, p.ID, "sub-2", u.ID, t0), model.ErrDuplicate)
	if id, err := s.SSOLinkedUser(ctx, p.ID, "sub-1"); err != nil || id != u.ID {
		t.Fatalf("linked user = %q, %v", id, err)
	}
	must(t, s.DeleteSSOProvider(ctx, p.ID))
	wantErr(t, s.DeleteSSOProvider(ctx, p.ID), model.ErrNotFound)
	_, err = s.SSOLinkedUser(ctx, p.ID, "sub-1")
	wantErr(t, err, model.ErrNotFound)
}

func testSignInFlows(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	org := newOrg(t, s, "Estonia")
	u := newUser(t, s, org.ID, "a@example.ee")
	f := model.SignInFlow{ID: "state-1", Kind: model.FlowSSO, ProviderID: "p", Nonce: "n", Verifier: "v", Next: "/x", ExpiresAt: t0.Add(10 * time.Minute)}
	must(t, s.CreateSignInFlow(ctx, f))
	must(t, s.CreateSignInFlow(ctx, model.SignInFlow{ID: "state-2", Kind: model.FlowPasskeyRegister, UserID: u.ID, Data: "{}", ExpiresAt: t0.Add(time.Minute)}))
	must(t, s.CreateSignInFlow(ctx, model.SignInFlow{ID: "state-3", Kind: model.FlowSSO, ExpiresAt: t0.Add(time.Minute)}))

	// Many takers of one state: exactly one gets it.
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if got, err := s.TakeSignInFlow(ctx, "state-1", t0); err == nil {
				wins.Add(1)
				if got.Nonce != "n" || got.Verifier != "v" || got.ProviderID != "p" || got.UserID != "" || got.Next != "/x" {
					t.Errorf("flow = %+v", got)
				}
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d takers won one state", wins.Load())
	}
	// An expired flow is not given, and is gone.
	_, err := s.TakeSignInFlow(ctx, "state-2", t0.Add(time.Minute))
	wantErr(t, err, model.ErrNotFound)
	must(t, s.DeleteExpiredSignInFlows(ctx, t0.Add(time.Minute)))
	_, err = s.TakeSignInFlow(ctx, "state-3", t0)
	wantErr(t, err, model.ErrNotFound)
}

func testPasskeys(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	org := newOrg(t, s, "Estonia")
	u := newUser(t, s, org.ID, "a@example.ee")
	v := newUser(t, s, org.ID, "b@example.ee")
	p := model.Passkey{UserID: u.ID, CredentialID: "cred-1", Name: "YubiKey", Credential: `{"a":1}`, CreatedAt: t0}
	must(t, s.CreatePasskey(ctx, &p))
	dup := model.Passkey{UserID: v.ID, CredentialID: "cred-1", Name: "x", Credential: "{}", CreatedAt: t0}
	wantErr(t, s.CreatePasskey(ctx, &dup), model.ErrDuplicate)
	must(t, s.UsePasskey(ctx, p.ID, `{"a":2}`, t0.Add(time.Hour)))
	got, err := s.PasskeyByCredentialID(ctx, "cred-1")
	must(t, err)
	if got.UserID != u.ID || got.Credential != `{"a":2}` || got.LastUsedAt == nil || !got.LastUsedAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("passkey = %+v", got)
	}
	if st, err := s.StrongFactorState(ctx, u.ID, org.ID); err != nil || st.Passkeys != 1 || st.OrgRequires || st.StaffRequires {
		t.Fatalf("state = %+v, %v", st, err)
	}
	// Another user cannot remove it.
	_, err = s.DeletePasskey(ctx, v.ID, p.ID)
	wantErr(t, err, model.ErrNotFound)
	gone, err := s.DeletePasskey(ctx, u.ID, p.ID)
	must(t, err)
	if gone.Name != "YubiKey" {
		t.Fatalf("deleted %+v", gone)
	}
	if list, _ := s.ListPasskeys(ctx, u.ID); len(list) != 0 {
		t.Fatalf("passkeys left: %+v", list)
	}

	must(t, s.SetSignInPolicy(ctx, "org:"+org.ID, true))
	must(t, s.SetSignInPolicy(ctx, "staff", true))
	must(t, s.SetSignInPolicy(ctx, "staff", false))
	if st, err := s.StrongFactorState(ctx, u.ID, org.ID); err != nil || !st.OrgRequires || st.StaffRequires || st.Passkeys != 0 {
		t.Fatalf("state = %+v, %v", st, err)
	}
	if on, err := s.SignInPolicy(ctx, "org:nobody"); err != nil || on {
		t.Fatalf("unset policy = %v, %v", on, err)
	}

	must(t, s.ReplaceRecoveryCodes(ctx, u.ID, []string{"h1", "h2"}))
	if ok, err := s.UseRecoveryCode(ctx, u.ID, "h1", t0); err != nil || !ok {
		t.Fatalf("first use = %v, %v", ok, err)
	}
	if ok, _ := s.UseRecoveryCode(ctx, u.ID, "h1", t0); ok {
		t.Fatal("a recovery code was used twice")
	}
	if ok, _ := s.UseRecoveryCode(ctx, v.ID, "h2", t0); ok {
		t.Fatal("another user's recovery code was accepted")
	}
	if n, _ := s.UnusedRecoveryCodes(ctx, u.ID); n != 1 {
		t.Fatalf("unused codes = %d, want 1", n)
	}
	must(t, s.ReplaceRecoveryCodes(ctx, u.ID, []string{"h3"}))
	if ok, _ := s.UseRecoveryCode(ctx, u.ID, "h2", t0); ok {
		t.Fatal("a replaced recovery code was accepted")
	}
}

func testSessionDevices(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	org := newOrg(t, s, "Estonia")
	u := newUser(t, s, org.ID, "a@example.ee")
	v := newUser(t, s, org.ID, "b@example.ee")
	a := model.Session{TokenHash: "h-a", UserID: u.ID, CSRFToken: "c", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour),
		UserAgent: "Firefox", Address: "192.0.2.1", Method: model.SignInSSO, ProviderID: "p1"}
	b := model.Session{TokenHash: "h-b", UserID: u.ID, CSRFToken: "c", CreatedAt: t0.Add(time.Minute), ExpiresAt: t0.Add(time.Hour)}
	must(t, s.CreateSession(ctx, a))
	must(t, s.CreateSession(ctx, b))
	must(t, s.TouchSession(ctx, "h-a", t0.Add(2*time.Minute)))
	list, err := s.ListUserSessions(ctx, u.ID, t0)
	must(t, err)
	if len(list) != 2 || list[0].TokenHash != "h-b" || list[0].Method != model.SignInPassword || list[1].UserAgent != "Firefox" ||
		list[1].Address != "192.0.2.1" || list[1].ProviderID != "p1" || list[1].LastUsedAt == nil || list[1].ID == "" || list[0].ID == list[1].ID {
		t.Fatalf("sessions = %+v", list)
	}
	wantErr(t, s.DeleteUserSession(ctx, v.ID, list[1].ID), model.ErrNotFound)
	must(t, s.DeleteUserSession(ctx, u.ID, list[1].ID))
	_, err = s.SessionByTokenHash(ctx, "h-a")
	wantErr(t, err, model.ErrNotFound)
	must(t, s.CreateAPIToken(ctx, model.APIToken{UserID: u.ID, TokenHash: "t1", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
	if ts, err := s.ListUserAPITokens(ctx, u.ID); err != nil || len(ts) != 1 {
		t.Fatalf("tokens = %+v, %v", ts, err)
	}
}
