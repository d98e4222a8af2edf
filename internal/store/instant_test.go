package store

import (
	"testing"
	"time"
)

func TestParseStoredInstant(t *testing.T) {
	cases := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2026-11-24 07:05:09.123456+00:00", time.Date(2026, 11, 24, 7, 5, 9, 123456000, time.UTC), true},
		{"2026-11-24 07:05:09+00:00", time.Date(2026, 11, 24, 7, 5, 9, 0, time.UTC), true},
		{"2026-11-24 07:05:09.1+00:00", time.Date(2026, 11, 24, 7, 5, 9, 100000000, time.UTC), true},
		{"2026-11-24 07:05:09.123456789+00:00", time.Date(2026, 11, 24, 7, 5, 9, 123456789, time.UTC), true},
		// Other offsets and forms go through time.Parse and still come back in UTC.
		{"2026-11-24 09:05:09.5+02:00", time.Date(2026, 11, 24, 7, 5, 9, 500000000, time.UTC), true},
		{"2026-11-24T07:05:09Z", time.Date(2026, 11, 24, 7, 5, 9, 0, time.UTC), true},
		{"2026-1x-24 07:05:09+00:00", time.Time{}, false},
		{"yesterday", time.Time{}, false},
	}
	for _, c := range cases {
		got, err := parseStoredInstant(c.in)
		if (err == nil) != c.ok || !got.Equal(c.want) || (c.ok && got.Location() != time.UTC) {
			t.Errorf("%q: got %v, %v; want %v (ok %v)", c.in, got, err, c.want, c.ok)
		}
	}
}
