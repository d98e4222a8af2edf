package readings_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/readings"
)

func TestLockWaitersGiveUp(t *testing.T) {
	var l readings.Lock
	if err := l.Lock(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := l.Lock(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a waiter whose request ended: want its context's error, got %v", err)
	}
	l.Unlock()
	if err := l.Lock(context.Background()); err != nil {
		t.Fatalf("after Unlock: %v", err)
	}
}

// TestDetachedOutlivesItsRequest: the request that began a computation
// may stop waiting for it; the computation goes on to its end with a
// context that has not ended, and the lock is held until then.
func TestDetachedOutlivesItsRequest(t *testing.T) {
	var l readings.Lock
	if err := l.Lock(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	started, finish, finished := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		_, err := readings.Detached(ctx, &l, time.Minute, func(ctx context.Context) (int, error) {
			close(started)
			<-finish
			finished <- ctx.Err()
			return 1, nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("the request that stopped waiting: want its context's error, got %v", err)
		}
		close(finish)
	}()
	<-started
	cancel()
	// The request has given up once it closes finish.
	select {
	case <-finish:
	case <-time.After(5 * time.Second):
		t.Fatal("the request still waits for the computation after its context ended")
	}
	if err := <-finished; err != nil {
		t.Fatalf("the computation's context ended with its request's: %v", err)
	}
	// Then the lock is given back.
	wait, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	if err := l.Lock(wait); err != nil {
		t.Fatalf("the lock was not given back when the computation ended: %v", err)
	}
	l.Unlock()
}

func TestDetachedPanicIsAnError(t *testing.T) {
	var l readings.Lock
	if err := l.Lock(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, err := readings.Detached(context.Background(), &l, time.Minute, func(context.Context) (int, error) {
		panic("broken")
	})
	if err == nil {
		t.Fatal("want the panic as an error")
	}
	wait, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	if err := l.Lock(wait); err != nil {
		t.Fatalf("the lock was not given back after the panic: %v", err)
	}
}
