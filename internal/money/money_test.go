package money

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
)

func TestValidCurrency(t *testing.T) {
	for _, tc := range []struct {
		code string
		want bool
	}{
		{"EUR", true}, {"USD", true}, {"JPY", true}, {"UAH", true}, {"GBP", true},
		{"XOF", true}, {"XAF", true}, {"XCD", true}, // real currencies despite the X
		{"HRK", true}, {"BGN", true}, {"CYP", true}, {"EEK", true}, // withdrawn, in the ECB's history
		{"eur", false}, {"Eur", false}, {"", false}, {"EU", false}, {"EURO", false},
		{"E1R", false}, {"ABC", false}, {" EU", false},
		{"XXX", false}, {"XTS", false}, {"XAU", false}, {"XAG", false}, {"XDR", false},
		{"XBA", false}, {"XUA", false}, {"CLF", false}, {"USN", false},
	} {
		if got := ValidCurrency(tc.code); got != tc.want {
			t.Errorf("ValidCurrency(%q) = %v, want %v", tc.code, got, tc.want)
		}
	}
}

func TestMinorUnits(t *testing.T) {
	for _, tc := range []struct {
		code string
		want int
	}{
		{"EUR", 2}, {"USD", 2}, {"UAH", 2}, {"GBP", 2}, {"CHF", 2},
		{"JPY", 0}, {"KRW", 0}, {"ISK", 0},
		{"BHD", 3}, {"KWD", 3}, {"TND", 3},
	} {
		got, err := MinorUnits(tc.code)
		if err != nil || got != tc.want {
			t.Errorf("MinorUnits(%q) = %d, %v; want %d", tc.code, got, err, tc.want)
		}
	}
	for _, code := range []string{"eur", "XXX", "XTS", "NOPE", ""} {
		_, err := MinorUnits(code)
		if !errors.Is(err, model.ErrInvalid) {
			t.Errorf("MinorUnits(%q) error = %v, want ErrInvalid", code, err)
		}
	}
	_, err := MinorUnits("eur")
	if err == nil || !strings.Contains(err.Error(), "capitals: EUR") {
		t.Errorf("lower-case code: error %v should name the capitalised code", err)
	}
}

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		in, cur, lang string
		want          int64
	}{
		// The plain forms, read the same in every language.
		{"1234.56", "EUR", "", 123456},
		{"1234,56", "EUR", "", 123456},
		{"1234", "EUR", "", 123400},
		{"1234.5", "EUR", "", 123450},
		{"0.01", "EUR", "", 1},
		{"0,5", "USD", "", 50},
		{"  42  ", "EUR", "", 4200},
		{"007", "EUR", "", 700},
		{"1 234,56", "EUR", "", 123456},
		{"1 234 567.89", "EUR", "", 123456789},
		{"1\u00a0234\u00a0567,89", "UAH", "", 123456789},
		{"1\u202f234,5", "EUR", "", 123450},
		{"1\u2009234", "EUR", "", 123400},
		{"1'234'567.50", "CHF", "", 123456750},
		{"1\u2019234", "CHF", "", 123400},
		{"12 345", "JPY", "", 12345},
		{"1", "JPY", "", 1},
		{"1.234", "BHD", "", 1234},
		{"1,5", "BHD", "", 1500},
		{"100000000000", "EUR", "", MaxMinor},
		{"100 000 000 000.00", "EUR", "", MaxMinor},
		{"10000000000000", "JPY", "", MaxMinor},
		// The common forms of the issue, in every language.
		{"1,000,000.50", "EUR", "", 100000050},
		{"1,000,000.50", "EUR", "en", 100000050},
		{"1,000,000.50", "EUR", "uk", 100000050},
		{"1,000,000.50", "EUR", "fr", 100000050},
		{"1.000.000,50", "EUR", "", 100000050},
		{"1.000.000,50", "EUR", "en", 100000050},
		{"1.000.000,50", "EUR", "uk", 100000050},
		{"1.000.000,50", "EUR", "fr", 100000050},
		{"1 000 000,50", "EUR", "uk", 100000050},
		{"1 000 000,50", "EUR", "en", 100000050},
		{"1\u202f000\u202f000,50", "EUR", "fr", 100000050},
		{"1000000.5", "EUR", "uk", 100000050},
		{"1000000.5", "EUR", "fr", 100000050},
		{"1,000,000", "EUR", "", 100000000},
		{"1,000,000", "EUR", "uk", 100000000},
		{"1.000.000", "EUR", "en", 100000000},
		{"1,000,000.00", "EUR", "en", 100000000},
		// One mark before three digits: the language decides.
		{"1,000", "EUR", "en", 100000},
		{"1,000", "EUR", "en-GB", 100000},
		{"12,500", "JPY", "en", 12500},
		{"1,234", "BHD", "uk", 1234},
		{"1.234", "BHD", "en", 1234},
		{"1,5", "EUR", "en", 150},
		{"1.5", "EUR", "uk", 150},
		{"1.50", "EUR", "fr", 150},
		{"1234,567", "BHD", "en", 1234567},
		// What the forms show is read back.
		{FormatNumber(123456789, "EUR", "uk"), "EUR", "uk", 123456789},
		{FormatNumber(123456789, "EUR", "fr"), "EUR", "fr", 123456789},
		{FormatNumber(123456789, "EUR", "en"), "EUR", "en", 123456789},
		{FormatNumber(1234567, "BHD", "uk"), "BHD", "uk", 1234567},
	} {
		got, err := ParseAmountIn(tc.in, tc.cur, tc.lang)
		if err != nil || got != tc.want {
			t.Errorf("ParseAmountIn(%q, %s, %q) = %d, %v; want %d", tc.in, tc.cur, tc.lang, got, err, tc.want)
		}
	}
}

func TestParseAmountErrors(t *testing.T) {
	for _, tc := range []struct {
		in, cur, lang string
		id            string // the catalogue sentence a person reads
		shows         string // how the amount was read or is to be written
	}{
		{"", "EUR", "", "amount_empty", ""},
		{"   ", "EUR", "en", "amount_empty", ""},
		{"0", "EUR", "", "amount_zero", ""},
		{"0.00", "EUR", "uk", "amount_zero", ""},
		{"0 000", "EUR", "", "amount_zero", ""},
		{"-5", "EUR", "", "amount_negative", ""},
		{"\u22125", "EUR", "", "amount_negative", ""},
		{"+5", "EUR", "", "amount_char", "+"},
		{"1e3", "EUR", "", "amount_char", "e"},
		{"€12", "EUR", "", "amount_char", "€"},
		{"12 EUR", "EUR", "en", "amount_char", "1,234,567.89"},
		{"12 EUR", "EUR", "uk", "amount_char", "1 234 567,89"},
		// Truly ambiguous: a thousand, or one with three decimals.
		{"1,000", "EUR", "", "amount_ambiguous", "EUR\u00a01,000.00"},
		{"1.000", "EUR", "uk", "amount_ambiguous", "1\u00a0000,00\u00a0EUR"},
		{"1.000", "EUR", "fr", "amount_ambiguous", "EUR"},
		{"12.500", "EUR", "uk", "amount_ambiguous", "12\u00a0500,00\u00a0EUR"},
		// The language's own decimal mark, with more decimals than the currency.
		{"1,000", "EUR", "uk", "amount_decimals_thousands", "1\u00a0000,00\u00a0EUR"},
		{"1,234", "EUR", "fr", "amount_decimals_thousands", "234,00\u00a0EUR"},
		{"1.234", "EUR", "en", "amount_decimals_thousands", "EUR\u00a01,234.00"},
		{"1.234", "EUR", "", "amount_decimals_thousands", "1,234.00"},
		{"1.5", "JPY", "", "amount_no_decimals", "JPY"},
		{"1,5", "JPY", "uk", "amount_no_decimals", "JPY"},
		{"1.2345", "BHD", "", "amount_decimals", "BHD"},
		{"1234,567", "EUR", "uk", "amount_decimals", "EUR"},
		// Marks that do not fit together.
		{"1.234.567,8.9", "EUR", "", "amount_mixed", ""},
		{"1,234,567.8,9", "EUR", "en", "amount_mixed", ""},
		{"1,234.567.8", "EUR", "en", "amount_mixed", ""},
		{".5", "EUR", "", "amount_mixed", ""},
		{"5.", "EUR", "", "amount_mixed", ""},
		{"1.2 3", "EUR", "", "amount_mixed", ""},
		{"1 234'567", "EUR", "", "amount_mixed", ""},
		{"1 234,567.00", "EUR", "en", "amount_mixed", ""},
		{"1 23", "EUR", "", "amount_groups", ""},
		{"1234 567", "EUR", "", "amount_groups", ""},
		{"1  234", "EUR", "", "amount_groups", ""},
		{"'234", "EUR", "", "amount_groups", ""},
		{"1,00,000", "EUR", "en", "amount_groups", ""},
		{"100000000000.01", "EUR", "", "amount_max", "100,000,000,000.00"},
		{"10000000000001", "JPY", "", "amount_max", "10,000,000,000,000"},
		{"99999999999999999999999", "EUR", "uk", "amount_max", ""},
	} {
		got, err := ParseAmountIn(tc.in, tc.cur, tc.lang)
		if err == nil {
			t.Errorf("ParseAmountIn(%q, %q, %q) = %d, want an error", tc.in, tc.cur, tc.lang, got)
			continue
		}
		var fe *model.FieldError
		if !errors.As(err, &fe) || !errors.Is(err, model.ErrInvalid) || fe.Field != "amount" {
			t.Errorf("ParseAmountIn(%q, %q, %q): %v is not invalid input of the amount", tc.in, tc.cur, tc.lang, err)
			continue
		}
		if fe.MessageID != tc.id {
			t.Errorf("ParseAmountIn(%q, %q, %q) says %s (%v), want %s", tc.in, tc.cur, tc.lang, fe.MessageID, fe.Data, tc.id)
		}
		if tc.shows != "" && !strings.Contains(fmt.Sprint(fe.Data), tc.shows) {
			t.Errorf("ParseAmountIn(%q, %q, %q) shows %v, want it to show %q", tc.in, tc.cur, tc.lang, fe.Data, tc.shows)
		}
	}
	for _, tc := range []struct{ in, cur, says string }{
		{"12", "eur", "capitals"},
		{"12", "XTS", "not a currency"},
		{"12", "", "currency: is missing"},
	} {
		if _, err := ParseAmount(tc.in, tc.cur); err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("ParseAmount(%q, %q) = %v, want it to say %q", tc.in, tc.cur, err, tc.says)
		}
	}
}

func TestCheckMinor(t *testing.T) {
	for _, tc := range []struct {
		amount int64
		cur    string
		ok     bool
	}{
		{1, "EUR", true}, {MaxMinor, "JPY", true},
		{0, "EUR", false}, {-1, "EUR", false}, {MaxMinor + 1, "EUR", false},
		{100, "XXX", false}, {100, "usd", false},
	} {
		err := CheckMinor(tc.amount, tc.cur)
		if (err == nil) != tc.ok {
			t.Errorf("CheckMinor(%d, %q) = %v, want ok=%v", tc.amount, tc.cur, err, tc.ok)
		}
		if err != nil && !errors.Is(err, model.ErrInvalid) {
			t.Errorf("CheckMinor(%d, %q): %v is not ErrInvalid", tc.amount, tc.cur, err)
		}
	}
}

func TestFormatMinor(t *testing.T) {
	for _, tc := range []struct {
		amount int64
		cur    string
		want   string
	}{
		{123456, "EUR", "1,234.56"},
		{0, "EUR", "0.00"},
		{5, "EUR", "0.05"},
		{50, "EUR", "0.50"},
		{-5, "EUR", "-0.05"},
		{-123456789, "USD", "-1,234,567.89"},
		{100000, "EUR", "1,000.00"},
		{99999, "EUR", "999.99"},
		{1234567, "JPY", "1,234,567"},
		{123, "JPY", "123"},
		{1234, "BHD", "1.234"},
		{MaxMinor, "EUR", "100,000,000,000.00"},
		{math.MaxInt64, "EUR", "92,233,720,368,547,758.07"},
		{math.MinInt64, "EUR", "-92,233,720,368,547,758.08"},
		{math.MinInt64, "JPY", "-9,223,372,036,854,775,808"},
		{123456, "XXX", "1,234.56"}, // unknown: two digits rather than nothing
	} {
		if got := FormatMinor(tc.amount, tc.cur); got != tc.want {
			t.Errorf("FormatMinor(%d, %s) = %q, want %q", tc.amount, tc.cur, got, tc.want)
		}
		plain := strings.ReplaceAll(tc.want, ",", "")
		if got := PlainMinor(tc.amount, tc.cur); got != plain {
			t.Errorf("PlainMinor(%d, %s) = %q, want %q", tc.amount, tc.cur, got, plain)
		}
	}
}

func TestFormat(t *testing.T) {
	const sp = "\u00a0"
	for _, tc := range []struct {
		amount    int64
		cur, lang string
		want      string
	}{
		{123456700, "EUR", "en", "EUR" + sp + "1,234,567.00"},
		{123456700, "EUR", "uk", "1" + sp + "234" + sp + "567,00" + sp + "EUR"},
		{123456705, "UAH", "uk-UA", "1" + sp + "234" + sp + "567,05" + sp + "UAH"},
		{123456789, "USD", "en-GB", "USD" + sp + "1,234,567.89"},
		{1234567, "JPY", "en", "JPY" + sp + "1,234,567"},
		{1234567, "JPY", "uk", "1" + sp + "234" + sp + "567" + sp + "JPY"},
		{1234, "BHD", "en", "BHD" + sp + "1.234"},
		{7, "EUR", "en", "EUR" + sp + "0.07"},
		{-50, "EUR", "en", "EUR" + sp + "-0.50"},
		{-50, "EUR", "uk", "-0,50" + sp + "EUR"},
		{-123456, "EUR", "uk", "-1" + sp + "234,56" + sp + "EUR"},
		{123456, "EUR", "de", "1.234,56" + sp + "EUR"},
		{123456, "EUR", "fr", "1" + sp + "234,56" + sp + "EUR"},
		{123456, "PLN", "pl", "1" + sp + "234,56" + sp + "PLN"},
		{123456, "CHF", "de-CH", "CHF" + sp + "1’234.56"},
		{123456, "EUR", "", "EUR" + sp + "1,234.56"},
		{123456, "EUR", "not a tag", "EUR" + sp + "1,234.56"},
		// Exact at the edges of int64, where a float would lose the cents.
		{math.MaxInt64, "EUR", "en", "EUR" + sp + "92,233,720,368,547,758.07"},
		{math.MinInt64, "EUR", "uk", "-92" + sp + "233" + sp + "720" + sp + "368" + sp + "547" + sp + "758,08" + sp + "EUR"},
		{900719925474099317, "EUR", "en", "EUR" + sp + "9,007,199,254,740,993.17"},
	} {
		if got := Format(tc.amount, tc.cur, tc.lang); got != tc.want {
			t.Errorf("Format(%d, %s, %q) = %q, want %q", tc.amount, tc.cur, tc.lang, got, tc.want)
		}
	}
}

func TestToEUR(t *testing.T) {
	for _, tc := range []struct {
		amount int64
		cur    string
		rate   string
		want   int64
	}{
		{123456, "EUR", "1", 123456},
		{-123456, "EUR", "1", -123456},
		{MaxMinor, "EUR", "1.000", MaxMinor},
		{109560, "USD", "1.0956", 100000},
		{100000, "USD", "1.0956", 91274}, // 912.7419…
		{16127, "JPY", "161.27", 10000},  // zero digits: 16,127 yen is 100 euros
		{1, "JPY", "161.27", 1},          // 0.62 cent rounds up
		{100, "GBP", "0.8", 125},
		{1000, "BHD", "0.4", 250}, // three digits: 1 BHD
		{1500000, "KRW", "1500", 100000},
		// Half away from zero, exactly at the half.
		{1, "USD", "2", 1},
		{-1, "USD", "2", -1},
		{3, "USD", "2", 2},
		{-3, "USD", "2", -2},
		{5, "JPY", "200", 3}, // 2.5 cents
		{-5, "JPY", "200", -3},
		// Just either side of the half.
		{1, "USD", "3", 0},
		{2, "USD", "3", 1},
		{-2, "USD", "3", -1},
		{4999, "USD", "10000", 0}, // 0.4999 cent
		{5001, "USD", "10000", 1},
		{0, "USD", "1.0956", 0},
		{math.MaxInt64, "USD", "1.0000", math.MaxInt64},
		{math.MinInt64, "USD", "1", math.MinInt64},
	} {
		got, err := ToEUR(tc.amount, tc.cur, tc.rate)
		if err != nil || got != tc.want {
			t.Errorf("ToEUR(%d, %s, %q) = %d, %v; want %d", tc.amount, tc.cur, tc.rate, got, err, tc.want)
		}
	}
}

func TestToEURErrors(t *testing.T) {
	for _, tc := range []struct {
		amount int64
		cur    string
		rate   string
		says   string
	}{
		{100, "USD", "0", "greater than zero"},
		{100, "USD", "0.0000", "greater than zero"},
		{100, "USD", "-1.2", "not a decimal rate"},
		{100, "USD", "", "missing"},
		{100, "USD", "1,0956", "not a decimal rate"},
		{100, "USD", "1e3", "not a decimal rate"},
		{100, "USD", "3/2", "not a decimal rate"},
		{100, "USD", " 1.1", "not a decimal rate"},
		{100, "USD", "1.", "not a decimal rate"},
		{100, "USD", ".5", "not a decimal rate"},
		{100, "USD", "1.2.3", "not a decimal rate"},
		{100, "USD", "N/A", "not a decimal rate"},
		{100, "USD", strings.Repeat("1", 40), "too long"},
		{100, "EUR", "1.1", "EUR converts at rate 1"},
		{100, "usd", "1.1", "capitals"},
		{100, "XXX", "1", "not a currency"},
		{math.MaxInt64, "USD", "0.5", "too large"},
		{math.MinInt64, "USD", "0.5", "too large"},
		{MaxMinor, "USD", "0.0000001", "too large"},
	} {
		got, err := ToEUR(tc.amount, tc.cur, tc.rate)
		if err == nil {
			t.Errorf("ToEUR(%d, %q, %q) = %d, want an error", tc.amount, tc.cur, tc.rate, got)
			continue
		}
		if !errors.Is(err, model.ErrInvalid) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("ToEUR(%d, %q, %q) error %q, want ErrInvalid saying %q", tc.amount, tc.cur, tc.rate, err, tc.says)
		}
	}
}
