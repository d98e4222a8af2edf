package web

import (
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/cyberaid/cyberaid/internal/i18n"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/reports"
)

// chartView is one chart of the dashboard with the table of its figures,
// which the page shows behind a toggle that works without script. Counts
// says what the chart counts and which headline it adds up to.
type chartView struct {
	ID     string
	Title  string
	Desc   string
	Counts string
	SVG    template.HTML
	Bars   []barView
	Empty  bool
	Legend []legendEntry
	Head   []string
	Rows   [][]string
}

// drawCharts draws the dashboard's series c, computed over what the
// reader may see, in the reader's language.
func (s *Server) drawCharts(r *http.Request, c reports.Charts) ([]chartView, error) {
	l := s.localizer(r)
	eur := func(n int64) string { return money.Format(n, "EUR", l.Lang()) }
	short := func(n int64) string { return shortEUR(l, n) }
	code := func(kind, k string) string {
		if k == "none" || k == "" || !l.Has(kind+"."+k) {
			return l.T("charts.none")
		}
		return l.T(kind + "." + k)
	}
	total := func(m reports.Measure) string { return eur(c.Totals[m]) }
	var out []chartView

	cum := chartView{ID: "chart-cumulative", Title: l.T("charts.cumulative.title"), Empty: len(c.Cumulative) == 0,
		Desc:   l.T("figures.cumulative.desc"),
		Counts: l.T("figures.counts.cumulative", map[string]any{"Mechanism": total(reports.MeasurePledged), "Bilateral": total(reports.MeasureBilateral)}),
		Legend: legend(l.T("charts.mechanism"), l.T("charts.bilateral")),
		Head:   []string{l.T("charts.month"), l.T("charts.mechanism"), l.T("charts.bilateral")}}
	// Each month's total stands at the month's end, after a start at
	// nought, so that the line rises over the month the pledges were made.
	var times []time.Time
	mech := timeSeries{Name: l.T("charts.mechanism")}
	bil := timeSeries{Name: l.T("charts.bilateral")}
	for i, m := range c.Cumulative {
		start, err := time.Parse("2006-01", m.Month)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			times = append(times, start)
			mech.Values, bil.Values = append(mech.Values, 0), append(bil.Values, 0)
		}
		times = append(times, start.AddDate(0, 1, 0))
		mech.Values = append(mech.Values, m.Mechanism)
		bil.Values = append(bil.Values, m.Bilateral)
		cum.Rows = append(cum.Rows, []string{m.Month, eur(m.Mechanism), eur(m.Bilateral)})
	}
	if !cum.Empty {
		cum.SVG = timeChart(cum.ID, cum.Title, cum.Desc, times, []timeSeries{mech, bil}, short)
	}
	out = append(out, cum)

	for _, g := range []struct {
		id, kind, title, desc string
		measure               reports.Measure
		rows                  []reports.Row
	}{
		{"chart-sector", "sector", "charts.sector.title", "figures.sector.desc", reports.MeasurePledged, c.BySector},
		{"chart-category", "category", "charts.category.title", "figures.category.desc", reports.MeasurePledged, c.ByCategory},
		{"chart-bilateral-sector", "sector", "figures.bilateral_sector.title", "figures.bilateral_sector.desc", reports.MeasureBilateral, c.BilateralBySector},
	} {
		cv := chartView{ID: g.id, Title: l.T(g.title), Desc: l.T(g.desc), Empty: len(g.rows) == 0,
			Counts: l.T("figures.counts."+string(g.measure), map[string]any{"Total": total(g.measure)}),
			Head:   []string{l.T("charts." + g.kind), l.T("dashboard.eur"), l.T("charts.count")}}
		var rows []barRow
		for _, row := range g.rows {
			name := code(g.kind, row.Key)
			rows = append(rows, barRow{Label: name, Parts: []int64{row.EURMinor}, Text: short(row.EURMinor)})
			cv.Rows = append(cv.Rows, []string{name, eur(row.EURMinor), strconv.Itoa(row.Count)})
		}
		cv.Rows = append(cv.Rows, []string{l.T("figures.total"), total(g.measure), ""})
		cv.Bars = bars(rows)
		out = append(out, cv)
	}

	cov := chartView{ID: "chart-coverage", Title: l.T("charts.coverage.title"), Desc: l.T("charts.coverage.desc"),
		Counts: l.T("figures.counts.coverage", map[string]any{"Need": total(reports.MeasureNeed), "Covered": total(reports.MeasureCovered)}),
		Legend: append(legend(l.T("charts.covered")), legendEntry{Class: "chart-track", Name: l.T("charts.need")}),
		Head:   []string{l.T("field.priority"), l.T("charts.needs"), l.T("charts.need"), l.T("charts.covered"), l.T("charts.share")}}
	var covBars []barRow
	cov.Empty = true
	var count int
	for _, p := range c.Coverage {
		pct := "—"
		if p.Need > 0 {
			pct = percentText(l, permille(p.Covered, p.Need))
			cov.Empty = false
		}
		count += p.Count
		name := code("priority", string(p.Priority))
		covBars = append(covBars, barRow{Label: name, Parts: []int64{p.Covered}, Track: p.Need, Text: pct})
		cov.Rows = append(cov.Rows, []string{name, strconv.Itoa(p.Count), eur(p.Need), eur(p.Covered), pct})
	}
	cov.Rows = append(cov.Rows, []string{l.T("figures.total"), strconv.Itoa(count), total(reports.MeasureNeed), total(reports.MeasureCovered),
		percentText(l, permille(c.Totals[reports.MeasureCovered], c.Totals[reports.MeasureNeed]))})
	cov.Bars = bars(covBars)
	out = append(out, cov)

	lead := chartView{ID: "chart-lead", Title: l.T("charts.lead.title"), Desc: l.T("figures.lead.desc"), Empty: len(c.LeadTimes) == 0,
		Counts: l.T("figures.counts.lead", map[string]any{"Count": len(c.LeadTimes)}),
		Legend: legend(l.T("charts.lead.to_pledge"), l.T("charts.lead.to_receipt")),
		Head:   []string{l.T("field.ref"), l.T("field.title"), l.T("charts.lead.to_pledge"), l.T("charts.lead.to_receipt")}}
	var leadBars []barRow
	for _, t := range c.LeadTimes {
		total := t.ToFirstPledge + t.ToReceipt
		leadBars = append(leadBars, barRow{Label: t.Ref, Parts: []int64{int64(t.ToFirstPledge), int64(t.ToReceipt)}, Text: days(l, total)})
		lead.Rows = append(lead.Rows, []string{t.Ref, t.Title, days(l, t.ToFirstPledge), days(l, t.ToReceipt)})
	}
	lead.Bars = bars(leadBars)
	out = append(out, lead)
	return out, nil
}

// legendEntry names the part of a chart drawn with Class.
type legendEntry struct {
	Class string
	Name  string
}

// legend names the parts of a chart in the order they are drawn.
func legend(names ...string) []legendEntry {
	out := make([]legendEntry, len(names))
	for i, n := range names {
		out[i] = legendEntry{Class: "chart-part chart-part-" + strconv.Itoa(i+1), Name: n}
	}
	return out
}

func days(l *i18n.Localizer, n int) string {
	return l.T("charts.days", map[string]any{"Count": n})
}

// apiCharts answers the dashboard's series, over what the caller may see.
func (s *Server) apiCharts(w http.ResponseWriter, r *http.Request) error {
	c, err := s.Reports.Charts(r.Context(), viewerOf(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, c)
}
