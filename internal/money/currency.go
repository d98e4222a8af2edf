// Package money handles amounts of money as integer minor units of an
// ISO 4217 currency, and their conversion to euros at the ECB reference rate.
//
// Amounts are never floats: a float cannot hold 0.10 exactly, and pledge
// totals must add up to the cent in reports that donors compare with their
// own books. The number of minor units of a currency (EUR 2, JPY 0, BHD 3)
// comes from CLDR through golang.org/x/text/currency, so amount_minor means
// the same thing to every layer and to API clients.
package money

import (
	"strings"

	"github.com/cyberaid/cyberaid/internal/model"
	"golang.org/x/text/currency"
)

// MaxMinor is the largest amount accepted, in minor units: 100 billion in a
// two-digit currency. No real pledge comes near it; the bound exists so that
// a typo cannot swamp the totals, and so that sums of many amounts, even
// converted at a small rate, stay far from int64 overflow.
const MaxMinor int64 = 10_000_000_000_000

// notMoney lists ISO 4217 codes that are not currencies anyone pays in:
// testing and "no currency" codes, precious metals, bond-market and
// supranational units of account, and fund codes. CLDR knows them all, so
// currency.ParseISO alone would let a pledge be made in gold or in XTS.
var notMoney = map[string]bool{
	"XXX": true, "XTS": true,
	"XAU": true, "XAG": true, "XPT": true, "XPD": true,
	"XBA": true, "XBB": true, "XBC": true, "XBD": true,
	"XDR": true, "XSU": true, "XUA": true, "XEU": true,
	"XFO": true, "XFU": true, "XRE": true,
	"BOV": true, "CHE": true, "CHW": true, "CLF": true, "COU": true,
	"MXV": true, "USN": true, "USS": true, "UYI": true, "UYW": true,
}

// ValidCurrency reports whether code is an ISO 4217 currency code, written in
// capitals, that money can be pledged in. Withdrawn currencies (HRK, BGN, …)
// stay valid: old pledges and the ECB's historical file still use them.
func ValidCurrency(code string) bool {
	_, err := unit(code)
	return err == nil
}

// MinorUnits is the number of digits after the decimal point of the currency:
// EUR 2, JPY 0, KWD 3.
func MinorUnits(code string) (int, error) {
	u, err := unit(code)
	if err != nil {
		return 0, err
	}
	scale, _ := currency.Standard.Rounding(u)
	return scale, nil
}

func unit(code string) (currency.Unit, error) {
	if code == "" {
		return currency.Unit{}, model.Invalid("currency", "is missing; give an ISO 4217 code such as EUR")
	}
	if len(code) != 3 || strings.ToUpper(code) != code {
		if len(code) == 3 && ValidCurrency(strings.ToUpper(code)) {
			return currency.Unit{}, model.Invalid("currency", "%q must be written in capitals: %s", code, strings.ToUpper(code))
		}
		return currency.Unit{}, model.Invalid("currency", "%q is not an ISO 4217 currency code", code)
	}
	if notMoney[code] {
		return currency.Unit{}, model.Invalid("currency", "%s is an ISO 4217 code for a test, a metal, a fund or a unit of account, not a currency", code)
	}
	u, err := currency.ParseISO(code)
	// ParseISO folds case and accepts non-letters that FixCase lets through;
	// comparing the round trip keeps only the exact code.
	if err != nil || u.String() != code {
		return currency.Unit{}, model.Invalid("currency", "%q is not an ISO 4217 currency code", code)
	}
	return u, nil
}

// CheckMinor validates an amount given directly in minor units, as API
// clients send amount_minor, with the same bounds ParseAmount applies to
// typed amounts.
func CheckMinor(amount int64, code string) error {
	if _, err := MinorUnits(code); err != nil {
		return err
	}
	if amount <= 0 {
		return model.Invalid("amount_minor", "must be greater than zero")
	}
	if amount > MaxMinor {
		return model.Invalid("amount_minor", "exceeds the maximum of %d minor units (%s %s)", MaxMinor, FormatMinor(MaxMinor, code), code)
	}
	return nil
}

// ISOMinorUnits returns the digits after the decimal point of any ISO 4217
// code in which amounts are published, including units of account that are
// not money one pays in (XDR, the IMF's special drawing right): donors'
// IATI files report in them. Test and "no currency" codes are refused.
func ISOMinorUnits(code string) (int, bool) {
	if len(code) != 3 || strings.ToUpper(code) != code || code == "XXX" || code == "XTS" {
		return 0, false
	}
	u, err := currency.ParseISO(code)
	if err != nil || u.String() != code {
		return 0, false
	}
	scale, _ := currency.Standard.Rounding(u)
	return scale, true
}
