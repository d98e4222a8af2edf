package coordination

import (
	"context"
	"slices"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

// AlertsFromEveryRecord computes the alerts as they were computed before
// alertInput read the pledges from the requirements' views: from every
// requirement and every pledge v may see, each read through its service.
// It is the reference the faster reading is compared with.
func (s *Service) AlertsFromEveryRecord(ctx context.Context, v policy.Viewer, f AlertFilter) ([]Alert, error) {
	return s.alerts(ctx, v, f, func(ctx context.Context, today model.Date) (*findingsList, error) {
		return s.findings(ctx, v, today, s.everyRecord)
	})
}

// findings computes every finding over what input reads of the records v
// may see, ranked, without acknowledgements, in one list.
func (s *Service) findings(ctx context.Context, v policy.Viewer, today model.Date, input alertSource) (*findingsList, error) {
	var out alerts
	kept := newFindingsPacker()
	flush := func() {
		kept.add(out)
		out = out[:0]
	}
	var reports offRequirementReports
	in, err := input(ctx, v, func(bilat []model.Pledge) {
		reports = reportsByHelp(bilat)
	}, func(r requirements.View) {
		out.onRequirement(r, reports, today, s.cfg.StaleAfterDays)
		flush()
	})
	if err != nil {
		return nil, err
	}
	out.stalePledges(in, today, s.cfg.StaleAfterDays)
	flush()
	return kept.done(), nil
}

// alertSource reads what alerts are computed from. It passes the bilateral
// reports v may see on no requirement to onReports, once, then every
// requirement v may see, with the pledges v sees on it, to onRequirement;
// it returns the pledges v sees on requirements v does not see.
type alertSource func(ctx context.Context, v policy.Viewer, onReports func([]model.Pledge), onRequirement func(requirements.View)) ([]model.Pledge, error)

func (s *Service) everyRecord(ctx context.Context, v policy.Viewer, onReports func([]model.Pledge), onRequirement func(requirements.View)) ([]model.Pledge, error) {
	reqs, err := s.requirements.All(ctx, v, model.RequirementFilter{})
	if err != nil {
		return nil, err
	}
	all, err := s.pledges.All(ctx, v, model.PledgeFilter{})
	if err != nil {
		return nil, err
	}
	var reports []model.Pledge
	for _, p := range all {
		if p.RequirementID == "" && p.Channel == model.ChannelBilateral {
			reports = append(reports, p)
		}
	}
	onReports(reports)
	seen := map[string]bool{}
	for _, r := range reqs {
		onRequirement(r)
		seen[r.ID] = true
	}
	var off []model.Pledge
	for _, p := range all {
		if !seen[p.RequirementID] {
			off = append(off, p)
		}
	}
	return off, nil
}

// OpenRequirements is what suggestions and the plan are computed over, kept
// while the records stand.
func (s *Service) OpenRequirements(ctx context.Context, v policy.Viewer) ([]requirements.View, error) {
	return s.openRequirements(ctx, v)
}

// OpenRequirementsPerStatus reads them as before, one status at a time, and
// keeps nothing.
func (s *Service) OpenRequirementsPerStatus(ctx context.Context, v policy.Viewer) ([]requirements.View, error) {
	var out []requirements.View
	for _, st := range []model.RequirementStatus{model.ReqValidated, model.ReqInDelivery} {
		rs, err := s.requirements.All(ctx, v, model.RequirementFilter{Status: st})
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if r.EstimatedEURMinor > r.PledgedEURMinor {
				r.Pledges = nil
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// AlertsRead computes the alerts as Alerts does, keeping nothing.
func (s *Service) AlertsRead(ctx context.Context, v policy.Viewer, f AlertFilter) ([]Alert, error) {
	return s.alerts(ctx, v, f, func(ctx context.Context, today model.Date) (*findingsList, error) {
		reports, err := s.reportsOffRequirements(ctx, v)
		if err != nil {
			return nil, err
		}
		fold, err := s.allFindings(ctx, v, today, reports)
		return fold.list, err
	})
}

// OpenToPledgesPerStatus reads them as the workbench did, one status at a
// time, and keeps nothing.
func (s *Service) OpenToPledgesPerStatus(ctx context.Context, v policy.Viewer) ([]requirements.View, error) {
	var out []requirements.View
	for _, st := range []model.RequirementStatus{model.ReqValidated, model.ReqInDelivery} {
		rs, err := s.requirements.All(ctx, v, model.RequirementFilter{Status: st})
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			r.Pledges = nil
			out = append(out, r)
		}
	}
	return out, nil
}

// StaleKeysFromEveryPledge are the keys of the stale-pledge alerts v should
// see, found from every pledge v may see, apart from the requirements.
func (s *Service) StaleKeysFromEveryPledge(ctx context.Context, v policy.Viewer) ([]string, error) {
	all, err := s.pledges.All(ctx, v, model.PledgeFilter{})
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, p := range all {
		if _, ok := stale(&p, model.DateOf(s.now()), s.cfg.StaleAfterDays); ok {
			keys = append(keys, "stale:"+p.ID)
		}
	}
	slices.Sort(keys)
	return keys, nil
}

// SetFindingsBatch makes the kept findings' ranges hold n requirements
// when they are computed, until restore is called.
func SetFindingsBatch(n int) (restore func()) {
	old := findingsBatch
	findingsBatch = n
	return func() { findingsBatch = old }
}

// FindingsRangesComputed counts the ranges of requirements s has computed
// findings over.
func FindingsRangesComputed(s *Service) int64 { return s.folds.Folded.Load() }

// KeptFindingsRanges counts the ranges of v's kept findings.
func KeptFindingsRanges(s *Service, v policy.Viewer) int {
	f := s.folds.Of(v)
	if err := f.mu.Lock(context.Background()); err != nil {
		panic(err)
	}
	defer f.mu.Unlock()
	return len(f.ranges)
}

// SuggestFromEveryOffer is SuggestForRequirement valuing every usable
// offer (usableOffers), with neither the database's selection by sector and
// category nor the fit checked before valuing: the reference the narrower
// reading is compared with. Both value offers through offers.Views.
func (s *Service) SuggestFromEveryOffer(ctx context.Context, v policy.Viewer, requirementID string) ([]Suggestion, error) {
	r, err := s.requirements.Get(ctx, v, requirementID)
	if err != nil {
		return nil, err
	}
	os, err := s.usableOffers(ctx, v)
	if err != nil {
		return nil, err
	}
	return s.offersFor(r, need(r, s.cfg.Weights), os), nil
}
