package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestMarkAllNotificationsRead is the scenario table of "mark all as
// read": a visitor is sent to sign in, a form without the session's token
// is refused, and a participant marks only their own notifications, up to
// the newest their list showed, whoever else's id they send.
func TestMarkAllNotificationsRead(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	unread := func(who string) int {
		t.Helper()
		n, _, err := s.app.Notify.Unread(ctx, s.cast.Viewer(who))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	newest := func(who string) string {
		t.Helper()
		ns, err := s.app.Notify.List(ctx, s.cast.Viewer(who))
		if err != nil || len(ns) == 0 {
			t.Fatalf("%s has no notification: %v", who, err)
		}
		return ns[0].ID
	}
	donorBefore, eeBefore := unread("donor"), unread("donor_ee")
	if donorBefore < 2 || eeBefore < 2 {
		t.Fatalf("the fixture gives too few notifications: donor %d, donor_ee %d", donorBefore, eeBefore)
	}

	// The menu and the page show the count.
	donor := s.as("donor")
	_, body := donor.get("/notifications")
	mustContain(t, "notifications page", body, `action="/notifications/read-all"`, "Mark all as read",
		"unread notifications.", `<span class="visually-hidden">`+strconv.Itoa(donorBefore)+` unread</span>`)

	for _, c := range []struct {
		name   string
		as     string
		csrf   bool
		upTo   string
		status int
		where  string
	}{
		{"anonymous", "", false, newest("donor"), http.StatusSeeOther, "/signin"},
		{"no CSRF token", "donor", false, newest("donor"), http.StatusBadRequest, ""},
		// Another person's newest id marks only the sender's own.
		{"another person's id", "donor_ee", true, newest("donor"), http.StatusSeeOther, "/notifications?done=read_all"},
		{"malformed", "donor", true, "not-an-id", http.StatusBadRequest, ""},
	} {
		b := s.as(c.as)
		form := url.Values{"up_to": {c.upTo}}
		var res *http.Response
		if c.csrf {
			res, _ = b.submit("/notifications/read-all", form)
		} else {
			res, _ = b.post("/notifications/read-all", form)
		}
		if res.StatusCode != c.status || !strings.HasPrefix(res.Header.Get("Location"), c.where) {
			t.Errorf("%s: %d to %q, want %d to %q", c.name, res.StatusCode, res.Header.Get("Location"), c.status, c.where)
		}
	}
	if got := unread("donor"); got != donorBefore {
		t.Fatalf("donor's notifications changed by others' commands: %d unread, had %d", got, donorBefore)
	}

	// The donor marks all read: their count goes to zero.
	res, _ := donor.submit("/notifications/read-all", url.Values{"up_to": {newest("donor")}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("mark all read: %d", res.StatusCode)
	}
	if got := unread("donor"); got != 0 {
		t.Fatalf("donor has %d unread after marking all read", got)
	}
	_, body = donor.get("/notifications?done=read_all")
	mustContain(t, "notifications page after", body, "Your notifications are marked as read.", "You have read every notification.")
	if strings.Contains(body, `action="/notifications/read-all"`) || strings.Contains(body, "unread-count") {
		t.Error("the page still offers to mark all read, or the menu still counts unread")
	}
}

// TestMenuCountOnAChangesPage: a command that tells its user something
// and shows a page rather than sending them on (a new API token, whose
// security notice arrives with it) counts that notice in the page's menu,
// though the count before it was kept.
func TestMenuCountOnAChangesPage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	b := s.as("donor")
	count := func(page string) int {
		m := regexp.MustCompile(`unread-count"><span aria-hidden="true">(\d+)`).FindStringSubmatch(page)
		if m == nil {
			return 0
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	_, page := b.get("/account")
	before := count(page)
	_, page = b.get("/account") // the count kept
	if count(page) != before {
		t.Fatalf("the menu counts %d, then %d, with no change", before, count(page))
	}
	res, page := b.submit("/account/tokens", nil)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create a token: %d %.300s", res.StatusCode, page)
	}
	if got := count(page); got != before+1 {
		t.Errorf("the page that shows the new token counts %d unread, want %d with its security notice", got, before+1)
	}
	if _, page = b.get("/account"); count(page) != before+1 {
		t.Errorf("the account page after counts %d unread, want %d", count(page), before+1)
	}
}
