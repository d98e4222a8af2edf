package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/governance"
	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// axeTags are the rules TestAccessibility applies: WCAG 2.0 and 2.1, levels
// A and AA.
const axeTags = `["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]`

// notPages are the GET routes that answer no HTML page: files, feeds,
// redirects to elsewhere, and the language switch.
var notPages = map[string]bool{
	"/static/": true, "/healthz": true, "/readyz": true, "/lang/{code}": true,
	"/signin/sso/{provider}": true, "/signin/sso/callback": true, "/exports/{file}": true,
	"/public/statements.atom": true,
	// Files to download, not pages: a document and the intake's templates.
	"/documents/{id}": true, "/imports/requirements/{file}": true,
	// The record picker's answer to its script: JSON, not a page.
	"/records/pick": true,
}

// pageQueries give a page the query it needs to show more than a refusal.
var pageQueries = map[string]string{
	"/briefing": "?list=requirements",
}

// TestAccessibility runs axe-core, the accessibility engine, on every page
// of the route table, as a coordinator, a donor and a requester, in
// English and Ukrainian, and fails on any violation of WCAG 2.1 A or AA,
// naming the rule and the element. A page routed later is checked as soon
// as it is routed; a page whose path names a record needs that record's
// kind in fillFor.
func TestAccessibility(t *testing.T) {
	ctx := browser(t)
	a, cast := apptest.New(t, storetest.OpenSQLite(t), time.Now)
	srv := httptest.NewServer(a.Web)
	defer srv.Close()
	fill := accessibilityRecords(t, a, cast)

	axe, err := os.ReadFile("testdata/axe/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: string(axe)}); err != nil {
		t.Fatal(err)
	}

	s := &session{t: t, ctx: ctx, base: srv.URL}
	// The engine must see a fault to be trusted to see none: an image
	// without a text alternative, on a page of the site.
	s.run("open a page to spoil", chromedp.Navigate(srv.URL+"/signin"))
	s.eval("spoil it", `(() => { const i = document.createElement("img"); i.src = "/static/none.png"; document.querySelector("main").appendChild(i); return true; })()`)
	if got := runAxe(t, s, "/signin"); len(got) == 0 || got[0].ID != "image-alt" {
		t.Fatalf("axe did not report an image without alt text: %+v", got)
	}

	var paths []string
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
		paths = append(paths, path+pageQueries[p])
	}

	type finding struct{ pages []string }
	found := map[string]*finding{} // "rule: help — element" → where
	checked := 0
	for _, who := range []string{"coordinator", "donor", "requester"} {
		s.signIn(who)
		for _, lang := range []string{"en", "uk"} {
			s.run("switch to "+lang, chromedp.Navigate(srv.URL+"/lang/"+lang+"?next=/"))
			for _, path := range paths {
				s.run("open "+path, chromedp.Navigate(srv.URL+path), chromedp.WaitReady(chromedp.CSS(`body`)))
				if !s.eval("is it a page", `document.contentType === "text/html"`) {
					continue
				}
				checked++
				for _, v := range runAxe(t, s, path) {
					for _, n := range v.Nodes {
						key := fmt.Sprintf("%s (%s): %s", v.ID, v.Help, n)
						if found[key] == nil {
							found[key] = &finding{}
						}
						found[key].pages = append(found[key].pages, fmt.Sprintf("%s as %s in %s", path, who, lang))
					}
				}
			}
		}
		s.signOut()
	}
	if checked < 3*2*len(paths)/2 {
		t.Errorf("axe ran on only %d pages of %d", checked, 3*2*len(paths))
	}
	for key, f := range found {
		more := ""
		if len(f.pages) > 3 {
			more = fmt.Sprintf(" and %d more", len(f.pages)-3)
		}
		t.Errorf("%s\n    on %s%s", key, strings.Join(f.pages[:min(3, len(f.pages))], "; "), more)
	}
}

// accessibilityRecords makes one record of each kind a page shows, that the
// three readers may see, and returns their ids by the first segment of
// their pages' paths.
func accessibilityRecords(t *testing.T, a *app.App, cast apptest.Cast) map[string]string {
	t.Helper()
	ctx := context.Background()
	r := validated(t, a, cast, "Regional substation EDR", model.TLPGreen, model.PriorityCritical)
	p, err := a.Pledges.Create(ctx, cast.Viewer("donor"), pledges.Input{RequirementID: &r.ID, AmountMinor: govPtr(int64(40_000_00)), Currency: govPtr("EUR")})
	if err != nil {
		t.Fatal(err)
	}
	o, err := a.Offers.Create(ctx, cast.Viewer("donor"), offers.Input{
		Title: govPtr("EDR seats"), Description: govPtr("A year of EDR for 500 seats"), AmountMinor: govPtr(int64(50_000_00)), Currency: govPtr("EUR"),
		ValidUntil: govPtr(model.DateOf(time.Now()).AddDays(60)), TLP: govPtr(model.TLPGreen),
	})
	if err != nil {
		t.Fatal(err)
	}
	l, err := a.Lessons.Create(ctx, cast.Viewer("coordinator"), lessons.Input{
		Title: govPtr("Ship licences before hardware"), WhatHappened: govPtr("Hardware waited for licences"), TLP: govPtr(model.TLPGreen),
	})
	if err != nil {
		t.Fatal(err)
	}
	kind, proc := model.ProposalOperational, model.ProcedureConsensus
	pr, err := a.Governance.Open(ctx, cast.Viewer("delegate"), governance.Input{
		Kind: &kind, Procedure: &proc, Title: govPtr("Extend the back office mandate"), Text: govPtr("Six more months in Warsaw"),
		Deadline: govPtr(time.Now().Add(72 * time.Hour)),
	})
	if err != nil {
		t.Fatal(err)
	}
	m, err := a.Governance.CreateMeeting(ctx, cast.Viewer("coordinator"), governance.MeetingInput{
		Title: govPtr("Coordination group"), Date: govPtr(model.DateOf(time.Now()).AddDays(5)), TLP: govPtr(model.TLPGreen),
		Agenda: &[]model.AgendaItem{{Kind: model.AgendaProposal, RefID: pr.ID, Note: "Back office mandate"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"requirements": r.ID, "pledges": p.ID, "offers": o.ID, "lessons": l.ID, "proposals": pr.ID, "meetings": m.ID,
		"organisations": cast.Orgs["ee"].ID,
	}
}

type axeViolation struct {
	ID, Help string
	Nodes    []string // each element's selector and what is wrong with it
}

// runAxe runs axe-core on the page shown, with the WCAG 2.1 A and AA rules.
func runAxe(t *testing.T, s *session, path string) []axeViolation {
	t.Helper()
	stepCtx, cancel := context.WithTimeout(s.ctx, 60*time.Second)
	defer cancel()
	out, err := chromedp.Run(stepCtx, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: "tag", values: `+axeTags+`}, resultTypes: ["violations"]})
		.then(r => JSON.stringify(r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(" ") + " — " + (n.failureSummary || "").replace(/\s+/g, " "))}))))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		s.fail("run axe on "+path, err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatalf("axe's answer on %s: %v", path, err)
	}
	return vs
}
