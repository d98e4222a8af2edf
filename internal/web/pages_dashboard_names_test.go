package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/organisations"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// The by-donor table names each donor as the reader reads it, on the
// dashboard and in its printable briefing.
func TestDashboardNamesDonorsInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	us := s.cast.Orgs["us"]
	if _, err := s.app.Organisations.Update(context.Background(), policy.System(), us.ID, organisations.Input{
		NameUK: ref("Сполучені Штати"), NameFR: ref("États-Unis"),
	}, s.app.Accounts.CheckRoles); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ lang, want string }{
		{"en", "United States"}, {"uk", "Сполучені Штати"}, {"fr", "États-Unis"},
	} {
		b := s.as("coordinator")
		u, _ := url.Parse(s.srv.URL)
		b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "lang", Value: c.lang, Path: "/"}})
		for _, path := range []string{"/", "/briefing?list=dashboard"} {
			_, body := b.get(path)
			donors := body
			if i := strings.Index(body, `id="h-donors"`); i >= 0 {
				donors = body[i:]
			}
			mustContain(t, c.lang+" "+path, donors, "<th scope=\"row\">"+c.want+"</th>")
			if c.lang != "en" && strings.Contains(donors, "<th scope=\"row\">United States</th>") {
				t.Errorf("%s %s: the donor keeps its English name", c.lang, path)
			}
		}
	}
}
