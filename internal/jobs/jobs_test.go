package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/jobs"
)

func TestEveryRunsUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var ok, failing atomic.Int32
	done := make(chan struct{})
	go func() {
		defer close(done)
		jobs.Every(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Millisecond,
			jobs.Job{Name: "fails", Run: func(context.Context) (int, error) { failing.Add(1); return 0, errors.New("boom") }},
			jobs.Job{Name: "counts", Run: func(context.Context) (int, error) {
				if ok.Add(1) == 3 {
					cancel()
				}
				return 1, nil
			}},
		)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Every did not stop when its context ended")
	}
	// A failing job does not stop the others.
	if ok.Load() != 3 || failing.Load() != 3 {
		t.Fatalf("ran %d and %d times", ok.Load(), failing.Load())
	}
}
