package accounts_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/pquerna/otp/totp"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/i18n"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/notify"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

type outbox struct {
	mu   sync.Mutex
	sent []string
}

func (o *outbox) Send(_ context.Context, to, subject, body string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, to+"\n"+subject+"\n"+body)
	return nil
}

// TestSecondFactors: a passkey is the second factor after a password,
// recovery codes are good once and stand in for a TOTP code or a passkey,
// and every change is audited and e-mailed to the user whatever their
// settings.
func TestSecondFactors(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		svc, clk, org := setup(t, s)
		texts, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		mail := &outbox{}
		n := notify.NewService(s, clk.now, mail, texts)
		n.BaseURL = "https://cyberaid.example"
		svc.SetNotifier(n)
		if err := svc.EnablePasskeys("https://cyberaid.example"); err != nil {
			t.Fatal(err)
		}
		created, err := svc.Create(ctx, policy.System(), accounts.NewUser{OrgID: org.ID, Email: "coord@example.org", Roles: []model.Role{model.RoleCoordinator}, Password: password, WithTOTP: true})
		if err != nil {
			t.Fatal(err)
		}
		u := created.User
		id := accounts.Identity{User: u, Org: org}
		// The user turns security notices off in vain: there is no such
		// setting to turn.
		if err := n.SetPreference(ctx, id.Viewer(), model.NotifySecurity, false); err == nil {
			t.Fatal("security notices could be turned off")
		}

		codes, err := svc.NewRecoveryCodes(ctx, id)
		if err != nil || len(codes) != 10 {
			t.Fatalf("codes = %v, %v", codes, err)
		}
		// A recovery code stands in for the TOTP code, once.
		if _, err := svc.Authenticate(ctx, "coord@example.org", password, codes[0], "192.0.2.1"); err != nil {
			t.Fatalf("recovery code in place of TOTP: %v", err)
		}
		if _, err := svc.Authenticate(ctx, "coord@example.org", password, codes[0], "192.0.2.1"); !errors.Is(err, accounts.ErrBadCredentials) {
			t.Fatalf("a spent recovery code: %v", err)
		}
		code, _ := totp.GenerateCode(u.TOTPSecret, clk.now())
		if _, err := svc.Authenticate(ctx, "coord@example.org", password, code, "192.0.2.1"); err != nil {
			t.Fatalf("TOTP still works: %v", err)
		}

		// The platform requires a phishing-resistant factor of staff: a
		// coordinator without a passkey is held, and gets no token.
		if err := svc.SetStaffPolicy(ctx, id, true); err != nil {
			t.Fatal(err)
		}
		if must, err := svc.MustEnrol(ctx, id, nil); err != nil || !must {
			t.Fatalf("must enrol = %v, %v", must, err)
		}
		if must, _ := svc.MustEnrol(ctx, id, &model.Session{Method: model.SignInSSO}); must {
			t.Fatal("a single sign-on session is held")
		}
		clk.advance(31e9)
		code, _ = totp.GenerateCode(u.TOTPSecret, clk.now())
		if _, err := svc.Authenticate(ctx, "coord@example.org", password, code, "192.0.2.1"); !errors.Is(err, accounts.ErrStrongFactorRequired) {
			t.Fatalf("token for a held coordinator: %v", err)
		}

		// With a passkey, the password is followed by the passkey, not TOTP,
		// and the API wants a token from the account page.
		pk := model.Passkey{UserID: u.ID, CredentialID: "cred", Name: "Key", Credential: "{}", CreatedAt: clk.now()}
		if err := s.CreatePasskey(ctx, &pk); err != nil {
			t.Fatal(err)
		}
		if must, _ := svc.MustEnrol(ctx, id, nil); must {
			t.Fatal("a coordinator with a passkey is held")
		}
		got, passkey, err := svc.SignIn(ctx, "coord@example.org", password, "", "192.0.2.1")
		if err != nil || !passkey || got.User.ID != u.ID {
			t.Fatalf("password of a passkey account: %v %v", passkey, err)
		}
		if _, err := svc.Authenticate(ctx, "coord@example.org", password, "", "192.0.2.1"); !errors.Is(err, accounts.ErrPasskeyRequired) {
			t.Fatalf("token for a password alone: %v", err)
		}
		// A wrong password is still wrong, passkey or not.
		if _, _, err := svc.SignIn(ctx, "coord@example.org", "wrong password", "", "192.0.2.1"); !errors.Is(err, accounts.ErrBadCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
		// The held sign-in finishes with a recovery code, once.
		held, err := svc.BeginSecondFactor(ctx, got, "/pledges")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.FinishWithRecoveryCode(ctx, held, "nope-nope1", "192.0.2.1"); !errors.Is(err, accounts.ErrBadCredentials) {
			t.Fatalf("wrong recovery code: %v", err)
		}
		held, _ = svc.BeginSecondFactor(ctx, got, "/pledges")
		done, next, err := svc.FinishWithRecoveryCode(ctx, held, strings.ToUpper(codes[1]), "192.0.2.1")
		if err != nil || done.User.ID != u.ID || next != "/pledges" {
			t.Fatalf("recovery code as second step: %v %q %v", done.User.ID, next, err)
		}
		if _, _, err := svc.FinishWithRecoveryCode(ctx, held, codes[2], "192.0.2.1"); !errors.Is(err, model.ErrUnauthenticated) {
			t.Fatalf("a held sign-in finished twice: %v", err)
		}

		if err := svc.RemovePasskey(ctx, id, pk.ID); err != nil {
			t.Fatal(err)
		}
		if err := svc.RemovePasskey(ctx, accounts.Identity{User: model.User{ID: "someone-else"}}, pk.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("removing a gone passkey: %v", err)
		}

		// Every change was audited and told to the user by e-mail.
		events, err := s.ListAuditEvents(ctx, model.AuditFilter{ObjectID: u.ID}, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range events {
			actions = append(actions, e.Action)
		}
		for _, want := range []string{"recovery_codes.create", "recovery_code.use", "passkey.remove"} {
			if !strings.Contains(strings.Join(actions, " "), want) {
				t.Errorf("audit lacks %s: %v", want, actions)
			}
		}
		if _, err := n.SendMail(ctx); err != nil {
			t.Fatal(err)
		}
		all := strings.Join(mail.sent, "\n---\n")
		if !strings.Contains(all, "Passkey removed") || !strings.Contains(all, "Recovery code used") || !strings.Contains(all, "https://cyberaid.example/account") {
			t.Fatalf("mail sent:\n%s", all)
		}
		list, err := n.List(ctx, id.Viewer())
		if err != nil || len(list) == 0 || list[0].Kind != model.NotifySecurity {
			t.Fatalf("the user's notifications: %+v, %v", list, err)
		}
	})
}
