package readings

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// Span is the requirements with ids below Below ("": no bound) and from
// From on ("": no bound).
type Span struct{ Below, From string }

// Spans cuts the span from below down to from at bounds, ids newest first
// within it: the first span ends at the first bound, each bound begins the
// next. Cut at a reader's every n-th id, each span holds n requirements,
// the last at most n.
func Spans(below, from string, bounds []string) []Span {
	out := make([]Span, 0, len(bounds)+1)
	for _, b := range bounds {
		out = append(out, Span{Below: below, From: b})
		below = b
	}
	return append(out, Span{Below: below, From: from})
}

// Workers is how many spans a whole reading computes at once: reading a
// range's records keeps a core busy, and the first reading of a viewer's
// findings at a million pledges is seconds of it.
func Workers() int { return min(runtime.GOMAXPROCS(0), 4) }

// InOrder computes compute(k) for every k below n on up to workers
// goroutines and hands each result to use in the order of k, on the
// caller's goroutine. No more than workers results are computed ahead of
// the one use waits for, so that what a reading holds at once stays that
// of a few spans whatever their number. It returns the error of the first
// k, in that order, whose computation or use failed; a computation that
// panics fails with the panic as its error, as a request's handler would.
func InOrder[T any](ctx context.Context, n, workers int, compute func(context.Context, int) (T, error), use func(int, T) error) error {
	if n == 0 {
		return nil
	}
	workers = max(min(workers, n), 1)
	ctx, cancel := context.WithCancel(ctx)
	type result struct {
		value T
		err   error
	}
	// Each slot is written once, by the worker that took its k: a buffered
	// channel of one never blocks it.
	slots := make([]chan result, n)
	for k := range slots {
		slots[k] = make(chan result, 1)
	}
	// A token is taken before a k, and given back once its result is used.
	ahead := make(chan struct{}, workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	// The workers are stopped before they are waited for: one may be
	// waiting for a token that no use will give back.
	defer func() {
		cancel()
		wg.Wait()
	}()
	for range workers {
		wg.Go(func() {
			for {
				select {
				case ahead <- struct{}{}:
				case <-ctx.Done():
					return
				}
				k := int(next.Add(1) - 1)
				if k >= n || ctx.Err() != nil {
					return
				}
				v, err := computed(ctx, k, compute)
				slots[k] <- result{v, err}
				if err != nil {
					return
				}
			}
		})
	}
	for k := range n {
		var r result
		select {
		case r = <-slots[k]:
		case <-ctx.Done():
			return ctx.Err()
		}
		if r.err != nil {
			return r.err
		}
		if err := use(k, r.value); err != nil {
			return err
		}
		<-ahead
	}
	return nil
}

// computed is compute(ctx, k), with a panic returned as an error: no
// handler's recovery reaches a worker's goroutine, and a panic there would
// end the server.
func computed[T any](ctx context.Context, k int, compute func(context.Context, int) (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			slog.Error("a reading panicked", "panic", p, "stack", string(debug.Stack()))
			err = fmt.Errorf("reading: panic: %v", p)
		}
	}()
	return compute(ctx, k)
}
