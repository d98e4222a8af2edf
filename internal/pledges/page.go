package pledges

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// sortedReads are the store's sorted pages, which apply the policy's
// decision (policy.AudienceOf) in the database.
type sortedReads interface {
	PagePledges(ctx context.Context, f model.PledgeFilter, a policy.Audience, s model.Sort, after string, limit int) ([]model.Pledge, error)
	CountPledges(ctx context.Context, f model.PledgeFilter, a policy.Audience) (int, error)
}

// Page returns one page of the pledges v may see that match f, in order s,
// after cursor (as model.SortCursor wrote it), with how many there are in
// all. The database selects what policy.AudienceOf(v) sees; each row still
// passes through Visible here, so a fault of the translation hides a pledge
// rather than shows one.
func (s *Service) Page(ctx context.Context, v policy.Viewer, f model.PledgeFilter, order model.Sort, cursor string, limit int) (model.Listing[model.Pledge], error) {
	after, err := model.ReadSortCursor(order, cursor)
	if err != nil {
		return model.Listing[model.Pledge]{}, err
	}
	aud := policy.AudienceOf(v)
	seen := map[string]model.Pledge{}
	items, next, err := model.FillPage(after, limit, func(after string, n int) ([]model.Pledge, error) {
		batch, err := s.store.PagePledges(ctx, f, aud, order, after, n)
		if err != nil {
			return nil, err
		}
		views, err := s.visibleWith(ctx, v, batch, f, s.pageParents)
		for _, p := range views {
			seen[p.ID] = p
		}
		return batch, err
	}, func(p model.Pledge) (model.Pledge, bool, error) {
		view, ok := seen[p.ID]
		return view, ok, nil
	}, func(p model.Pledge) string { return p.ID })
	if err != nil {
		return model.Listing[model.Pledge]{}, err
	}
	total, err := s.total(ctx, v, f, aud)
	if err != nil {
		return model.Listing[model.Pledge]{}, err
	}
	return model.Listing[model.Pledge]{Items: items, Next: model.SortCursor(order, next), Total: total}, nil
}

// Counter answers how many pledges a viewer sees from maintained totals;
// ok is false for a filter they cannot answer.
type Counter interface {
	PledgeCount(ctx context.Context, v policy.Viewer, f model.PledgeFilter) (n int, ok bool, err error)
}

// CountWith makes lists take their totals from c where it can answer:
// counting the rows a viewer sees reads every one of them. The reports
// service keeps those totals and itself reads pledges through this one,
// so it is given after both are built.
func (s *Service) CountWith(c Counter) { s.counter = c }

// Parents describes pledges' requirements to the policy from records kept
// between requests (requirements.Service.Resources).
type Parents interface {
	Resources(ctx context.Context, ids []string) (map[string]*policy.Resource, error)
}

// ParentsFrom makes pages read their pledges' requirements from p: a page
// of 200 pledges read their requirements and every organisation engaged on
// them anew, a third of its time, for records that change far less often
// than people page through them. Reads of every pledge (All, Each) read the
// store: they would only push out what the pages keep.
func (s *Service) ParentsFrom(p Parents) { s.parents = p }

func (s *Service) pageParents(ctx context.Context, ids []string) (map[string]*policy.Resource, error) {
	if s.parents == nil {
		return s.parentsOf(ctx, ids)
	}
	return s.parents.Resources(ctx, ids)
}

func (s *Service) total(ctx context.Context, v policy.Viewer, f model.PledgeFilter, aud policy.Audience) (int, error) {
	if s.counter != nil {
		n, ok, err := s.counter.PledgeCount(ctx, v, f)
		if err != nil || ok {
			return n, err
		}
	}
	return s.store.CountPledges(ctx, f, aud)
}
