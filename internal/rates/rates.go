// Package rates brings the ECB reference rates up to date and takes again
// every provisional euro value at the rate of its own date.
package rates

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Result says what an import did.
type Result struct {
	Rates int `json:"rates"`
	// Pledges and Offers count the provisional values that changed;
	// Provisional those still after the newest rate; Unpriced the
	// provisional values that the new rates cannot price (a currency the
	// file no longer quotes on their date), which keep their value.
	Pledges int `json:"pledges_revalued"`
	Offers  int `json:"offers_revalued"`
	// Tranches counts the disbursed tranches valued again; the disbursed
	// sum of the pledges they were paid on follows.
	Tranches    int `json:"tranches_revalued"`
	Provisional int `json:"still_provisional"`
	Unpriced    int `json:"unpriced"`
	// Reimport counts imported reports valued transaction by transaction
	// at several rates: importing their IATI file again revalues them.
	Reimport int `json:"left_for_reimport"`
}

// Import writes the rates and revalues every provisional pledge, offer and
// disbursed tranche, each change an audit event of actor, all in one
// transaction: a value is never left at an old rate once the rate of its
// date is held.
func Import(ctx context.Context, s store.Store, rs []model.Rate, now time.Time, actor audit.Actor) (Result, error) {
	var res Result
	err := s.InTx(ctx, func(q store.Queries) error {
		res = Result{}
		n, err := q.PutRates(ctx, rs)
		if err != nil {
			return err
		}
		res.Rates = n
		return revalue(ctx, q, now.UTC(), actor, &res)
	})
	return res, err
}

func revalue(ctx context.Context, q store.Queries, now time.Time, actor audit.Actor, res *Result) error {
	ps, err := q.ProvisionalPledges(ctx)
	if err != nil {
		return err
	}
	valuer := pledges.NewValuer(q)
	for _, p := range ps {
		if p.Rate == "" {
			res.Reimport++
			continue
		}
		v, err := valuer.Value(ctx, p.AmountMinor, p.Currency, p.PledgeDate, "pledge_date")
		if pledges.NoRate(err) {
			res.Unpriced++
			continue
		}
		if err != nil {
			return err
		}
		if v.Provisional {
			res.Provisional++
		}
		before := p
		if !setValuation(v, &p.Rate, &p.RateDate, &p.EURMinor, &p.RateProvisional) {
			continue
		}
		p.UpdatedAt = now
		if err := q.UpdatePledge(ctx, &p); err != nil {
			return err
		}
		if _, err := audit.Record(ctx, q, now, actor, audit.Change{Action: "pledge.revalue", ObjectType: "pledge", ObjectID: p.ID, Before: &before, After: &p}); err != nil {
			return err
		}
		res.Pledges++
	}
	os, err := q.ProvisionalOffers(ctx)
	if err != nil {
		return err
	}
	for _, o := range os {
		v, err := valuer.Value(ctx, o.AmountMinor, o.Currency, o.OfferDate, "offer_date")
		if pledges.NoRate(err) {
			res.Unpriced++
			continue
		}
		if err != nil {
			return err
		}
		if v.Provisional {
			res.Provisional++
		}
		before := o
		if !setValuation(v, &o.Rate, &o.RateDate, &o.EURMinor, &o.RateProvisional) {
			continue
		}
		o.UpdatedAt = now
		if err := q.UpdateOffer(ctx, &o); err != nil {
			return err
		}
		if _, err := audit.Record(ctx, q, now, actor, audit.Change{Action: "offer.revalue", ObjectType: "offer", ObjectID: o.ID, Before: &before, After: &o}); err != nil {
			return err
		}
		res.Offers++
	}
	return revalueTranches(ctx, q, valuer, now, actor, res)
}

// revalueTranches takes each provisional tranche again at the rate of its
// own date, and then the disbursed sum of every pledge whose tranches
// moved, so that the pledge never tells another sum than its tranches.
func revalueTranches(ctx context.Context, q store.Queries, valuer *pledges.Valuer, now time.Time, actor audit.Actor, res *Result) error {
	ds, err := q.ProvisionalDisbursements(ctx)
	if err != nil {
		return err
	}
	var moved []string
	for _, d := range ds {
		v, err := valuer.Value(ctx, d.AmountMinor, d.Currency, d.Date, "date")
		if pledges.NoRate(err) {
			res.Unpriced++
			continue
		}
		if err != nil {
			return err
		}
		if v.Provisional {
			res.Provisional++
		}
		before := d
		if !setValuation(v, &d.Rate, &d.RateDate, &d.EURMinor, &d.RateProvisional) {
			continue
		}
		if err := q.UpdateDisbursement(ctx, &d); err != nil {
			return err
		}
		if _, err := audit.Record(ctx, q, now, actor, audit.Change{Action: "pledge.tranche_revalue", ObjectType: "pledge", ObjectID: d.PledgeID, Before: &before, After: &d}); err != nil {
			return err
		}
		res.Tranches++
		if !slices.Contains(moved, d.PledgeID) {
			moved = append(moved, d.PledgeID)
		}
	}
	for _, id := range moved {
		p, err := q.PledgeByID(ctx, id)
		if err != nil {
			return err
		}
		tranches, err := q.Disbursements(ctx, id)
		if err != nil {
			return err
		}
		var sum int64
		for _, d := range tranches {
			sum += d.EURMinor
		}
		if sum == p.DisbursedEURMinor {
			continue
		}
		before := p
		p.DisbursedEURMinor, p.UpdatedAt = sum, now
		if err := q.UpdatePledge(ctx, &p); err != nil {
			return err
		}
		if _, err := audit.Record(ctx, q, now, actor, audit.Change{Action: "pledge.revalue", ObjectType: "pledge", ObjectID: p.ID, Before: &before, After: &p}); err != nil {
			return err
		}
	}
	return nil
}

// setValuation writes a valuation onto the fields a pledge or an offer keeps
// it in, and reports whether anything changed.
func setValuation(v pledges.Valuation, rate *string, day *model.Date, eur *int64, provisional *bool) bool {
	changed := *rate != v.Rate || !day.Equal(v.RateDate) || *eur != v.EURMinor || *provisional != v.Provisional
	*rate, *day, *eur, *provisional = v.Rate, v.RateDate, v.EURMinor, v.Provisional
	return changed
}

// HistoryMissing reports whether the database lacks the ECB's history of
// reference rates, which begins with the US dollar on the ECB's first day.
// A database loaded with the bundled history has it; so does one given
// the ECB's whole history file. One missing it is new, or was stopped
// before the history was all written (it is written newest first).
func HistoryMissing(ctx context.Context, q store.Queries) (bool, error) {
	r, err := q.RateOnOrBefore(ctx, "USD", money.FirstRateDay)
	if errors.Is(err, model.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return !r.Date.Equal(money.FirstRateDay), nil
}
