package e2e

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestNarrowMenu: at 390 px the header is short, the menu is one button
// that opens without JavaScript onto the groups of the role's pages; at
// desktop width the groups are disclosures of their own.
func TestNarrowMenu(t *testing.T) {
	ctx := browser(t)
	a, _ := apptest.New(t, storetest.OpenSQLite(t), time.Now)
	srv := httptest.NewServer(a.Web)
	defer srv.Close()
	s := &session{t: t, ctx: ctx, base: srv.URL}
	shown := func(sel string) bool {
		t.Helper()
		return s.eval("is "+sel+" shown", `(() => { const e = document.querySelector(`+jsString(sel)+`);
			return !!e && e.checkVisibility({visibilityProperty: true}); })()`)
	}

	s.run("a phone's width", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	s.signIn("coordinator")
	s.run("open the dashboard", chromedp.Navigate(srv.URL+"/"))
	if b, w, g := shown("summary.menu-button"), shown("ul.menu-wide"), shown(".menu-group-title"); !b || w || g {
		t.Fatalf("at 390 px the menu is not folded into one closed Menu button (button shown %v, wide menu shown %v, groups shown %v)", b, w, g)
	}
	if h := s.evalFloat("measure the header", `document.querySelector("header.site-header").getBoundingClientRect().bottom`); h > 120 {
		t.Fatalf("the header takes %.0f px before the content at 390 px; want at most 120", h)
	}
	if w := s.evalFloat("measure the page", `document.documentElement.scrollWidth`); w > 390 {
		t.Fatalf("the page is %.0f px wide at 390 px: it scrolls sideways", w)
	}

	// Without JavaScript, the button opens the menu onto its groups.
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	s.run("reload without JavaScript", chromedp.Navigate(srv.URL+"/"), chromedp.WaitReady(chromedp.CSS(`summary.menu-button`)))
	s.run("open the menu", chromedp.Click(chromedp.CSS(`summary.menu-button`)))
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
		t.Fatal(err)
	}
	titles := s.read("read the groups", chromedp.Text(chromedp.CSS(`.menu-narrow-body`)))
	for _, want := range []string{"NEEDS", "GIVING", "COORDINATION", "GOVERNANCE", "ADMIN", "Deconfliction", "Requirements"} {
		if !strings.Contains(strings.ToUpper(titles), strings.ToUpper(want)) {
			t.Errorf("the opened menu lacks %q: %q", want, titles)
		}
	}
	if !shown(`.menu-narrow-body a[href="/deconfliction"]`) {
		t.Fatal("the opened menu does not show the coordinator's pages")
	}

	// A donor's menu has no Admin group, nor the coordinator's pages.
	s.signOut()
	s.signIn("donor")
	s.run("open the dashboard", chromedp.Navigate(srv.URL+"/"))
	body := s.read("read the menu", chromedp.OuterHTML(chromedp.CSS(`nav.main-nav`)))
	if strings.Contains(body, `menu-n-admin`) || strings.Contains(body, `href="/deconfliction"`) || strings.Contains(body, `href="/users"`) {
		t.Fatal("a donor's menu offers pages a donor may not use")
	}

	// At desktop width, the groups are disclosures and the button is gone.
	s.run("a desktop's width", chromedp.EmulateViewport(1400, 900), chromedp.Navigate(srv.URL+"/"))
	if shown("summary.menu-button") || !shown("ul.menu-wide") || shown(".nav-group ul") {
		t.Fatal("at 1400 px the menu is not the row of closed groups")
	}
	s.run("open Giving", chromedp.Click(chromedp.CSS(`.nav-group:has(a[href="/pledges"]) > summary`)))
	if !shown(`.nav-group a[href="/pledges"]`) {
		t.Fatal("opening the Giving group does not show its pages")
	}
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// TestPagesFitAPhone opens every routed page at 390 px, as a coordinator
// and an administrator, and fails on any that scrolls sideways, naming the
// elements that stick out.
func TestPagesFitAPhone(t *testing.T) {
	ctx := browser(t)
	a, cast := apptest.New(t, storetest.OpenSQLite(t), time.Now)
	srv := httptest.NewServer(a.Web)
	defer srv.Close()
	fill := accessibilityRecords(t, a, cast)
	s := &session{t: t, ctx: ctx, base: srv.URL}
	s.run("a phone's width", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	for _, who := range []string{"coordinator", "admin"} {
		s.signIn(who)
		for _, p := range a.Web.Pages() {
			if notPages[p] {
				continue
			}
			path := strings.ReplaceAll(p, "{$}", "")
			if i := strings.Index(path, "{"); i >= 0 {
				kind, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
				id, ok := fill[kind]
				if !ok {
					t.Errorf("the page %s names a record of /%s, for which the test has none: add one to accessibilityRecords", p, kind)
					continue
				}
				path = path[:i] + id + path[strings.Index(path[i:], "}")+i+1:]
			}
			s.run("open "+path, chromedp.Navigate(srv.URL+path+pageQueries[p]))
			if w := s.evalFloat("measure "+path, `document.documentElement.scrollWidth`); w > 391 {
				wide := s.read("find what sticks out", chromedp.Evaluate[string](`[...document.querySelectorAll("body *")]
					.filter(e => e.getBoundingClientRect().right > 392).slice(0, 4)
					.map(e => e.tagName.toLowerCase() + (e.className ? "." + e.className : "")).join(", ")`))
				t.Errorf("%s as %s is %.0f px wide at 390 px: %s", path, who, w, wide)
			}
		}
		s.signOut()
	}
}
