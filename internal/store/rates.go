package store

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/cyberaid/cyberaid/internal/model"
)

// rateBatch rows go in one INSERT: an ECB history holds hundreds of
// thousands of rates, too many for a statement each.
const rateBatch = 300

// PutRates counts a rate given twice for the same day once, the last one
// winning.
func (q *queries) PutRates(ctx context.Context, rates []model.Rate) (int, error) {
	unique := uniqueRates(rates)
	err := q.atomic(ctx, func(q *queries) error {
		_, err := q.insertRates(ctx, unique, `ON CONFLICT (currency, day) DO UPDATE SET rate = excluded.rate`)
		return err
	})
	if err != nil {
		return 0, dbErr(err, "put rates")
	}
	return len(unique), nil
}

func (q *queries) AddRates(ctx context.Context, rates []model.Rate) (int, error) {
	var n int
	err := q.atomic(ctx, func(q *queries) error {
		var err error
		n, err = q.insertRates(ctx, uniqueRates(rates), `ON CONFLICT (currency, day) DO NOTHING`)
		return err
	})
	if err != nil {
		return 0, dbErr(err, "add rates")
	}
	return n, nil
}

// uniqueRates keeps the last of the rates given for one currency and day.
func uniqueRates(rates []model.Rate) []model.Rate {
	type key struct {
		currency string
		day      int64
	}
	index := make(map[key]int, len(rates))
	unique := make([]model.Rate, 0, len(rates))
	for _, r := range rates {
		k := key{r.Currency, r.Date.Time().Unix()}
		if i, ok := index[k]; ok {
			unique[i] = r
			continue
		}
		index[k] = len(unique)
		unique = append(unique, r)
	}
	return unique
}

// insertRates writes rates rateBatch rows a statement, and returns how many
// rows were inserted or changed.
func (q *queries) insertRates(ctx context.Context, rates []model.Rate, onConflict string) (int, error) {
	var n int64
	for batch := range slices.Chunk(rates, rateBatch) {
		args := make([]any, 0, 3*len(batch))
		for _, r := range batch {
			args = append(args, r.Currency, r.Date, r.Rate)
		}
		values := strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(batch)), ", ")
		res, err := q.wr.exec(ctx, `INSERT INTO rates (currency, day, rate) VALUES `+values+` `+onConflict, args...)
		if err != nil {
			return 0, err
		}
		affected, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		n += affected
	}
	return int(n), nil
}

// heldRates are rates given to HoldRates that may not all be written yet.
// The lookups answer from them and from the table together, so that a
// valuation made while they are being written is the one made after.
type heldRates struct {
	p atomic.Pointer[heldSet]
}

// heldSet never changes once published: readers share it without a lock.
type heldSet struct {
	byCurrency map[string][]model.Rate // each in day order
	newest     model.Date
}

// heldWriteBatch rates are written per transaction: on SQLite each one holds
// the only writer connection, so a request that writes meanwhile waits for
// one batch (tens of milliseconds), never for the whole history.
const heldWriteBatch = 8192

// HoldRates makes rates count at once for RateOnOrBefore and NewestRateDay,
// on d and every transaction it begins, as if they were written alongside
// the rates the database holds; one the database holds for the same currency
// and day wins. It returns write, which writes them in short transactions,
// newest first (so the oldest day, written last, tells a later start
// whether all were), keeping the rates held already; once write has
// returned nil, the table alone answers. If write fails or is cancelled the
// rates stay held, and the lookups stay right, until the process ends.
func (d *DB) HoldRates(rates []model.Rate) (write func(ctx context.Context) (int, error)) {
	set, newestFirst := holdSet(rates)
	d.held.p.Store(set)
	return func(ctx context.Context) (int, error) {
		var n int
		for batch := range slices.Chunk(newestFirst, heldWriteBatch) {
			added, err := d.AddRates(ctx, batch)
			if err != nil {
				return n, err
			}
			n += added
		}
		// Only after the last commit: a lookup that found the set still
		// published reads it; one that did not finds every rate written.
		d.held.p.CompareAndSwap(set, nil)
		return n, nil
	}
}

// holdSet indexes rates by currency, a rate given twice for one day the
// last one winning, and lists them newest first. The ECB's file is newest
// first already, with no day twice: it is then only split, not sorted.
func holdSet(rates []model.Rate) (*heldSet, []model.Rate) {
	byDay := func(a, b model.Rate) int { return a.Date.Time().Compare(b.Date.Time()) }
	set := &heldSet{byCurrency: map[string][]model.Rate{}}
	for _, r := range rates {
		set.byCurrency[r.Currency] = append(set.byCurrency[r.Currency], r)
	}
	ordered := true
	for c, rs := range set.byCurrency {
		switch {
		case slices.IsSortedFunc(rs, func(a, b model.Rate) int { return byDay(b, a) }) && !hasSameDay(rs):
			slices.Reverse(rs)
		case slices.IsSortedFunc(rs, byDay) && !hasSameDay(rs):
			ordered = false
		default:
			ordered = false
			slices.SortStableFunc(rs, byDay)
			// Of the rates of one day, the last given wins.
			var kept []model.Rate
			for i, r := range rs {
				if i+1 < len(rs) && rs[i+1].Date.Equal(r.Date) {
					continue
				}
				kept = append(kept, r)
			}
			rs = kept
		}
		set.byCurrency[c] = rs
		if newest := rs[len(rs)-1].Date; set.newest.Before(newest) {
			set.newest = newest
		}
	}
	if ordered && slices.IsSortedFunc(rates, func(a, b model.Rate) int { return byDay(b, a) }) {
		return set, rates
	}
	var newestFirst []model.Rate
	for _, rs := range set.byCurrency {
		newestFirst = append(newestFirst, rs...)
	}
	slices.SortFunc(newestFirst, func(a, b model.Rate) int {
		return cmp.Or(byDay(b, a), strings.Compare(a.Currency, b.Currency))
	})
	return set, newestFirst
}

func hasSameDay(rs []model.Rate) bool {
	for i := 1; i < len(rs); i++ {
		if rs[i].Date.Equal(rs[i-1].Date) {
			return true
		}
	}
	return false
}

// onOrBefore is RateOnOrBefore over the held rates.
func (s *heldSet) onOrBefore(currency string, day model.Date) (model.Rate, bool) {
	rs := s.byCurrency[currency]
	i, _ := slices.BinarySearchFunc(rs, day, func(r model.Rate, d model.Date) int { return r.Date.Time().Compare(d.Time()) })
	// rs[i] is the first rate after day, or on it.
	if i < len(rs) && rs[i].Date.Equal(day) {
		return rs[i], true
	}
	if i == 0 {
		return model.Rate{}, false
	}
	return rs[i-1], true
}

func (q *queries) RateOnOrBefore(ctx context.Context, currency string, day model.Date) (model.Rate, error) {
	// The held set is read before the table: were it read after, the last
	// batch could commit and the set be dropped between the two reads.
	held := q.held.p.Load()
	var r model.Rate
	err := q.rd.row(ctx, `SELECT day, currency, rate FROM rates WHERE currency = ? AND day <= ? ORDER BY day DESC LIMIT 1`, currency, day).
		Scan(&r.Date, &r.Currency, &r.Rate)
	err = dbErr(err, "%s rate on or before %s", currency, day)
	if held != nil && (err == nil || errors.Is(err, model.ErrNotFound)) {
		if h, ok := held.onOrBefore(currency, day); ok && (err != nil || r.Date.Before(h.Date)) {
			return h, nil
		}
	}
	if err != nil {
		return model.Rate{}, err
	}
	return r, nil
}

func (q *queries) CountRates(ctx context.Context) (int, error) {
	var n int
	err := q.rd.row(ctx, `SELECT count(*) FROM rates`).Scan(&n)
	return n, dbErr(err, "count rates")
}

func (q *queries) NewestRateDay(ctx context.Context) (model.Date, error) {
	held := q.held.p.Load()
	var d model.Date
	err := q.rd.row(ctx, `SELECT day FROM rates ORDER BY day DESC LIMIT 1`).Scan(day{&d})
	err = dbErr(err, "newest rate")
	if held != nil && !held.newest.IsZero() && (err == nil || errors.Is(err, model.ErrNotFound)) {
		if err != nil || d.Before(held.newest) {
			return held.newest, nil
		}
	}
	if err != nil {
		return model.Date{}, err
	}
	return d, nil
}

func (q *queries) ProvisionalPledges(ctx context.Context) ([]model.Pledge, error) {
	ps, err := queryAll(ctx, q.rd, scanPledge, `SELECT `+q.pledgeColumns()+` FROM pledges WHERE rate_provisional ORDER BY id`+q.forUpdate())
	if err == nil {
		err = q.loadPledgeGrants(ctx, ps)
	}
	return ps, dbErr(err, "provisional pledges")
}

func (q *queries) ProvisionalOffers(ctx context.Context) ([]model.Offer, error) {
	os, err := queryAll(ctx, q.rd, scanOffer, `SELECT `+offerSelect+` FROM offers WHERE rate_provisional ORDER BY id`+q.forUpdate())
	if err == nil {
		err = q.loadOfferGrants(ctx, os)
	}
	return os, dbErr(err, "provisional offers")
}
