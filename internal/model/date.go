package model

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"time"
)

// Date is a calendar day (YYYY-MM-DD) with no time zone: a needed-by date,
// a pledge date. The zero Date means "not set".
type Date struct{ t time.Time }

const dateLayout = "2006-01-02"

func NewDate(year int, month time.Month, day int) Date {
	return Date{time.Date(year, month, day, 0, 0, 0, 0, time.UTC)}
}

// DateOf is the calendar day of t in UTC.
func DateOf(t time.Time) Date {
	y, m, d := t.UTC().Date()
	return NewDate(y, m, d)
}

// MinDate and MaxDate bound every date the program reads. Within them both
// databases store and sort a date alike; outside, PostgreSQL refuses some
// (year 0) that SQLite keeps, and no record of this domain needs them.
var (
	MinDate = NewDate(1900, time.January, 1)
	MaxDate = NewDate(2200, time.December, 31)
)

// ParseDate reads YYYY-MM-DD within MinDate..MaxDate.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	d := Date{t}
	if err := d.CheckRange(); err != nil {
		return Date{}, err
	}
	return d, nil
}

// CheckRange refuses a date outside MinDate..MaxDate.
func (d Date) CheckRange() error {
	if d.Before(MinDate) || MaxDate.Before(d) {
		return fmt.Errorf("%s is not a date from %s to %s", d, MinDate, MaxDate)
	}
	return nil
}

func (d Date) IsZero() bool         { return d.t.IsZero() }
func (d Date) Time() time.Time      { return d.t }
func (d Date) Before(o Date) bool   { return d.t.Before(o.t) }
func (d Date) AddDays(n int) Date   { return Date{d.t.AddDate(0, 0, n)} }
func (d Date) Equal(o Date) bool    { return d.t.Equal(o.t) }
func (d Date) Year() int            { return d.t.Year() }
func (d Date) DaysUntil(o Date) int { return int(o.t.Sub(d.t).Hours() / 24) }

func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(dateLayout)
}

func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// MarshalJSON writes an unset date as null, so that clients never meet an
// empty string where a date belongs.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + d.String() + `"`), nil
}

// UnmarshalJSON reports a malformed date as a type error, which
// encoding/json completes with the field's name, so the client learns
// which date is wrong.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: string(b), Type: reflect.TypeFor[Date]()}
	}
	if err := d.UnmarshalText([]byte(s)); err != nil {
		return &json.UnmarshalTypeError{Value: "string " + strconv.Quote(s), Type: reflect.TypeFor[Date]()}
	}
	return nil
}

func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Value stores a Date as its ISO text, so both databases sort it correctly.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
	case string:
		// Stored dates are always YYYY-MM-DD; reading the digits directly
		// spares time.Parse on every row of a long list.
		if len(v) == 10 && v[4] == '-' && v[7] == '-' {
			y, m, dd, ok := 0, 0, 0, true
			for i, c := range v {
				switch {
				case i == 4 || i == 7:
				case c < '0' || c > '9':
					ok = false
				case i < 4:
					y = y*10 + int(c-'0')
				case i < 7:
					m = m*10 + int(c-'0')
				default:
					dd = dd*10 + int(c-'0')
				}
			}
			if ok && m >= 1 && m <= 12 && dd >= 1 && dd <= 31 {
				*d = NewDate(y, time.Month(m), dd)
				if d.t.Day() == dd {
					return nil
				}
			}
		}
		return d.UnmarshalText([]byte(v))
	case []byte:
		return d.UnmarshalText(v)
	case time.Time:
		*d = DateOf(v)
	default:
		return fmt.Errorf("cannot scan %T into a date", src)
	}
	return nil
}
