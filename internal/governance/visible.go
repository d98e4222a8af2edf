package governance

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// ProposalAuditObject describes a proposal to the audit log: its events
// (positions, comments, the outcome) are read under its label then and now.
func (s *Service) ProposalAuditObject(ctx context.Context, id string) (audit.Object, error) {
	p, err := s.store.ProposalByID(ctx, id)
	if err != nil {
		return audit.Object{}, err
	}
	return audit.Object{Now: policy.ProposalResource(p), AsOf: audit.Snapshot(policy.ProposalResource)}, nil
}

// MeetingAuditObject describes a meeting (its agenda, minutes and notes)
// to the audit log, under its label then and now.
func (s *Service) MeetingAuditObject(ctx context.Context, id string) (audit.Object, error) {
	m, err := s.store.MeetingByID(ctx, id)
	if err != nil {
		return audit.Object{}, err
	}
	return audit.Object{
		Now:    policy.MeetingResource(m),
		AsOf:   audit.Snapshot(policy.MeetingResource),
		Redact: audit.Redactor(s.visibleMeeting),
	}, nil
}
