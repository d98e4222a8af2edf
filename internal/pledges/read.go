package pledges

import (
	"context"
	"fmt"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// Get returns a pledge v may see; any other is ErrNotFound.
func (s *Service) Get(ctx context.Context, v policy.Viewer, id string) (model.Pledge, error) {
	p, err := s.store.PledgeByID(ctx, id)
	if err != nil {
		return model.Pledge{}, err
	}
	req, pledges, err := requirementOf(ctx, s.store, p.RequirementID)
	if err != nil {
		return model.Pledge{}, err
	}
	view, ok := viewOf(v, p, req, pledges)
	if !ok {
		return model.Pledge{}, model.ErrNotFound
	}
	return view, nil
}

// viewOf is what v sees of a pledge, or false when v may not see it.
func viewOf(v policy.Viewer, p model.Pledge, req *model.Requirement, pledges []model.Pledge) (model.Pledge, bool) {
	res := resourceOf(p, req, pledges)
	if !policy.Visible(v, res) {
		return model.Pledge{}, false
	}
	return policy.PledgeSeenBy(v, p, res), true
}

const MaxPage = 200

// List returns up to limit pledges v may see, and the next cursor ("" at the end).
func (s *Service) List(ctx context.Context, v policy.Viewer, f model.PledgeFilter, after string, limit int) ([]model.Pledge, string, error) {
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	var out []model.Pledge
	cursor := after
	for {
		batch, err := s.store.ListPledges(ctx, f, cursor, limit+1)
		if err != nil {
			return nil, "", err
		}
		visible, err := s.visible(ctx, v, batch, f)
		if err != nil {
			return nil, "", err
		}
		for _, p := range visible {
			if len(out) == limit {
				return out, out[len(out)-1].ID, nil
			}
			out = append(out, p)
		}
		if len(batch) < limit+1 {
			return out, "", nil
		}
		cursor = batch[len(batch)-1].ID
	}
}

// All returns every pledge v may see that matches f, for reports and exports.
func (s *Service) All(ctx context.Context, v policy.Viewer, f model.PledgeFilter) ([]model.Pledge, error) {
	batch, err := s.store.ListPledges(ctx, f, "", 0)
	if err != nil {
		return nil, err
	}
	return s.visible(ctx, v, batch, f)
}

// Those returns, of the pledges of ids, the ones v may see, as v sees them:
// for a figure drawn from known pledges, such as what offers have
// committed, which would otherwise read every pledge of their donors.
func (s *Service) Those(ctx context.Context, v policy.Viewer, ids []string) ([]model.Pledge, error) {
	return s.those(ctx, v, ids, s.parentsOf)
}

// ThoseForPage is Those for a page, its pledges' requirements described
// from the records pages keep (ParentsFrom): a page of 200 offers draws on
// about a thousand pledges, and reading their requirements and engaged
// organisations anew was half of its time. Readings of every offer use
// Those, which would only push out what the pages keep.
func (s *Service) ThoseForPage(ctx context.Context, v policy.Viewer, ids []string) ([]model.Pledge, error) {
	return s.those(ctx, v, ids, s.pageParents)
}

func (s *Service) those(ctx context.Context, v policy.Viewer, ids []string,
	parentsOf func(context.Context, []string) (map[string]*policy.Resource, error)) ([]model.Pledge, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	batch, err := s.store.PledgesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	return s.visibleWith(ctx, v, batch, model.PledgeFilter{}, parentsOf)
}

// visible keeps the pledges v may see. The requirements they serve are read
// together, each with the organisations engaged on it, which is all the
// policy reads of the pledges on a requirement: a page's cost follows the
// pledges shown, not the pledges on their requirements.
func (s *Service) visible(ctx context.Context, v policy.Viewer, batch []model.Pledge, f model.PledgeFilter) ([]model.Pledge, error) {
	return s.visibleWith(ctx, v, batch, f, s.parentsOf)
}

// parentsOf reads the requirements of ids that exist as the policy reads
// them, with the organisations engaged on each.
func (s *Service) parentsOf(ctx context.Context, ids []string) (map[string]*policy.Resource, error) {
	reqs, err := s.store.RequirementsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	engaged, err := s.store.EngagedDonors(ctx, ids)
	if err != nil {
		return nil, err
	}
	parents := make(map[string]*policy.Resource, len(reqs))
	for _, r := range reqs {
		rr := policy.RequirementEngaged(r, engaged[r.ID])
		parents[r.ID] = &rr
	}
	return parents, nil
}

// visibleWith is visible with the pledges' requirements described by
// parentsOf.
func (s *Service) visibleWith(ctx context.Context, v policy.Viewer, batch []model.Pledge, f model.PledgeFilter,
	parentsOf func(context.Context, []string) (map[string]*policy.Resource, error)) ([]model.Pledge, error) {
	var ids []string
	for _, p := range batch {
		if p.RequirementID != "" {
			ids = append(ids, p.RequirementID)
		}
	}
	parents, err := parentsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]model.Pledge, 0, len(batch))
	for _, p := range batch {
		parent := parents[p.RequirementID]
		if p.RequirementID != "" && parent == nil {
			return nil, fmt.Errorf("pledge %s: its requirement %s: %w", p.ID, p.RequirementID, model.ErrNotFound)
		}
		res := policy.PledgeResource(p, parent)
		if !policy.Visible(v, res) {
			continue
		}
		view := policy.PledgeSeenBy(v, p, res)
		// A filter on a requirement or beneficiary v may not see matches
		// nothing, exactly as one on a requirement that does not exist.
		if (f.RequirementID != "" && view.RequirementID != f.RequirementID) || (f.Beneficiary != "" && view.BeneficiaryOrgID != f.Beneficiary) {
			continue
		}
		out = append(out, view)
	}
	return out, nil
}
