package e2e

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestRecordPicker types in the lesson form's picker with the script on:
// the records matching the words appear as one types, their number is
// announced, the keyboard chooses one, and the lesson saved is linked to
// it.
func TestRecordPicker(t *testing.T) {
	ctx := browser(t)
	a, cast := apptest.New(t, storetest.OpenSQLite(t), time.Now)
	srv := httptest.NewServer(a.Web)
	defer srv.Close()
	s := &session{t: t, ctx: ctx, base: srv.URL}
	substations := validated(t, a, cast, "Substation telemetry hardening", model.TLPGreen, model.PriorityHigh)
	validated(t, a, cast, "Substation backup links", model.TLPGreen, model.PriorityMedium)
	validated(t, a, cast, "Court registry backups", model.TLPGreen, model.PriorityLow)

	s.signIn("coordinator")
	s.run("open the lesson form and type",
		chromedp.Navigate(srv.URL+"/lessons/new"),
		chromedp.SendKeys(chromedp.CSS(`#f-title`), "Telemetry lesson"),
		chromedp.SetValue(chromedp.CSS(`#f-link`), "requirement"),
		chromedp.SendKeys(chromedp.CSS(`#f-find`), "substation"),
		chromedp.WaitVisible(chromedp.CSS(`#f-link_id-1`)),
	)
	if got := s.read("the announcement", chromedp.Text(chromedp.CSS(`[data-picker-count]`))); got != "Records found: 2" {
		t.Errorf("the live region says %q", got)
	}
	if !s.eval("the live region is polite", `document.querySelector("[data-picker-count]").getAttribute("aria-live") === "polite"`) {
		t.Error("the count is not in a live region")
	}
	list := s.read("the records listed", chromedp.Text(chromedp.CSS(`[data-picker-list]`)))
	if !strings.Contains(list, "Substation telemetry hardening") || !strings.Contains(list, substations.Ref) || strings.Contains(list, "Court registry") {
		t.Errorf("the picker lists %q", list)
	}
	s.run("narrow the words",
		chromedp.SendKeys(chromedp.CSS(`#f-find`), " telemetry"),
		chromedp.WaitNotPresent(chromedp.CSS(`#f-link_id-1`)),
	)
	if got := s.read("the announcement", chromedp.Text(chromedp.CSS(`[data-picker-count]`))); got != "Records found: 1" {
		t.Errorf("the live region says %q", got)
	}
	s.run("choose the record with the keyboard",
		chromedp.Focus(chromedp.CSS(`#f-link_id-0`)),
		chromedp.KeyEvent(" "),
	)
	if !s.eval("the record is chosen", `document.querySelector("#f-link_id-0").checked`) {
		t.Fatal("the space bar did not choose the record")
	}
	s.run("save",
		chromedp.Click(chromedp.CSS(`.actions button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)),
	)
	all, err := a.Lessons.List(t.Context(), cast.Viewer("coordinator"), lessons.Filter{})
	if err != nil || len(all) != 1 {
		t.Fatalf("lessons: %v %v", all, err)
	}
	if all[0].Link != model.LinkRequirement || all[0].LinkID != substations.ID || all[0].Title != "Telemetry lesson" {
		t.Errorf("saved %+v", all[0])
	}
}
