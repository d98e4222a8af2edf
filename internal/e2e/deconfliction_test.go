package e2e

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/coordination"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestBulkAcknowledgeInTheBrowser: a coordinator ticks two of three gaps on
// the deconfliction board, writes one comment for both and sends it; both
// show as acknowledged with that comment and the third stays open. The
// coordinator was told of a suspended pledge: the menu counts it unread
// until "mark all as read" clears the count.
func TestBulkAcknowledgeInTheBrowser(t *testing.T) {
	ctx := browser(t)
	a, cast := apptest.New(t, storetest.OpenSQLite(t), time.Now)
	srv := httptest.NewServer(a.Web)
	defer srv.Close()
	s := &session{t: t, ctx: ctx, base: srv.URL}

	var gaps []model.Requirement
	for i := range 3 {
		gaps = append(gaps, validated(t, a, cast, fmt.Sprintf("Regional water utility %d EDR", i), model.TLPAmber, model.PriorityHigh))
	}
	// A suspension tells the coordinators, who then have something unread.
	bg := context.Background()
	p, err := a.Pledges.Create(bg, cast.Viewer("donor"), pledges.Input{RequirementID: &gaps[2].ID, AmountMinor: ptr(int64(10_000_00)), Currency: ptr("EUR")})
	if err == nil {
		_, err = a.Pledges.Confirm(bg, cast.Viewer("donor"), p.ID)
	}
	if err == nil {
		_, err = a.Pledges.Suspend(bg, cast.Viewer("donor"), p.ID, "The programme is under review")
	}
	if err != nil {
		t.Fatal(err)
	}
	pick := func(r model.Requirement) string {
		return `input[name="key"][value="gap:` + r.ID + `"][form="bulk-ack"]`
	}
	alert := func(r model.Requirement) string {
		return `document.querySelector('input[form="bulk-ack"][value="gap:` + r.ID + `"]').closest("li.alert")`
	}
	const comment = "Raised with the donors at the weekly meeting"

	s.signIn("coordinator")
	s.run("tick two gaps and acknowledge them with one comment",
		chromedp.Navigate(s.base+"/deconfliction"),
		chromedp.WaitVisible(chromedp.CSS(`#bulk-ack`)),
		chromedp.Click(chromedp.CSS(pick(gaps[0]))),
		chromedp.Click(chromedp.CSS(pick(gaps[1]))),
		chromedp.SendKeys(chromedp.CSS(`#f-bulk-comment`), comment),
		chromedp.Click(chromedp.CSS(`#bulk-ack button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`li.alert .notice q`)),
	)
	for i, r := range gaps[:2] {
		got := s.read(fmt.Sprintf("read gap %d's acknowledgement", i),
			chromedp.Evaluate[string](alert(r)+`?.querySelector(".notice")?.textContent ?? ""`))
		if !strings.Contains(got, comment) {
			t.Errorf("gap %d (%s) reads %q, want it acknowledged with the comment", i, r.Title, got)
		}
	}
	if s.eval("look at the third gap", alert(gaps[2])+`.querySelector(".notice") !== null`) {
		t.Error("the gap left unticked was acknowledged too")
	}
	alerts, err := a.Coordination.Alerts(bg, cast.Viewer("coordinator"), coordination.AlertFilter{})
	if err != nil {
		t.Fatal(err)
	}
	acked := 0
	for _, al := range alerts {
		if al.Acknowledged != nil {
			acked++
			if al.Acknowledged.Comment != comment {
				t.Errorf("%s acknowledged with %q", al.Key, al.Acknowledged.Comment)
			}
		}
	}
	if acked != 2 {
		t.Errorf("%d alerts acknowledged, want the 2 ticked", acked)
	}

	// The suspension is unread; marking all read clears the menu's count.
	s.run("open the dashboard", chromedp.Navigate(s.base+"/"))
	if got := s.read("read the menu's count", chromedp.TextContent(chromedp.CSS(`.menu-wide .unread-count .visually-hidden`))); got != "1 unread" {
		t.Fatalf("the menu says %q, want 1 unread", got)
	}
	s.run("mark all notifications read",
		chromedp.Click(chromedp.CSS(`.menu-wide a[href="/notifications"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/notifications/read-all"] button`)),
		chromedp.Click(chromedp.CSS(`form[action="/notifications/read-all"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)),
	)
	if s.eval("look for an unread count in the menu", `document.querySelector(".menu-wide .unread-count") !== null`) {
		t.Fatal("the menu still counts unread notifications after marking all read")
	}
	s.run("open another page", chromedp.Navigate(s.base+"/deconfliction"), chromedp.WaitVisible(chromedp.CSS(`#bulk-ack`)))
	if s.eval("look for an unread count in the menu", `document.querySelector(".unread-count") !== null`) {
		t.Fatal("the menu counts unread notifications again on the next page")
	}
}
