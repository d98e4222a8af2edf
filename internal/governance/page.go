package governance

import (
	"context"
	"slices"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

func checkFilter(f model.ProposalFilter) error {
	if f.Status != "" && !slices.Contains([]model.ProposalStatus{model.ProposalOpen, model.ProposalAdopted, model.ProposalBlocked, model.ProposalLapsed}, f.Status) {
		return model.Invalid("status", "%q is not a proposal status; use open, adopted, blocked or lapsed", f.Status)
	}
	if f.Kind != "" && !f.Kind.Valid() {
		return model.Invalid("kind", "%q is not a kind of proposal", f.Kind)
	}
	return nil
}

// Page returns one page of the proposals v may see that match f, in order
// (newest first unless asked), after cursor (as model.SortCursor wrote it),
// with how many there are in all. The database selects and counts what
// policy.AudienceOf(v) sees; each row still passes through Visible here,
// so a fault of the translation hides a proposal rather than shows one.
func (s *Service) Page(ctx context.Context, v policy.Viewer, f model.ProposalFilter, order model.Sort, cursor string, limit int) (model.Listing[model.Proposal], error) {
	if err := policy.Require(v, policy.ProposalsRead); err != nil {
		return model.Listing[model.Proposal]{}, err
	}
	if err := checkFilter(f); err != nil {
		return model.Listing[model.Proposal]{}, err
	}
	after, err := model.ReadSortCursor(order, cursor)
	if err != nil {
		return model.Listing[model.Proposal]{}, err
	}
	aud := policy.AudienceOf(v)
	items, next, err := model.FillPage(after, limit, func(after string, n int) ([]model.Proposal, error) {
		return s.store.PageProposals(ctx, f, aud, order, after, n)
	}, func(p model.Proposal) (model.Proposal, bool, error) {
		return p, policy.Visible(v, policy.ProposalResource(p)), nil
	}, func(p model.Proposal) string { return p.ID })
	if err != nil {
		return model.Listing[model.Proposal]{}, err
	}
	total, err := s.store.CountProposals(ctx, f, aud)
	if err != nil {
		return model.Listing[model.Proposal]{}, err
	}
	return model.Listing[model.Proposal]{Items: items, Next: model.SortCursor(order, next), Total: total}, nil
}

// PageWithPositions is Page with each proposal's positions and tally (not
// its discussion), as the API lists proposals: the API contract (README,
// "API") has a proposal carry its positions.
func (s *Service) PageWithPositions(ctx context.Context, v policy.Viewer, f model.ProposalFilter, order model.Sort, cursor string, limit int) (model.Listing[View], error) {
	l, err := s.Page(ctx, v, f, order, cursor, limit)
	if err != nil {
		return model.Listing[View]{}, err
	}
	out := make([]View, 0, len(l.Items))
	for _, p := range l.Items {
		pos, err := s.store.Positions(ctx, p.ID)
		if err != nil {
			return model.Listing[View]{}, err
		}
		if pos == nil {
			pos = []model.Position{}
		}
		out = append(out, View{Proposal: p, Positions: pos, Comments: []model.Comment{}, Signatories: []model.Signatory{}, Tally: Count(p, pos)})
	}
	return model.Listing[View]{Items: out, Next: l.Next, Total: l.Total}, nil
}
