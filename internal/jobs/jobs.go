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
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		for _, j := range jobs {
			if ctx.Err() != nil {
				return
			}
			n, err := j.Run(ctx)
			switch {
			case err != nil && ctx.Err() == nil:
				log.Error("background job failed", "job", j.Name, "err", err)
			case n > 0:
				log.Info("background job", "job", j.Name, "done", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
