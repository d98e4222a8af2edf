// Package readings keeps what was computed from every record a viewer may
// see while the records stand: deconfliction, the open requirements and the
// front page read every such record, which takes seconds at 100,000
// requirements, and people reload them far more often than the records
// change.
package readings

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// Kept keeps what was computed from the records for a viewer, on a day,
// at a version of the records (store.RecordVersions), so that the next
// request finds it while no requirement, pledge or access list changed:
// deconfliction and the open requirements read every record a viewer may
// see, which takes seconds at 100,000 requirements, and coordinators
// reload them far more often than the records change. Concurrent requests
// for one reading wait for one computation.
type Kept struct {
	// max bounds the readings kept: each may hold a viewer's findings or
	// open requirements, a few MB at 100,000 requirements.
	max int
	// maxBytes, when set, bounds the sizes GetSized was given of the
	// readings kept, together.
	maxBytes int
	mu       sync.Mutex
	entries  []*reading // the most recently used first
	bytes    int        // the sizes of the entries computed, together
}

type reading struct {
	key     string
	version int64
	done    chan struct{}
	value   any
	err     error
	size    int // counted in Kept.bytes since it was computed
}

// New keeps up to max readings, the most recently used.
func New(max int) *Kept { return &Kept{max: max} }

// NewSized keeps up to max readings, the most recently used, in at most
// maxBytes as GetSized measures them. A reading larger than a quarter of
// maxBytes is answered but not kept: it would push out several others.
func NewSized(max, maxBytes int) *Kept { return &Kept{max: max, maxBytes: maxBytes} }

// ViewerKey is everything of v the policy reads: its user, organisation
// (participation and kind included) and roles (policy.Viewer.Key). A
// change to any of them is another viewer.
func ViewerKey(v policy.Viewer) string { return v.Key() }

// Get returns the value of compute for what, v and today at the version of
// the records now, computing it unless a reading of that version is kept.
// The version is read before the records, so that a reading is never older
// than the version it is kept under; a change during the computation
// advances the version, and the next request computes again.
func (c *Kept) Get(ctx context.Context, version func(context.Context) (int64, error), what string, v policy.Viewer, today model.Date,
	compute func(context.Context) (any, error)) (any, error) {
	return c.GetSized(ctx, version, what, v, today, func(ctx context.Context) (any, int, error) {
		value, err := compute(ctx)
		return value, 0, err
	})
}

// GetSized is Get for a computation that also gives the size of what it
// computed, for the bound of NewSized.
func (c *Kept) GetSized(ctx context.Context, version func(context.Context) (int64, error), what string, v policy.Viewer, today model.Date,
	compute func(context.Context) (any, int, error)) (any, error) {
	n, err := version(ctx)
	if err != nil {
		return nil, err
	}
	key := what + "\x00" + today.String() + "\x00" + ViewerKey(v)
	c.mu.Lock()
	for i, e := range c.entries {
		if e.key != key {
			continue
		}
		if e.version == n {
			copy(c.entries[1:i+1], c.entries[:i])
			c.entries[0] = e
			c.mu.Unlock()
			select {
			case <-e.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if e.err != nil {
				// The computation it waited for failed (its request
				// was cancelled, perhaps): compute for this one.
				value, _, err := compute(ctx)
				return value, err
			}
			return e.value, nil
		}
		c.drop(i)
		break
	}
	e := &reading{key: key, version: n, done: make(chan struct{})}
	c.entries = append([]*reading{e}, c.entries...)
	for len(c.entries) > c.max {
		c.drop(len(c.entries) - 1)
	}
	c.mu.Unlock()
	var size int
	settled := false
	defer func() {
		// A computation that panics (or ends its goroutine) is forgotten,
		// and its waiters compute for themselves, before the panic goes
		// on up: a reading left without an end would hold every later
		// request for it.
		if !settled {
			p := recover()
			e.err = fmt.Errorf("reading %q ended without a value: %v", what, p)
			c.settle(e, 0)
			if p != nil {
				panic(p)
			}
		}
	}()
	e.value, size, e.err = compute(ctx)
	settled = true
	c.settle(e, size)
	return e.value, e.err
}

// settle ends e's computation: its waiters go on, and it is kept when it
// succeeded and fits, pushing out what it must to stay within maxBytes.
func (c *Kept) settle(e *reading, size int) {
	close(e.done)
	c.mu.Lock()
	defer c.mu.Unlock()
	i := slices.Index(c.entries, e)
	switch {
	case i < 0:
		// Pushed out while it was computed.
	case e.err != nil || (c.maxBytes > 0 && size > c.maxBytes/4):
		c.drop(i)
	default:
		e.size = size
		c.bytes += size
		for c.maxBytes > 0 && c.bytes > c.maxBytes {
			c.drop(len(c.entries) - 1)
		}
	}
}

// drop forgets the i-th entry; c.mu is held.
func (c *Kept) drop(i int) {
	c.bytes -= c.entries[i].size
	c.entries = slices.Delete(c.entries, i, i+1)
}

// ByViewer keeps a value of type F, each with its own lock, for each of
// the Max viewers seen last: a reader that keeps what it computed by
// ranges of requirements and computes again only the ranges a change
// touched (store.RequirementChanges) keeps its ranges here.
type ByViewer[F any] struct {
	Max     int
	mu      sync.Mutex
	entries map[string]*F
	order   []string // the most recently used first
	// Folded counts the ranges computed, for the tests that prove a
	// change computes again only the ranges it touched.
	Folded atomic.Int64
}

// Of is v's value, new when v is not among the Max viewers seen last.
func (b *ByViewer[F]) Of(v policy.Viewer) *F {
	key := ViewerKey(v)
	b.mu.Lock()
	defer b.mu.Unlock()
	f := b.entries[key]
	if f == nil {
		if b.entries == nil {
			b.entries = map[string]*F{}
		}
		f = new(F)
		b.entries[key] = f
	}
	b.order = slices.DeleteFunc(b.order, func(k string) bool { return k == key })
	b.order = slices.Insert(b.order, 0, key)
	if len(b.order) > b.Max {
		for _, k := range b.order[b.Max:] {
			delete(b.entries, k)
		}
		b.order = b.order[:b.Max]
	}
	return f
}

// Touched reports, of ranges of requirement ids newest first, each one's
// lower bound (from) the next one's upper bound, which hold one of ids:
// each id's is the first range whose lower bound it reaches (the last
// range has none, "").
func Touched[T any](ranges []T, from func(T) string, ids []string) []bool {
	out := make([]bool, len(ranges))
	for _, id := range ids {
		out[sort.Search(len(ranges), func(i int) bool { return from(ranges[i]) <= id })] = true
	}
	return out
}
