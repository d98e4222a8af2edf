package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
)

// TestDeliveryPages: the donor records delivery on the pledge's page, the
// beneficiary confirms receipt there, and closes the requirement; refused
// forms come back with the message next to the field.
func TestDeliveryPages(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	if _, err := s.app.Pledges.Confirm(ctx, s.cast.Viewer("donor_ee"), s.ids["clear_pledge"]); err != nil {
		t.Fatal(err)
	}
	donor := s.as("donor_ee")
	_, page := donor.get("/pledges/{clear_pledge}")
	mustContain(t, "donor's pledge page", page, `action="/pledges/`+s.ids["clear_pledge"]+`/milestones"`)
	if strings.Contains(page, "send-receipt") {
		t.Error("the donor is offered the beneficiary's receipt form")
	}

	res, page := donor.submit("/pledges/{clear_pledge}/milestones", url.Values{"kind": {"shipped"}, "date": {"2030-01-01"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("shipped in the future: %d", res.StatusCode)
	}
	mustContain(t, "refused milestone", page, `id="f-date-error"`, "Only a planned milestone may be dated in the future.", `value="2030-01-01"`)

	res, _ = donor.submit("/pledges/{clear_pledge}/milestones", url.Values{"kind": {"delivered"}, "date": {"2026-06-14"}, "note": {"Handed over in Kyiv"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("milestone: %d", res.StatusCode)
	}

	requester := s.as("requester")
	_, page = requester.get("/pledges/{clear_pledge}")
	mustContain(t, "beneficiary's pledge page", page, "Handed over in Kyiv", `id="send-receipt"`)
	if strings.Contains(page, `name="kind"`) {
		t.Error("the beneficiary is offered the donor's milestone form")
	}
	res, page = requester.submit("/pledges/{clear_pledge}/receipt", url.Values{"outcome": {"problem"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("problem without a note: %d", res.StatusCode)
	}
	mustContain(t, "refused receipt", page, `id="f-rnote-error"`)
	res, _ = requester.submit("/pledges/{clear_pledge}/receipt", url.Values{"outcome": {"received"}, "note": {"All there"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("receipt: %d", res.StatusCode)
	}
	_, page = requester.get("/pledges/{clear_pledge}")
	mustContain(t, "received pledge", page, "Received as pledged", "All there")

	r, err := s.app.Store.RequirementByID(ctx, s.ids["clear"])
	if err != nil || r.Status != model.ReqDelivered {
		t.Fatalf("requirement %s, %v; want delivered", r.Status, err)
	}
	_, page = requester.get("/requirements/{clear}")
	mustContain(t, "delivered requirement", page, `action="/requirements/`+s.ids["clear"]+`/close"`)
	res, _ = requester.submit("/requirements/{clear}/close", nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("close: %d", res.StatusCode)
	}
	_, page = requester.get("/requirements/{clear}?done=closed")
	mustContain(t, "closed requirement", page, "The requirement is closed.")
}

// TestDashboardCharts: every chart is drawn with a title, a description and
// a table of its figures; a visitor's charts count CLEAR records only.
func TestDashboardCharts(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	eur := func(n int64) string { return money.Format(n, "EUR", "en") }
	_, page := s.as("").get("/")
	// Each chart is a figure with its caption; the time chart is drawn at
	// several widths, each with its title and description.
	for _, id := range []string{"chart-cumulative", "chart-sector", "chart-category", "chart-coverage"} {
		mustContain(t, "public dashboard", page, `id="`+id+`-caption"`)
	}
	mustContain(t, "public dashboard", page, `id="chart-cumulative-960"`, `id="chart-cumulative-960-title"`, `id="chart-cumulative-960-desc"`)
	mustContain(t, "public dashboard", page, "Show the figures as a table", eur(30_000_00))
	if strings.Contains(page, eur(35_000_00)) {
		t.Error("the public sector chart counts a pledge that is not CLEAR")
	}
	p, err := s.app.Pledges.Get(context.Background(), s.cast.Viewer("donor"), s.ids["pledge"])
	if err != nil {
		t.Fatal(err)
	}
	// The donor also sees its own AMBER pledge and the company's GREEN one.
	_, page = s.as("donor").get("/")
	mustContain(t, "donor's dashboard", page, eur(30_000_00+p.EURMinor+5_000_00))
	if strings.Contains(page, "style=") {
		t.Error("a chart uses an inline style, which the CSP forbids")
	}
}

// TestLessonPages: a lesson is written, found among those due for review,
// and its recommendation moved on, through the forms.
func TestLessonPages(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	coord := s.as("coordinator")
	_, page := coord.get("/lessons/new")
	mustContain(t, "new lesson form", page, `name="what_learned"`, `name="review_on"`, `name="tlp"`)
	res, page := coord.submit("/lessons", url.Values{"title": {""}, "tlp": {"green"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("lesson without a title: %d", res.StatusCode)
	}
	mustContain(t, "refused lesson", page, `id="f-title-error"`)
	res, page = coord.submit("/lessons", url.Values{"title": {"Customs papers first"}, "link": {"requirement"}, "link_id": {"nope"}, "tlp": {"green"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("lesson on a missing record: %d", res.StatusCode)
	}
	mustContain(t, "refused link", page, `id="f-link_id-error"`, `value="Customs papers first"`)
	res, _ = coord.submit("/lessons", url.Values{
		"title": {"Customs papers first"}, "link": {"requirement"}, "link_id": {s.ids["clear"]},
		"what_happened": {"Terminals waited at the border"}, "recommendation": {"Send the papers with the order"},
		"review_on": {"2026-06-01"}, "tlp": {"green"}, "own": {"1"},
	})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("lesson: %d", res.StatusCode)
	}
	loc := res.Header.Get("Location")
	_, page = coord.get("/")
	mustContain(t, "coordinator's dashboard", page, "1 lesson learned is due for review")
	_, page = coord.get("/lessons?due=1")
	mustContain(t, "lessons due", page, "Customs papers first")
	_, page = coord.get(loc)
	mustContain(t, "lesson page", page, "Terminals waited at the border", "coordinator", `name="status"`)
	id := strings.TrimPrefix(strings.Split(loc, "?")[0], "/lessons/")
	res, _ = coord.submit("/lessons/"+id, url.Values{"title": {"Customs papers first"}, "status": {"implemented"}, "tlp": {"green"}, "review_on": {"2026-06-01"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: %d", res.StatusCode)
	}
	_, page = coord.get("/lessons?due=1")
	mustContain(t, "no lesson due", page, "No lesson is due for review.")
	if res, _ := s.as("").get("/lessons/" + id); res.StatusCode != http.StatusNotFound {
		t.Errorf("a visitor asks for a GREEN lesson: %d, want 404", res.StatusCode)
	}
}
