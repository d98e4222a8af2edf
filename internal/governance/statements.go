package governance

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
)

// Published returns the adopted public statements, newest first, as a
// visitor sees them: with their frozen text and signatories. A statement is
// published whatever label it was discussed under, because its adoption is
// the decision to make it public; its discussion keeps its label.
func (s *Service) Published(ctx context.Context) ([]View, error) {
	ps, err := s.store.ListProposals(ctx, model.ProposalFilter{Kind: model.ProposalStatement, Status: model.ProposalAdopted}, "", 0)
	if err != nil {
		return nil, err
	}
	out := make([]View, 0, len(ps))
	for _, p := range ps {
		v, err := s.publicView(ctx, p)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// PublishedPage returns up to limit adopted public statements after the
// cursor, newest first, and the cursor of the next page ("" at the end).
func (s *Service) PublishedPage(ctx context.Context, after string, limit int) ([]View, string, error) {
	f := model.ProposalFilter{Kind: model.ProposalStatement, Status: model.ProposalAdopted}
	return model.FillPage(after, limit, func(after string, n int) ([]model.Proposal, error) {
		return s.store.ListProposals(ctx, f, after, n)
	}, func(p model.Proposal) (View, bool, error) {
		v, err := s.publicView(ctx, p)
		return v, err == nil, err
	}, func(p model.Proposal) string { return p.ID })
}

func published(p model.Proposal) bool {
	return p.Kind == model.ProposalStatement && p.Status == model.ProposalAdopted
}

// publicView is what everyone may read of an adopted statement: its frozen
// text, its date and its signatories, not its deliberation.
func (s *Service) publicView(ctx context.Context, p model.Proposal) (View, error) {
	sigs, err := s.store.Signatories(ctx, p.ID)
	if err != nil {
		return View{}, err
	}
	if sigs == nil {
		sigs = []model.Signatory{}
	}
	pub := model.Proposal{ID: p.ID, Kind: p.Kind, Title: p.Title, PublishedText: p.PublishedText, Status: p.Status,
		ClosedAt: p.ClosedAt, TLP: model.TLPClear, Procedure: p.Procedure, Deadline: p.Deadline, Electorate: []string{},
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	return View{Proposal: pub, Signatories: sigs, Positions: []model.Position{}, Comments: []model.Comment{}}, nil
}

// Participants returns the members and observers of the mechanism, which
// are public.
func (s *Service) Participants(ctx context.Context) (members, observers []model.Organisation, err error) {
	orgs, err := s.store.ListOrganisations(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, o := range orgs {
		switch o.Participation {
		case model.Member:
			members = append(members, o)
		case model.Observer:
			observers = append(observers, o)
		}
	}
	return members, observers, nil
}
