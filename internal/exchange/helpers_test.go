package exchange_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
)

// testNow lies after the newest bundled ECB rate (2026-04-13): a pledge of
// today is valued provisionally, whatever day the tests run.
var testNow = time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)

func clock() time.Time { return testNow }

func ptr[T any](v T) *T { return &v }

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// world is a running program with records of every audience.
type world struct {
	a    *app.App
	cast apptest.Cast
	ids  map[string]string
}

func newWorld(t *testing.T, s store.Store) *world {
	t.Helper()
	a, c := apptest.New(t, s, clock)
	w := &world{a: a, cast: c, ids: map[string]string{}}
	ctx := context.Background()
	req := func(name string, tlp model.TLP, validate bool) {
		r, err := a.Requirements.Create(ctx, c.Viewer("requester"), requirements.Input{
			Title: ptr("Firewalls for " + name), Description: ptr("Next-generation firewalls"),
			Sector: ptr(model.Sector("energy")), Category: ptr(model.Category("hardware_software")),
			LineOfEffort: ptr(model.LineSupport), Priority: ptr(model.PriorityHigh),
			EstimatedEURMinor: ptr(int64(100_000_00)), NeededBy: ptr(model.DateOf(testNow).AddDays(90)), TLP: &tlp,
		})
		must(t, err)
		w.ids[name] = r.ID
		if validate {
			_, err = a.Requirements.Submit(ctx, c.Viewer("requester"), r.ID)
			must(t, err)
			_, err = a.Requirements.Validate(ctx, c.Viewer("validator"), r.ID, model.DecisionApprove, "")
			must(t, err)
		}
	}
	req("clear", model.TLPClear, true)
	req("amber", model.TLPAmber, true)
	req("draft", model.TLPAmber, false)
	p, err := a.Pledges.Create(ctx, c.Viewer("donor"), pledges.Input{
		RequirementID: ptr(w.ids["clear"]), AmountMinor: ptr(int64(40_000_00)), Currency: ptr("USD"), TLP: ptr(model.TLPClear),
	})
	must(t, err)
	w.ids["pledge_clear"] = p.ID
	p, err = a.Pledges.Create(ctx, c.Viewer("donor_ee"), pledges.Input{
		RequirementID: ptr(w.ids["amber"]), AmountMinor: ptr(int64(25_000_00)), Currency: ptr("EUR"),
	})
	must(t, err)
	w.ids["pledge_amber"] = p.ID
	b, err := a.Pledges.Create(ctx, c.Viewer("donor"), pledges.Input{
		AmountMinor: ptr(int64(7_500_00)), Currency: ptr("GBP"), Channel: ptr(model.ChannelBilateral), TLP: ptr(model.TLPClear),
		Description:      ptr("=HYPERLINK(\"http://evil.example\",\"click\") satellite terminals"),
		BeneficiaryOrgID: ptr(c.Orgs["power"].ID), Sector: ptr(model.Sector("telecom")), Category: ptr(model.Category("satellite_comms")),
		PeriodStart: ptr(model.NewDate(2026, 3, 1)), PeriodEnd: ptr(model.NewDate(2026, 12, 31)),
	})
	must(t, err)
	w.ids["bilateral"] = b.ID
	return w
}

// need fails in CI and skips elsewhere when a test's outside material is missing.
func need(t testing.TB, ok bool, what string) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is missing, and CI must run this test", what)
	}
	t.Skipf("%s is missing", what)
}

// iatiDir is the IATI reference material kept with the tests (see its README).
func iatiDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("testdata", "iati")
	if _, err := os.Stat(filepath.Join(dir, "schemas", "iati-activities-schema.xsd")); err != nil {
		t.Fatalf("the IATI schemas are missing from %s: %v", dir, err)
	}
	return dir
}

// xmllint validates doc against the IATI activity schema.
func xmllint(t *testing.T, doc []byte) {
	t.Helper()
	dir := iatiDir(t)
	bin, err := exec.LookPath("xmllint")
	need(t, err == nil, "xmllint")
	f := filepath.Join(t.TempDir(), "activities.xml")
	must(t, os.WriteFile(f, doc, 0o600))
	cmd := exec.Command(bin, "--noout", "--schema", filepath.Join(dir, "schemas", "iati-activities-schema.xsd"), f)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("xmllint refuses the export: %v\n%s\n%s", err, out.String(), doc)
	}
}
