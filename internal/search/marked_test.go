package search

import (
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
)

func TestMarkedEscapesAndBalances(t *testing.T) {
	s, e := model.SearchMarkStart, model.SearchMarkEnd
	for in, want := range map[string]string{
		"plain":                                "plain",
		s + "Енергетика" + e + " <b>&":         "<mark>Енергетика</mark> &lt;b&gt;&amp;",
		"<script>" + s + "x" + e + "</script>": "&lt;script&gt;<mark>x</mark>&lt;/script&gt;",
		e + "stray " + s + "open":              "stray <mark>open</mark>",
		s + s + "twice" + e + e:                "<mark>twice</mark>",
		`"quoted' ` + s + "é" + e:              "&#34;quoted&#39; <mark>é</mark>",
	} {
		if got := Marked(in); got != want {
			t.Errorf("Marked(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSearchTerms(t *testing.T) {
	for in, want := range map[string][]string{
		"ЕНЕРГЕТИКА":             {"енергетика"},
		"звʼязок, Sécurité!":     {"звʼязок", "sécurité"},
		`"*) OR (NEAR`:           {"or", "near"},
		"l'équipe REQ-2026-0042": {"l", "équipe", "req", "2026", "0042"},
		"  ":                     nil,
	} {
		got := model.SearchTerms(in)
		if len(got) != len(want) {
			t.Errorf("SearchTerms(%q) = %q, want %q", in, got, want)
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("SearchTerms(%q) = %q, want %q", in, got, want)
			}
		}
	}
}
