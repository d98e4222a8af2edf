package i18n

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
)

// pluralForms are the CLDR cardinal categories each catalogue must give a
// counted message: English has one and other; Ukrainian one (1, 21, 31…),
// few (2–4, 22–24…), many (0, 5–20, 25–30…) and other (fractions).
var pluralForms = map[string][]string{
	"en": {"one", "other"},
	"uk": {"few", "many", "one", "other"},
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
	en, uk := catalogue(t, "en"), catalogue(t, "uk")
	for id := range en {
		if _, ok := uk[id]; !ok {
			t.Errorf("uk.json lacks %q", id)
		}
	}
	for id := range uk {
		if _, ok := en[id]; !ok {
			t.Errorf("en.json lacks %q (uk.json has it)", id)
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

func TestTranslationsDiffer(t *testing.T) {
	// Ukrainian must be translated, not copied: only names, codes and
	// labels that are the same in both languages may match.
	same := map[string]bool{"app.name": true, "lang.en": true, "lang.uk": true, "field.tlp": true}
	en, uk := catalogue(t, "en"), catalogue(t, "uk")
	for id, v := range en {
		if s, ok := v.(string); ok && s == uk[id] && !same[id] && !strings.HasPrefix(id, "tlp.") && !strings.Contains(s, "{{") {
			t.Errorf("%q is the same in English and Ukrainian: %q", id, s)
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
		{[]string{"fr", "uk"}, "uk"},
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
	} {
		if got := c.l.T("dashboard.pledge_count", map[string]any{"Count": c.count}); got != c.want {
			t.Errorf("%s pledge_count(%v) = %q, want %q", c.l.Lang(), c.count, got, c.want)
		}
	}
	if got := uk.T("audit.verify_ok", map[string]any{"Count": 22}); got != "Ланцюжок цілісний: перевірено 22 події." {
		t.Errorf("uk audit.verify_ok(22) = %q", got)
	}
	if !uk.Has("nav.audit") || uk.Has("nav.nothing") {
		t.Error("Has is wrong")
	}
}
