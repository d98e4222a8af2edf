package web_test

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
)

// rawID is a message id shown instead of its text: a dotted lower-case
// code between tags, such as >object.offer<.
var rawID = regexp.MustCompile(`>\s*([a-z_]+\.[a-z_.]+)\s*<`)

// TestAuditPageNamesObjectsInEveryLanguage: every record type of the log is
// named in the reader's language, never by its message id (offers,
// meetings… were once shown as object.offer).
func TestAuditPageNamesObjectsInEveryLanguage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	if _, err := s.app.Offers.Create(context.Background(), s.cast.Viewer("donor"), offers.Input{
		Title: ref("Energy sector budget"), AmountMinor: ref(int64(30_000_00)), Currency: ref("EUR"),
		ValidUntil: ref(model.DateOf(pagesNow).AddDays(60)),
	}); err != nil {
		t.Fatal(err)
	}
	admin := s.as("admin")
	for lang, want := range map[string][]string{
		"en": {"Offer made", ">Offer<"},
		"uk": {"Пропозицію створено", ">Пропозиція допомоги<"},
		"fr": {"Offre présentée", ">Offre<", "Journal d’audit"},
	} {
		admin.get("/lang/" + lang + "?next=/")
		_, body := admin.get("/audit")
		mustContain(t, lang+" audit", body, want...)
		for _, m := range rawID.FindAllStringSubmatch(body, -1) {
			t.Errorf("%s: the audit page shows the id %q", lang, m[1])
		}
	}
}

// TestFrench: French is chosen by the switch, the cookie or Accept-Language,
// and pages read as French, numbers and plural forms included.
func TestFrench(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	res, body := s.browser("fr").get("/")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	mustContain(t, "fr dashboard", body, `<html lang="fr">`, "Tableau de bord", "Besoins", "Se connecter", "Énergie", "Français")
	if strings.Contains(body, ">Dashboard<") {
		t.Error("English text on the French page")
	}
	if !regexp.MustCompile(`\d{3},00\x{a0}EUR`).MatchString(html.UnescapeString(body)) {
		t.Error("no amount written as «… 000,00 EUR»")
	}

	req, _ := http.NewRequest(http.MethodGet, s.srv.URL+"/signin", nil)
	req.Header.Set("Accept-Language", "fr-CA,fr;q=0.9,en;q=0.5")
	_, body = s.browser("").do(req)
	mustContain(t, "Accept-Language fr-CA", body, "Connexion", "Mot de passe")

	en := s.browser("")
	res, _ = en.get("/lang/fr?next=/requirements")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/requirements" {
		t.Fatalf("switch: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	_, body = en.get("/requirements")
	mustContain(t, "after the switch", body, "Besoins", "TLP:CLEAR")

	v := s.as("validator")
	v.get("/lang/fr?next=/")
	_, body = v.get("/requirements/{submitted}")
	mustContain(t, "fr requirement", body, "Validation par le groupe de travail gouvernemental", "Renvoyer pour modification", "Soumis")
	_, body = v.get("/requirements")
	mustContain(t, "fr list", body, "5 besoins sur cette page")
	for _, m := range rawID.FindAllStringSubmatch(body, -1) {
		t.Errorf("fr: the list shows the id %q", m[1])
	}
}
