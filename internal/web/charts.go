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
	"strings"
)

// chartWidth is the viewBox width; the SVG scales to its container.
const chartWidth = 640

// barRow is one row of a horizontal bar chart: Parts are drawn one after
// the other (a stacked bar); Track, when set, is drawn behind them as the
// whole the parts are a share of.
type barRow struct {
	Label string
	Parts []int64
	Track int64
	Text  string // the value as people read it, written after the bar
}

// chartText escapes s for SVG inside HTML.
func chartText(s string) string { return html.EscapeString(s) }

func svgOpen(b *strings.Builder, id, title, desc string, height int) {
	fmt.Fprintf(b, `<svg class="chart" id="%s" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-title %s-desc" xmlns="http://www.w3.org/2000/svg">`,
		chartText(id), chartWidth, height, chartText(id), chartText(id))
	fmt.Fprintf(b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, chartText(id), chartText(title), chartText(id), chartText(desc))
}

// barChart draws labelled horizontal bars scaled to the largest row.
func barChart(id, title, desc string, rows []barRow) template.HTML {
	const rowH, labelW, textW, top = 26, 200, 150, 6
	barW := chartWidth - labelW - textW
	var maxV int64
	for _, r := range rows {
		var sum int64
		for _, p := range r.Parts {
			sum += p
		}
		maxV = max(maxV, sum, r.Track)
	}
	height := top*2 + rowH*max(len(rows), 1)
	var b strings.Builder
	svgOpen(&b, id, title, desc, height)
	scale := func(v int64) int {
		if maxV <= 0 || v <= 0 {
			return 0
		}
		return max(int(v*int64(barW)/maxV), 1)
	}
	for i, r := range rows {
		y := top + i*rowH
		label := r.Label
		if len([]rune(label)) > 26 {
			label = string([]rune(label)[:25]) + "…"
		}
		fmt.Fprintf(&b, `<text class="chart-label" x="%d" y="%d" text-anchor="end">%s</text>`, labelW-8, y+17, chartText(label))
		if r.Track > 0 {
			fmt.Fprintf(&b, `<rect class="chart-track" x="%d" y="%d" width="%d" height="%d"/>`, labelW, y+4, scale(r.Track), rowH-8)
		}
		x := labelW
		for j, p := range r.Parts {
			w := scale(p)
			if w > 0 {
				fmt.Fprintf(&b, `<rect class="chart-part chart-part-%d" x="%d" y="%d" width="%d" height="%d"/>`, j+1, x, y+4, w, rowH-8)
			}
			x += w
		}
		end := max(x, labelW+scale(r.Track))
		fmt.Fprintf(&b, `<text class="chart-value" x="%d" y="%d">%s</text>`, end+6, y+17, chartText(r.Text))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// lineSeries is one line of a line chart.
type lineSeries struct {
	Name   string
	Values []int64
}

// lineChart draws series over the same x labels, with three gridlines
// labelled by format. Its key is the page's, under the chart.
func lineChart(id, title, desc string, xs []string, series []lineSeries, format func(int64) string) template.HTML {
	const height, left, right, top, bottom = 260, 130, 40, 16, 30
	plotW, plotH := chartWidth-left-right, height-top-bottom
	var maxV int64
	for _, s := range series {
		for _, v := range s.Values {
			maxV = max(maxV, v)
		}
	}
	var b strings.Builder
	svgOpen(&b, id, title, desc, height)
	for i := 0; i <= 2; i++ {
		v := maxV * int64(i) / 2
		y := top + plotH - plotH*i/2
		fmt.Fprintf(&b, `<line class="chart-grid" x1="%d" y1="%d" x2="%d" y2="%d"/>`, left, y, left+plotW, y)
		fmt.Fprintf(&b, `<text class="chart-axis" x="%d" y="%d" text-anchor="end">%s</text>`, left-6, y+4, chartText(format(v)))
	}
	xAt := func(i int) int {
		if len(xs) <= 1 {
			return left + plotW/2
		}
		return left + plotW*i/(len(xs)-1)
	}
	yAt := func(v int64) int {
		if maxV <= 0 {
			return top + plotH
		}
		return top + plotH - int(v*int64(plotH)/maxV)
	}
	step := max(1, (len(xs)+7)/8) // at most about eight month labels
	for i, x := range xs {
		if i%step == 0 || i == len(xs)-1 {
			fmt.Fprintf(&b, `<text class="chart-axis" x="%d" y="%d" text-anchor="middle">%s</text>`, xAt(i), top+plotH+18, chartText(x))
		}
	}
	for si, s := range series {
		pts := make([]string, len(s.Values))
		for i, v := range s.Values {
			pts[i] = fmt.Sprintf("%d,%d", xAt(i), yAt(v))
		}
		fmt.Fprintf(&b, `<polyline class="chart-line chart-part-%d" points="%s"/>`, si+1, strings.Join(pts, " "))
		for i, v := range s.Values {
			fmt.Fprintf(&b, `<circle class="chart-dot chart-part-%d" cx="%d" cy="%d" r="3"><title>%s %s: %s</title></circle>`,
				si+1, xAt(i), yAt(v), chartText(s.Name), chartText(xs[i]), chartText(format(v)))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
