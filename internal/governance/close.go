package governance

import (
	"context"
	"errors"
	"time"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// system is the actor of changes nobody made by hand: a deadline passing.
var system = audit.Actor{}

// settle closes an open proposal with the outcome its positions give at
// now: it freezes an adopted statement with the figures of that moment and
// its signatories, and settles an application's organisation.
func (s *Service) settle(ctx context.Context, q store.Queries, actor audit.Actor, p model.Proposal, positions []model.Position, now time.Time) (model.Proposal, error) {
	before := p
	p.Status = Outcome(p, positions, now)
	if p.Status == model.ProposalOpen {
		return p, nil
	}
	p.ClosedAt, p.UpdatedAt = &now, now
	if p.Kind == model.ProposalStatement && p.Status == model.ProposalAdopted {
		f, err := s.figures(ctx)
		if err != nil {
			return p, err
		}
		p.PublishedText = Render(p.Text, f)
		for _, pos := range positions {
			if pos.Stance == model.StanceSupport {
				if err := q.AddSignatory(ctx, model.Signatory{ProposalID: p.ID, OrgID: pos.OrgID, At: now}); err != nil {
					return p, err
				}
			}
		}
	}
	if err := q.UpdateProposal(ctx, &p); err != nil {
		return p, err
	}
	if err := s.record(ctx, q, actor, "proposal."+string(p.Status), "proposal", p.ID, before, p); err != nil {
		return p, err
	}
	if p.Kind.Admits() && p.SubjectOrgID != "" {
		if err := s.admit(ctx, q, actor, p); err != nil {
			return p, err
		}
	}
	return p, s.notify.ProposalClosed(ctx, q, p)
}

// CloseDue closes every open proposal whose deadline has passed and
// returns how many this call closed. Several processes may run it at once
// over one database: each proposal is closed in a transaction that locks
// its row and finds it still open, so exactly one of them closes it.
func (s *Service) CloseDue(ctx context.Context) (int, error) {
	now := s.now().UTC()
	ids, err := s.store.DueProposals(ctx, now)
	if err != nil {
		return 0, err
	}
	closed := 0
	var errs []error
	for _, id := range ids {
		done := false
		err := s.store.InTx(ctx, func(q store.Queries) error {
			p, err := q.ProposalByID(ctx, id)
			if err != nil {
				return err
			}
			if p.Status.Closed() || now.Before(p.Deadline) {
				return nil // another process closed it first
			}
			positions, err := q.Positions(ctx, p.ID)
			if err != nil {
				return err
			}
			p, err = s.settle(ctx, q, system, p, positions, now)
			done = p.Status.Closed()
			return err
		})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if done {
			closed++
		}
	}
	return closed, errors.Join(errs...)
}

// ReminderLead is how long before a deadline silent members are reminded.
const ReminderLead = 24 * time.Hour

// RemindDue tells the members that have not answered that a deadline is a
// day away, once per proposal, however many processes run it.
func (s *Service) RemindDue(ctx context.Context) (int, error) {
	now := s.now().UTC()
	ids, err := s.store.ProposalsToRemind(ctx, now.Add(ReminderLead))
	if err != nil {
		return 0, err
	}
	sent := 0
	var errs []error
	for _, id := range ids {
		done := false
		err := s.store.InTx(ctx, func(q store.Queries) error {
			p, err := q.ProposalByID(ctx, id)
			if err != nil {
				return err
			}
			if p.Status.Closed() || p.RemindedAt != nil || !now.Before(p.Deadline) {
				return nil
			}
			positions, err := q.Positions(ctx, p.ID)
			if err != nil {
				return err
			}
			answered := map[string]bool{}
			for _, pos := range positions {
				answered[pos.OrgID] = true
			}
			var silent []string
			for _, org := range p.Electorate {
				if !answered[org] {
					silent = append(silent, org)
				}
			}
			p.RemindedAt, p.UpdatedAt = &now, now
			if err := q.UpdateProposal(ctx, &p); err != nil {
				return err
			}
			done = true
			return s.notify.DeadlineNear(ctx, q, p, silent)
		})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if done {
			sent++
		}
	}
	return sent, errors.Join(errs...)
}
