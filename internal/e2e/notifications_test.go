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

// TestMarkAllRead: the government validates needs, which tells the donors;
// a donor sees the unread count in the menu and acknowledges them all with
// one button, and the count goes.
func TestMarkAllRead(t *testing.T) {
	ctx := browser(t)
	a, cast := apptest.New(t, storetest.OpenSQLite(t), time.Now)
	srv := httptest.NewServer(a.Web)
	defer srv.Close()
	s := &session{t: t, ctx: ctx, base: srv.URL}
	for i := range 4 {
		validated(t, a, cast, fmt.Sprintf("Water utility %d firewalls", i), model.TLPGreen, model.PriorityMedium)
	}

	s.signIn("donor")
	s.run("open the dashboard", chromedp.Navigate(srv.URL+"/"))
	count := s.read("read the menu's count", chromedp.TextContent(chromedp.CSS(`.menu-wide .unread-count .visually-hidden`)))
	if count != "4 unread" {
		t.Fatalf("the menu says %q, want 4 unread", count)
	}
	s.run("open the notifications", chromedp.Click(chromedp.CSS(`.menu-wide a[href="/notifications"]`)), chromedp.WaitVisible(chromedp.CSS(`ul.notifications`)))
	if n := s.evalFloat("count the unread", `document.querySelectorAll("ul.notifications li.unread").length`); n != 4 {
		t.Fatalf("the page lists %.0f unread, want 4", n)
	}
	s.run("mark all as read",
		chromedp.Click(chromedp.CSS(`form[action="/notifications/read-all"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)),
	)
	if n := s.evalFloat("count the unread", `document.querySelectorAll("ul.notifications li.unread, .unread-count, form[action$='/read']").length`); n != 0 {
		t.Fatalf("after marking all read, %.0f unread marks or buttons remain", n)
	}
	if got := s.read("read the summary", chromedp.Text(chromedp.CSS(`.unread-summary`))); !strings.Contains(got, "read every notification") {
		t.Fatalf("the page says %q after marking all read", got)
	}
}
