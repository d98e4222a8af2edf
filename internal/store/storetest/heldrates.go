package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/store"
)

// testHeldRates: held rates answer lookups before they are written, beside
// and inside transactions, a rate the database held already winning on its
// day; writing them keeps that rate and changes no answer.
func testHeldRates(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	day := model.NewDate
	// Imported on purpose before the history was loaded.
	_, err := s.PutRates(ctx, []model.Rate{
		{Date: day(2025, 3, 13), Currency: "USD", Rate: "9.99"},
		{Date: day(2025, 3, 20), Currency: "GBP", Rate: "0.84"},
	})
	must(t, err)
	write := s.HoldRates([]model.Rate{
		{Date: day(2025, 3, 10), Currency: "USD", Rate: "1.0850"},
		{Date: day(2025, 3, 14), Currency: "USD", Rate: "1.0898"},
		{Date: day(2025, 3, 14), Currency: "USD", Rate: "1.0889"}, // the last one given wins
		{Date: day(2025, 3, 13), Currency: "USD", Rate: "1.0380"},
		{Date: day(2025, 3, 12), Currency: "GBP", Rate: "0.8401"},
		{Date: day(2025, 3, 21), Currency: "JPY", Rate: "161.88"},
	})
	want := []struct {
		currency string
		day      model.Date
		rate     model.Rate
	}{
		{"USD", day(2025, 3, 10), model.Rate{Date: day(2025, 3, 10), Currency: "USD", Rate: "1.0850"}},
		{"USD", day(2025, 3, 13), model.Rate{Date: day(2025, 3, 13), Currency: "USD", Rate: "9.99"}},
		{"USD", day(2025, 3, 16), model.Rate{Date: day(2025, 3, 14), Currency: "USD", Rate: "1.0889"}},
		{"GBP", day(2025, 3, 13), model.Rate{Date: day(2025, 3, 12), Currency: "GBP", Rate: "0.8401"}},
		{"GBP", day(2025, 3, 30), model.Rate{Date: day(2025, 3, 20), Currency: "GBP", Rate: "0.84"}},
		{"JPY", day(2025, 3, 22), model.Rate{Date: day(2025, 3, 21), Currency: "JPY", Rate: "161.88"}},
	}
	check := func(when string, q store.Queries) {
		t.Helper()
		for _, w := range want {
			got, err := q.RateOnOrBefore(ctx, w.currency, w.day)
			if err != nil {
				t.Fatalf("%s: %s on or before %s: %v", when, w.currency, w.day, err)
			}
			if got != w.rate {
				t.Fatalf("%s: %s on or before %s = %+v, want %+v", when, w.currency, w.day, got, w.rate)
			}
		}
		_, err := q.RateOnOrBefore(ctx, "USD", day(2025, 3, 9))
		wantErr(t, err, model.ErrNotFound)
		_, err = q.RateOnOrBefore(ctx, "CHF", day(2025, 3, 30))
		wantErr(t, err, model.ErrNotFound)
		newest, err := q.NewestRateDay(ctx)
		must(t, err)
		same(t, newest, day(2025, 3, 21))
	}
	check("held", s)
	must(t, s.InTx(ctx, func(q store.Queries) error { check("held, in a transaction", q); return nil }))
	if n, err := s.CountRates(ctx); err != nil || n != 2 {
		t.Fatalf("CountRates = %d, %v before the held rates are written; want 2", n, err)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := write(cancelled); err == nil {
		t.Fatal("a cancelled write succeeded")
	}
	check("after a cancelled write", s)

	n, err := write(ctx)
	must(t, err)
	if n != 4 {
		t.Fatalf("wrote %d rates, want 4: the USD rate of 13 March was held already", n)
	}
	check("written", s)
	if n, err := s.CountRates(ctx); err != nil || n != 6 {
		t.Fatalf("CountRates = %d, %v once written; want 6", n, err)
	}
}

// testHeldRatesWhileWritten: lookups made while held rates are written, in
// several transactions, answer as the whole table does afterwards.
func testHeldRatesWhileWritten(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	all, err := money.BundledRates()
	must(t, err)
	since := model.NewDate(2019, 1, 1)
	var rates []model.Rate
	for _, r := range all {
		if !r.Date.Before(since) {
			rates = append(rates, r)
		}
	}
	currencies := []string{"USD", "GBP", "CHF", "JPY", "PLN", "RUB", "HRK"}
	type lookup struct {
		currency string
		day      model.Date
	}
	expect := func(l lookup) (model.Rate, bool) {
		var best model.Rate
		for _, r := range rates {
			if r.Currency == l.currency && !l.day.Before(r.Date) && best.Date.Before(r.Date) {
				best = r
			}
		}
		return best, !best.Date.IsZero()
	}
	rng := rand.New(rand.NewPCG(7, 7))
	var lookups []lookup
	wants := map[lookup]model.Rate{}
	for range 200 {
		l := lookup{currencies[rng.IntN(len(currencies))], since.AddDays(rng.IntN(2800) - 30)}
		lookups = append(lookups, l)
		if r, ok := expect(l); ok {
			wants[l] = r
		}
	}
	write := s.HoldRates(rates)
	done := make(chan error, 1)
	go func() {
		_, err := write(ctx)
		done <- err
	}()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				l := lookups[(i*4+w)%len(lookups)]
				got, err := s.RateOnOrBefore(ctx, l.currency, l.day)
				want, ok := wants[l]
				if !ok && err == nil || ok && (err != nil || got != want) {
					errs <- mismatch(l.currency, l.day, got, want, err)
					return
				}
			}
		})
	}
	err = <-done
	close(done)
	wg.Wait()
	must(t, err)
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, l := range lookups {
		got, err := s.RateOnOrBefore(ctx, l.currency, l.day)
		if want, ok := wants[l]; ok && (err != nil || got != want) || !ok && err == nil {
			t.Fatalf("written: %v", mismatch(l.currency, l.day, got, want, err))
		}
	}
}

func mismatch(currency string, day model.Date, got, want model.Rate, err error) error {
	return fmt.Errorf("rate of %s on or before %s: got %q of %s, want %q of %s (%v)", currency, day, got.Rate, got.Date, want.Rate, want.Date, err)
}
