package e2e

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/delivery"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

func ptr[T any](v T) *T { return &v }

// TestReceiptAndCharts: the beneficiary confirms receipt of a delivered
// pledge on its page, and a visitor sees the public charts, with their
// tables behind a toggle.
func TestReceiptAndCharts(t *testing.T) {
	ctx := browser(t)
	a, cast := apptest.New(t, storetest.OpenSQLite(t), time.Now)
	srv := httptest.NewServer(a.Web)
	defer srv.Close()
	s := &session{t: t, ctx: ctx, base: srv.URL}

	// The way to delivery is set through the services: the pages for it
	// are covered by the tests of the web package.
	bg := context.Background()
	clear := model.TLPClear
	r, err := a.Requirements.Create(bg, cast.Viewer("requester"), requirements.Input{
		Title: ptr("Satellite terminals for regional centres"), Sector: ptr(model.Sector("telecom")),
		Category: ptr(model.Category("satellite_comms")), LineOfEffort: ptr(model.LineSupport), Priority: ptr(model.PriorityCritical),
		EstimatedEURMinor: ptr(int64(80_000_00)), NeededBy: ptr(model.DateOf(time.Now()).AddDays(60)), TLP: &clear,
	})
	if err == nil {
		_, err = a.Requirements.Submit(bg, cast.Viewer("requester"), r.ID)
	}
	if err == nil {
		_, err = a.Requirements.Validate(bg, cast.Viewer("validator"), r.ID, model.DecisionApprove, "")
	}
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Pledges.Create(bg, cast.Viewer("donor"), pledges.Input{RequirementID: &r.ID, AmountMinor: ptr(int64(80_000_00)), Currency: ptr("EUR"), TLP: &clear})
	if err == nil {
		_, err = a.Pledges.Confirm(bg, cast.Viewer("donor"), p.ID)
	}
	if err == nil {
		_, err = a.Delivery.AddMilestone(bg, cast.Viewer("donor"), p.ID, delivery.MilestoneInput{Kind: ptr(model.MilestoneDelivered), Date: ptr(model.DateOf(time.Now()))})
	}
	if err != nil {
		t.Fatal(err)
	}

	s.signIn("requester")
	s.run("confirm receipt",
		chromedp.Navigate(s.base+"/pledges/"+p.ID),
		chromedp.Click(chromedp.CSS(`#f-outcome`)),
		chromedp.SendKeys(chromedp.CSS(`#f-rnote`), "All twelve terminals work"),
		chromedp.Click(chromedp.CSS(`#send-receipt`)),
		chromedp.WaitVisible(chromedp.CSS(`.receipt-received`)),
	)
	if got := s.read("read the receipt", chromedp.Text(chromedp.CSS(`.receipt-received`))); !strings.Contains(got, "All twelve terminals work") {
		t.Fatalf("the receipt reads %q", got)
	}
	s.run("see the requirement delivered", chromedp.Navigate(s.base+"/requirements/"+r.ID), chromedp.WaitVisible(chromedp.CSS(`form[action$="/close"]`)))
	s.signOut()

	s.run("open the public dashboard",
		chromedp.Navigate(s.base+"/"),
		// The time chart is drawn at several widths, the one that fits
		// the page shown; the lead times are rows of text.
		chromedp.WaitVisible(chromedp.CSS(`#chart-cumulative-caption`)),
		chromedp.WaitVisible(chromedp.CSS(`#chart-lead-caption`)),
	)
	if got := s.read("read the chart's title", chromedp.TextContent(chromedp.CSS(`#chart-cumulative-caption h3`))); got != "Cumulative EUR pledged by month" {
		t.Fatalf("chart title %q", got)
	}
	s.run("open the chart's table",
		chromedp.Click(chromedp.CSS(`figure[aria-labelledby="chart-cumulative-caption"] details summary`)),
		chromedp.WaitVisible(chromedp.CSS(`figure[aria-labelledby="chart-cumulative-caption"] details table`)),
	)
	if got := s.read("read the table", chromedp.Text(chromedp.CSS(`figure[aria-labelledby="chart-cumulative-caption"] details table tbody`))); !strings.Contains(got, "80,000.00") {
		t.Fatalf("the chart's table reads %q, want the EUR 80,000.00 pledge", got)
	}
}
