package web

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/cyberaid/cyberaid/internal/i18n"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/reports"
)

// chartView is one chart of the dashboard with the table of its figures,
// which the page shows behind a toggle that works without script.
type chartView struct {
	ID     string
	Title  string
	SVG    template.HTML
	Empty  bool
	Legend []legendEntry
	Head   []string
	Rows   [][]string
}

// dashboardCharts draws the dashboard's charts in the reader's language,
// over what v may see.
func (s *Server) dashboardCharts(r *http.Request, v policy.Viewer) ([]chartView, error) {
	c, err := s.Reports.Charts(r.Context(), v)
	if err != nil {
		return nil, err
	}
	l := s.localizer(r)
	eur := func(n int64) string { return money.Format(n, "EUR", l.Lang()) }
	code := func(kind, k string) string {
		if k == "none" || k == "" || !l.Has(kind+"."+k) {
			return l.T("charts.none")
		}
		return l.T(kind + "." + k)
	}
	var out []chartView

	cum := chartView{ID: "chart-cumulative", Title: l.T("charts.cumulative.title"), Empty: len(c.Cumulative) == 0,
		Legend: legend(l.T("charts.mechanism"), l.T("charts.bilateral")),
		Head:   []string{l.T("charts.month"), l.T("charts.mechanism"), l.T("charts.bilateral")}}
	months := make([]string, len(c.Cumulative))
	mech := lineSeries{Name: l.T("charts.mechanism")}
	bil := lineSeries{Name: l.T("charts.bilateral")}
	for i, m := range c.Cumulative {
		months[i] = m.Month
		mech.Values = append(mech.Values, m.Mechanism)
		bil.Values = append(bil.Values, m.Bilateral)
		cum.Rows = append(cum.Rows, []string{m.Month, eur(m.Mechanism), eur(m.Bilateral)})
	}
	if !cum.Empty {
		cum.SVG = lineChart(cum.ID, cum.Title, l.T("charts.cumulative.desc"), months, []lineSeries{mech, bil}, eur)
	}
	out = append(out, cum)

	for _, g := range []struct {
		id, kind string
		rows     []reports.Row
	}{
		{"chart-sector", "sector", c.BySector},
		{"chart-category", "category", c.ByCategory},
	} {
		cv := chartView{ID: g.id, Title: l.T("charts." + g.kind + ".title"), Empty: len(g.rows) == 0,
			Head: []string{l.T("charts." + g.kind), l.T("dashboard.eur"), l.T("charts.count")}}
		var bars []barRow
		for _, row := range g.rows {
			name := code(g.kind, row.Key)
			bars = append(bars, barRow{Label: name, Parts: []int64{row.EURMinor}, Text: eur(row.EURMinor)})
			cv.Rows = append(cv.Rows, []string{name, eur(row.EURMinor), strconv.Itoa(row.Count)})
		}
		if !cv.Empty {
			cv.SVG = barChart(cv.ID, cv.Title, l.T("charts."+g.kind+".desc"), bars)
		}
		out = append(out, cv)
	}

	cov := chartView{ID: "chart-coverage", Title: l.T("charts.coverage.title"),
		Legend: append(legend(l.T("charts.covered")), legendEntry{Class: "chart-track", Name: l.T("charts.need")}),
		Head:   []string{l.T("field.priority"), l.T("charts.needs"), l.T("charts.need"), l.T("charts.covered"), l.T("charts.share")}}
	var covBars []barRow
	cov.Empty = true
	for _, p := range c.Coverage {
		share := "—"
		if p.Need > 0 {
			share = strconv.FormatInt(p.Covered*100/p.Need, 10) + " %"
			cov.Empty = false
		}
		name := code("priority", string(p.Priority))
		covBars = append(covBars, barRow{Label: name, Parts: []int64{p.Covered}, Track: p.Need, Text: share})
		cov.Rows = append(cov.Rows, []string{name, strconv.Itoa(p.Count), eur(p.Need), eur(p.Covered), share})
	}
	if !cov.Empty {
		cov.SVG = barChart(cov.ID, cov.Title, l.T("charts.coverage.desc"), covBars)
	}
	out = append(out, cov)

	lead := chartView{ID: "chart-lead", Title: l.T("charts.lead.title"), Empty: len(c.LeadTimes) == 0,
		Legend: legend(l.T("charts.lead.to_pledge"), l.T("charts.lead.to_receipt")),
		Head:   []string{l.T("field.ref"), l.T("field.title"), l.T("charts.lead.to_pledge"), l.T("charts.lead.to_receipt")}}
	var leadBars []barRow
	for _, t := range c.LeadTimes {
		total := t.ToFirstPledge + t.ToReceipt
		leadBars = append(leadBars, barRow{Label: t.Ref, Parts: []int64{int64(t.ToFirstPledge), int64(t.ToReceipt)}, Text: days(l, total)})
		lead.Rows = append(lead.Rows, []string{t.Ref, t.Title, days(l, t.ToFirstPledge), days(l, t.ToReceipt)})
	}
	if !lead.Empty {
		lead.SVG = barChart(lead.ID, lead.Title, l.T("charts.lead.desc"), leadBars)
	}
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
