package cli_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
)

func TestUserAddWorkingGroup(t *testing.T) {
	backends(t, func(t *testing.T, db []string) {
		args := func(a ...string) []string { return append(a, db...) }
		r := run(t, "", args("org", "add", "--name", "Ukraine", "--kind", "state", "--participation", "member", "--country", "UA")...)
		if r.code != 0 {
			t.Fatalf("org add: %+v", r)
		}
		ua := r.stdout
		r = run(t, "a long enough password\n", args("user", "add", "--org", ua, "--email", "tech@gov.example", "--role", "validator", "--working-group", "technical", "--password-stdin")...)
		if r.code != 0 {
			t.Fatalf("user add --working-group: %+v", r)
		}
		u, err := openStore(t, db).UserByID(context.Background(), r.stdout)
		if err != nil || u.WorkingGroup != model.GroupTechnical {
			t.Fatalf("stored working group %q (%v)", u.WorkingGroup, err)
		}
		for _, c := range []struct{ role, group, want string }{
			{"validator", "finance", "--working-group"},
			{"viewer", "interagency", "only a validator"},
		} {
			r = run(t, "a long enough password\n", args("user", "add", "--org", ua, "--email", "x-"+c.group+"@gov.example", "--role", c.role, "--working-group", c.group, "--password-stdin")...)
			if r.code != 1 || !strings.Contains(r.stderr, c.want) {
				t.Errorf("user add --role %s --working-group %s: %+v, want %q", c.role, c.group, r, c.want)
			}
		}
	})
}

func TestImportRequirements(t *testing.T) {
	backends(t, func(t *testing.T, db []string) {
		args := func(a ...string) []string { return append(a, db...) }
		r := run(t, "", args("org", "add", "--name", "Grid operator", "--kind", "beneficiary_agency", "--participation", "beneficiary", "--country", "UA")...)
		if r.code != 0 {
			t.Fatalf("org add: %+v", r)
		}
		org := r.stdout
		header := "title,description,sector,category,line_of_effort,priority,estimated_eur,needed_by,tlp,recipient_type,external_ref\n"
		good := write(t, "needs.csv", header+"EDR for substations,,energy,edr,support,high,125000.50,2099-01-31,amber,state_owned_enterprise,GRID-1\n")
		r = run(t, "", args("import", "requirements", good, "--org", org)...)
		if r.code != 0 || !strings.Contains(r.stdout, "1 draft(s) created, 0 updated") {
			t.Fatalf("import requirements: %+v", r)
		}
		r = run(t, "", args("import", "requirements", good, "--org", org)...)
		if r.code != 0 || !strings.Contains(r.stdout, "0 draft(s) created, 1 updated") {
			t.Fatalf("import requirements again: %+v", r)
		}
		bad := write(t, "bad.csv", header+"EDR,,energ,edr,support,high,1000,2099-01-31,amber,other,\n")
		r = run(t, "", args("import", "requirements", bad, "--org", org)...)
		if r.code != 1 || !strings.Contains(r.stderr, "row 2, column sector") {
			t.Fatalf("a faulty file: %+v", r)
		}
		r = run(t, "", args("import", "requirements", good)...)
		if r.code != 2 || !strings.Contains(r.stderr, "--org is required") {
			t.Fatalf("without --org: %+v", r)
		}
		rs, err := openStore(t, db).ListRequirements(context.Background(), model.RequirementFilter{}, "", 0)
		if err != nil || len(rs) != 1 || rs[0].ExternalRef != "GRID-1" || rs[0].Status != model.ReqDraft {
			t.Fatalf("requirements %+v %v", rs, err)
		}
	})
}

func TestServeRefusesUnknownReviews(t *testing.T) {
	for _, v := range []string{"finance", "technical,technical", ""} {
		r := run(t, "", "serve", "--reviews", v, "--data-dir", t.TempDir(), "--addr", "127.0.0.1:0")
		if r.code != 2 || !strings.Contains(r.stderr, "-reviews") {
			t.Errorf("serve --reviews %q: %+v", v, r)
		}
	}
}
