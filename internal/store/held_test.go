package store

import (
	"slices"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
)

// TestHoldSetWritesNewestFirst: the oldest day is written last, whatever
// order the rates come in, so that finding it tells a later start that
// the whole history was written; a rate given twice counts once, the last.
func TestHoldSetWritesNewestFirst(t *testing.T) {
	day := model.NewDate
	ecbOrder := []model.Rate{
		{Date: day(2025, 3, 14), Currency: "USD", Rate: "1.0889"},
		{Date: day(2025, 3, 14), Currency: "JPY", Rate: "161.88"},
		{Date: day(2025, 3, 13), Currency: "USD", Rate: "1.0380"},
		{Date: day(2025, 3, 13), Currency: "JPY", Rate: "160.01"},
	}
	set, order := holdSet(ecbOrder)
	if &order[0] != &ecbOrder[0] {
		t.Error("the ECB's own order was sorted again")
	}
	if got := set.byCurrency["USD"]; len(got) != 2 || !got[0].Date.Equal(day(2025, 3, 13)) {
		t.Errorf("USD held as %v, want oldest first", got)
	}
	mixed := []model.Rate{
		{Date: day(2025, 3, 13), Currency: "USD", Rate: "1.0380"},
		{Date: day(1999, 1, 4), Currency: "USD", Rate: "1.1789"},
		{Date: day(2025, 3, 14), Currency: "USD", Rate: "1.0898"},
		{Date: day(2025, 3, 14), Currency: "JPY", Rate: "161.88"},
		{Date: day(2025, 3, 14), Currency: "USD", Rate: "1.0889"},
	}
	set, order = holdSet(mixed)
	want := []model.Rate{
		{Date: day(2025, 3, 14), Currency: "JPY", Rate: "161.88"},
		{Date: day(2025, 3, 14), Currency: "USD", Rate: "1.0889"},
		{Date: day(2025, 3, 13), Currency: "USD", Rate: "1.0380"},
		{Date: day(1999, 1, 4), Currency: "USD", Rate: "1.1789"},
	}
	if !slices.Equal(order, want) {
		t.Errorf("written in the order\n%v\nwant\n%v", order, want)
	}
	if r, ok := set.onOrBefore("USD", day(2025, 3, 20)); !ok || r.Rate != "1.0889" {
		t.Errorf("USD on or before 20 March: %v %v", r, ok)
	}
	if !set.newest.Equal(day(2025, 3, 14)) {
		t.Errorf("newest %s", set.newest)
	}
}
