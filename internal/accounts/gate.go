package accounts

import (
	"context"
	"runtime"
	"time"
)

// hashGate bounds how many password hashes are computed at once. Each one
// holds Params.Memory of RAM for its whole run, so an unbounded burst of
// sign-ins takes the server's memory; beyond the bound an attempt waits a
// moment for a slot, then is refused.
type hashGate struct {
	slots chan struct{}
	wait  time.Duration
}

// defaultHashSlots suits the machine: hashing is CPU-bound, so more slots
// than cores would only queue inside the scheduler while holding memory.
func defaultHashSlots() int { return max(2, runtime.GOMAXPROCS(0)) }

func newHashGate(size int, wait time.Duration) *hashGate {
	if size <= 0 {
		size = defaultHashSlots()
	}
	return &hashGate{slots: make(chan struct{}, size), wait: wait}
}

// enter takes a slot, waiting at most g.wait; it reports whether it got one.
func (g *hashGate) enter(ctx context.Context) bool {
	select {
	case g.slots <- struct{}{}:
		return true
	default:
	}
	if g.wait <= 0 {
		return false
	}
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
}

// tryEnter takes a slot only if one is free now.
func (g *hashGate) tryEnter() bool {
	select {
	case g.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

func (g *hashGate) leave() { <-g.slots }
