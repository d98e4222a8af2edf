package e2e

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestSortedPagedListAndSearch sorts the requirements by a column, goes to
// the second page and back, and finds a word through the header's search
// box, highlighted in the result.
func TestSortedPagedListAndSearch(t *testing.T) {
	ctx := browser(t)
	a, cast := apptest.New(t, storetest.OpenSQLite(t), time.Now)
	srv := httptest.NewServer(a.Web)
	defer srv.Close()
	s := &session{t: t, ctx: ctx, base: srv.URL}

	// Sixty validated needs, made newest last so that the list's own order
	// (newest first) is not the order by title.
	now := time.Now()
	for i := 1; i <= 60; i++ {
		title := fmt.Sprintf("Lot %02d radios", i)
		if i == 7 {
			title = "Lot 07 кібербезпека підстанцій"
		}
		r := model.Requirement{
			Title: title, Description: "Щоб лінії працювали", BeneficiaryOrgID: cast.Orgs["ssscip"].ID,
			Sector: "energy", Category: "hardware_software", LineOfEffort: model.LineSupport, Priority: model.PriorityHigh,
			EstimatedEURMinor: int64(i) * 1000_00, TLP: model.TLPClear, Status: model.ReqValidated, ValidatedAt: &now,
		}
		if err := a.Store.CreateRequirement(t.Context(), &r); err != nil {
			t.Fatal(err)
		}
	}

	s.signIn("coordinator")
	s.run("sort by title",
		chromedp.Navigate(srv.URL+"/requirements"),
		chromedp.Click(chromedp.CSS(`th[aria-sort] a[href*="sort=title"]`)),
		chromedp.WaitVisible(chromedp.CSS(`th[aria-sort="ascending"]`)),
	)
	first := s.read("read the first row", chromedp.Text(chromedp.CSS(`table.data tbody tr:first-child td:first-child a`)))
	if first != "Lot 01 radios" {
		t.Errorf("first row by title: %q", first)
	}
	count := s.read("read the count", chromedp.Text(chromedp.CSS(`.list-count`)))
	if !strings.Contains(count, "1–50") || !strings.Contains(count, "60") {
		t.Errorf("count on page 1: %q", count)
	}
	s.run("go to page 2",
		chromedp.Click(chromedp.CSS(`.list-nav a[rel="next"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.list-nav a[rel="prev"]`)),
	)
	first = s.read("read page 2", chromedp.Text(chromedp.CSS(`table.data tbody tr:first-child td:first-child a`)))
	count = s.read("read the count", chromedp.Text(chromedp.CSS(`.list-count`)))
	if first != "Lot 51 radios" || !strings.Contains(count, "51–60") {
		t.Errorf("page 2 starts with %q, count %q", first, count)
	}
	here := s.read("where page 2 is", chromedp.Location())
	if !strings.Contains(here, "sort=title") {
		t.Errorf("the order is not kept in the address: %s", here)
	}
	s.run("back to page 1",
		chromedp.Click(chromedp.CSS(`.list-nav a[rel="prev"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`.list-nav a[rel="prev"]`)),
		chromedp.WaitVisible(chromedp.CSS(`th[aria-sort="ascending"]`)),
	)
	if first = s.read("read page 1", chromedp.Text(chromedp.CSS(`table.data tbody tr:first-child td:first-child a`))); first != "Lot 01 radios" {
		t.Errorf("back on page 1, first row %q", first)
	}

	s.run("search from the header",
		chromedp.SendKeys(chromedp.CSS(`#header-q`), "КІБЕРБЕЗПЕКА"),
		chromedp.Submit(chromedp.CSS(`#header-q`)),
		chromedp.WaitVisible(chromedp.CSS(`.search-results mark`)),
	)
	marked := s.read("read the highlight", chromedp.Text(chromedp.CSS(`.search-results mark`)))
	if marked != "кібербезпека" {
		t.Errorf("highlighted %q", marked)
	}
	link := s.read("read the result", chromedp.Text(chromedp.CSS(`.search-results a.search-title`)))
	if link != "Lot 07 кібербезпека підстанцій" {
		t.Errorf("result %q", link)
	}
}
