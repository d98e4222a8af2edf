package audit

import (
	"context"
	"fmt"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Report is the outcome of a verification.
type Report struct {
	Events  int64  `json:"events"`
	Head    string `json:"head"` // hash of the last event; record it to detect truncation later
	OK      bool   `json:"ok"`
	BadSeq  int64  `json:"bad_seq,omitempty"`
	Problem string `json:"problem,omitempty"`
}

// Checker walks the chain one event at a time. With full set it also
// recomputes each payload hash, which needs the events' contents.
type Checker struct {
	full   bool
	report Report
	prev   string
}

func NewChecker(full bool) *Checker {
	return &Checker{full: full, prev: Genesis, report: Report{OK: true, Head: Genesis}}
}

// Check takes the next event in chain order; it returns false at the first
// bad event, whose sequence number and fault the report then names.
func (c *Checker) Check(e model.AuditEvent) bool {
	if !c.report.OK {
		return false
	}
	want := c.report.Events + 1
	fail := func(format string, args ...any) bool {
		c.report.OK = false
		c.report.BadSeq = e.Seq
		c.report.Problem = fmt.Sprintf(format, args...)
		return false
	}
	switch {
	case e.Seq != want:
		return fail("event %d found where event %d was expected: an event was removed or reordered", e.Seq, want)
	case e.PrevHash != c.prev:
		return fail("event %d does not chain onto event %d: an event was removed, reordered or edited", e.Seq, want-1)
	case c.full && PayloadHash(e) != e.PayloadHash:
		return fail("event %d was edited: its contents no longer match its hash", e.Seq)
	case ChainHash(e.PrevHash, e.Seq, e.PayloadHash) != e.Hash:
		return fail("event %d was edited: its chain hash is wrong", e.Seq)
	}
	c.report.Events++
	c.report.Head = e.Hash
	c.prev = e.Hash
	return true
}

func (c *Checker) Report() Report { return c.report }

// Verify checks the whole chain in the database, in pages, so that a long
// log is checked in constant memory.
func Verify(ctx context.Context, q store.Audit) (Report, error) {
	const page = 1000
	c := NewChecker(true)
	var after int64
	for {
		events, err := q.ListAuditEvents(ctx, model.AuditFilter{}, after, page)
		if err != nil {
			return Report{}, fmt.Errorf("read audit log: %w", err)
		}
		for _, e := range events {
			if !c.Check(e) {
				return c.Report(), nil
			}
			after = e.Seq
		}
		if len(events) < page {
			return c.Report(), nil
		}
	}
}
