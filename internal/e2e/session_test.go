package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cyberaid/cyberaid/internal/apptest"
)

// session is one browser on one running site, with the steps every browser
// test takes: run actions, read a value, sign in and out. A failing step
// ends the test with the page it failed on.
type session struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func (s *session) fail(step string, err error) {
	s.t.Helper()
	dumpCtx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
	defer cancel()
	html, _ := chromedp.Run(dumpCtx, chromedp.OuterHTML(chromedp.CSS("main")))
	s.t.Fatalf("%s: %v\npage: %.2000s", step, err, html)
}

func (s *session) run(step string, steps ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	stepCtx, cancel := context.WithTimeout(s.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(stepCtx, steps...); err != nil {
		s.fail(step, err)
	}
}

func (s *session) read(step string, a chromedp.Action[string]) string {
	s.t.Helper()
	stepCtx, cancel := context.WithTimeout(s.ctx, stepTimeout)
	defer cancel()
	// A click that navigates returns before the new document has replaced
	// the old one, so a read can find a node that is gone a moment later.
	// Reading again is what a person does when the page flickers.
	var v string
	var err error
	for {
		v, err = chromedp.Run(stepCtx, a)
		if err == nil || !documentReplaced(err) || stepCtx.Err() != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		s.fail(step, err)
	}
	return strings.TrimSpace(v)
}

// documentReplaced reports the errors the browser gives when a node or its
// execution context disappeared because the page navigated mid-read.
func documentReplaced(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "No node with given id") ||
		strings.Contains(msg, "Cannot find context with specified id") ||
		strings.Contains(msg, "Could not find node with given id")
}

func (s *session) signIn(user string) {
	s.t.Helper()
	s.run("sign in as "+user,
		chromedp.Navigate(s.base+"/signin"),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), user+"@test.example"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), apptest.Password),
		chromedp.Click(chromedp.CSS(`form[action="/signin"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/signout"]`)),
	)
}

func (s *session) signOut() {
	s.t.Helper()
	s.run("sign out",
		chromedp.Click(chromedp.CSS(`form[action="/signout"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href^="/signin"]`)),
	)
}

// eval runs JavaScript in the page and returns its boolean answer.
func (s *session) eval(step, js string) bool {
	s.t.Helper()
	stepCtx, cancel := context.WithTimeout(s.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(stepCtx, chromedp.Evaluate[bool](js))
	if err != nil {
		s.fail(step, err)
	}
	return v
}

// evalFloat runs JavaScript in the page and returns its numeric answer.
func (s *session) evalFloat(step, js string) float64 {
	s.t.Helper()
	stepCtx, cancel := context.WithTimeout(s.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(stepCtx, chromedp.Evaluate[float64](js))
	if err != nil {
		s.fail(step, err)
	}
	return v
}
