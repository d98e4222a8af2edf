package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
)

// TestStagesPageScenarios: the suspension, resumption and disbursement
// forms of a pledge's page, as every kind of visitor posts them. A visitor
// is sent to sign in, a role without the permission and a donor of another
// organisation are refused, a pledge the poster may not see answers 404 as
// a missing one, and the pledge's donor or a coordinator succeeds. The rows
// run in order, each group's allowed rows last, so that a refusal is seen
// to change nothing.
func TestStagesPageScenarios(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	// The CLEAR pledge of Estonia's donor is confirmed, so money may be
	// disbursed on it; the AMBER pledge of the United States' donor on the
	// validated requirement is suspended, and no NGO sees it.
	if _, err := s.app.Pledges.Confirm(ctx, s.cast.Viewer("donor_ee"), s.ids["clear_pledge"]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.app.Pledges.Suspend(ctx, s.cast.Viewer("donor"), s.ids["pledge"], "Programme frozen"); err != nil {
		t.Fatal(err)
	}
	reason := url.Values{"reason": {"Budget frozen by parliament"}}
	tranche := func() url.Values {
		return url.Values{"amount": {"5000.00"}, "currency": {"EUR"}, "date": {model.DateOf(pagesNow).String()}, "note": {"First tranche"}}
	}
	const signIn = 0 // a redirection to the sign-in page
	for _, c := range []struct {
		name, as, path string
		form           url.Values
		want           int
		// status is the pledge's status after the row, when it is checked.
		pledge, status string
	}{
		{"disburse: anonymous", "", "/pledges/{clear_pledge}/disbursements", tranche(), signIn, "clear_pledge", "confirmed"},
		{"disburse: requester", "requester", "/pledges/{clear_pledge}/disbursements", tranche(), http.StatusForbidden, "", ""},
		{"disburse: another organisation's donor", "donor", "/pledges/{clear_pledge}/disbursements", tranche(), http.StatusForbidden, "", ""},
		{"disburse: hidden pledge", "donor_ngo", "/pledges/{pledge}/disbursements", tranche(), http.StatusNotFound, "", ""},
		{"disburse: missing pledge", "donor_ee", "/pledges/no-such-pledge/disbursements", tranche(), http.StatusNotFound, "", ""},
		{"disburse: donor", "donor_ee", "/pledges/{clear_pledge}/disbursements", tranche(), http.StatusSeeOther, "", ""},
		{"disburse: coordinator", "coordinator", "/pledges/{clear_pledge}/disbursements", tranche(), http.StatusSeeOther, "", ""},

		{"suspend: anonymous", "", "/pledges/{clear_pledge}/suspend", reason, signIn, "clear_pledge", "confirmed"},
		{"suspend: requester", "requester", "/pledges/{clear_pledge}/suspend", reason, http.StatusForbidden, "clear_pledge", "confirmed"},
		{"suspend: another organisation's donor", "donor", "/pledges/{clear_pledge}/suspend", reason, http.StatusForbidden, "clear_pledge", "confirmed"},
		{"suspend: hidden pledge", "donor_ngo", "/pledges/{pledge}/suspend", reason, http.StatusNotFound, "", ""},
		{"suspend: missing pledge", "donor_ee", "/pledges/no-such-pledge/suspend", reason, http.StatusNotFound, "", ""},
		{"suspend: donor", "donor_ee", "/pledges/{clear_pledge}/suspend", reason, http.StatusSeeOther, "clear_pledge", "suspended"},

		{"resume: anonymous", "", "/pledges/{clear_pledge}/resume", nil, signIn, "clear_pledge", "suspended"},
		{"resume: requester", "requester", "/pledges/{clear_pledge}/resume", nil, http.StatusForbidden, "clear_pledge", "suspended"},
		{"resume: another organisation's donor", "donor", "/pledges/{clear_pledge}/resume", nil, http.StatusForbidden, "clear_pledge", "suspended"},
		{"resume: hidden pledge", "donor_ngo", "/pledges/{pledge}/resume", nil, http.StatusNotFound, "pledge", "suspended"},
		{"resume: missing pledge", "coordinator", "/pledges/no-such-pledge/resume", nil, http.StatusNotFound, "", ""},
		{"resume: coordinator", "coordinator", "/pledges/{clear_pledge}/resume", nil, http.StatusSeeOther, "clear_pledge", "confirmed"},
		{"resume: donor", "donor", "/pledges/{pledge}/resume", nil, http.StatusSeeOther, "pledge", "proposed"},
	} {
		b := s.as(c.as)
		if c.as == "" {
			// A visitor holds a session's form token too: the refusal is
			// the sign-in, not the token.
			b.get("/pledges/{clear_pledge}")
		}
		form := url.Values{}
		for k, v := range c.form {
			form[k] = v
		}
		res, body := b.submit(c.path, form)
		switch {
		case c.want == signIn:
			if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/signin?next=") {
				t.Errorf("%s: %d to %q, want a redirection to sign in", c.name, res.StatusCode, loc)
			}
		case res.StatusCode != c.want:
			t.Errorf("%s: %d, want %d", c.name, res.StatusCode, c.want)
		case c.want == http.StatusSeeOther:
			// Back to the pledge's page, which tells what was done.
			page := s.expand(c.path[:strings.LastIndex(c.path, "/")])
			if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, page+"?done=") {
				t.Errorf("%s: sent to %q, want the pledge's page %s", c.name, loc, page)
			}
		}
		if c.want == http.StatusNotFound && (strings.Contains(body, "Programme frozen") || strings.Contains(body, "Requirement validated")) {
			t.Errorf("%s: the 404 page tells of the hidden pledge", c.name)
		}
		if c.pledge != "" {
			p, err := s.app.Store.PledgeByID(ctx, s.ids[c.pledge])
			if err != nil {
				t.Fatal(err)
			}
			if string(p.Status) != c.status {
				t.Errorf("%s: the pledge is %s, want %s", c.name, p.Status, c.status)
			}
		}
	}
	ds, err := s.app.Store.Disbursements(ctx, s.ids["clear_pledge"])
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 {
		t.Errorf("%d tranches recorded, want the donor's and the coordinator's alone", len(ds))
	}
}
