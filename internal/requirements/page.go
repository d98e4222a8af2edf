package requirements

import (
	"context"
	"fmt"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// sortedReads are the store's sorted pages, which apply the policy's
// decision (policy.AudienceOf) in the database.
type sortedReads interface {
	PageRequirements(ctx context.Context, f model.RequirementFilter, a policy.Audience, s model.Sort, after string, limit int) ([]model.Requirement, error)
	// PageRequirementIDs is PageRequirements' ids alone, in order.
	PageRequirementIDs(ctx context.Context, f model.RequirementFilter, a policy.Audience, s model.Sort, after string, limit int) ([]string, error)
	CountRequirements(ctx context.Context, f model.RequirementFilter, a policy.Audience) (int, error)
	SeenRequirementIDs(ctx context.Context, a policy.Audience, ids []string) ([]string, error)
	RequirementsWithin(ctx context.Context, a policy.Audience, below, from string, limit int) ([]model.Requirement, error)
	RequirementBounds(ctx context.Context, below, from string, every int) ([]string, error)
	// RecordVersion changes with every requirement, pledge, access list
	// and organisation.
	RecordVersion(ctx context.Context) (int64, error)
	// RequirementListVersion changes with what CountRequirements reads:
	// every such record but the pledges, and org's pledges made or moved
	// on requirements (store.RequirementListVersions).
	RequirementListVersion(ctx context.Context, org string) (every, engaged int64, err error)
}

// Page returns one page of the requirements v may see that match f, in
// order s, after cursor (as model.SortCursor wrote it), with how many there
// are in all. The database selects what policy.AudienceOf(v) sees; each row
// still passes through Visible here, so a fault of the translation hides a
// record rather than shows one.
func (s *Service) Page(ctx context.Context, v policy.Viewer, f model.RequirementFilter, order model.Sort, cursor string, limit int) (model.Listing[View], error) {
	after, err := model.ReadSortCursor(order, cursor)
	if err != nil {
		return model.Listing[View]{}, err
	}
	aud := policy.AudienceOf(v)
	// A delivery stage is derived per viewer (SplitStage): it is matched
	// here, on each record as v sees it.
	f, stage := SplitStage(f)
	seen := map[string]View{}
	items, next, err := model.FillPage(after, limit, func(after string, n int) ([]string, error) {
		ids, err := s.store.PageRequirementIDs(ctx, f, aud, order, after, n)
		if err != nil {
			return nil, err
		}
		views, err := s.listed(ctx, v, ids, stage)
		for _, view := range views {
			seen[view.ID] = view
		}
		return ids, err
	}, func(id string) (View, bool, error) {
		view, ok := seen[id]
		return view, ok, nil
	}, func(id string) string { return id })
	if err != nil {
		return model.Listing[View]{}, err
	}
	total, err := s.total(ctx, v, aud, f, stage)
	if err != nil {
		return model.Listing[View]{}, err
	}
	return model.Listing[View]{Items: items, Next: model.SortCursor(order, next), Total: total}, nil
}

// total counts what v sees under f, kept while what it counts stands: the
// count walks every requirement v sees (and, for a company, probes its
// engagement on each), while a page reads only the rows it shows, and
// people page through a list far more often than its records change.
//
// The database's count reads of the pledges only who pledged on which
// requirement, and only when engagement opens a record to v: it is kept
// across the pledges' other changes, which are most of the changes made,
// and across other organisations' pledges. A delivery stage is read from
// the pledges themselves: that count is kept while no record changed.
func (s *Service) total(ctx context.Context, v policy.Viewer, aud policy.Audience, f model.RequirementFilter, stage model.RequirementStatus) (int, error) {
	key := fmt.Sprintf("requirements counted\x00%#v\x00%s", f, stage)
	version := s.store.RecordVersion
	if stage == "" {
		org := ""
		if aud.EngagementOpens() {
			org = aud.OrgID
		}
		// Read before the count, as Get reads a version: a change
		// committed meanwhile leaves the count kept under the older
		// versions, which the next reader no longer reads.
		every, engaged, err := s.store.RequirementListVersion(ctx, org)
		if err != nil {
			return 0, err
		}
		key += fmt.Sprintf("\x00engaged at %d", engaged)
		version = func(context.Context) (int64, error) { return every, nil }
	}
	n, err := s.counted.Get(ctx, version, key, v, model.DateOf(s.now()), func(ctx context.Context) (any, error) {
		s.counts.Add(1)
		return s.count(ctx, v, aud, f, stage)
	})
	if err != nil {
		return 0, err
	}
	return n.(int), nil
}

// count counts what v sees under f. A delivery stage is matched on each
// record as v sees it, so that count walks the records v may see; every
// other count is the database's.
func (s *Service) count(ctx context.Context, v policy.Viewer, aud policy.Audience, f model.RequirementFilter, stage model.RequirementStatus) (int, error) {
	if stage == "" {
		return s.store.CountRequirements(ctx, f, aud)
	}
	n, after := 0, ""
	for {
		batch, err := s.store.PageRequirements(ctx, f, aud, model.Sort{}, after, MaxPage)
		if err != nil {
			return 0, err
		}
		views, err := s.summaries(ctx, v, batch, stage)
		if err != nil {
			return 0, err
		}
		n += len(views)
		if len(batch) < MaxPage {
			return n, nil
		}
		after = batch[len(batch)-1].ID
	}
}
