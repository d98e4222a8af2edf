package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOrgSSO(t *testing.T) {
	backends(t, func(t *testing.T, db []string) {
		args := func(a ...string) []string { return append(a, db...) }
		r := run(t, "", args("org", "add", "--name", "Estonia", "--kind", "state", "--participation", "member", "--country", "EE")...)
		if r.code != 0 {
			t.Fatalf("org add: %+v", r)
		}
		ee := r.stdout
		t.Setenv("CYBERAID_SSO_CLIENT_SECRET", "")
		r = run(t, "", args("org", "sso", "--org", ee, "--issuer", "https://id.example.ee", "--client-id", "cyberaid")...)
		if r.code != 1 || !strings.Contains(r.stderr, "CYBERAID_SSO_CLIENT_SECRET") {
			t.Fatalf("without a secret: %+v", r)
		}
		r = run(t, "", args("org", "sso", "--org", ee, "--issuer", "http://id.example.ee", "--client-id", "cyberaid")...)
		if r.code != 1 || !strings.Contains(r.stderr, "--issuer") {
			t.Fatalf("a plain-HTTP issuer should be refused naming the flag: %+v", r)
		}
		r = run(t, "", args("org", "sso", "--issuer", "https://id.example.ee")...)
		if r.code != 2 || !strings.Contains(r.stderr, "--org is required") {
			t.Fatalf("without --org: %+v", r)
		}
		secret := filepath.Join(t.TempDir(), "secret")
		if err := os.WriteFile(secret, []byte("s3cret\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		r = run(t, "", args("org", "sso", "--org", ee, "--issuer", "https://id.example.ee", "--client-id", "cyberaid",
			"--client-secret-file", secret, "--email-domains", "ria.example.ee")...)
		if r.code != 0 || r.stdout == "" {
			t.Fatalf("org sso: %+v", r)
		}
		first := r.stdout
		// The same issuer and client again updates the provider, here from
		// the environment.
		t.Setenv("CYBERAID_SSO_CLIENT_SECRET", "rotated")
		r = run(t, "", args("org", "sso", "--org", ee, "--issuer", "https://id.example.ee", "--client-id", "cyberaid", "--no-passwords")...)
		if r.code != 0 || r.stdout != first {
			t.Fatalf("org sso again = %+v, want the same provider %s", r, first)
		}
	})
}
