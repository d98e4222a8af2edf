package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// orgSSO adds or updates an organisation's OpenID Connect provider. The
// client secret never comes as an argument, which other users of the
// machine can read: it comes from the environment or a file.
func (e *env) orgSSO(args []string) error {
	fs, db := newFlagSet("org sso", e)
	org := fs.String("org", "", "id of the organisation")
	issuer := fs.String("issuer", "", "the provider's issuer URL (https)")
	clientID := fs.String("client-id", "", "this site's client id at the provider")
	secretFile := fs.String("client-secret-file", "", "file holding the client secret (else $CYBERAID_SSO_CLIENT_SECRET)")
	name := fs.String("name", "", "name shown on the sign-in page (default: the issuer's host)")
	domains := fs.String("email-domains", "", "comma-separated e-mail domains the provider may vouch for (default: any)")
	noPasswords := fs.Bool("no-passwords", false, "the organisation's users may no longer sign in with a local password")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case *org == "":
		return usageError{"--org is required"}
	case *issuer == "":
		return usageError{"--issuer is required"}
	case *clientID == "":
		return usageError{"--client-id is required"}
	}
	secret := os.Getenv("CYBERAID_SSO_CLIENT_SECRET")
	if *secretFile != "" {
		b, err := os.ReadFile(*secretFile)
		if err != nil {
			return fmt.Errorf("--client-secret-file: %w", err)
		}
		secret = strings.TrimSpace(string(b))
	}
	a, done, err := e.openApp(db)
	if err != nil {
		return err
	}
	defer done()
	p, err := a.Accounts.PutSSOProvider(e.ctx, accounts.Identity{}, policy.System(), accounts.SSOInput{
		OrgID: *org, Name: *name, Issuer: *issuer, ClientID: *clientID, ClientSecret: secret,
		EmailDomains: strings.Split(*domains, ","), AllowPasswords: !*noPasswords,
	})
	if err != nil {
		err = describe(err)
		if strings.HasPrefix(err.Error(), "--client-secret") {
			return fmt.Errorf("%w (set CYBERAID_SSO_CLIENT_SECRET or give --client-secret-file)", err)
		}
		return err
	}
	fmt.Fprintln(e.stdout, p.ID)
	return nil
}
