package cli_test

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/cli"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return result{code, strings.TrimSpace(out.String()), strings.TrimSpace(errb.String())}
}

// dbArgs returns the flags that point a command at a fresh database of
// each kind: a data directory, or a PostgreSQL schema of its own.
func backends(t *testing.T, fn func(t *testing.T, db []string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, []string{"--data-dir", t.TempDir()}) })
	t.Run("postgres", func(t *testing.T) {
		fn(t, []string{"--database-url", storetest.NewPostgresSchema(t)})
	})
}

func TestAdministration(t *testing.T) {
	backends(t, func(t *testing.T, db []string) {
		args := func(a ...string) []string { return append(a, db...) }

		r := run(t, "", args("migrate")...)
		if r.code != 0 || !strings.Contains(r.stdout, "up to date") {
			t.Fatalf("migrate: %+v", r)
		}
		r = run(t, "", args("org", "add", "--name", "Ukraine", "--kind", "state", "--participation", "member", "--country", "UA")...)
		if r.code != 0 || r.stdout == "" {
			t.Fatalf("org add: %+v", r)
		}
		ua := r.stdout
		r = run(t, "", args("org", "add", "--name", "Mars", "--kind", "planet", "--participation", "member")...)
		if r.code != 1 || !strings.Contains(r.stderr, "--kind") {
			t.Fatalf("org add with a bad kind should name the flag: %+v", r)
		}
		r = run(t, "", args("org", "add", "--kind", "state")...)
		if r.code != 2 || !strings.Contains(r.stderr, "--name is required") {
			t.Fatalf("org add without a name: %+v", r)
		}

		r = run(t, "a long enough password\n", args("user", "add", "--org", ua, "--email", "validator@gov.example", "--role", "validator,viewer", "--password-stdin")...)
		if r.code != 0 || r.stdout == "" {
			t.Fatalf("user add: %+v", r)
		}
		r = run(t, "short\n", args("user", "add", "--org", ua, "--email", "v2@gov.example", "--role", "viewer", "--password-stdin")...)
		if r.code != 1 || !strings.Contains(r.stderr, "--password") {
			t.Fatalf("user add with a short password: %+v", r)
		}
		r = run(t, "password1234\n", args("user", "add", "--org", ua, "--email", "v4@gov.example", "--role", "viewer", "--password-stdin")...)
		if r.code != 1 || !strings.Contains(r.stderr, "--password: This password is too easy to guess: it is a common password.") {
			t.Fatalf("user add with a common password: %+v", r)
		}
		r = run(t, "", args("user", "add", "--org", ua, "--email", "v3@gov.example", "--role", "viewer")...)
		if r.code != 2 || !strings.Contains(r.stderr, "--password-stdin") {
			t.Fatalf("user add without --password-stdin: %+v", r)
		}

		csv := filepath.Join(t.TempDir(), "eurofxref.csv")
		if err := os.WriteFile(csv, []byte("Date, USD, JPY, GBP, \n13 April 2026, 1.1684, 186.75, 0.87058, \n"), 0o600); err != nil {
			t.Fatal(err)
		}
		r = run(t, "", args("rates", "import", csv)...)
		if r.code != 0 || !strings.Contains(r.stdout, "imported 3") || !strings.Contains(r.stdout, "revalued 0 provisional pledges and 0 provisional offers") {
			t.Fatalf("rates import: %+v", r)
		}
		// The zip the ECB distributes the file in.
		zipped := filepath.Join(t.TempDir(), "eurofxref.zip")
		var zb bytes.Buffer
		zw := zip.NewWriter(&zb)
		fw, err := zw.Create("eurofxref.csv")
		if err == nil {
			_, err = fw.Write([]byte("Date, USD, JPY, GBP, CHF, \n10 April 2026, 1.1711, 186.43, 0.87105, 0.9241, \n"))
		}
		if err == nil {
			err = zw.Close()
		}
		if err == nil {
			err = os.WriteFile(zipped, zb.Bytes(), 0o600)
		}
		if err != nil {
			t.Fatal(err)
		}
		r = run(t, "", args("rates", "import", zipped)...)
		if r.code != 0 || !strings.Contains(r.stdout, "imported 4") {
			t.Fatalf("rates import of a zip: %+v", r)
		}

		r = run(t, "", args("audit", "verify")...)
		if r.code != 0 || !strings.Contains(r.stdout, "intact: 2 events") {
			t.Fatalf("audit verify: %+v", r)
		}
	})
}

func TestAuditVerifyNamesTheFirstBadEvent(t *testing.T) {
	dir := t.TempDir()
	db := []string{"--data-dir", dir}
	for _, name := range []string{"Estonia", "Latvia", "Lithuania"} {
		if r := run(t, "", append([]string{"org", "add", "--name", name, "--kind", "state", "--participation", "member", "--country", "EE"}, db...)...); r.code != 0 {
			t.Fatalf("org add: %+v", r)
		}
	}
	s, err := store.Open(context.Background(), store.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	storetest.SetAuditField(t, s, 2, "after", `{"name":"Somewhere else"}`)
	s.Close()

	r := run(t, "", append([]string{"audit", "verify"}, db...)...)
	if r.code != 1 || !strings.Contains(r.stderr, "event 2") {
		t.Fatalf("a tampered log must fail verification naming event 2: %+v", r)
	}
}

func TestUsage(t *testing.T) {
	if r := run(t, "", "fly"); r.code != 2 || !strings.Contains(r.stderr, "unknown command") {
		t.Fatalf("unknown command: %+v", r)
	}
	if r := run(t, ""); r.code != 0 || !strings.Contains(r.stdout, "cyberaid serve") {
		t.Fatalf("no arguments should print usage: %+v", r)
	}
}
