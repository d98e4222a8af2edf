package i18n

import (
	"encoding/json"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// pluralForms are the CLDR cardinal categories each catalogue must give a
// counted message: English has one and other; Ukrainian one (1, 21, 31…),
// few (2–4, 22–24…), many (0, 5–20, 25–30…) and other (fractions); French
// one (0 and 1), many (whole millions: « 1 000 000 de … ») and other.
var pluralForms = map[string][]string{
	"en": {"one", "other"},
	"uk": {"few", "many", "one", "other"},
	"fr": {"many", "one", "other"},
}

func TestEveryLanguageHasItsPluralForms(t *testing.T) {
	for _, lang := range Languages() {
		if pluralForms[lang] == nil {
			t.Errorf("no plural forms are listed for %s", lang)
		}
	}
}

func catalogue(t *testing.T, lang string) map[string]any {
	t.Helper()
	buf, err := Catalogue(lang)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(buf, &m); err != nil {
		t.Fatalf("%s.json: %v", lang, err)
	}
	return m
}

func TestCataloguesHaveTheSameIDs(t *testing.T) {
	if got := Languages(); !slices.Equal(got, []string{"en", "uk", "fr"}) {
		t.Fatalf("Languages() = %v, want en, uk, fr", got)
	}
	en := catalogue(t, "en")
	for _, lang := range Languages()[1:] {
		other := catalogue(t, lang)
		for id := range en {
			if _, ok := other[id]; !ok {
				t.Errorf("%s lacks %q", lang, id)
			}
		}
		for id := range other {
			if _, ok := en[id]; !ok {
				t.Errorf("en lacks %q (%s has it)", id, lang)
			}
		}
	}
}

// TestEveryAreaInEveryLanguage keeps the files parallel: an area translated
// into one language only would scatter its texts over other files.
func TestEveryAreaInEveryLanguage(t *testing.T) {
	areas := map[string]map[string]bool{}
	for _, lang := range Languages() {
		names, err := files(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			area := strings.TrimSuffix(strings.TrimPrefix(n, "locales/"), "."+lang+".json")
			if areas[area] == nil {
				areas[area] = map[string]bool{}
			}
			areas[area][lang] = true
		}
	}
	for area, langs := range areas {
		for _, lang := range Languages() {
			if !langs[lang] {
				t.Errorf("area %s has no %s.%s.json", area, area, lang)
			}
		}
	}
}

func TestPluralForms(t *testing.T) {
	en := catalogue(t, "en")
	for _, lang := range Languages() {
		cat := catalogue(t, lang)
		for id, v := range cat {
			switch msg := v.(type) {
			case string:
				if msg == "" {
					t.Errorf("%s: %q is empty", lang, id)
				}
				if _, plural := en[id].(map[string]any); plural {
					t.Errorf("%s: %q is counted in English but not here", lang, id)
				}
			case map[string]any:
				got := slices.Sorted(maps.Keys(msg))
				if !slices.Equal(got, pluralForms[lang]) {
					t.Errorf("%s: %q has plural forms %v, want %v", lang, id, got, pluralForms[lang])
				}
				for form, text := range msg {
					if s, _ := text.(string); !strings.Contains(s, "{{.Count}}") && id != "dashboard.covered_note" {
						t.Errorf("%s: %q form %s does not show the count", lang, id, form)
					}
				}
			default:
				t.Errorf("%s: %q is neither a text nor plural forms", lang, id)
			}
		}
	}
}

// sameAsEnglish lists, per language, the texts that may stay as in
// English: the product's name, the names of languages in their own
// language, codes (TLP labels, ISO and IATI codes), and words that the
// language spells the same way.
var sameAsEnglish = map[string]map[string]bool{
	"uk": {"app.name": true, "lang.en": true, "lang.uk": true, "lang.fr": true, "field.tlp": true},
	"fr": {
		"app.name": true, "lang.en": true, "lang.uk": true, "lang.fr": true, "field.tlp": true,
		"date.instant": true,
		// French spells these as English does.
		"audit.action": true, "account.actions": true, "audit.organisation": true, "field.organisation": true,
		"object.organisation": true, "account.organisation": true, "nav.organisations": true, "organisations.title": true,
		"field.description": true, "field.participation": true, "nav.audit": true, "nav.notifications": true,
		"notifications.title": true, "pager.label": true, "delivery.date": true, "meetings.date": true,
		"vocabulary.code": true, "sector.finance": true, "proposal.position": true,
		"procedure.consensus": true, "proposal.comments": true, "delivery.note": true,
		"documents.title": true, "documents.type": true, "documents.actions": true, "results.date": true,
		"stages.suspension": true, "stages.date": true, "forms.meeting.agenda_note": true, "search.kind.organisation": true,
		"figures.total": true,
	},
}

func TestTranslationsDiffer(t *testing.T) {
	en := catalogue(t, "en")
	for _, lang := range Languages()[1:] {
		other := catalogue(t, lang)
		for id, v := range en {
			s, ok := v.(string)
			if !ok || s != other[id] || sameAsEnglish[lang][id] || strings.HasPrefix(id, "tlp.") {
				continue
			}
			if strings.Trim(s, "{}.:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz ") == "" && strings.Contains(s, "{{") {
				continue // only placeholders, nothing to translate
			}
			t.Errorf("%s: %q is the same as in English: %q", lang, id, s)
		}
		for id, ok := range sameAsEnglish[lang] {
			if ok && en[id] != nil && en[id] != other[id] {
				t.Errorf("%s: %q is allowed to equal English but differs; take it off the list", lang, id)
			}
		}
	}
}

// TestErrorTextsAreSentences: an error the reader sees is a full sentence of
// the catalogue, starting with a capital letter and ending with a full
// stop. Headings and links of the error page are not sentences, nor are the
// names of fields (error.field.*) that sentences are built with. A sentence
// may open with a quoted value («…», "…") or with the value itself.
func TestErrorTextsAreSentences(t *testing.T) {
	notSentences := map[string]bool{"error.status": true, "error.home": true}
	// These end with another error's sentence, which brings its own stop.
	endsWithSentence := map[string]bool{"error.msg.not_valued": true, "error.msg.line_error": true}
	for _, lang := range Languages() {
		for id, v := range catalogue(t, lang) {
			if !strings.HasPrefix(id, "error.") || strings.HasPrefix(id, "error.field.") || strings.HasSuffix(id, ".title") || notSentences[id] {
				continue
			}
			texts := []string{}
			switch m := v.(type) {
			case string:
				texts = append(texts, m)
			case map[string]any:
				for _, x := range m {
					s, _ := x.(string)
					texts = append(texts, s)
				}
			}
			for _, s := range texts {
				opening := strings.TrimLeft(s, "«“\"‘' \u00a0\u202f")
				first, _ := utf8.DecodeRuneInString(opening)
				if !unicode.IsUpper(first) && !strings.HasPrefix(opening, "{{") {
					t.Errorf("%s: %q does not start with a capital letter: %q", lang, id, s)
				}
				if !strings.HasSuffix(s, ".") && !(endsWithSentence[id] && strings.HasSuffix(s, "}}")) {
					t.Errorf("%s: %q does not end with a full stop: %q", lang, id, s)
				}
			}
		}
	}
}

// TestMenuLabelsDiffer fails when two entries of the main menu read the
// same in a language, as «Пропозиції» once did for offers and proposals.
// The menu is built in the web package's nav.go; its ids are read from
// there, and from the layout's own links around it.
func TestMenuLabelsDiffer(t *testing.T) {
	var ids []string
	for _, name := range []string{"../web/nav.go", "../web/templates/layout.html"} {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`(?:l\.T\(|\{\{t )"(nav\.[a-z_.]+)"`).FindAllStringSubmatch(string(src), -1) {
			ids = append(ids, m[1])
		}
	}
	if len(ids) < 15 {
		t.Fatalf("found %d menu entries; is the menu still built in nav.go?", len(ids))
	}
	for _, lang := range Languages() {
		cat := catalogue(t, lang)
		seen := map[string]string{}
		for _, id := range ids {
			if id == "nav.label" {
				continue
			}
			label, ok := cat[id].(string)
			if !ok {
				continue // a count with plural forms, not an entry's label
			}
			key := strings.ToLower(label)
			if other, dup := seen[key]; dup && other != id {
				t.Errorf("%s: %s and %s are both labelled %q", lang, other, id, label)
			}
			seen[key] = id
		}
	}
}

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		prefs []string
		want  string
	}{
		{nil, "en"},
		{[]string{""}, "en"},
		{[]string{"uk"}, "uk"},
		{[]string{"", "uk-UA,uk;q=0.9,en;q=0.8"}, "uk"},
		{[]string{"en", "uk-UA"}, "en"},
		{[]string{"uk", "en-GB"}, "uk"},
		{[]string{"de-DE,de;q=0.9"}, "en"},
		{[]string{"fr", "uk"}, "fr"},
		{[]string{"fr-CA,fr;q=0.9,en;q=0.8"}, "fr"},
		{[]string{"", "fr-FR"}, "fr"},
		{[]string{"de-DE,fr-BE;q=0.7,uk;q=0.5"}, "fr"},
		{[]string{"de;q=0.9,uk;q=0.5"}, "uk"},
		{[]string{"garbage;;;"}, "en"},
		{[]string{"en-US,en;q=0.9"}, "en"},
	} {
		if got := Match(c.prefs...); got != c.want {
			t.Errorf("Match(%q) = %q, want %q", c.prefs, got, c.want)
		}
	}
}

func TestT(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	en, uk := b.For("en"), b.For("uk")
	if en.Lang() != "en" || uk.Lang() != "uk" {
		t.Fatalf("Lang() = %q, %q", en.Lang(), uk.Lang())
	}
	if got := uk.T("nav.requirements"); got != "Потреби" {
		t.Errorf("uk nav.requirements = %q", got)
	}
	if got := en.T("no.such.id"); got != "no.such.id" {
		t.Errorf("a missing id shows %q, want the id itself", got)
	}
	for _, c := range []struct {
		l     *Localizer
		count any
		want  string
	}{
		{en, 1, "1 pledge"},
		{en, 2, "2 pledges"},
		{en, 0, "0 pledges"},
		{uk, 1, "1 зобов’язання"},
		{uk, 3, "3 зобов’язання"},
		{uk, 5, "5 зобов’язань"},
		{uk, 11, "11 зобов’язань"},
		{uk, 21, "21 зобов’язання"},
		{uk, 0, "0 зобов’язань"},
		{uk, int64(24), "24 зобов’язання"},
		// Whole counts are grouped as the language writes them.
		{en, 903853, "903,853 pledges"},
		{uk, 1143, "1\u00a0143 зобов’язання"},
	} {
		if got := c.l.T("dashboard.pledge_count", map[string]any{"Count": c.count}); got != c.want {
			t.Errorf("%s pledge_count(%v) = %q, want %q", c.l.Lang(), c.count, got, c.want)
		}
	}
	fr := b.For("fr-CA")
	if fr.Lang() != "fr" {
		t.Fatalf("fr-CA picks %q", fr.Lang())
	}
	for _, c := range []struct {
		count any
		want  string
	}{
		{0, "0 promesse de contribution"},
		{1, "1 promesse de contribution"},
		{2, "2 promesses de contribution"},
		{1000000, "1\u00a0000\u00a0000 de promesses de contribution"},
	} {
		if got := fr.T("dashboard.pledge_count", map[string]any{"Count": c.count}); got != c.want {
			t.Errorf("fr pledge_count(%v) = %q, want %q", c.count, got, c.want)
		}
	}
	if got := fr.T("nav.requirements"); got != "Besoins" {
		t.Errorf("fr nav.requirements = %q", got)
	}
	if got := uk.T("audit.verify_ok", map[string]any{"Count": 22}); got != "Ланцюжок цілісний: перевірено 22 події." {
		t.Errorf("uk audit.verify_ok(22) = %q", got)
	}
	if !uk.Has("nav.audit") || uk.Has("nav.nothing") {
		t.Error("Has is wrong")
	}
}
