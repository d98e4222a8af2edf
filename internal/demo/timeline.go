package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
)

// Clock is the clock a demo program runs on: the time of day, except while
// the demo is being seeded, when it reads the moment of the record being
// written. Every service reads the program's clock, so each record, and the
// audit event written with it, carries the moment it would have had.
type Clock struct {
	mu sync.Mutex
	at time.Time
}

// Now is the moment being seeded, or the time of day.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() {
		return time.Now().UTC()
	}
	return c.at
}

func (c *Clock) set(t time.Time) {
	c.mu.Lock()
	c.at = t
	c.mu.Unlock()
}

// The demo's history spans two years, December 2024 to November 2026; a
// program seeded before its end moves the whole history back to end
// before today, so that nothing is dated in the future.
var historyEnd = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// window is the span the demo's history covers when seeded at now.
func window(now time.Time) (start, end time.Time) {
	end = historyEnd
	if latest := now.UTC().AddDate(0, 0, -2).Truncate(time.Hour); latest.Before(end) {
		end = latest
	}
	return end.AddDate(-2, 0, 0), end
}

// step is one thing done at one moment of the history.
type step struct {
	at  time.Time
	run func(context.Context) error
}

// timeline holds the history's steps and plays them in the order of their
// moments (steps at the same moment in the order they were added), with
// the clock set to each step's moment, so that the audit log reads in
// time order.
type timeline struct {
	steps []step
	rng   *rand.Rand
}

func newTimeline() *timeline {
	// A fixed seed: the demo looks the same on every machine and run.
	return &timeline{rng: rand.New(rand.NewPCG(2024, 12))}
}

func (tl *timeline) at(t time.Time, run func(context.Context) error) {
	tl.steps = append(tl.steps, step{at: t, run: run})
}

// days is a whole number of days in [lo, hi], with a few hours more so that
// no two records share a moment.
func (tl *timeline) days(lo, hi int) time.Duration {
	d := lo + tl.rng.IntN(hi-lo+1)
	return time.Duration(d)*24*time.Hour + time.Duration(tl.rng.IntN(8*60))*time.Minute
}

// play runs the steps; a step may add later ones (a withdrawal some weeks
// after the pledge it withdraws), which take their place in the order.
func (tl *timeline) play(ctx context.Context, c *Clock) error {
	defer c.set(time.Time{})
	byTime := func(a, b step) int { return a.at.Compare(b.at) }
	slices.SortStableFunc(tl.steps, byTime)
	for i := 0; i < len(tl.steps); i++ {
		s, n := tl.steps[i], len(tl.steps)
		c.set(s.at)
		if err := s.run(ctx); err != nil {
			return err
		}
		if len(tl.steps) > n {
			for _, added := range tl.steps[n:] {
				if added.at.Before(s.at) {
					return fmt.Errorf("demo: a step at %s adds one before it, at %s", s.at, added.at)
				}
			}
			slices.SortStableFunc(tl.steps[i+1:], byTime)
		}
	}
	return nil
}

func dateOf(t time.Time) model.Date { return model.DateOf(t) }
