package money

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// nbsp joins the code to its figure so that a line break never separates them.
const nbsp = "\u00a0"

// digitsOr2 falls back to two digits for a code that is not a currency: the
// formatters serve display, where showing something beats failing, and
// amounts were validated when they were stored. Digits are kept once looked
// up: an export formats a million amounts in a handful of currencies.
func digitsOr2(code string) int {
	if d, ok := knownDigits.Load(code); ok {
		return d.(int)
	}
	d, err := MinorUnits(code)
	if err != nil {
		return 2
	}
	knownDigits.Store(code, d)
	return d
}

var knownDigits sync.Map // currency code → minor unit digits

// magnitude splits amount into its absolute integer and fraction parts
// without overflow, even for math.MinInt64.
func magnitude(amount int64, digits int) (neg bool, whole, frac uint64) {
	mag := uint64(amount)
	if amount < 0 {
		neg = true
		mag = -mag
	}
	pow := uint64(1)
	for range digits {
		pow *= 10
	}
	return neg, mag / pow, mag % pow
}

// PlainMinor writes amount as a number without grouping, "1234.56", which
// every spreadsheet program reads as a number (CSV and XLSX exports).
func PlainMinor(amount int64, code string) string {
	digits := digitsOr2(code)
	neg, whole, frac := magnitude(amount, digits)
	b := make([]byte, 0, 24)
	if neg {
		b = append(b, '-')
	}
	b = strconv.AppendUint(b, whole, 10)
	if digits > 0 {
		b = append(b, '.')
		n := len(b)
		b = strconv.AppendUint(b, frac, 10)
		for len(b)-n < digits {
			b = slices.Insert(b, n, '0')
		}
	}
	return string(b)
}

// FormatMinor writes amount as a plain number with the currency's digits and
// English separators, "1,234.56" (CSV exports, logs, error messages).
func FormatMinor(amount int64, code string) string {
	digits := digitsOr2(code)
	neg, whole, frac := magnitude(amount, digits)
	w := strconv.FormatUint(whole, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i := range len(w) {
		if i > 0 && (len(w)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(w[i])
	}
	if digits > 0 {
		f := strconv.FormatUint(frac, 10)
		b.WriteByte('.')
		b.WriteString(strings.Repeat("0", digits-len(f)))
		b.WriteString(f)
	}
	return b.String()
}

// Format writes amount for people reading lang (a BCP 47 tag such as "en" or
// "uk"), with the currency code where that language puts it: "EUR 1,234.56"
// in English, "1 234,56 EUR" in Ukrainian, every space there a no-break
// space (U+00A0) as CLDR writes them. The code stands in for the
// symbol because "$" alone does not say which dollar. An unknown lang is
// English.
//
// x/text formats only the integer parts, where it is exact; the fraction is
// spliced in from integers so no amount ever goes through a float.
func Format(amount int64, code, lang string) string {
	tag, err := language.Parse(lang)
	if err != nil {
		tag = language.English
	}
	p := message.NewPrinter(tag)
	digits := digitsOr2(code)
	neg, whole, frac := magnitude(amount, digits)

	s := p.Sprint(number.Decimal(whole, number.MinFractionDigits(digits), number.MaxFractionDigits(digits)))
	if digits > 0 {
		// The printer wrote `digits` zeros after the decimal separator, in the
		// language's own digits; replace them with the real fraction.
		for range digits {
			_, n := utf8.DecodeLastRuneInString(s)
			s = s[:len(s)-n]
		}
		s += p.Sprint(number.Decimal(frac, number.MinIntegerDigits(digits), number.NoSeparator()))
	}
	if neg {
		// The sign is taken from the language's own -1 because the integer
		// part may be zero (-0.50), which has no sign of its own.
		one := p.Sprint(number.Decimal(1))
		s = strings.TrimSuffix(p.Sprint(number.Decimal(-1)), one) + s
	}
	if codeAfter(tag) {
		return s + nbsp + code
	}
	return code + nbsp + s
}

// suffixLanguages write the currency after the amount in their CLDR currency
// pattern ("#,##0.00 ¤"); every other language gets it in front, as English.
var suffixLanguages = map[string]bool{
	"be": true, "bg": true, "ca": true, "cs": true, "da": true, "de": true,
	"el": true, "es": true, "et": true, "fi": true, "fr": true, "hr": true,
	"hu": true, "it": true, "lt": true, "lv": true, "nb": true, "nn": true,
	"no": true, "pl": true, "pt": true, "ro": true, "ru": true, "sk": true,
	"sl": true, "sr": true, "sv": true, "uk": true,
}

func codeAfter(tag language.Tag) bool {
	base, _ := tag.Base()
	region, _ := tag.Region()
	switch b, r := base.String(), region.String(); {
	case !suffixLanguages[b]:
		return false
	// Regional variants whose CLDR pattern puts the currency first.
	case b == "de" && (r == "AT" || r == "CH" || r == "LI"),
		b == "it" && r == "CH",
		b == "es" && r != "ES",
		b == "pt" && r != "PT":
		return false
	}
	return true
}
