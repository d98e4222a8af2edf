package readings_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/readings"
)

func TestSpans(t *testing.T) {
	for _, c := range []struct {
		below, from string
		bounds      []string
		want        []readings.Span
	}{
		{"", "", nil, []readings.Span{{"", ""}}},
		{"", "", []string{"m", "f"}, []readings.Span{{"", "m"}, {"m", "f"}, {"f", ""}}},
		{"x", "b", []string{"k"}, []readings.Span{{"x", "k"}, {"k", "b"}}},
	} {
		if got := readings.Spans(c.below, c.from, c.bounds); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Spans(%q, %q, %q) = %v, want %v", c.below, c.from, c.bounds, got, c.want)
		}
	}
}

// TestInOrder: the results are used in order whatever order they are
// computed in, on as many goroutines as asked and never more results
// ahead of the one used than there are workers.
func TestInOrder(t *testing.T) {
	for _, workers := range []int{1, 2, 3, 8} {
		for _, n := range []int{0, 1, 2, 7, 50} {
			var running, most, ahead, mostAhead atomic.Int64
			var used []int
			err := readings.InOrder(context.Background(), n, workers, func(_ context.Context, k int) (int, error) {
				now := running.Add(1)
				defer running.Add(-1)
				for m := most.Load(); now > m && !most.CompareAndSwap(m, now); m = most.Load() {
				}
				a := ahead.Add(1)
				for m := mostAhead.Load(); a > m && !mostAhead.CompareAndSwap(m, a); m = mostAhead.Load() {
				}
				time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond)
				return k * k, nil
			}, func(k, v int) error {
				ahead.Add(-1)
				if v != k*k {
					t.Errorf("result %d is %d, want %d", k, v, k*k)
				}
				used = append(used, k)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			for i, k := range used {
				if i != k {
					t.Fatalf("%d workers, %d results: used in the order %v", workers, n, used)
				}
			}
			if len(used) != n {
				t.Fatalf("%d workers: %d results used, want %d", workers, len(used), n)
			}
			if most.Load() > int64(workers) || mostAhead.Load() > int64(workers) {
				t.Errorf("%d workers: %d computed at once, %d results ahead", workers, most.Load(), mostAhead.Load())
			}
			if n >= 7 && workers > 1 && most.Load() < 2 {
				t.Errorf("%d workers, %d results: never two computed at once", workers, n)
			}
		}
	}
}

// TestInOrderStops: the first error, of a computation or of its use, is
// returned, no result after it is used, and no computation outlives the
// call.
func TestInOrderStops(t *testing.T) {
	broken := errors.New("broken")
	for _, failUse := range []bool{false, true} {
		var running atomic.Int64
		last := -1
		err := readings.InOrder(context.Background(), 100, 4, func(ctx context.Context, k int) (int, error) {
			running.Add(1)
			defer running.Add(-1)
			if k == 10 && !failUse {
				return 0, broken
			}
			select {
			case <-time.After(time.Millisecond):
			case <-ctx.Done():
				return 0, ctx.Err()
			}
			return k, nil
		}, func(k, _ int) error {
			last = k
			if k == 10 && failUse {
				return broken
			}
			return nil
		})
		if !errors.Is(err, broken) {
			t.Fatalf("want the error, got %v", err)
		}
		if want := map[bool]int{false: 9, true: 10}[failUse]; last != want {
			t.Errorf("the last result used was %d, want %d", last, want)
		}
		if n := running.Load(); n != 0 {
			t.Errorf("%d computations still running after the call", n)
		}
	}
}

func TestInOrderCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := readings.InOrder(ctx, 10, 2, func(ctx context.Context, k int) (int, error) {
		return k, ctx.Err()
	}, func(int, int) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want the context's error, got %v", err)
	}
}

func TestInOrderPanicIsAnError(t *testing.T) {
	err := readings.InOrder(context.Background(), 10, 2, func(_ context.Context, k int) (int, error) {
		if k == 3 {
			panic("broken")
		}
		return k, nil
	}, func(int, int) error { return nil })
	if err == nil {
		t.Fatal("want the panic as an error")
	}
}
