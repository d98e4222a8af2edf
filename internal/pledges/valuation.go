package pledges

import (
	"context"
	"errors"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/store"
)

// RateLookback is how many days before a date the latest ECB rate of a
// currency may be and still value it. The ECB publishes on every TARGET
// working day; its longest pause in 27 years (Easter, Christmas) is 5 days,
// so a week allows one missed publication more. A currency quoted last
// longer ago was no longer quoted (RUB after 1 March 2022, HRK after 2022,
// ISK from December 2008 to 2018) and values nothing.
const RateLookback = 7

// Valuation is an amount's value in euros at an ECB reference rate.
type Valuation struct {
	Rate     string
	RateDate model.Date
	EURMinor int64
	// Provisional is set when the day is after the newest rate the platform
	// holds: the value is at the newest rate, until newer ones are imported.
	Provisional bool
}

// Codes of the errors Value returns when no rate values the amount.
const (
	CodeNoRate         = "no_reference_rate"
	CodeBeforeRates    = "before_reference_rates"
	CodeAmountTooLarge = "amount_too_large"
)

// Value prices an amount of currency dated day in euros. The rule:
//   - on or before the newest rate held: the latest rate of the currency on
//     or before day, at most RateLookback days earlier;
//   - after it: provisionally, the currency's newest rate, which must itself
//     be within RateLookback days of the newest rate held (the currency is
//     still quoted);
//   - before 1999-01-04, the ECB's first rate, or in a currency the ECB did
//     not quote then: refused, naming dateField or "currency".
func Value(ctx context.Context, q store.Queries, amountMinor int64, currency string, day model.Date, dateField string) (Valuation, error) {
	return NewValuer(q).Value(ctx, amountMinor, currency, day, dateField)
}

// Valuer values many amounts in one transaction, reading the newest day
// and each rate once: an import values tens of thousands of transactions.
type Valuer struct {
	q      store.Queries
	newest *model.Date
	rates  map[rateKey]rateFound
}

type rateKey struct {
	currency string
	day      model.Date
}

type rateFound struct {
	rate model.Rate
	err  error
}

func NewValuer(q store.Queries) *Valuer {
	return &Valuer{q: q, rates: map[rateKey]rateFound{}}
}

// Value is the package's Value, with the reads cached.
func (vr *Valuer) Value(ctx context.Context, amountMinor int64, currency string, day model.Date, dateField string) (Valuation, error) {
	if currency == "EUR" {
		return Valuation{Rate: "1", RateDate: day, EURMinor: amountMinor}, nil
	}
	if day.Before(money.FirstRateDay) {
		return Valuation{}, model.Broken(dateField, CodeBeforeRates, "%s is before %s, the ECB's first euro reference rate: no %s value can be given in euros", day, money.FirstRateDay, currency)
	}
	if vr.newest == nil {
		newest, err := vr.q.NewestRateDay(ctx)
		if err != nil && !errors.Is(err, model.ErrNotFound) {
			return Valuation{}, err
		}
		vr.newest = &newest
	}
	at, provisional := day, false
	if !vr.newest.IsZero() && vr.newest.Before(day) {
		at, provisional = *vr.newest, true
	}
	k := rateKey{currency, at}
	found, ok := vr.rates[k]
	if !ok {
		found.rate, found.err = vr.q.RateOnOrBefore(ctx, currency, at)
		if found.err != nil && !errors.Is(found.err, model.ErrNotFound) {
			return Valuation{}, found.err
		}
		vr.rates[k] = found
	}
	rate := found.rate
	if found.err != nil || rate.Date.DaysUntil(at) > RateLookback {
		return Valuation{}, model.Broken("currency", CodeNoRate, "the ECB quoted no euro reference rate for %s on or in the %d days before %s; use EUR or a currency the ECB quoted then", currency, RateLookback, at)
	}
	eur, err := money.ToEUR(amountMinor, currency, rate.Rate)
	if err != nil {
		return Valuation{}, model.Broken("amount_minor", CodeAmountTooLarge, "cannot be valued in euros: %v", err)
	}
	if eur > money.MaxMinor || eur < -money.MaxMinor {
		return Valuation{}, model.Broken("amount_minor", CodeAmountTooLarge, "is worth more in euros than any pledge or offer can be")
	}
	return Valuation{Rate: rate.Rate, RateDate: rate.Date, EURMinor: eur, Provisional: provisional}, nil
}

// NoRate reports whether err is Value's refusal for want of a rate, as
// opposed to a bad amount or a failing database.
func NoRate(err error) bool {
	var fe *model.FieldError
	return errors.As(err, &fe) && (fe.Code == CodeNoRate || fe.Code == CodeBeforeRates)
}
