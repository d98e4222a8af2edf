package model

import (
	"strings"
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

func TestParseDateRange(t *testing.T) {
	cases := []struct {
		in string
		ok bool
	}{
		{"1900-01-01", true},
		{"2200-12-31", true},
		{"2026-06-15", true},
		{"0000-01-01", false},
		{"1899-12-31", false},
		{"2201-01-01", false},
		{"9999-12-31", false},
	}
	for _, c := range cases {
		d, err := ParseDate(c.in)
		if (err == nil) != c.ok {
			t.Errorf("%s: got %v, %v; want ok %v", c.in, d, err, c.ok)
		}
		if !c.ok && err != nil && !strings.Contains(err.Error(), "1900-01-01 to 2200-12-31") {
			t.Errorf("%s: %v does not say which dates are taken", c.in, err)
		}
		var j Date
		if err := j.UnmarshalJSON([]byte(`"` + c.in + `"`)); (err == nil) != c.ok {
			t.Errorf("JSON %s: %v; want ok %v", c.in, err, c.ok)
		}
	}
}
