package e2e

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestErrorSummary submits an empty requirement form: the error summary
// at the top lists every problem and takes the focus, each field shows its
// own message, and a link of the summary leads to its field.
func TestErrorSummary(t *testing.T) {
	ctx := browser(t)
	a, _ := apptest.New(t, storetest.OpenSQLite(t), time.Now)
	srv := httptest.NewServer(a.Web)
	defer srv.Close()
	s := &session{t: t, ctx: ctx, base: srv.URL}
	eval := func(step, js string) bool {
		t.Helper()
		stepCtx, cancel := context.WithTimeout(ctx, stepTimeout)
		defer cancel()
		v, err := chromedp.Run(stepCtx, chromedp.Evaluate[bool](js))
		if err != nil {
			s.fail(step, err)
		}
		return v
	}

	s.signIn("requester")
	s.run("submit an empty requirement",
		chromedp.Navigate(srv.URL+"/requirements/new"),
		chromedp.Click(chromedp.CSS(`form.form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.error-summary`)),
	)
	summary := s.read("read the summary", chromedp.Text(chromedp.CSS(`.error-summary`)))
	for _, want := range []string{"There is a problem", "Enter a title.", "Choose a sector.", "Choose a category.",
		"Choose a line of effort.", "Choose a priority.", "Enter the estimated cost in euros"} {
		if !strings.Contains(summary, want) {
			t.Errorf("the summary does not say %q: %q", want, summary)
		}
	}
	if !eval("where the focus is", `document.activeElement && document.activeElement.matches(".error-summary")`) {
		t.Error("the error summary does not have the focus")
	}
	if got := s.read("the title's own message", chromedp.Text(chromedp.CSS(`#f-title-error`))); !strings.Contains(got, "Enter a title.") {
		t.Errorf("the title field says %q", got)
	}
	s.run("follow the sector's link", chromedp.Click(chromedp.CSS(`.error-summary a[href="#f-sector"]`)))
	if !eval("the sector has the focus", `document.activeElement && document.activeElement.id === "f-sector" && location.hash === "#f-sector"`) {
		t.Error("the summary's link does not lead to the sector field")
	}
}
