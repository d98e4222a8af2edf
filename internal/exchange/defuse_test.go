package exchange

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestDefuse(t *testing.T) {
	cases := []struct {
		in      string
		defused bool
	}{
		{"", false},
		{"Backup servers", false},
		{"12345", false},
		{"UA-32", false},
		{"a=b", false},
		{"Київ", false},
		{"  plain text", false},
		{"\u200Bplain", false},
		{"=SUM(A1:A2)", true},
		{"+1", true},
		{"-1", true},
		{"@cmd", true},
		{"\tanything", true},
		{"\ranything", true},
		{"＝HYPERLINK(\"http://x\")", true}, // full-width equals U+FF1D
		{"＋1", true},
		{"－1", true},
		{"＠cmd", true},
		{"﹦1+1", true},
		{"−1", true},
		{"\u200B=1+1", true},
		{"\u200C=1+1", true},
		{"\u200D+1", true},
		{"\u2060-1", true},
		{"\uFEFF@x", true},
		{" =1+1", true},
		{"\n=1+1", true},
		{"\u00A0=1+1", true},
		{"\u3000＝1", true},
		{" \u200B \uFEFF\t=1", true},
	}
	for _, c := range cases {
		got := defuse(c.in)
		want := c.in
		if c.defused {
			want = "'" + c.in
		}
		if got != want {
			t.Errorf("defuse(%q) = %q, want %q", c.in, got, want)
		}
	}
}

// FuzzNeutraliseCSVCell checks that no cell leaves defuse starting, past
// blanks and invisible characters, with a sign a spreadsheet reads as a
// formula, and that defuse changes nothing but a leading apostrophe.
func FuzzNeutraliseCSVCell(f *testing.F) {
	for _, seed := range []string{"", "text", "=1+1", "＝1", "\u200B=1", " \t@x", "\uFEFF－1", "-", "'=1", "\xff=1", "a\x00b"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := defuse(in)
		if out != in && out != "'"+in {
			t.Fatalf("defuse(%q) = %q: only a leading apostrophe may be added", in, out)
		}
		if out != in {
			return
		}
		for _, r := range in {
			if r == utf8.RuneError || !(unicode.IsSpace(r) || invisible(r)) {
				if formulaStart(r) {
					t.Fatalf("defuse(%q) left a formula", in)
				}
				return
			}
			if strings.HasPrefix(in, "\t") || strings.HasPrefix(in, "\r") {
				t.Fatalf("defuse(%q) left a leading tab or carriage return", in)
			}
		}
	})
}
