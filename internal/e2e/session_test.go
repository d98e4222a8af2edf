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
	v, err := chromedp.Run(stepCtx, a)
	if err != nil {
		s.fail(step, err)
	}
	return strings.TrimSpace(v)
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
