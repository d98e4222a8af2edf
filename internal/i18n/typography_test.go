package i18n

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// frenchProseSkips are the parts of a French message that are not prose:
// template actions, web addresses, TLP labels (spelled as FIRST's standard
// spells them) and clock times.
var frenchProseSkips = regexp.MustCompile(`\{\{.*?\}\}|[a-z][a-z0-9+.-]*://\S*|TLP:[A-Z+]+|\d:\d`)

// frenchTypographyFaults lists where msg breaks French typography: « ; : !
// ? » and the closing » take a narrow no-break space (U+202F) before them,
// the opening « one after it.
func frenchTypographyFaults(msg string) []string {
	prose := []rune(frenchProseSkips.ReplaceAllStringFunc(msg, func(s string) string {
		return strings.Repeat("x", len([]rune(s)))
	}))
	var faults []string
	for i, r := range prose {
		around := string(prose[max(0, i-12):min(len(prose), i+12)])
		switch r {
		case ':', ';', '!', '?', '»':
			if i == 0 || prose[i-1] != '\u202f' {
				faults = append(faults, fmt.Sprintf("no narrow no-break space before %q in %q", r, around))
			}
		case '«':
			if i+1 >= len(prose) || prose[i+1] != '\u202f' {
				faults = append(faults, fmt.Sprintf("no narrow no-break space after « in %q", around))
			}
		}
	}
	return faults
}

func TestFrenchTypographyFaultsAreFound(t *testing.T) {
	for msg, want := range map[string]int{
		"Statut\u202f: validé":                  0,
		"Statut : validé":                       1,
		"Statut\u00a0: validé":                  1,
		"Statut: validé":                        1,
		"Vraiment ? Oui !":                      2,
		"«\u202foui\u202f»":                     0,
		"« oui »":                               2,
		"Voir https://example.org/a?b=c\u202f!": 0,
		"Réunion à 10:30 en TLP:AMBER+STRICT.":  0,
		"{{.Ref}}\u202f: {{.Title}}":            0,
	} {
		if got := frenchTypographyFaults(msg); len(got) != want {
			t.Errorf("%q: %d faults %v, want %d", msg, len(got), got, want)
		}
	}
}

// TestFrenchTypography reads every French catalogue, each message and
// each of its plural forms.
func TestFrenchTypography(t *testing.T) {
	names, err := files("fr")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		buf, err := locales.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var cat map[string]any
		if err := json.Unmarshal(buf, &cat); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for id, v := range cat {
			msgs := map[string]string{}
			switch m := v.(type) {
			case string:
				msgs[id] = m
			case map[string]any:
				for form, s := range m {
					if s, ok := s.(string); ok {
						msgs[id+"."+form] = s
					}
				}
			}
			for at, msg := range msgs {
				for _, f := range frenchTypographyFaults(msg) {
					t.Errorf("%s %s: %s", name, at, f)
				}
			}
		}
	}
}
