package cli_test

import (
	"strings"
	"testing"
)

// TestOrgAddNames: org add takes the organisation's names in Ukrainian and
// in French, and a bad one is reported by its flag.
func TestOrgAddNames(t *testing.T) {
	backends(t, func(t *testing.T, db []string) {
		args := func(a ...string) []string { return append(a, db...) }
		if r := run(t, "", args("migrate")...); r.code != 0 {
			t.Fatalf("migrate: %+v", r)
		}
		r := run(t, "", args("org", "add", "--name", "Estonia", "--name-uk", "Естонія", "--name-fr", "Estonie", "--kind", "state", "--participation", "member", "--country", "EE")...)
		if r.code != 0 || r.stdout == "" {
			t.Fatalf("org add with its names in Ukrainian and French: %+v", r)
		}
		r = run(t, "", args("org", "add", "--name", "Latvia", "--name-fr", "Let\x01tonie", "--kind", "state", "--participation", "member", "--country", "LV")...)
		if r.code != 1 || !strings.Contains(r.stderr, "--name-fr") {
			t.Fatalf("org add with a control character in --name-fr should name the flag: %+v", r)
		}
	})
}
