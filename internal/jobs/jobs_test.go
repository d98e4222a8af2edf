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

// TestRunLetsTheJobUnderWayFinish: once stop ends no job starts, but the one
// running keeps its context until work ends.
func TestRunLetsTheJobUnderWayFinish(t *testing.T) {
	stop, stopNow := context.WithCancel(context.Background())
	work, endWork := context.WithCancel(context.Background())
	defer endWork()
	started, release := make(chan struct{}), make(chan struct{})
	var runs atomic.Int32
	var cut atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		jobs.Run(stop, work, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Millisecond,
			jobs.Job{Name: "slow", Run: func(ctx context.Context) (int, error) {
				if runs.Add(1) == 1 {
					close(started)
					<-release
				}
				cut.Store(ctx.Err() != nil)
				return 1, nil
			}},
			jobs.Job{Name: "next", Run: func(context.Context) (int, error) { runs.Add(100); return 0, nil }},
		)
	}()
	<-started
	stopNow()
	close(release)
	<-done
	if cut.Load() {
		t.Error("the job under way lost its context at stop")
	}
	if runs.Load() != 1 {
		t.Errorf("jobs started after stop: %d", runs.Load())
	}
}

// TestObserved: each run is reported with its error, except runs cut
// short by the end of their context.
func TestObserved(t *testing.T) {
	type report struct {
		name string
		err  error
	}
	var got []report
	boom := errors.New("boom")
	js := jobs.Observed([]jobs.Job{
		{Name: "ok", Run: func(context.Context) (int, error) { return 1, nil }},
		{Name: "fails", Run: func(context.Context) (int, error) { return 0, boom }},
	}, func(name string, err error) { got = append(got, report{name, err}) })
	ctx, cancel := context.WithCancel(context.Background())
	for _, j := range js {
		j.Run(ctx)
	}
	cancel()
	js[1].Run(ctx)
	if len(got) != 2 || got[0] != (report{"ok", nil}) || got[1].name != "fails" || !errors.Is(got[1].err, boom) {
		t.Fatalf("reports: %+v", got)
	}
}
