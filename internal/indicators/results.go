package indicators

import (
	"context"
	"slices"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// Result is one indicator of a requirement with where it stands: its
// latest actual value against the target.
type Result struct {
	RequirementID    string                `json:"requirement_id"`
	RequirementRef   string                `json:"requirement_ref"`
	RequirementTitle string                `json:"requirement_title"`
	Indicator        model.Indicator       `json:"indicator"`
	Latest           *model.IndicatorValue `json:"latest"`
	// ProgressPermille is how far from the baseline to the target the
	// latest value is, in thousandths; null without a value to measure.
	ProgressPermille *int `json:"progress_permille"`
}

// Progress is ProgressPermille, zero when there is none.
func (r Result) Progress() int {
	if r.ProgressPermille == nil {
		return 0
	}
	return *r.ProgressPermille
}

// ResultGroup gathers the results of one sector and line of effort.
type ResultGroup struct {
	Sector       model.Sector       `json:"sector"`
	LineOfEffort model.LineOfEffort `json:"line_of_effort"`
	Results      []Result           `json:"results"`
}

// Results returns the indicators of every requirement v may see, grouped
// by sector and line of effort in the order of their codes. It starts from
// the indicators, which few requirements have, and reads only their
// requirements, so that its cost follows what it shows, not the number of
// requirements.
func (s *Service) Results(ctx context.Context, v policy.Viewer) ([]ResultGroup, error) {
	all, err := s.store.ListIndicators(ctx)
	if err != nil {
		return nil, err
	}
	byReq := map[string][]model.Indicator{}
	ids := []string{}
	for _, i := range all {
		if _, seen := byReq[i.RequirementID]; !seen {
			ids = append(ids, i.RequirementID)
		}
		byReq[i.RequirementID] = append(byReq[i.RequirementID], i)
	}
	reqs, err := s.reqs.Those(ctx, v, ids)
	if err != nil {
		return nil, err
	}
	groups := map[[2]string]*ResultGroup{}
	for _, r := range reqs {
		for _, i := range byReq[r.ID] {
			key := [2]string{string(r.Sector), string(r.LineOfEffort)}
			g := groups[key]
			if g == nil {
				g = &ResultGroup{Sector: r.Sector, LineOfEffort: r.LineOfEffort}
				groups[key] = g
			}
			res := Result{RequirementID: r.ID, RequirementRef: r.Ref, RequirementTitle: r.Title, Indicator: i, Latest: i.Latest()}
			if p, ok := i.ProgressPermille(); ok {
				res.ProgressPermille = &p
			}
			g.Results = append(g.Results, res)
		}
	}
	out := make([]ResultGroup, 0, len(groups))
	for _, g := range groups {
		slices.SortStableFunc(g.Results, func(a, b Result) int {
			if c := compareStrings(a.RequirementRef, b.RequirementRef); c != 0 {
				return c
			}
			return compareStrings(a.Indicator.ID, b.Indicator.ID)
		})
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b ResultGroup) int {
		if c := slices.Index(model.Sectors, a.Sector) - slices.Index(model.Sectors, b.Sector); c != 0 {
			return c
		}
		return slices.Index(model.Lines, a.LineOfEffort) - slices.Index(model.Lines, b.LineOfEffort)
	})
	return out, nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
