package money

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cyberaid/cyberaid/internal/model"
)

// isGroupSep reports the characters people put between thousands. '.' and ','
// are deliberately absent: "1,234" is 1.234 in Kyiv and 1234 in London, and a
// pledge off by a factor of a thousand is worse than an error message.
func isGroupSep(r rune) bool {
	switch r {
	case ' ', '\u00a0', '\u2009', '\u202f', '\'', '\u2019':
		return true
	}
	return false
}

// ParseAmount reads an amount as a person types it ("1234.56", "1 234,56",
// "1'234.56") into minor units of the currency. It is strict on purpose:
// one decimal separator ('.' or ','), thousands grouped only by spaces or
// apostrophes in groups of three, no more decimals than the currency has,
// no sign, nothing but digits otherwise. A guess would be worse than asking
// again.
func ParseAmount(s, code string) (int64, error) {
	digits, err := MinorUnits(code)
	if err != nil {
		return 0, err
	}
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, model.Invalid("amount", "is empty")
	}
	if r, _ := utf8.DecodeRuneInString(t); r == '-' || r == '\u2212' {
		return 0, model.Invalid("amount", "%q is negative; an amount must be greater than zero", t)
	}

	intPart, frac, hasSep := t, "", false
	for i, r := range t {
		switch {
		case r >= '0' && r <= '9', isGroupSep(r):
		case r == '.' || r == ',':
			if hasSep {
				return 0, model.Invalid("amount", "%q has more than one '.' or ','; group thousands with spaces (1 234 567.89), not with '.' or ','", t)
			}
			hasSep = true
			intPart, frac = t[:i], t[i+1:]
		default:
			return 0, model.Invalid("amount", "%q contains %q; write digits with '.' or ',' before the decimals, e.g. 1234.56", t, r)
		}
	}

	whole, err := ungroup(t, intPart)
	if err != nil {
		return 0, err
	}
	if hasSep {
		if whole == "" {
			return 0, model.Invalid("amount", "%q needs a digit before the decimal separator, e.g. 0%s", t, t)
		}
		if frac == "" {
			return 0, model.Invalid("amount", "%q needs digits after the decimal separator", t)
		}
		if strings.ContainsFunc(frac, isGroupSep) {
			return 0, model.Invalid("amount", "%q has a separator after the decimal point", t)
		}
	}
	if len(frac) > digits {
		return 0, tooManyDecimals(t, frac, code, digits)
	}

	all := strings.TrimLeft(whole+frac+strings.Repeat("0", digits-len(frac)), "0")
	if all == "" {
		return 0, model.Invalid("amount", "must be greater than zero")
	}
	// MaxMinor has 14 digits, so anything longer is out of range and would
	// also be out of int64 range for ParseInt.
	var v int64
	if len(all) <= 14 {
		v, err = strconv.ParseInt(all, 10, 64)
	}
	if len(all) > 14 || err != nil || v > MaxMinor {
		return 0, model.Invalid("amount", "%q exceeds the maximum of %s %s", t, FormatMinor(MaxMinor, code), code)
	}
	return v, nil
}

// ungroup removes thousands separators from the integer part, accepting them
// only where they are unambiguous: one kind of separator, first group of one
// to three digits, every later group of exactly three.
func ungroup(t, intPart string) (string, error) {
	var sep rune
	groups := []string{}
	start := 0
	for i, r := range intPart {
		if !isGroupSep(r) {
			continue
		}
		if sep != 0 && r != sep {
			return "", model.Invalid("amount", "%q mixes different thousands separators", t)
		}
		sep = r
		groups = append(groups, intPart[start:i])
		start = i + utf8.RuneLen(r)
	}
	groups = append(groups, intPart[start:])
	if len(groups) == 1 {
		return intPart, nil
	}
	for i, g := range groups {
		if (i == 0 && (len(g) < 1 || len(g) > 3)) || (i > 0 && len(g) != 3) {
			return "", model.Invalid("amount", "%q: thousands separators must split the whole number into groups of three digits, e.g. 1 234 567", t)
		}
	}
	return strings.Join(groups, ""), nil
}

func tooManyDecimals(t, frac, code string, digits int) error {
	// Three digits after a separator most often mean thousands: say so,
	// because that is the mistake a donor from another locale will make.
	hint := ""
	if len(frac) == 3 {
		hint = "; to group thousands use a space, e.g. 1 234"
	}
	if digits == 0 {
		return model.Invalid("amount", "%q has decimals but %s has no minor unit; give a whole number%s", t, code, hint)
	}
	return model.Invalid("amount", "%q has %d decimals but %s has %d%s", t, len(frac), code, digits, hint)
}
