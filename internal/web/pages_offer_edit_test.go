package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
)

func TestOfferEditPage(t *testing.T) {
	t.Parallel()
	s := matchingSite(t)
	for _, c := range []struct {
		as   string
		want int
	}{
		{"", http.StatusSeeOther},           // sent to sign in
		{"requester", http.StatusForbidden}, // may not change offers at all
		{"coordinator", http.StatusForbidden},
		{"donor_ee", http.StatusForbidden},     // sees the AMBER offer, does not own it
		{"donor_company", http.StatusNotFound}, // does not see it
	} {
		if res, _ := s.as(c.as).get("/offers/{offer}/edit"); res.StatusCode != c.want {
			t.Errorf("GET edit as %q: %d, want %d", c.as, res.StatusCode, c.want)
		}
	}
	_, body := s.as("donor_ee").get("/offers/{offer}")
	if strings.Contains(body, s.expand("/offers/{offer}/edit")) {
		t.Error("another member's donor is offered the edit form")
	}

	b := s.as("donor")
	_, body = b.get("/offers/{offer}")
	mustContain(t, "offer page", body, s.expand(`href="/offers/{offer}/edit"`), "Change the offer")
	res, body := b.get("/offers/{offer}/edit")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("edit form: %d", res.StatusCode)
	}
	mustContain(t, "edit form", body, s.expand(`action="/offers/{offer}/edit"`), `value="Energy sector budget"`, `value="30000.00"`,
		`name="sectors" value="energy" checked`, "Save the offer")

	form := func(edit func(url.Values)) url.Values {
		f := url.Values{
			"title": {"Energy sector budget"}, "kind": {"money"}, "amount": {"30000.00"}, "currency": {"EUR"},
			"valid_until": {model.DateOf(pagesNow).AddDays(60).String()}, "sectors": {"energy"}, "tlp": {"amber"},
		}
		edit(f)
		return f
	}
	res, body = b.submit("/offers/{offer}/edit", form(func(f url.Values) { f.Set("title", "") }))
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("no title: %d", res.StatusCode)
	}
	mustContain(t, "no title", body, `id="f-title-error"`, `value="30000.00"`, s.expand(`action="/offers/{offer}/edit"`))
	res, body = b.submit("/offers/{offer}/edit", form(func(f url.Values) { f.Set("valid_until", "2020-01-01") }))
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("date in the past: %d", res.StatusCode)
	}
	mustContain(t, "date in the past", body, `id="f-valid_until-error"`)
	if res, _ := s.as("donor_ee").submit("/offers/{offer}/edit", form(func(url.Values) {})); res.StatusCode != http.StatusForbidden {
		t.Fatalf("another donor posts the form: %d", res.StatusCode)
	}

	before, err := s.app.Offers.Get(context.Background(), s.cast.Viewer("donor"), s.ids["offer"])
	if err != nil {
		t.Fatal(err)
	}
	res, body = b.submit("/offers/{offer}/edit", form(func(f url.Values) {
		f.Set("title", "Grid budget")
		f["sectors"] = []string{"energy", "telecom"}
	}))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: %d\n%s", res.StatusCode, body)
	}
	_, body = b.get(res.Header.Get("Location"))
	mustContain(t, "updated", body, "The offer has been changed.", "Grid budget")
	after, err := s.app.Offers.Get(context.Background(), s.cast.Viewer("donor"), s.ids["offer"])
	if err != nil {
		t.Fatal(err)
	}
	if after.Title != "Grid budget" || len(after.Sectors) != 2 || after.AmountMinor != before.AmountMinor || after.OfferDate != before.OfferDate {
		t.Fatalf("after the edit: %+v", after.Offer)
	}

	withdrawn := model.OfferWithdrawn
	if _, err := s.app.Offers.Update(context.Background(), s.cast.Viewer("donor"), s.ids["offer"], offers.Input{Status: &withdrawn}); err != nil {
		t.Fatal(err)
	}
	if res, _ := b.get("/offers/{offer}/edit"); res.StatusCode != http.StatusConflict {
		t.Errorf("edit a withdrawn offer: %d, want 409", res.StatusCode)
	}
}

func TestRequirementFindOffersLink(t *testing.T) {
	t.Parallel()
	s := matchingSite(t)
	link := s.expand(`href="/matching?requirement={validated}"`)
	for _, c := range []struct {
		as, path string
		want     bool
	}{
		{"coordinator", "/requirements/{validated}", true},
		{"donor", "/requirements/{validated}", true}, // donors use the workbench too
		{"requester", "/requirements/{validated}", false},
		{"validator", "/requirements/{validated}", false},
		{"coordinator", "/requirements/{submitted}", false}, // not open to pledges
	} {
		res, body := s.as(c.as).get(c.path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s as %q: %d", c.path, c.as, res.StatusCode)
		}
		want := link
		if c.path != "/requirements/{validated}" {
			want = `href="/matching?requirement=`
		}
		if got := strings.Contains(body, want); got != c.want {
			t.Errorf("%s as %q: link shown %v, want %v", c.path, c.as, got, c.want)
		}
	}
	_, body := s.as("coordinator").get("/requirements/{validated}")
	mustContain(t, "link text", body, "Find offers for this requirement")
	res, body := s.as("coordinator").get("/matching?requirement={validated}")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("the link leads to %d", res.StatusCode)
	}
	mustContain(t, "workbench", body, "Energy sector budget")
}

func TestListExportLinks(t *testing.T) {
	t.Parallel()
	s := matchingSite(t)
	if _, err := s.app.Lessons.Create(context.Background(), s.cast.Viewer("coordinator"), lessons.Input{Title: ref("Publish the calendar")}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, link string }{
		{"/requirements?sector=energy&priority=critical", `href="/exports/requirements.xlsx?status=&amp;sector=energy&amp;category=&amp;line=&amp;priority=critical&amp;q=&amp;recipient_type=&amp;review="`},
		{"/pledges?status=proposed", `href="/exports/pledges.csv?status=proposed&amp;channel=&amp;donor=&amp;requirement="`},
		{"/offers?sector=energy", `href="/exports/offers.csv?status=&amp;sector=energy&amp;category=&amp;donor="`},
		{"/lessons?status=proposed&due=1", `href="/exports/lessons.xlsx?status=proposed&amp;due=true"`},
	} {
		res, body := s.as("coordinator").get(c.path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", c.path, res.StatusCode)
		}
		if !strings.Contains(body, c.link) {
			t.Errorf("%s: no export link %s", c.path, c.link)
		}
	}
	// The links are read with the session, so that the file holds what the
	// signed-in visitor may see, and the visitor without one gets the public rows.
	res, body := s.as("donor").get("/exports/offers.csv?sector=energy")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || !strings.Contains(body, s.ids["offer"]) {
		t.Fatalf("donor's offers export: %d %s\n%s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	if _, body := s.as("").get("/exports/offers.csv"); strings.Contains(body, s.ids["offer"]) {
		t.Fatal("a visitor exports an AMBER offer")
	}
	if res, _ := s.as("donor").get("/exports/offers.csv?status=lost"); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad filter: %d", res.StatusCode)
	}
	if res, _ := s.as("donor").get("/exports/lessons.xlsx"); res.StatusCode != http.StatusOK {
		t.Fatalf("lessons xlsx: %d", res.StatusCode)
	}
}
