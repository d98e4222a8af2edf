package reports

import (
	"maps"
	"slices"
)

// Measure names what a figure counts. Each chart series counts one measure
// and adds up to the dashboard's headline figure of that measure, so that
// a reader can put any chart beside the headline it belongs to.
type Measure string

const (
	// MeasurePledged is the euros of mechanism pledges still standing
	// (proposed or confirmed, not withdrawn or rejected).
	MeasurePledged Measure = "mechanism_pledged"
	// MeasureBilateral is the euros of bilateral reports still standing:
	// help given outside the mechanism, counted apart from it.
	MeasureBilateral Measure = "bilateral_reported"
	// MeasureNeed is the estimated euros of open validated needs.
	MeasureNeed Measure = "validated_need"
	// MeasureCovered is the part of MeasureNeed that pledges cover, capped
	// per need.
	MeasureCovered Measure = "validated_need_covered"
)

// Measures are every measure a chart may declare, in the order the
// dashboard shows their headlines.
var Measures = []Measure{MeasurePledged, MeasureBilateral, MeasureNeed, MeasureCovered}

// chartMeasures declares, by series, what each chart series counts. A
// series of Charts missing here fails the reconciliation test.
var chartMeasures = map[string]Measure{
	"cumulative.mechanism":  MeasurePledged,
	"cumulative.bilateral":  MeasureBilateral,
	"by_donor":              MeasurePledged,
	"by_line":               MeasurePledged,
	"by_sector":             MeasurePledged,
	"by_category":           MeasurePledged,
	"bilateral_by_sector":   MeasureBilateral,
	"bilateral_by_category": MeasureBilateral,
	"coverage.need":         MeasureNeed,
	"coverage.covered":      MeasureCovered,
}

// Headline is the dashboard's figure of m.
func (d Dashboard) Headline(m Measure) int64 {
	switch m {
	case MeasurePledged:
		return d.PledgedEURMinor
	case MeasureBilateral:
		return d.BilateralEURMinor
	case MeasureNeed:
		return d.NeedEURMinor
	case MeasureCovered:
		return d.CoveredEURMinor
	}
	return 0
}

func (d Dashboard) totals() map[Measure]int64 {
	out := make(map[Measure]int64, len(Measures))
	for _, m := range Measures {
		out[m] = d.Headline(m)
	}
	return out
}

// SeriesSum is what one chart series adds up to.
type SeriesSum struct {
	Series   string
	Measure  Measure
	EURMinor int64
}

// Sums adds up every series of c that counts euros: a cumulative series by
// its last point, a breakdown by its rows. Each is named as in Measures.
func (c Charts) Sums() []SeriesSum {
	var mech, bil int64
	if n := len(c.Cumulative); n > 0 {
		mech, bil = c.Cumulative[n-1].Mechanism, c.Cumulative[n-1].Bilateral
	}
	var need, covered int64
	for _, p := range c.Coverage {
		need += p.Need
		covered += p.Covered
	}
	sums := map[string]int64{
		"cumulative.mechanism":  mech,
		"cumulative.bilateral":  bil,
		"by_donor":              sumRows(c.ByDonor),
		"by_line":               sumRows(c.ByLine),
		"by_sector":             sumRows(c.BySector),
		"by_category":           sumRows(c.ByCategory),
		"bilateral_by_sector":   sumRows(c.BilateralBySector),
		"bilateral_by_category": sumRows(c.BilateralByCategory),
		"coverage.need":         need,
		"coverage.covered":      covered,
	}
	out := make([]SeriesSum, 0, len(sums))
	for _, name := range slices.Sorted(maps.Keys(sums)) {
		out = append(out, SeriesSum{Series: name, Measure: c.Measures[name], EURMinor: sums[name]})
	}
	return out
}

func sumRows(rows []Row) int64 {
	var n int64
	for _, r := range rows {
		n += r.EURMinor
	}
	return n
}
