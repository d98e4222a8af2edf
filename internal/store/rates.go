package store

import (
	"context"
	"slices"
	"strings"

	"github.com/cyberaid/cyberaid/internal/model"
)

// rateBatch rows go in one INSERT: an ECB history holds hundreds of
// thousands of rates, too many for a statement each.
const rateBatch = 300

// PutRates counts a rate given twice for the same day once, the last one
// winning.
func (q *queries) PutRates(ctx context.Context, rates []model.Rate) (int, error) {
	type key struct{ currency, day string }
	index := make(map[key]int, len(rates))
	var unique []model.Rate
	for _, r := range rates {
		k := key{r.Currency, r.Date.String()}
		if i, ok := index[k]; ok {
			unique[i] = r
			continue
		}
		index[k] = len(unique)
		unique = append(unique, r)
	}
	err := q.atomic(ctx, func(q *queries) error {
		for batch := range slices.Chunk(unique, rateBatch) {
			args := make([]any, 0, 3*len(batch))
			for _, r := range batch {
				args = append(args, r.Currency, r.Date, r.Rate)
			}
			values := strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(batch)), ", ")
			_, err := q.wr.exec(ctx, `INSERT INTO rates (currency, day, rate) VALUES `+values+`
				ON CONFLICT (currency, day) DO UPDATE SET rate = excluded.rate`, args...)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, dbErr(err, "put rates")
	}
	return len(unique), nil
}

func (q *queries) RateOnOrBefore(ctx context.Context, currency string, day model.Date) (model.Rate, error) {
	var r model.Rate
	err := q.rd.row(ctx, `SELECT day, currency, rate FROM rates WHERE currency = ? AND day <= ? ORDER BY day DESC LIMIT 1`, currency, day).
		Scan(&r.Date, &r.Currency, &r.Rate)
	if err != nil {
		return model.Rate{}, dbErr(err, "%s rate on or before %s", currency, day)
	}
	return r, nil
}

func (q *queries) CountRates(ctx context.Context) (int, error) {
	var n int
	err := q.rd.row(ctx, `SELECT count(*) FROM rates`).Scan(&n)
	return n, dbErr(err, "count rates")
}

func (q *queries) NewestRateDay(ctx context.Context) (model.Date, error) {
	var d model.Date
	err := q.rd.row(ctx, `SELECT day FROM rates ORDER BY day DESC LIMIT 1`).Scan(day{&d})
	if err != nil {
		return model.Date{}, dbErr(err, "newest rate")
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
