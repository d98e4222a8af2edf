package reports

import (
	"context"
	"maps"
	"slices"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// keptReadings bounds the front pages kept: a few hundred kB each, one per
// viewer who loaded it last (every visitor shares one).
const keptReadings = 32

// keep answers compute's value for v, computed at most once per version of
// the records (store.RecordVersions): the needs' half of the front page
// still reads every requirement v may see and the pledges on it, and people
// reload it far more often than the records change. The figures depend on
// no clock, so no day is part of the key.
func keep[T any](ctx context.Context, s *Service, what string, v policy.Viewer, compute func(context.Context) (T, error)) (T, error) {
	got, err := s.kept.Get(ctx, s.store.RecordVersion, what, v, model.Date{}, func(ctx context.Context) (any, error) {
		return compute(ctx)
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return got.(T), nil
}

// clone is d with slices of its own: a kept dashboard is shared by every
// request of its viewer, and the pages name its rows in the reader's
// language in place.
func (d Dashboard) clone() Dashboard {
	d.ByDonor = slices.Clone(d.ByDonor)
	d.ByImplementer = slices.Clone(d.ByImplementer)
	d.ByLine = slices.Clone(d.ByLine)
	d.ByStatus = slices.Clone(d.ByStatus)
	d.CriticalOpen = slices.Clone(d.CriticalOpen)
	return d
}

// clone is c with slices and maps of its own, as Dashboard.clone.
func (c Charts) clone() Charts {
	c.Cumulative = slices.Clone(c.Cumulative)
	c.ByDonor = slices.Clone(c.ByDonor)
	c.ByLine = slices.Clone(c.ByLine)
	c.BySector = slices.Clone(c.BySector)
	c.ByCategory = slices.Clone(c.ByCategory)
	c.BilateralBySector = slices.Clone(c.BilateralBySector)
	c.BilateralByCategory = slices.Clone(c.BilateralByCategory)
	c.Coverage = slices.Clone(c.Coverage)
	c.LeadTimes = slices.Clone(c.LeadTimes)
	c.Regions = slices.Clone(c.Regions)
	c.Measures = maps.Clone(c.Measures)
	c.Totals = maps.Clone(c.Totals)
	return c
}
