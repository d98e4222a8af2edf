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
		return s.findings(ctx, v, today, s.alertInput)
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
