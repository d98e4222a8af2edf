package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"
)

// keys is a list walked newest first in batches of three: bound and read
// work on it as the store's queries work on a table.
type keys struct {
	ids       []string // descending
	readDelay func() time.Duration
	failRead  string // the after key whose batch fails
	failBound string
}

func newKeys(n int) *keys {
	k := &keys{readDelay: func() time.Duration { return 0 }}
	for i := n; i > 0; i-- {
		k.ids = append(k.ids, fmt.Sprintf("%05d", i))
	}
	return k
}

func (k *keys) bound(_ context.Context, after string) (string, error) {
	if after == k.failBound && k.failBound != "" {
		return "", errors.New("bound failed")
	}
	below := k.below(after)
	if len(below) < 3 {
		return "", nil
	}
	return below[2], nil
}

func (k *keys) below(after string) []string {
	if after == "" {
		return k.ids
	}
	i, _ := slices.BinarySearchFunc(k.ids, after, func(a, b string) int { return -cmpStrings(a, b) })
	return k.ids[min(i+1, len(k.ids)):]
}

func cmpStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (k *keys) read(ctx context.Context, after, last string, dst []string) ([]string, error) {
	time.Sleep(k.readDelay())
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if after == k.failRead && k.failRead != "" {
		return nil, errors.New("read failed")
	}
	for _, id := range k.below(after) {
		if last != "" && id < last {
			break
		}
		dst = append(dst, id)
	}
	return dst, nil
}

func TestEachInOrder(t *testing.T) {
	for _, readers := range []int{0, 1, 4} {
		for _, n := range []int{0, 1, 2, 3, 4, 100} {
			t.Run(fmt.Sprintf("readers=%d/rows=%d", readers, n), func(t *testing.T) {
				k := newKeys(n)
				// Later batches often finish first: the order must not depend on it.
				k.readDelay = func() time.Duration { return time.Duration(rand.IntN(300)) * time.Microsecond }
				var got []string
				err := eachInOrder(context.Background(), readers, k.bound, k.read, func(id string) error {
					got = append(got, id)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, k.ids) && !(len(got) == 0 && len(k.ids) == 0) {
					t.Fatalf("got %v, want %v", got, k.ids)
				}
			})
		}
	}
}

func TestEachInOrderStops(t *testing.T) {
	before := runtime.NumGoroutine()
	stop := errors.New("stop")
	for _, readers := range []int{0, 4} {
		k := newKeys(100)
		calls := 0
		err := eachInOrder(context.Background(), readers, k.bound, k.read, func(string) error {
			calls++
			if calls == 10 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || calls != 10 {
			t.Errorf("readers=%d: err %v after %d calls, want stop after 10", readers, err, calls)
		}

		k = newKeys(100)
		k.failRead = k.ids[29] // the eleventh batch
		calls = 0
		err = eachInOrder(context.Background(), readers, k.bound, k.read, func(string) error { calls++; return nil })
		if err == nil || err.Error() != "read failed" || calls != 30 {
			t.Errorf("readers=%d: err %v after %d rows, want the read error after 30", readers, err, calls)
		}

		k = newKeys(100)
		k.failBound = k.ids[29]
		calls = 0
		err = eachInOrder(context.Background(), readers, k.bound, k.read, func(string) error { calls++; return nil })
		if err == nil || err.Error() != "bound failed" || calls != 30 {
			t.Errorf("readers=%d: err %v after %d rows, want the bound error after 30", readers, err, calls)
		}

		ctx, cancel := context.WithCancel(context.Background())
		k = newKeys(100)
		calls = 0
		err = eachInOrder(ctx, readers, k.bound, k.read, func(string) error {
			if calls++; calls == 5 {
				cancel()
			}
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("readers=%d: err %v after the caller cancelled, want context.Canceled", readers, err)
		}
	}
	// Every reader and the producer have returned.
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines left running", n-before)
	}
}
