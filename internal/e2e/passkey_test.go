package e2e

import (
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestPasskeys registers a passkey in the browser's virtual authenticator,
// signs in with it alone and as the second step after a password, removes
// it, and sees a sign-in with it refused afterwards.
func TestPasskeys(t *testing.T) {
	ctx := browser(t)
	// WebAuthn takes no IP address as relying party id: the site is
	// reached as localhost, and that is its configured address.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	base := "http://localhost:" + port
	a, _ := apptest.NewWith(t, storetest.OpenSQLite(t), app.Options{Now: time.Now, BaseURL: base})
	srv := httptest.NewUnstartedServer(a.Web)
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	defer srv.Close()

	if _, err := chromedp.Call(ctx, webauthn.Enable, webauthn.EnableParams{}); err != nil {
		t.Fatalf("enable WebAuthn: %v", err)
	}
	if _, err := chromedp.Call(ctx, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: &webauthn.VirtualAuthenticatorOptions{
		Protocol: webauthn.AuthenticatorProtocolCtap2, Ctap2version: webauthn.Ctap2versionCtap21, Transport: webauthn.AuthenticatorTransportInternal,
		HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
	}}); err != nil {
		t.Fatalf("add a virtual authenticator: %v", err)
	}

	s := &session{t: t, ctx: ctx, base: base}
	run, read := s.run, s.read
	who := func() string {
		return read("see who is signed in", chromedp.Text(chromedp.CSS(`.account-name`)))
	}
	passkeySignIn := func(step string) {
		t.Helper()
		run(step,
			chromedp.WaitVisible(chromedp.CSS(`[data-passkey="signin"] [data-passkey-start]`)),
			chromedp.Click(chromedp.CSS(`[data-passkey="signin"] [data-passkey-start]`)),
			chromedp.WaitVisible(chromedp.CSS(`form[action="/signout"]`)),
		)
	}

	s.signIn("donor")
	run("register a passkey",
		chromedp.Navigate(base+"/account"),
		chromedp.WaitVisible(chromedp.CSS(`form[data-passkey="register"]`)),
		chromedp.SendKeys(chromedp.CSS(`#f-passkey-name`), "Laptop key"),
		chromedp.Click(chromedp.CSS(`form[data-passkey="register"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#passkeys`)),
	)
	if got := read("read the passkeys", chromedp.Text(chromedp.CSS(`#passkeys tbody`))); !strings.Contains(got, "Laptop key") {
		t.Fatalf("the account page lists %q, want the new passkey", got)
	}
	s.signOut()

	// A passkey alone signs in.
	run("open the sign-in page", chromedp.Navigate(base+"/signin"))
	passkeySignIn("sign in with the passkey alone")
	if got := who(); got != "donor" {
		t.Fatalf("the passkey signed in %q, want donor", got)
	}
	s.signOut()

	// A password is no longer enough: the passkey is asked for next.
	run("sign in with the password",
		chromedp.Navigate(base+"/signin"),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), "donor@test.example"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), apptest.Password),
		chromedp.Click(chromedp.CSS(`form[action="/signin"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/signin/recovery"]`)),
	)
	passkeySignIn("show the passkey after the password")

	run("remove the passkey",
		chromedp.Navigate(base+"/account"),
		chromedp.Click(chromedp.CSS(`#passkeys form button`)),
		chromedp.WaitVisible(chromedp.CSS(`form[data-passkey="register"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#passkeys`)),
	)
	s.signOut()

	// The authenticator still holds the credential; the site refuses it.
	run("try the removed passkey",
		chromedp.Navigate(base+"/signin"),
		chromedp.WaitVisible(chromedp.CSS(`[data-passkey="signin"] [data-passkey-start]`)),
		chromedp.Click(chromedp.CSS(`[data-passkey="signin"] [data-passkey-start]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-passkey="signin"] [data-passkey-error]`)),
	)
	if got := read("read the refusal", chromedp.Text(chromedp.CSS(`[data-passkey-error]`))); !strings.Contains(got, "does not sign in") {
		t.Fatalf("the refusal reads %q", got)
	}
	run("still signed out", chromedp.WaitVisible(chromedp.CSS(`a[href^="/signin"]`)))
}
