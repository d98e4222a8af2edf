package e2e

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestTwoReviewValidation walks a need through both working groups' reviews
// on the validation screen: the technical validator approves with scores,
// the need still waits; the interagency validator approves, and it is
// validated, with both reviews side by side.
func TestTwoReviewValidation(t *testing.T) {
	ctx := browser(t)
	a, cast := apptest.NewWith(t, storetest.OpenSQLite(t), app.Options{Now: time.Now,
		Reviews: []model.WorkingGroup{model.GroupTechnical, model.GroupInteragency}})
	srv := httptest.NewServer(a.Web)
	defer srv.Close()
	base := srv.URL
	s := &session{t: t, ctx: ctx, base: base}
	run, read, signIn, signOut := s.run, s.read, s.signIn, s.signOut

	bg := context.Background()
	tlp := model.TLPAmber
	r, err := a.Requirements.Create(bg, cast.Viewer("requester"), requirements.Input{
		Title: ptr("Backup links for the regional grid"), Sector: ptr(model.Sector("energy")),
		Category: ptr(model.Category("hardware_software")), LineOfEffort: ptr(model.LineSupport),
		Priority: ptr(model.PriorityHigh), EstimatedEURMinor: ptr(int64(300_000_00)),
		NeededBy: ptr(model.DateOf(time.Now()).AddDays(60)), TLP: &tlp,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Requirements.Submit(bg, cast.Viewer("requester"), r.ID); err != nil {
		t.Fatal(err)
	}
	reqURL := base + "/requirements/" + r.ID
	status := func() model.RequirementStatus {
		t.Helper()
		got, err := a.Requirements.Get(bg, policy.System(), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Status
	}

	signIn("validator_tech")
	run("the technical review",
		chromedp.Navigate(reqURL),
		chromedp.WaitVisible(chromedp.CSS(`#h-reviews`)),
		chromedp.Click(chromedp.CSS(`input[name="decision"][value="approve"]`)),
		chromedp.SetValue(chromedp.CSS(`select[name="technical_capacity"]`), "4"),
		chromedp.SetValue(chromedp.CSS(`select[name="relevance"]`), "5"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="comment"]`), "Technically sound"),
		chromedp.Click(chromedp.CSS(`form[action$="/validate"] button[type="submit"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/validate"]`)),
	)
	if st := status(); st != model.ReqSubmitted {
		t.Fatalf("after the technical review the need is %s, want still submitted", st)
	}
	pending := read("the interagency column", chromedp.Text(chromedp.CSS(`#h-review-interagency ~ p`)))
	if !strings.Contains(pending, "Not reviewed yet") {
		t.Fatalf("the interagency column reads %q", pending)
	}
	signOut()

	signIn("validator_ia")
	run("the list of needs waiting for the interagency review",
		chromedp.Navigate(base+"/requirements?review=awaiting_interagency"),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/requirements/`+r.ID+`"]`)),
	)
	run("the interagency review",
		chromedp.Navigate(reqURL),
		chromedp.WaitVisible(chromedp.CSS(`select[name="strategic_importance"]`)),
		chromedp.Click(chromedp.CSS(`input[name="decision"][value="approve"]`)),
		chromedp.SetValue(chromedp.CSS(`select[name="strategic_importance"]`), "3"),
		chromedp.Click(chromedp.CSS(`form[action$="/validate"] button[type="submit"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/validate"]`)),
	)
	if st := status(); st != model.ReqValidated {
		t.Fatalf("after both reviews the need is %s, want validated", st)
	}
	reviews := read("both reviews", chromedp.Text(chromedp.CSS(`.review-columns`)))
	for _, want := range []string{"Technical working group", "Interagency working group", "Technically sound", "4 / 5", "5 / 5", "3 / 5", "validator_tech", "validator_ia"} {
		if !strings.Contains(reviews, want) {
			t.Errorf("the reviews do not show %q: %q", want, reviews)
		}
	}
}
