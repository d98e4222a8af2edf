package money

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cyberaid/cyberaid/internal/model"
)

// isGroupSep reports the characters people put between thousands besides
// '.' and ',', which are read by where they stand (see ParseAmountIn).
func isGroupSep(r rune) bool {
	switch r {
	case ' ', '\u00a0', '\u2009', '\u202f', '\'', '\u2019':
		return true
	}
	return false
}

// decimalComma reports whether lang writes decimals after a comma
// ("1 234,56"), as Ukrainian and French do; English writes "1,234.56".
// An empty or unknown lang is neither: its reader could mean either.
func decimalComma(lang string) (comma, known bool) {
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	switch base {
	case "en":
		return false, true
	case "uk", "fr", "de", "ru", "pl", "es", "it", "pt", "nl", "cs", "sk", "et", "lv", "lt", "fi", "sv", "da", "nb", "ro", "bg", "hr", "sl", "hu", "el":
		return true, true
	}
	return false, false
}

// FormatNumber writes amount as lang writes numbers, without the currency
// code ("1,234.56" in English, "1 234,56" in Ukrainian): the value a form
// shows for its reader to change, which ParseAmountIn reads back.
func FormatNumber(amount int64, code, lang string) string {
	s := Format(amount, code, lang)
	s = strings.TrimPrefix(strings.TrimSuffix(s, nbsp+code), code+nbsp)
	return s
}

// AmountExample is an amount written as lang writes it, for the hint
// beside an amount field: "1,234,567.89" in English, "1 234 567,89" in
// Ukrainian and French.
func AmountExample(lang string) string {
	if comma, known := decimalComma(lang); comma || !known {
		return "1 234 567,89"
	}
	return "1,234,567.89"
}

// ParseAmount reads an amount without knowing its writer's language
// (ParseAmountIn with lang ""): what either convention reads the same, and
// the plain form with a decimal point that PlainMinor writes.
func ParseAmount(s, code string) (int64, error) { return ParseAmountIn(s, code, "") }

// ParseAmountIn reads an amount as a person writing lang types it into
// minor units of the currency. It takes the common forms: "1,000,000.50",
// "1.000.000,50", "1 000 000,50", "1'000'000.50", "1000000.5". Where both
// '.' and ',' appear the last one starts the decimals; a mark that appears
// twice groups thousands. One mark followed by exactly three digits
// ("1,000") is where conventions differ: lang decides (a thousand in
// English, one with three decimals in Ukrainian), and with no lang, or the
// mark lang does not use for decimals nor for thousands, it is refused as
// ambiguous: a pledge off by a factor of a thousand is worse than asking
// again. Every refusal says how the amount was read and how to write it.
func ParseAmountIn(s, code, lang string) (int64, error) {
	digits, err := MinorUnits(code)
	if err != nil {
		return 0, err
	}
	example := AmountExample(lang)
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, model.InvalidMsg("amount", "amount_empty", nil)
	}
	if r, _ := utf8.DecodeRuneInString(t); r == '-' || r == '\u2212' {
		return 0, model.InvalidMsg("amount", "amount_negative", map[string]any{"V1": t})
	}
	var dots, commas, spaces int
	lastDot, lastComma := -1, -1
	for i, r := range t {
		switch {
		case r >= '0' && r <= '9':
		case r == '.':
			dots++
			lastDot = i
		case r == ',':
			commas++
			lastComma = i
		case isGroupSep(r):
			spaces++
		default:
			return 0, model.InvalidMsg("amount", "amount_char", map[string]any{"V1": t, "V2": string(r), "Example": example})
		}
	}

	// Decide which mark, if any, starts the decimals.
	dec := rune(0)
	switch {
	case dots > 0 && commas > 0:
		if lastDot > lastComma {
			dec = '.'
		} else {
			dec = ','
		}
		if (dec == '.' && dots > 1) || (dec == ',' && commas > 1) {
			return 0, model.InvalidMsg("amount", "amount_mixed", map[string]any{"V1": t, "Example": example})
		}
	case dots == 1 || commas == 1:
		mark, at := '.', lastDot
		if commas == 1 {
			mark, at = ',', lastComma
		}
		dec = mark
		after := len(t) - at - 1
		before := strings.Map(func(r rune) rune {
			if isGroupSep(r) {
				return -1
			}
			return r
		}, t[:at])
		// "1,000" and "12.500" read as thousands in one convention and as
		// decimals in the other; grouped by spaces, or with more than three
		// digits in front, the mark can only be the decimal one.
		if after == 3 && spaces == 0 && len(before) >= 1 && len(before) <= 3 {
			comma, known := decimalComma(lang)
			switch {
			case known && mark == ',' && !comma:
				dec = 0 // English: a thousands comma
			case known && (mark == ',') == comma, !known && mark == '.':
				// The writer's decimal mark, or the plain form machines
				// write ("1234.567"): decimals, checked below.
			default:
				whole, _ := strconv.ParseInt(before+t[at+1:], 10, 64)
				return 0, model.InvalidMsg("amount", "amount_ambiguous", map[string]any{
					"V1": t, "V2": Format(whole*pow10(digits), code, lang), "Example": example})
			}
		}
	}

	intPart, frac := t, ""
	if dec != 0 {
		i := strings.LastIndexByte(t, byte(dec))
		intPart, frac = t[:i], t[i+1:]
	}
	whole, err := ungroup(t, intPart, example)
	if err != nil {
		return 0, err
	}
	if dec != 0 {
		if whole == "" || frac == "" || strings.ContainsAny(frac, ".,") || strings.ContainsFunc(frac, isGroupSep) {
			return 0, model.InvalidMsg("amount", "amount_mixed", map[string]any{"V1": t, "Example": example})
		}
	}
	if len(frac) > digits {
		data := map[string]any{"V1": t, "V2": strconv.Itoa(len(frac)), "V3": code, "V4": strconv.Itoa(digits), "Example": example}
		if len(frac) == 3 && len(whole) <= 3 {
			// Most often thousands in the other convention: say what
			// to write for that.
			thousands, _ := strconv.ParseInt(whole+frac, 10, 64)
			data["V5"] = Format(thousands*pow10(digits), code, lang)
			return 0, model.InvalidMsg("amount", "amount_decimals_thousands", data)
		}
		if digits == 0 {
			return 0, model.InvalidMsg("amount", "amount_no_decimals", data)
		}
		return 0, model.InvalidMsg("amount", "amount_decimals", data)
	}

	all := strings.TrimLeft(whole+frac+strings.Repeat("0", digits-len(frac)), "0")
	if all == "" {
		return 0, model.InvalidMsg("amount", "amount_zero", nil)
	}
	// MaxMinor has 14 digits, so anything longer is out of range and would
	// also be out of int64 range for ParseInt.
	var v int64
	if len(all) <= 14 {
		v, err = strconv.ParseInt(all, 10, 64)
	}
	if len(all) > 14 || err != nil || v > MaxMinor {
		return 0, model.InvalidMsg("amount", "amount_max", map[string]any{"V1": t, "V2": Format(MaxMinor, code, lang)})
	}
	return v, nil
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// ungroup removes thousands separators from the integer part, accepting them
// only where they are unambiguous: one kind of separator, first group of one
// to three digits, every later group of exactly three.
func ungroup(t, intPart, example string) (string, error) {
	var sep rune
	groups := []string{}
	start := 0
	for i, r := range intPart {
		if !isGroupSep(r) && r != '.' && r != ',' {
			continue
		}
		if sep != 0 && r != sep {
			return "", model.InvalidMsg("amount", "amount_mixed", map[string]any{"V1": t, "Example": example})
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
			return "", model.InvalidMsg("amount", "amount_groups", map[string]any{"V1": t, "Example": example})
		}
	}
	return strings.Join(groups, ""), nil
}
