package readings_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/readings"
)

func TestKept(t *testing.T) {
	ctx := context.Background()
	var version atomic.Int64
	at := func(context.Context) (int64, error) { return version.Load(), nil }
	var computed atomic.Int64
	compute := func(context.Context) (any, error) { return computed.Add(1), nil }
	alice := policy.Viewer{UserID: "alice", Org: model.Organisation{ID: "a"}}
	bob := policy.Viewer{UserID: "bob", Org: model.Organisation{ID: "b"}}
	today := model.NewDate(2026, 12, 2)
	k := readings.New(2)
	get := func(v policy.Viewer, day model.Date) any {
		t.Helper()
		got, err := k.Get(ctx, at, "what", v, day, compute)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	// Concurrent requests of one viewer at one version wait for one computation.
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() { get(alice, today) })
	}
	wg.Wait()
	if computed.Load() != 1 {
		t.Fatalf("16 concurrent requests computed %d times, want once", computed.Load())
	}
	if got := get(alice, today); got != int64(1) {
		t.Errorf("kept reading %v, want the first", got)
	}
	// Another viewer, another day and another version are other readings.
	if get(bob, today) != int64(2) || get(alice, today.AddDays(1)) != int64(3) {
		t.Error("a reading of another viewer or day was served")
	}
	version.Add(1)
	if get(alice, today) != int64(4) {
		t.Error("a reading of an older version was served")
	}
	// At most two are kept: bob's, the oldest used, is gone.
	if get(bob, today) != int64(5) {
		t.Error("more readings were kept than asked")
	}

	// A failed computation is not kept.
	boom := errors.New("boom")
	fail := true
	flaky := func(context.Context) (any, error) {
		if fail {
			return nil, boom
		}
		return "fine", nil
	}
	if _, err := k.Get(ctx, at, "flaky", alice, today, flaky); !errors.Is(err, boom) {
		t.Fatalf("want the computation's error, got %v", err)
	}
	fail = false
	if got, err := k.Get(ctx, at, "flaky", alice, today, flaky); err != nil || got != "fine" {
		t.Errorf("after a failure: %v %v, want a fresh computation", got, err)
	}
}

func TestKeptSized(t *testing.T) {
	ctx := context.Background()
	at := func(context.Context) (int64, error) { return 7, nil }
	alice := policy.Viewer{UserID: "alice", Org: model.Organisation{ID: "a"}}
	today := model.NewDate(2026, 12, 2)
	k := readings.NewSized(100, 1000)
	var computed atomic.Int64
	get := func(what string, size int) int64 {
		t.Helper()
		got, err := k.GetSized(ctx, at, what, alice, today, func(context.Context) (any, int, error) {
			return computed.Add(1), size, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got.(int64)
	}
	kept := func(what string) bool {
		t.Helper()
		before := computed.Load()
		get(what, 1)
		return computed.Load() == before
	}

	// Four readings of 250 bytes fill the thousand; a fifth pushes out
	// the one used longest ago.
	for _, w := range []string{"a", "b", "c", "d"} {
		get(w, 250)
	}
	if !kept("a") {
		t.Fatal("a reading within the bound was not kept")
	}
	get("e", 250)
	if kept("b") {
		t.Error("more bytes were kept than the bound")
	}
	if !kept("a") || !kept("e") {
		t.Error("the readings used last were pushed out")
	}

	// A reading of more than a quarter of the bound is answered, not kept.
	first := get("large", 251)
	if again := get("large", 251); again == first {
		t.Error("a reading larger than a quarter of the bound was kept")
	}
	if !kept("a") {
		t.Error("a reading too large to keep pushed out another")
	}
}

// TestKeptSizedReplaced: a reading of a newer version replaces the older
// one's bytes, and one pushed out by the count gives its bytes back.
func TestKeptSizedReplaced(t *testing.T) {
	ctx := context.Background()
	var version atomic.Int64
	at := func(context.Context) (int64, error) { return version.Load(), nil }
	alice := policy.Viewer{UserID: "alice"}
	today := model.NewDate(2026, 12, 2)
	k := readings.NewSized(2, 1000)
	var computed atomic.Int64
	get := func(what string, size int) {
		t.Helper()
		if _, err := k.GetSized(ctx, at, what, alice, today, func(context.Context) (any, int, error) {
			return computed.Add(1), size, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	// Ten versions of one reading of 250 bytes: had the older ones'
	// bytes stayed counted, the fourth would have pushed out everything.
	for range 10 {
		get("a", 250)
		version.Add(1)
	}
	version.Add(-1)
	get("b", 250)
	before := computed.Load()
	get("a", 250)
	get("b", 250)
	if computed.Load() != before {
		t.Errorf("two readings of 250 bytes within 1,000 were computed again: the bytes of replaced readings stayed counted")
	}
	// Pushed out by the count (two at most), "a" gives back its bytes.
	get("c", 250)
	get("d", 250)
	get("e", 250)
	before = computed.Load()
	get("d", 250)
	get("e", 250)
	if computed.Load() != before {
		t.Errorf("the readings used last were pushed out: the bytes of those the count pushed out stayed counted")
	}
}

// TestKeptPanic: a computation that panics passes its panic on, keeps
// nothing, and leaves no one waiting for it.
func TestKeptPanic(t *testing.T) {
	ctx := context.Background()
	at := func(context.Context) (int64, error) { return 1, nil }
	k := readings.NewSized(8, 1000)
	var waiter sync.WaitGroup
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic was not passed on")
			}
		}()
		_, _ = k.GetSized(ctx, at, "what", policy.Viewer{}, model.Date{}, func(context.Context) (any, int, error) {
			waiter.Go(func() {
				// Waits for the computation that panics, then computes.
				got, err := k.GetSized(ctx, at, "what", policy.Viewer{}, model.Date{}, func(context.Context) (any, int, error) { return "fine", 4, nil })
				if err != nil || got != "fine" {
					t.Errorf("a waiter after a panic: %v %v", got, err)
				}
			})
			// Let the waiter find the computation and wait for it: had
			// the panic left it unended, the waiter would wait forever.
			time.Sleep(50 * time.Millisecond)
			panic("boom")
		})
	}()
	waiter.Wait()

	// Nor does one whose goroutine ends inside it (runtime.Goexit, as
	// t.FailNow does).
	var ended sync.WaitGroup
	ended.Go(func() {
		_, _ = k.GetSized(ctx, at, "ends", policy.Viewer{}, model.Date{}, func(context.Context) (any, int, error) {
			runtime.Goexit()
			return nil, 0, nil
		})
	})
	ended.Wait()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if got, err := k.GetSized(ctx, at, "ends", policy.Viewer{}, model.Date{}, func(context.Context) (any, int, error) { return "fine", 4, nil }); err != nil || got != "fine" {
			t.Errorf("after a computation whose goroutine ended: %v %v", got, err)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a request waits for a computation whose goroutine ended")
	}
}
