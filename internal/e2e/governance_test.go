package e2e

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/governance"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestDelegateSupportsObserverRefused: a member's delegate supports a
// proposal through its page; an observer reads and discusses it but has no
// position form, and a position forged into the page is refused.
func TestDelegateSupportsObserverRefused(t *testing.T) {
	ctx := browser(t)
	a, cast := apptest.New(t, storetest.OpenSQLite(t), time.Now)
	srv := httptest.NewServer(a.Web)
	defer srv.Close()
	kind, proc := model.ProposalOperational, model.ProcedureConsensus
	p, err := a.Governance.Open(context.Background(), cast.Viewer("delegate"), governance.Input{
		Kind: &kind, Procedure: &proc, Title: govPtr("Extend the back office mandate"), Text: govPtr("Six more months in Warsaw"),
		Deadline: govPtr(time.Now().Add(72 * time.Hour)),
	})
	if err != nil {
		t.Fatal(err)
	}
	url := srv.URL + "/proposals/" + p.ID
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

	// The observer reads and discusses, but is offered no position.
	s.signIn("viewer")
	s.run("open the proposal as an observer", chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`#h-comments`)))
	if !eval("look for the position form", `document.getElementById("position-form") === null`) {
		t.Fatal("an observer is offered the position form")
	}
	s.run("comment as an observer",
		chromedp.SendKeys(chromedp.CSS(`textarea[name="text"]`), "The EU supports the aim."),
		chromedp.Click(chromedp.CSS(`form[action$="/comments"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)),
	)
	// A position forged into the page, with the observer's own CSRF token, is refused.
	eval("forge a position", `(() => {
		const f = document.createElement("form");
		f.method = "post";
		f.action = location.pathname + "/positions";
		for (const [k, v] of [["csrf", document.querySelector('input[name="csrf"]').value], ["position", "support"]]) {
			const i = document.createElement("input");
			i.type = "hidden"; i.name = k; i.value = v;
			f.appendChild(i);
		}
		document.body.appendChild(f);
		f.submit();
		return true;
	})()`)
	// The refusal is a page of its own: wait for it before reading it.
	s.run("wait for the answer", chromedp.WaitVisible(chromedp.CSS(`.error-status`)))
	heading := s.read("read the answer", chromedp.Text(chromedp.CSS(`h1`)))
	if heading != "Not allowed" {
		t.Fatalf("the forged position was answered %q, want the refusal", heading)
	}
	s.signOut()

	// The member's delegate supports it; the tally shows the position.
	s.signIn("delegate")
	s.run("support the proposal",
		chromedp.Navigate(url),
		chromedp.Click(chromedp.CSS(`#position-form input[value="support"]`)),
		chromedp.Click(chromedp.CSS(`#position-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)),
	)
	tally := s.read("read the tally", chromedp.Text(chromedp.CSS(`table[aria-labelledby="h-tally"] tbody`)))
	if !strings.Contains(tally, "Estonia") || !strings.Contains(tally, "Support") {
		t.Fatalf("tally after the support: %q", tally)
	}
	if strings.Count(tally, "No answer yet") != 2 {
		t.Fatalf("the observer's forged position counted, or a member is missing: %q", tally)
	}
}

func govPtr[T any](v T) *T { return &v }
