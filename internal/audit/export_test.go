package audit

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// SeenInSQL is what Page and Count give v, in chain order or newest first,
// without asking for the permission to read the log: the tests compare it
// for viewers who do not hold it too.
func (s *Service) SeenInSQL(ctx context.Context, v policy.Viewer, f model.AuditFilter, desc bool) ([]model.AuditEvent, int, error) {
	sight := s.sight(v)
	out, _, err := s.readable(ctx, v, reading{f: f, sight: &sight, desc: desc})
	if err != nil {
		return nil, 0, err
	}
	n, err := s.countedTotal(ctx, v, f, sight)
	return out, n, err
}

// SeenByEveryEvent is the reference: every event matching f decided in Go.
func (s *Service) SeenByEveryEvent(ctx context.Context, v policy.Viewer, f model.AuditFilter, desc bool) ([]model.AuditEvent, int, error) {
	return s.readable(ctx, v, reading{f: f, desc: desc})
}

// WithSpans is s with totals of its own, kept by spans of width events.
func (s *Service) WithSpans(width int64) *Service {
	t := newTotals()
	t.width = width
	return &Service{store: s.store, objects: s.objects, totals: t}
}

// KeptTotal is Count without asking for the permission to read the log,
// and how many totals were brought forward and counted whole so far.
func (s *Service) KeptTotal(ctx context.Context, v policy.Viewer, f model.AuditFilter) (n int, forwarded, whole int64, err error) {
	n, err = s.total(ctx, v, f)
	return n, s.totals.forwarded.Load(), s.totals.whole.Load(), err
}

// CountedTotal is the reference: the total counted over the whole log.
func (s *Service) CountedTotal(ctx context.Context, v policy.Viewer, f model.AuditFilter) (int, error) {
	return s.countedTotal(ctx, v, f, s.sight(v))
}

// WholeCounts is how many totals s has counted whole so far.
func (s *Service) WholeCounts() int64 { return s.totals.whole.Load() }
