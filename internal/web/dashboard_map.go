package web

import (
	"cmp"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/cyberaid/cyberaid/internal/geo"
	"github.com/cyberaid/cyberaid/internal/i18n"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/reports"
)

// mapView is the map of validated need and coverage by region, with the
// table of the same figures.
type mapView struct {
	SVG    template.HTML
	Counts string
	Legend []legendEntry
	Head   []string
	Rows   [][]string
	Empty  bool
}

// mapWidth is the map's drawing width; the map holds no text, so it
// scales to any width, and its names and figures are in the table.
const mapWidth, mapPad, mapMaxRadius = 600, 6, 26

// coverageBands colour a region by the share of its need covered; a
// region without validated needs stays blank.
var coverageBands = []struct {
	class string
	below int64 // permille
}{
	{"map-cov-0", 250}, {"map-cov-1", 500}, {"map-cov-2", 750}, {"map-cov-3", 1000}, {"map-cov-4", math.MaxInt64},
}

func coverageBand(need, covered int64) string {
	if need <= 0 {
		return "map-none"
	}
	p := permille(covered, need)
	for _, b := range coverageBands {
		if p < b.below {
			return b.class
		}
	}
	return coverageBands[len(coverageBands)-1].class
}

// regionMap draws the regions coloured by coverage, with a circle whose
// area is proportional to each region's validated need, over the figures
// the viewer may see.
func regionMap(l *i18n.Localizer, figures []reports.RegionFigures, totalNeed int64) (mapView, error) {
	m, err := geo.Project(mapWidth, mapPad)
	if err != nil {
		return mapView{}, err
	}
	eur := func(n int64) string { return money.Format(n, "EUR", l.Lang()) }
	name := func(code string) string { return l.T("region." + code) }
	byCode := map[string]reports.RegionFigures{}
	var maxNeed, sumNeed int64
	for _, f := range figures {
		byCode[f.Code] = f
		maxNeed = max(maxNeed, f.Need)
		sumNeed += f.Need
	}
	v := mapView{
		Empty:  sumNeed == 0,
		Counts: l.T("figures.counts.regions", map[string]any{"Need": eur(sumNeed), "Total": eur(totalNeed)}),
		Head:   []string{l.T("field.region"), l.T("charts.needs"), l.T("charts.need"), l.T("charts.covered"), l.T("charts.share")},
		Legend: []legendEntry{{Class: "map-none", Name: l.T("figures.map.none")}},
	}
	lower := int64(0)
	for _, b := range coverageBands {
		label := l.T("figures.map.band", map[string]any{"From": percentText(l, lower), "To": percentText(l, b.below)})
		if b.below == math.MaxInt64 {
			label = l.T("figures.map.covered")
		}
		v.Legend = append(v.Legend, legendEntry{Class: b.class, Name: label})
		lower = b.below
	}
	v.Legend = append(v.Legend, legendEntry{Class: "map-need", Name: l.T("figures.map.circle")})

	// The largest first, so that a city is drawn over the oblast around it.
	shapes := slices.Clone(m.Shapes)
	slices.SortStableFunc(shapes, func(a, b geo.Shape) int { return cmp.Compare(b.Area, a.Area) })
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="region-map" id="region-map-svg" viewBox="0 0 %d %s" role="img" aria-labelledby="region-map-title region-map-desc" xmlns="http://www.w3.org/2000/svg">`,
		mapWidth, strconv.FormatFloat(m.Height, 'f', 0, 64))
	fmt.Fprintf(&b, `<title id="region-map-title">%s</title><desc id="region-map-desc">%s</desc>`, chartText(l.T("figures.map.title")), chartText(l.T("figures.map.desc")))
	for _, s := range shapes {
		f := byCode[s.Code]
		tip := name(s.Code)
		if f.Need > 0 {
			tip += ": " + eur(f.Need) + ", " + percentText(l, permille(f.Covered, f.Need))
		}
		fmt.Fprintf(&b, `<path class="map-region %s" data-region="%s" d="%s"><title>%s</title></path>`,
			coverageBand(f.Need, f.Covered), s.Code, s.Path, chartText(tip))
	}
	for _, s := range m.Shapes {
		f := byCode[s.Code]
		if f.Need <= 0 || maxNeed <= 0 {
			continue
		}
		r := math.Max(2, mapMaxRadius*math.Sqrt(float64(f.Need)/float64(maxNeed)))
		fmt.Fprintf(&b, `<circle class="map-need" cx="%.1f" cy="%.1f" r="%.1f"/>`, s.CX, s.CY, r)
	}
	b.WriteString(`</svg>`)
	v.SVG = template.HTML(b.String())

	rows := slices.Clone(figures)
	slices.SortStableFunc(rows, func(a, b reports.RegionFigures) int {
		if c := cmp.Compare(b.Need, a.Need); c != 0 {
			return c
		}
		return strings.Compare(name(a.Code), name(b.Code))
	})
	for _, f := range rows {
		pct := "—"
		if f.Need > 0 {
			pct = percentText(l, permille(f.Covered, f.Need))
		}
		v.Rows = append(v.Rows, []string{name(f.Code), strconv.Itoa(f.Count), eur(f.Need), eur(f.Covered), pct})
	}
	return v, nil
}
