// Package i18n translates the user interface. The catalogues are embedded,
// so a binary always carries the texts its templates ask for, and a test
// checks that every id a template uses exists in every language.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

//go:embed locales/*.json
var locales embed.FS

// languages are the catalogues, the default first: a visitor whose browser
// asks for none of them gets English, the working language of the donors.
// French is there for the members that work in it (France, Canada, and the
// mechanism's founding documents, published in French too).
var languages = []language.Tag{language.English, language.Ukrainian, language.French}

// Languages lists the codes of the catalogues, the default first.
func Languages() []string {
	out := make([]string, len(languages))
	for i, t := range languages {
		out[i] = t.String()
	}
	return out
}

var matcher = language.NewMatcher(languages)

// Bundle holds every catalogue.
type Bundle struct {
	b   *goi18n.Bundle
	ids map[string]map[string]bool // language → message ids
}

// files lists a language's catalogue files. Each area of the interface
// keeps its own file, named AREA.LANG.json, so that texts are found next to
// each other and edited without touching other areas.
func files(lang string) ([]string, error) {
	names, err := fs.Glob(locales, "locales/*."+lang+".json")
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("i18n: no catalogue for %s", lang)
	}
	return names, nil
}

// Load parses the embedded catalogues. An id defined in two files of one
// language is an error, since only one of the texts could be shown.
func Load() (*Bundle, error) {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	out := &Bundle{b: b, ids: map[string]map[string]bool{}}
	for _, lang := range Languages() {
		names, err := files(lang)
		if err != nil {
			return nil, err
		}
		ids := map[string]bool{}
		for _, name := range names {
			buf, err := locales.ReadFile(name)
			if err != nil {
				return nil, fmt.Errorf("i18n: %w", err)
			}
			f, err := b.ParseMessageFileBytes(buf, name)
			if err != nil {
				return nil, fmt.Errorf("i18n: %s: %w", name, err)
			}
			for _, m := range f.Messages {
				if ids[m.ID] {
					return nil, fmt.Errorf("i18n: %s: %q is defined in another %s file too", name, m.ID, lang)
				}
				ids[m.ID] = true
			}
		}
		out.ids[lang] = ids
	}
	return out, nil
}

// Catalogue returns every message of one language as one JSON object, for
// tests that compare catalogues.
func Catalogue(lang string) ([]byte, error) {
	names, err := files(lang)
	if err != nil {
		return nil, err
	}
	all := map[string]json.RawMessage{}
	for _, name := range names {
		buf, err := locales.ReadFile(name)
		if err != nil {
			return nil, err
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(buf, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for k, v := range m {
			all[k] = v
		}
	}
	return json.Marshal(all)
}

// IDs lists the message ids of one language.
func (b *Bundle) IDs(lang string) map[string]bool { return b.ids[lang] }

// Match picks the catalogue for a list of preferences, each a language code
// (a cookie) or an Accept-Language header, most important first. Anything
// unrecognised falls through to the next preference, and finally to English.
func Match(prefs ...string) string {
	for _, p := range prefs {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		tags, _, err := language.ParseAcceptLanguage(p)
		if err != nil || len(tags) == 0 {
			continue
		}
		_, i, conf := matcher.Match(tags...)
		if conf != language.No {
			return Languages()[i]
		}
	}
	return Languages()[0]
}

// For returns a localizer for the first preference a catalogue serves.
func (b *Bundle) For(prefs ...string) *Localizer {
	lang := Match(prefs...)
	return &Localizer{l: goi18n.NewLocalizer(b.b, lang), lang: lang, ids: b.ids[lang], numbers: message.NewPrinter(language.Make(lang))}
}

// Localizer translates into one language.
type Localizer struct {
	l       *goi18n.Localizer
	lang    string
	ids     map[string]bool
	numbers *message.Printer
}

// Lang is the code of the localizer's language ("en", "uk", "fr").
func (l *Localizer) Lang() string { return l.lang }

// Number writes n with the language's digit grouping ("903 853" in
// Ukrainian and French, "903,853" in English).
func (l *Localizer) Number(n any) string { return l.numbers.Sprint(number.Decimal(n)) }

// Has reports whether the catalogue has id, for texts that fall back to
// something else (an audit action code no catalogue names yet).
func (l *Localizer) Has(id string) bool { return l.ids[id] }

// T translates id. A "Count" in data picks the plural form (CLDR rules:
// Ukrainian has one, few, many and other), and a whole Count is written
// with the language's digit grouping ("903 853", not "903853"). A missing
// id shows itself, so the gap is visible on the page; the catalogue tests
// stop it shipping.
func (l *Localizer) T(id string, data ...map[string]any) string {
	cfg := &goi18n.LocalizeConfig{MessageID: id}
	if len(data) > 0 && data[0] != nil {
		cfg.TemplateData = data[0]
		if n, ok := data[0]["Count"]; ok {
			cfg.PluralCount = n
			switch n.(type) {
			case int, int64:
				shown := make(map[string]any, len(data[0]))
				for k, v := range data[0] {
					shown[k] = v
				}
				shown["Count"] = l.Number(n)
				cfg.TemplateData = shown
			}
		}
	}
	msg, err := l.l.Localize(cfg)
	if err != nil && msg == "" {
		return id
	}
	return msg
}
