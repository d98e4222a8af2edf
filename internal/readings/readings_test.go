package readings_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

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
