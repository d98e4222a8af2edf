// Package jobs runs the background work of `cyberaid serve` (closing
// proposals at their deadline, reminders, mail) on a timer. It keeps no
// state of its own: each job finds its work in the database and claims it
// there, so that any number of processes may run the same jobs over one
// PostgreSQL and each piece of work is still done once.
package jobs

import (
	"context"
	"log/slog"
	"time"
)

// Job is one piece of periodic work; Run returns how many things it did.
type Job struct {
	Name string
	Run  func(ctx context.Context) (int, error)
}

// Every runs the jobs at once and then every interval until ctx ends. A
// failing job is logged and tried again at the next tick.
func Every(ctx context.Context, log *slog.Logger, interval time.Duration, jobs ...Job) {
	Run(ctx, ctx, log, interval, jobs...)
}

// Run is Every with the end of scheduling apart from the end of the work: no
// job starts once stop has ended, while the jobs get work as their context,
// so that at shutdown a job under way may finish rather than be cut short.
func Run(stop, work context.Context, log *slog.Logger, interval time.Duration, jobs ...Job) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		for _, j := range jobs {
			if stop.Err() != nil || work.Err() != nil {
				return
			}
			n, err := j.Run(work)
			switch {
			case err != nil && work.Err() == nil:
				log.ErrorContext(work, "background job failed", "job", j.Name, "err", err)
			case n > 0:
				log.InfoContext(work, "background job", "job", j.Name, "done", n)
			}
		}
		select {
		case <-stop.Done():
			return
		case <-work.Done():
			return
		case <-t.C:
		}
	}
}

// Observed returns the jobs with each run reported to observe, with its
// error; a run cut short because ctx ended is not a failure.
func Observed(jobs []Job, observe func(name string, err error)) []Job {
	out := make([]Job, len(jobs))
	for i, j := range jobs {
		run := j.Run
		out[i] = Job{Name: j.Name, Run: func(ctx context.Context) (int, error) {
			n, err := run(ctx)
			if ctx.Err() == nil {
				observe(j.Name, err)
			}
			return n, err
		}}
	}
	return out
}
