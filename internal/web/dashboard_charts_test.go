package web

import (
	"slices"
	"testing"

	"github.com/cyberaid/cyberaid/internal/i18n"
)

func TestNiceTicksAreRound(t *testing.T) {
	for _, c := range []struct {
		top  int64
		want int
		is   []int64
	}{
		{113_167_277_38, 4, []int64{0, 5_000_000_000, 10_000_000_000, 15_000_000_000}},
		{95, 5, []int64{0, 20, 40, 60, 80, 100}},
		{1, 4, []int64{0, 1}},
		{0, 4, []int64{0}},
	} {
		if got := niceTicks(c.top, c.want); !slices.Equal(got, c.is) {
			t.Errorf("niceTicks(%d, %d) = %v, want %v", c.top, c.want, got, c.is)
		}
	}
}

func TestShortUnitsAndPercentages(t *testing.T) {
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	en, uk := b.For("en"), b.For("uk")
	for _, c := range []struct {
		l     *i18n.Localizer
		minor int64
		want  string
	}{
		{en, 120_000_000_00, "EUR 120M"},
		{uk, 120_000_000_00, "120\u00a0млн\u00a0EUR"},
		{en, 113_167_277_38, "EUR 113.2M"},
		{uk, 2_500_000_00, "2,5\u00a0млн\u00a0EUR"},
		{en, 450_000_00, "EUR 450k"},
		{en, 0, "EUR 0"},
		{en, 3_000_000_000_00, "EUR 3B"},
	} {
		if got := shortEUR(c.l, c.minor); got != c.want {
			t.Errorf("%s shortEUR(%d) = %q, want %q", c.l.Lang(), c.minor, got, c.want)
		}
	}
	if got := percentText(en, 556); got != "55.6%" {
		t.Errorf("en percent %q", got)
	}
	if got := percentText(uk, 490); got != "49,0\u00a0%" {
		t.Errorf("uk percent %q", got)
	}
}
