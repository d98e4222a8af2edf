package model

import (
	"math/big"
	"regexp"
	"strings"
	"time"
)

// Measure says what an indicator's values count.
type Measure string

const (
	MeasureUnit       Measure = "unit"
	MeasurePercentage Measure = "percentage"
)

func (m Measure) Valid() bool { return m == MeasureUnit || m == MeasurePercentage }

// Decimal is an exact decimal number written as text ("12", "-3.25"):
// results are counted and compared, never stored as binary floats.
type Decimal string

// MaxDecimalDigits bounds the digits before and after the point, so that a
// value is always a number the reader can make sense of.
const (
	MaxDecimalDigits   = 15
	MaxDecimalDecimals = 6
)

var decimalPattern = regexp.MustCompile(`^-?[0-9]{1,15}(\.[0-9]{1,6})?$`)

// ParseDecimal reads a decimal typed with a point or a comma, and returns
// it in its canonical form: no leading zeros, no trailing fractional zeros.
func ParseDecimal(field, s string) (Decimal, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	if !decimalPattern.MatchString(s) {
		return "", Invalid(field, "%q is not a decimal number; write digits with at most one point, e.g. 12 or 87.5 (at most %d digits before the point and %d after)", s, MaxDecimalDigits, MaxDecimalDecimals)
	}
	r, _ := new(big.Rat).SetString(s)
	return decimalOf(r), nil
}

func decimalOf(r *big.Rat) Decimal {
	s := r.FloatString(MaxDecimalDecimals)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return Decimal(s)
}

// Rat is the exact value; an unreadable decimal is zero.
func (d Decimal) Rat() *big.Rat {
	r, ok := new(big.Rat).SetString(string(d))
	if !ok {
		return new(big.Rat)
	}
	return r
}

// Float is the value for drawing only: positions on a chart, never a sum.
func (d Decimal) Float() float64 {
	f, _ := d.Rat().Float64()
	return f
}

// IndicatorValue is one reported actual value of an indicator.
type IndicatorValue struct {
	ID          string    `json:"id"`
	IndicatorID string    `json:"indicator_id"`
	Value       Decimal   `json:"value"`
	Date        Date      `json:"date"`
	Comment     string    `json:"comment"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// Point is a value on a date: a baseline or a target.
type Point struct {
	Value Decimal `json:"value"`
	Date  Date    `json:"date"`
}

// Indicator is a result indicator of a requirement: what the help is meant
// to change, measured from a baseline towards a target. Whoever may read
// the requirement reads its indicators.
type Indicator struct {
	ID            string           `json:"id"`
	RequirementID string           `json:"requirement_id"`
	Title         string           `json:"title"`
	Measure       Measure          `json:"measure"`
	Unit          string           `json:"unit,omitempty"`
	Baseline      Point            `json:"baseline"`
	Target        Point            `json:"target"`
	Values        []IndicatorValue `json:"values"`
	CreatedBy     string           `json:"created_by"`
	CreatedAt     time.Time        `json:"created_at"`
}

// Latest is the actual value of the latest date, nil when none is reported.
func (i Indicator) Latest() *IndicatorValue {
	var out *IndicatorValue
	for k := range i.Values {
		v := &i.Values[k]
		if out == nil || !v.Date.Before(out.Date) {
			out = v
		}
	}
	return out
}

// ProgressPermille is how far the latest actual has come from the baseline
// to the target, in thousandths (1000 = reached; may exceed it or fall
// below zero); ok is false without an actual or when target equals baseline.
func (i Indicator) ProgressPermille() (int, bool) {
	l := i.Latest()
	if l == nil {
		return 0, false
	}
	span := new(big.Rat).Sub(i.Target.Value.Rat(), i.Baseline.Value.Rat())
	if span.Sign() == 0 {
		return 0, false
	}
	done := new(big.Rat).Sub(l.Value.Rat(), i.Baseline.Value.Rat())
	q := new(big.Rat).Quo(done, span)
	q.Mul(q, big.NewRat(1000, 1))
	f, _ := q.Float64()
	if f > 1e6 {
		f = 1e6
	}
	if f < -1e6 {
		f = -1e6
	}
	if f < 0 {
		return int(f - 0.5), true
	}
	return int(f + 0.5), true
}
