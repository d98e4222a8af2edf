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
	n, err := s.store.CountSeenAuditEvents(ctx, f, sight)
	if err != nil {
		return nil, 0, err
	}
	_, more, err := s.readable(ctx, v, reading{f: f, sight: &sight, undecidedOnly: true, countOnly: true})
	return out, n + more, err
}

// SeenByEveryEvent is the reference: every event matching f decided in Go.
func (s *Service) SeenByEveryEvent(ctx context.Context, v policy.Viewer, f model.AuditFilter, desc bool) ([]model.AuditEvent, int, error) {
	return s.readable(ctx, v, reading{f: f, desc: desc})
}
