package money

import (
	"math/big"

	"github.com/cyberaid/cyberaid/internal/model"
)

// maxRateLen bounds a rate string so that a hostile file cannot make every
// conversion allocate huge big.Ints; the ECB publishes at most 5 decimals.
const maxRateLen = 32

// ParseRate reads an ECB reference rate, units of the currency for one euro,
// written as the ECB writes it: digits with an optional '.' and more digits
// ("1.0956", "161.27"). Exponents, signs, fractions and ',' are refused
// because big.Rat would otherwise accept "1e3" or "3/2" as a rate.
func ParseRate(s string) (*big.Rat, error) {
	if err := CheckRate(s); err != nil {
		return nil, err
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, model.Invalid("rate", "%q is not a decimal rate like 1.0956", s)
	}
	return r, nil
}

// CheckRate is ParseRate without building the number: reading the ECB's
// whole history checks over 200,000 rates, and a big.Rat each was most of
// the time it took.
func CheckRate(s string) error {
	if s == "" {
		return model.Invalid("rate", "is missing")
	}
	if len(s) > maxRateLen {
		return model.Invalid("rate", "%.12q… is too long to be a rate", s)
	}
	dot, nonzero := -1, false
	for i := range len(s) {
		switch c := s[i]; {
		case c >= '1' && c <= '9':
			nonzero = true
		case c == '0':
		case c == '.' && dot < 0 && i > 0 && i < len(s)-1:
			dot = i
		default:
			return model.Invalid("rate", "%q is not a decimal rate like 1.0956", s)
		}
	}
	if !nonzero {
		return model.Invalid("rate", "%q must be greater than zero", s)
	}
	return nil
}

var one = big.NewRat(1, 1)

// ToEUR converts an amount in minor units of cur into euro cents at rate,
// the ECB reference rate (units of cur per euro):
//
//	eur_minor = amount / 10^digits(cur) / rate * 100
//
// computed exactly and rounded once, half away from zero, so that the same
// pledge converts to the same cent on every machine and in every database.
func ToEUR(amountMinor int64, cur string, rate string) (int64, error) {
	digits, err := MinorUnits(cur)
	if err != nil {
		return 0, err
	}
	r, err := ParseRate(rate)
	if err != nil {
		return 0, err
	}
	if cur == "EUR" && r.Cmp(one) != 0 {
		return 0, model.Invalid("rate", "EUR converts at rate 1, not %s", rate)
	}

	// amount*100*den(r) / (10^digits * num(r)), all integers.
	num := new(big.Int).Mul(big.NewInt(amountMinor), big.NewInt(100))
	num.Mul(num, r.Denom())
	den := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil)
	den.Mul(den, r.Num())

	q, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	// QuoRem truncates toward zero and rem has num's sign: step away from
	// zero when the remainder is at least half the divisor.
	if rem.Abs(rem).Lsh(rem, 1).Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	if !q.IsInt64() {
		return 0, model.Invalid("amount", "%s %s is too large to convert to euros at rate %s", FormatMinor(amountMinor, cur), cur, rate)
	}
	return q.Int64(), nil
}
