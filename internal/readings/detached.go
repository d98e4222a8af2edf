package readings

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// Lock is a mutex whose waiters may give up: a request waiting while
// another computes a viewer's whole reading, seconds at a million pledges,
// returns when its client goes away. The zero Lock is unlocked.
type Lock struct {
	once sync.Once
	held chan struct{}
}

// Lock takes l, or returns ctx's error when ctx ends first.
func (l *Lock) Lock(ctx context.Context) error {
	l.once.Do(func() { l.held = make(chan struct{}, 1) })
	select {
	case l.held <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Unlock gives l back. Unlocking a Lock not held is a fault, as it is of
// a sync.Mutex: it would otherwise wait for ever.
func (l *Lock) Unlock() {
	select {
	case <-l.held:
	default:
		panic("readings: Unlock of a Lock not held")
	}
}

// Detached runs compute while l, which the caller holds, stays taken, and
// gives l back when compute returns. compute runs to its end whether or not
// the request of ctx waits for it: a whole reading abandoned by the request
// that began it, when its reader reloaded the page, began again from
// nothing at the next request: at a million pledges, a reader who
// reloaded the findings every 4 s had them after two minutes. compute keeps ctx's
// values but not its end, and is given at most timeout. A request that
// stops waiting gets ctx's error; the next one finds what compute kept.
func Detached[T any](ctx context.Context, l *Lock, timeout time.Duration, compute func(context.Context) (T, error)) (T, error) {
	type result struct {
		value T
		err   error
	}
	done := make(chan result, 1)
	go func() {
		defer l.Unlock()
		// A panic here would end the server: no handler's recovery
		// reaches this goroutine.
		defer func() {
			if p := recover(); p != nil {
				slog.Error("a reading panicked", "panic", p, "stack", string(debug.Stack()))
				done <- result{err: fmt.Errorf("reading: panic: %v", p)}
			}
		}()
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
		defer cancel()
		v, err := compute(cctx)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.value, r.err
	case <-ctx.Done():
		// Nobody hears how it ends but the log.
		go func() {
			if r := <-done; r.err != nil {
				slog.Warn("a reading no request waited for failed", "error", r.err)
			}
		}()
		var zero T
		return zero, ctx.Err()
	}
}
