// Package e2e drives cyberaid in a real headless Chromium, as its users do.
package e2e

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// chromium finds the browser: CYBERAID_CHROMIUM, else Debian's chromium.
// Without one the test is skipped on a laptop and fails in CI.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CYBERAID_CHROMIUM"), "chromium", "chromium-browser"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("Chromium is required in CI: install Debian's chromium or set CYBERAID_CHROMIUM")
	}
	t.Skip("Chromium not found: install it or set CYBERAID_CHROMIUM to run the browser test")
	return ""
}

// stepTimeout bounds one step, so that a page that never shows what a step
// waits for fails the test with that page, rather than hanging it.
const stepTimeout = 20 * time.Second

func browser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		// The machine has no network beyond loopback; without these the
		// browser keeps trying to reach its vendor's services.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The first action starts the browser and ties it to its context: run
	// it on the test's context, not on a step's, which ends with the step.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// TestRequirementToPledge walks a need from draft to pledge through the
// pages: a requester drafts and submits it, the government validates it, a
// donor pledges, and the donor's dashboard total moves by the pledge.
func TestRequirementToPledge(t *testing.T) {
	ctx := browser(t)
	a, _ := apptest.New(t, storetest.OpenSQLite(t), time.Now)
	srv := httptest.NewServer(a.Web)
	defer srv.Close()
	base := srv.URL
	s := &session{t: t, ctx: ctx, base: base}
	run, read, signIn, signOut := s.run, s.read, s.signIn, s.signOut
	pledged := func() string {
		t.Helper()
		run("open the dashboard", chromedp.Navigate(base+"/"))
		return read("read the dashboard", chromedp.Text(chromedp.CSS(`.figures .figure:first-child .figure-value`)))
	}

	// A requester of the cyber agency drafts and submits a need.
	signIn("requester")
	neededBy := time.Now().AddDate(0, 3, 0).Format("2006-01-02")
	run("draft a requirement",
		chromedp.Navigate(base+"/requirements/new"),
		chromedp.SendKeys(chromedp.CSS(`input[name="title"]`), "EDR licences for regional substations"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="description"]`), "Endpoint detection for 400 workstations"),
		chromedp.SetValue(chromedp.CSS(`select[name="sector"]`), "energy"),
		chromedp.SetValue(chromedp.CSS(`select[name="category"]`), "edr"),
		chromedp.SetValue(chromedp.CSS(`select[name="line_of_effort"]`), "support"),
		chromedp.SetValue(chromedp.CSS(`select[name="priority"]`), "critical"),
		chromedp.SendKeys(chromedp.CSS(`input[name="estimated_eur"]`), "500000"),
		chromedp.SetValue(chromedp.CSS(`input[name="needed_by"]`), neededBy),
		chromedp.SetValue(chromedp.CSS(`select[name="tlp"]`), "amber"),
		chromedp.Click(chromedp.CSS(`form.form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/submit"]`)),
	)
	reqURL, _, _ := strings.Cut(read("where the draft is", chromedp.Location()), "?")
	run("submit it",
		chromedp.Click(chromedp.CSS(`form[action$="/submit"] button`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/submit"]`)),
	)
	signOut()

	// A donor cannot see it before validation.
	signIn("donor")
	before := pledged()
	run("look before validation", chromedp.Navigate(reqURL))
	status := read("read the heading", chromedp.Text(chromedp.CSS(`h1`)))
	if strings.Contains(status, "EDR licences") {
		t.Fatal("a donor sees a requirement the government has not validated")
	}
	signOut()

	// The government's validator approves it.
	signIn("validator")
	run("validate it",
		chromedp.Navigate(reqURL),
		chromedp.Click(chromedp.CSS(`input[name="decision"][value="approve"]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="comment"]`), "Confirmed by the working group"),
		chromedp.Click(chromedp.CSS(`form[action$="/validate"] button[type="submit"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/validate"]`)),
	)
	signOut()

	// The donor pledges against it and confirms the pledge, and the
	// dashboard's headline, which counts committed euros, moves.
	signIn("donor")
	run("pledge on it",
		chromedp.Navigate(reqURL+"/pledge"),
		chromedp.SendKeys(chromedp.CSS(`input[name="amount"]`), "250000"),
		chromedp.SetValue(chromedp.CSS(`select[name="currency"]`), "EUR"),
		chromedp.Click(chromedp.CSS(`form[action="/pledges"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/confirm"]`)),
	)
	run("confirm the pledge",
		chromedp.Click(chromedp.CSS(`form[action$="/confirm"] button[type="submit"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/confirm"]`)),
	)
	after := pledged()
	if before == after || !strings.Contains(after, "250,000.00") {
		t.Fatalf("dashboard total went from %q to %q; want it to show the EUR 250,000.00 pledge", before, after)
	}
	run("see the requirement with its pledge", chromedp.Navigate(reqURL))
	title := read("read the heading", chromedp.Text(chromedp.CSS(`h1`)))
	if !strings.Contains(title, "EDR licences") {
		t.Fatalf("the donor cannot see the validated requirement: %q", title)
	}
}
