package web

// The dashboard's charts are SVG drawn on the server, not a JavaScript
// charting library vendored from npm. Why: the Content-Security-Policy
// forbids inline script and style, and every page must work without
// JavaScript, so a client-side library would need a separate script file,
// a JSON feed of the figures and a no-script fallback anyway. Server-side
// SVG is plain markup: the figures are computed once, over exactly what the
// viewer may see (no second data feed to keep inside TLP), colours come
// from classes in style.css, the chart prints and works in any browser, and
// screen readers get a <title> and <desc> plus the data table beside it.
// The charts needed (bars, stacked bars, two cumulative lines) are simple
// enough that a few hundred lines cost less than a dependency to audit.

import (
	"fmt"
	"html"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/cyberaid/cyberaid/internal/i18n"
)

// A bar chart is HTML: a label, a bar drawn as a small SVG stretched to its
// cell, and the value, so that its text is the page's text at every width.
// A line chart has axes whose text must sit in the drawing; it is drawn
// once for each of chartWidths and the stylesheet shows the one whose
// drawing is close to the width of the page, so that its text is never
// scaled below chartFont pixels (a phone 390 px wide shows the 340 one).
var chartWidths = []int{340, 600, 960}

// chartFont is the size of a chart's text in drawing units: at the width
// each drawing is shown, a unit is at least a pixel.
const chartFont = 13

// barRow is one row of a horizontal bar chart: Parts are drawn one after
// the other (a stacked bar); Track, when set, is drawn behind them as the
// whole the parts are a share of.
type barRow struct {
	Label string
	Parts []int64
	Track int64
	Text  string // the value as people read it, written after the bar
}

// barView is a barRow scaled for the page: each part's x and width in
// percent of the widest row.
type barView struct {
	Label string
	Track string
	Parts []barPart
	Text  string
}

type barPart struct {
	Class    string
	X, Width string
}

// bars scales rows to the largest of them.
func bars(rows []barRow) []barView {
	var maxV int64
	for _, r := range rows {
		var sum int64
		for _, p := range r.Parts {
			sum += p
		}
		maxV = max(maxV, sum, r.Track)
	}
	out := make([]barView, len(rows))
	for i, r := range rows {
		v := barView{Label: r.Label, Text: r.Text}
		if r.Track > 0 {
			v.Track = share(r.Track, maxV)
		}
		var x int64
		for j, p := range r.Parts {
			if p > 0 {
				v.Parts = append(v.Parts, barPart{Class: "chart-part chart-part-" + strconv.Itoa(j+1), X: share(x, maxV), Width: share(p, maxV)})
			}
			x += p
		}
		out[i] = v
	}
	return out
}

// chartText escapes s for SVG inside HTML.
func chartText(s string) string { return html.EscapeString(s) }

func svgOpen(b *strings.Builder, id, title, desc string, width, height int) {
	fmt.Fprintf(b, `<svg class="chart chart-w%d" id="%s" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-title %s-desc" xmlns="http://www.w3.org/2000/svg">`,
		width, chartText(id), width, height, chartText(id), chartText(id))
	fmt.Fprintf(b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, chartText(id), chartText(title), chartText(id), chartText(desc))
}

// niceTicks are round values from 0 to at least top, about want of them
// apart, in steps of 1, 2 or 5 times a power of ten.
func niceTicks(top int64, want int) []int64 {
	if top <= 0 {
		return []int64{0}
	}
	want = max(want, 1)
	step := int64(1)
	for {
		for _, m := range []int64{1, 2, 5} {
			if s := step * m; (top+s-1)/s <= int64(want) {
				out := []int64{0}
				for v := s; v < top+s; v += s {
					out = append(out, v)
				}
				return out
			}
		}
		step *= 10
	}
}

// shortEUR writes euros in minor units with a short unit, in the reader's
// language: "EUR 120M", "120 млн EUR", "120 M EUR". A tick at a round
// value reads as round; other values keep one decimal of the unit.
func shortEUR(l *i18n.Localizer, minor int64) string {
	euros := minor / 100
	neg := euros < 0
	if neg {
		euros = -euros
	}
	id, unit := "figures.eur", int64(1)
	switch {
	case euros >= 1_000_000_000:
		id, unit = "figures.eur_billions", 1_000_000_000
	case euros >= 1_000_000:
		id, unit = "figures.eur_millions", 1_000_000
	case euros >= 1_000:
		id, unit = "figures.eur_thousands", 1_000
	}
	tenths := (euros*10 + unit/2) / unit
	n := strconv.FormatInt(tenths/10, 10)
	if f := tenths % 10; f != 0 && unit > 1 {
		n += l.T("number.decimal_separator") + strconv.FormatInt(f, 10)
	}
	if neg {
		n = "-" + n
	}
	return l.T(id, map[string]any{"N": n})
}

// percentText writes a share given in permille the one way the reader's
// language writes percentages: "55.6%", "55,6 %". Every percentage the
// pages show goes through here.
func percentText(l *i18n.Localizer, permille int64) string {
	n := strconv.FormatInt(permille/10, 10) + l.T("number.decimal_separator") + strconv.FormatInt(permille%10, 10)
	return l.T("figures.percent", map[string]any{"N": n})
}

// permille is part of whole in tenths of a percent, rounded down so that
// an almost covered need never reads as covered.
func permille(part, whole int64) int64 {
	if whole <= 0 {
		return 0
	}
	return part * 1000 / whole
}

// timeSeries is one line of a time chart: a value at each instant of
// the chart's Times.
type timeSeries struct {
	Name   string
	Values []int64
}

// timeChart draws series over time, with the x axis proportional to time,
// round ticks on both axes, and its text at chartFont. It answers one
// drawing per chartWidths; the page's key names the series.
func timeChart(id, title, desc string, times []time.Time, series []timeSeries, yLabel func(int64) string) template.HTML {
	var b strings.Builder
	for _, w := range chartWidths {
		drawTimeChart(&b, fmt.Sprintf("%s-%d", id, w), title, desc, w, times, series, yLabel)
	}
	return template.HTML(b.String())
}

func drawTimeChart(b *strings.Builder, id, title, desc string, width int, times []time.Time, series []timeSeries, yLabel func(int64) string) {
	height := max(220, width*3/8)
	const top, bottom, right = 12, 28, chartFont * 3 // right: half a month label past the last tick
	left := 6 + chartFont*6                          // room for "120 млн EUR" at chartFont
	plotW, plotH := width-left-right, height-top-bottom
	var maxV int64
	for _, s := range series {
		for _, v := range s.Values {
			maxV = max(maxV, v)
		}
	}
	ticks := niceTicks(maxV, max(3, plotH/(chartFont*4)))
	topV := ticks[len(ticks)-1]
	svgOpen(b, id, title, desc, width, height)
	yAt := func(v int64) float64 {
		if topV <= 0 {
			return float64(top + plotH)
		}
		return float64(top+plotH) - float64(v)*float64(plotH)/float64(topV)
	}
	for _, v := range ticks {
		y := yAt(v)
		fmt.Fprintf(b, `<line class="chart-grid" x1="%d" y1="%.1f" x2="%d" y2="%.1f"/>`, left, y, left+plotW, y)
		fmt.Fprintf(b, `<text class="chart-axis" font-size="%d" x="%d" y="%.1f" text-anchor="end">%s</text>`, chartFont, left-6, y+chartFont/3, chartText(yLabel(v)))
	}
	if len(times) == 0 {
		b.WriteString(`</svg>`)
		return
	}
	t0, t1 := times[0], times[len(times)-1]
	span := t1.Sub(t0)
	xAt := func(t time.Time) float64 {
		if span <= 0 {
			return float64(left + plotW/2)
		}
		return float64(left) + float64(plotW)*float64(t.Sub(t0))/float64(span)
	}
	// Month ticks every 1, 2, 3, 6 or 12 months, as many as the width holds.
	months := (t1.Year()-t0.Year())*12 + int(t1.Month()-t0.Month())
	room := max(2, plotW/(chartFont*6))
	step := 12
	for _, s := range []int{1, 2, 3, 6, 12} {
		if months/s+1 <= room {
			step = s
			break
		}
	}
	first := time.Date(t0.Year(), t0.Month(), 1, 0, 0, 0, 0, time.UTC)
	if first.Before(t0) {
		first = first.AddDate(0, 1, 0)
	}
	for first.Month()%time.Month(step) != 1%time.Month(step) && step > 1 {
		first = first.AddDate(0, 1, 0)
	}
	for t := first; !t.After(t1); t = t.AddDate(0, step, 0) {
		x := xAt(t)
		fmt.Fprintf(b, `<line class="chart-grid" x1="%.1f" y1="%d" x2="%.1f" y2="%d"/>`, x, top+plotH, x, top+plotH+4)
		fmt.Fprintf(b, `<text class="chart-axis" font-size="%d" x="%.1f" y="%d" text-anchor="middle">%s</text>`, chartFont, x, top+plotH+6+chartFont, t.Format("2006-01"))
	}
	for si, s := range series {
		pts := make([]string, len(s.Values))
		for i, v := range s.Values {
			pts[i] = fmt.Sprintf("%.1f,%.1f", xAt(times[i]), yAt(v))
		}
		fmt.Fprintf(b, `<polyline class="chart-line chart-part-%d" points="%s"/>`, si+1, strings.Join(pts, " "))
	}
	b.WriteString(`</svg>`)
}
