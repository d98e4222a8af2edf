package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/governance"
	"github.com/cyberaid/cyberaid/internal/i18n"
	"github.com/cyberaid/cyberaid/internal/model"
)

// TestMeetingPages: a coordinator schedules a meeting, edits its agenda and
// records attendance and minutes through pages; others are kept out as
// the API keeps them out.
func TestMeetingPages(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	title, amber := "Coordination group, July", model.TLPAmber
	date, _ := model.ParseDate("2026-07-01")
	m, err := s.app.Governance.CreateMeeting(ctx, s.cast.Viewer("coordinator"), governance.MeetingInput{Title: &title, Date: &date, TLP: &amber})
	if err != nil {
		t.Fatal(err)
	}
	s.ids["meeting"] = m.ID

	for _, sc := range []struct {
		name, as, method, path string
		want                   int
	}{
		{"anonymous new", "", "GET", "/meetings/new", http.StatusSeeOther},
		{"anonymous create", "", "POST", "/meetings", http.StatusSeeOther},
		{"anonymous edit", "", "GET", "/meetings/{meeting}/edit", http.StatusSeeOther},
		{"anonymous update", "", "POST", "/meetings/{meeting}/edit", http.StatusSeeOther},
		{"delegate new", "delegate", "GET", "/meetings/new", http.StatusForbidden},
		{"delegate create", "delegate", "POST", "/meetings", http.StatusForbidden},
		{"delegate edit", "delegate", "GET", "/meetings/{meeting}/edit", http.StatusForbidden},
		{"delegate update", "delegate", "POST", "/meetings/{meeting}/edit", http.StatusForbidden},
		// Another organisation's company may neither manage nor see it.
		{"company edit", "donor_company", "GET", "/meetings/{meeting}/edit", http.StatusForbidden},
		{"company update", "donor_company", "POST", "/meetings/{meeting}/edit", http.StatusForbidden},
		{"coordinator missing meeting", "coordinator", "GET", "/meetings/no-such-meeting/edit", http.StatusNotFound},
		{"coordinator missing update", "coordinator", "POST", "/meetings/no-such-meeting/edit", http.StatusNotFound},
		{"coordinator new", "coordinator", "GET", "/meetings/new", http.StatusOK},
		{"coordinator edit", "coordinator", "GET", "/meetings/{meeting}/edit", http.StatusOK},
	} {
		t.Run(sc.name, func(t *testing.T) {
			b := s.as(sc.as)
			var res *http.Response
			if sc.method == "GET" {
				res, _ = b.get(sc.path)
			} else {
				res, _ = b.submit(sc.path, url.Values{"title": {"x"}, "date": {"2026-07-02"}, "tlp": {"amber"}})
			}
			if res.StatusCode != sc.want {
				t.Fatalf("%s %s as %q: %d, want %d", sc.method, sc.path, sc.as, res.StatusCode, sc.want)
			}
			if sc.as == "" && !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
				t.Fatalf("anonymous visitor sent to %q, not to sign in", res.Header.Get("Location"))
			}
		})
	}

	coord := s.as("coordinator")
	_, body := coord.get("/meetings")
	mustContain(t, "list", body, `href="/meetings/new"`)
	if _, body := s.as("delegate").get("/meetings/{meeting}"); strings.Contains(body, "/meetings/"+m.ID+"/edit") {
		t.Error("a delegate is offered the edit link")
	}

	// An empty form: every problem listed at once, linking to its field.
	res, body := coord.submit("/meetings", url.Values{"tlp": {"amber"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("empty meeting: %d", res.StatusCode)
	}
	mustContain(t, "empty meeting", body, "There is a problem", `<a href="#f-title">Enter a title.</a>`, `<a href="#f-date">Enter the date.</a>`)

	// Scheduled with an agenda that names a visible requirement, chosen
	// from a list rather than typed.
	_, body = coord.get("/meetings/new")
	mustContain(t, "agenda choices", body, `value="requirement:`+s.ids["validated"]+`"`)
	form := url.Values{"title": {"Back office review"}, "date": {"2026-07-15"}, "tlp": {"amber"},
		"agenda_link": {"requirement:" + s.ids["validated"], "other", "other"}, "agenda_note": {"Coverage", "Any other business", ""}}
	res, _ = coord.submit("/meetings", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", res.StatusCode)
	}
	loc := res.Header.Get("Location")
	s.ids["new"] = strings.TrimPrefix(loc, "/meetings/")
	_, body = coord.get(loc)
	mustContain(t, "new meeting", body, "Back office review", "Coverage", "Any other business", "/requirements/"+s.ids["validated"])

	// Attendance and minutes recorded on the edit form, the agenda kept.
	_, body = coord.get("/meetings/{new}/edit")
	mustContain(t, "edit form", body, `value="Back office review"`, `value="Coverage"`)
	ee := s.cast.Orgs["ee"].ID
	form.Set("minutes", "Agreed to extend the back office.")
	form["attendee_org_ids"] = []string{ee}
	res, _ = coord.submit("/meetings/{new}/edit", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: %d", res.StatusCode)
	}
	got, err := s.app.Governance.Meeting(ctx, s.cast.Viewer("coordinator"), s.ids["new"])
	if err != nil || got.Minutes != "Agreed to extend the back office." || !slices.Equal(got.Attendees, []string{ee}) || len(got.Agenda) != 2 {
		t.Fatalf("meeting after the edit: %+v, %v", got, err)
	}
}

// TestErrorSummaryPages: a refused form lists every problem at the top in
// the reader's language, each linking to its field, which carries its own
// message, and keeps what was typed.
func TestErrorSummaryPages(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	want := map[string][]string{
		"en": {"There is a problem", "Enter a title.", "Choose a sector.", "Choose a category.", "Choose a priority.", "Enter the estimated cost in euros"},
		"uk": {"Виникла проблема", "Вкажіть назву.", "Виберіть сектор.", "Виберіть категорію.", "Виберіть пріоритет.", "Вкажіть орієнтовну вартість у євро"},
	}
	if slices.Contains(i18n.Languages(), "fr") {
		want["fr"] = []string{"Il y a un problème", "Saisissez un titre.", "Choisissez un secteur.", "Choisissez une catégorie.", "Choisissez une priorité.", "Indiquez le coût estimé en euros"}
	}
	for lang, texts := range want {
		b := s.as("requester")
		b.c.Jar.SetCookies(mustURL(t, s.srv.URL), []*http.Cookie{{Name: "lang", Value: lang, Path: "/"}})
		res, body := b.submit("/requirements", url.Values{"description": {"Kept as typed"}, "tlp": {"amber"}})
		if res.StatusCode != http.StatusBadRequest {
			t.Fatalf("%s: empty requirement: %d", lang, res.StatusCode)
		}
		mustContain(t, lang, body, texts...)
		mustContain(t, lang, body, `role="alert"`, `autofocus`, `href="#f-title"`, `href="#f-sector"`, `href="#f-category"`,
			`href="#f-line_of_effort"`, `href="#f-priority"`, `href="#f-estimated_eur"`,
			`id="f-title-error"`, `aria-describedby="f-title-hint f-title-error"`, `aria-invalid="true"`, "Kept as typed")
		// In form order: the title's problem before the sector's.
		if strings.Index(body, `href="#f-title"`) > strings.Index(body, `href="#f-sector"`) {
			t.Errorf("%s: the summary is not in the order of the form", lang)
		}
	}
}

func mustURL(t *testing.T, raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
