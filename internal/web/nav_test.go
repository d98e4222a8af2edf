package web

import (
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/i18n"
)

// TestMenuEntriesDiffer: in every language, no two groups and no two
// entries of the main menu read the same, and an administrator who may use
// every page sees every group.
func TestMenuEntriesDiffer(t *testing.T) {
	s := testServer(t)
	all := navPerms{Organisations: true, Users: true, Audit: true, Imports: true, Matching: true, Deconfliction: true}
	for _, lang := range i18n.Languages() {
		groups := menu(s.i18n.For(lang), true, all)
		if len(groups) != 5 {
			t.Fatalf("%s: %d groups, want Needs, Giving, Coordination, Governance and Admin", lang, len(groups))
		}
		seen := map[string]string{}
		for _, g := range groups {
			labels := []string{g.Title}
			for _, it := range g.Items {
				labels = append(labels, it.Label)
			}
			for _, l := range labels {
				key := strings.ToLower(l)
				if where, dup := seen[key]; dup {
					t.Errorf("%s: %q is in the menu twice (%s and %s)", lang, l, where, g.Key)
				}
				seen[key] = g.Key
			}
		}
	}
	if got := menu(s.i18n.For("en"), false, navPerms{}); len(got) != 4 {
		t.Errorf("a visitor's menu has %d groups; want every group but Admin", len(got))
	}
}
