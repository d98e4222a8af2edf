package e2e

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestSuspensionReopensGap: a donor suspends its confirmed pledge with a
// reason; the requirement's page shows the gap open again; a coordinator
// resumes the pledge and the need is covered once more.
func TestSuspensionReopensGap(t *testing.T) {
	ctx := browser(t)
	a, cast := apptest.New(t, storetest.OpenSQLite(t), time.Now)
	srv := httptest.NewServer(a.Web)
	defer srv.Close()
	s := &session{t: t, ctx: ctx, base: srv.URL}

	bg := context.Background()
	amber := model.TLPAmber
	r, err := a.Requirements.Create(bg, cast.Viewer("requester"), requirements.Input{
		Title: ptr("Endpoint detection for the grid operator"), Sector: ptr(model.Sector("energy")),
		Category: ptr(model.Category("edr")), LineOfEffort: ptr(model.LineSupport), Priority: ptr(model.PriorityCritical),
		EstimatedEURMinor: ptr(int64(60_000_00)), NeededBy: ptr(model.DateOf(time.Now()).AddDays(60)), TLP: &amber,
	})
	if err == nil {
		_, err = a.Requirements.Submit(bg, cast.Viewer("requester"), r.ID)
	}
	if err == nil {
		_, err = a.Requirements.Validate(bg, cast.Viewer("validator"), r.ID, model.DecisionApprove, "")
	}
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Pledges.Create(bg, cast.Viewer("donor"), pledges.Input{RequirementID: &r.ID, AmountMinor: ptr(int64(60_000_00)), Currency: ptr("EUR")})
	if err == nil {
		_, err = a.Pledges.Confirm(bg, cast.Viewer("donor"), p.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	coverage := func(step string) string {
		s.run(step, chromedp.Navigate(s.base+"/requirements/"+r.ID), chromedp.WaitVisible(chromedp.CSS(`.coverage-line`)))
		return s.read(step, chromedp.Text(chromedp.CSS(`.coverage-line`)))
	}

	s.signIn("donor")
	if got := coverage("see the need covered"); !strings.Contains(got, "Covered") {
		t.Fatalf("before suspension the coverage reads %q", got)
	}
	s.run("suspend the pledge",
		chromedp.Navigate(s.base+"/pledges/"+p.ID),
		chromedp.Click(chromedp.CSS(`.stages-suspension summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-reason`)),
		chromedp.SendKeys(chromedp.CSS(`#f-reason`), "Parliament froze the programme"),
		chromedp.Click(chromedp.CSS(`#suspend-pledge`)),
		chromedp.WaitVisible(chromedp.CSS(`.suspension`)),
	)
	if got := s.read("read the suspension", chromedp.Text(chromedp.CSS(`.suspension`))); !strings.Contains(got, "Parliament froze the programme") {
		t.Fatalf("the suspension reads %q", got)
	}
	if got := coverage("see the gap reopened"); !strings.Contains(got, "Not covered") {
		t.Fatalf("while suspended the coverage reads %q", got)
	}
	if got := s.read("read the reopened gap", chromedp.Text(chromedp.CSS(`.gap-reopened`))); !strings.Contains(got, "60,000.00") {
		t.Fatalf("the reopened gap reads %q", got)
	}
	s.signOut()

	s.signIn("coordinator")
	s.run("resume the pledge",
		chromedp.Navigate(s.base+"/pledges/"+p.ID),
		chromedp.Click(chromedp.CSS(`#resume-pledge`)),
		chromedp.WaitVisible(chromedp.CSS(`.stages-suspension summary`)),
	)
	if got := coverage("see the need covered again"); !strings.Contains(got, "Covered") || strings.Contains(got, "Not covered") {
		t.Fatalf("after resuming the coverage reads %q", got)
	}
}
