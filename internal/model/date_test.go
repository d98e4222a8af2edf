package model

import (
	"testing"
	"time"
)

func TestDateScan(t *testing.T) {
	cases := []struct {
		in   any
		want Date
		ok   bool
	}{
		{"2026-02-28", NewDate(2026, 2, 28), true},
		{"2024-02-29", NewDate(2024, 2, 29), true},
		{[]byte("2026-11-24"), NewDate(2026, 11, 24), true},
		{time.Date(2026, 11, 24, 23, 0, 0, 0, time.UTC), NewDate(2026, 11, 24), true},
		{nil, Date{}, true},
		{"2026-02-30", Date{}, false}, // no such day: the fast path must not roll it into March
		{"2026-13-01", Date{}, false},
		{"2026-1-01", Date{}, false},
		{"26-11-2026", Date{}, false},
	}
	for _, c := range cases {
		var d Date
		err := d.Scan(c.in)
		if (err == nil) != c.ok || (c.ok && !d.Equal(c.want)) {
			t.Errorf("%v: got %v, %v; want %v (ok %v)", c.in, d, err, c.want, c.ok)
		}
	}
}

func TestDateJSON(t *testing.T) {
	var d Date
	if b, _ := d.MarshalJSON(); string(b) != "null" {
		t.Errorf("an unset date is %s, want null", b)
	}
	if err := d.UnmarshalJSON([]byte(`"2026-05-01"`)); err != nil || d.String() != "2026-05-01" {
		t.Errorf("%v %v", d, err)
	}
	if err := d.UnmarshalJSON([]byte(`null`)); err != nil || !d.IsZero() {
		t.Errorf("null must clear the date: %v %v", d, err)
	}
	if err := d.UnmarshalJSON([]byte(`"May"`)); err == nil {
		t.Error("a malformed date must be refused")
	}
}
