package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/cyberaid/cyberaid/internal/i18n"
	"github.com/cyberaid/cyberaid/internal/indicators"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// recordExtras is what a record page shows beside the record itself.
type recordExtras struct {
	Documents *recordDocuments
	Results   *requirementResults
	// Summary lists the faults of a form of these that was refused.
	Summary summary
}

// requirementResults is the results section of a requirement page.
type requirementResults struct {
	RequirementID string
	Items         []indicatorView
	CanReport     bool
	Today         model.Date
	// New and Value are the forms as typed when they were refused.
	New   indicatorForm
	Value valueForm
}

type indicatorView struct {
	model.Indicator
	Chart       template.HTML
	Progress    int
	HasProgress bool
}

func (s *Server) requirementResults(r *http.Request, id string, rec policy.Resource) (*requirementResults, error) {
	v := viewerOf(r)
	is, err := s.Indicators.ForRequirement(r.Context(), v, id)
	if err != nil {
		return nil, err
	}
	l := s.localizer(r)
	out := &requirementResults{RequirementID: id, CanReport: indicators.CanReport(v, rec), Today: model.DateOf(s.Now())}
	for _, i := range is {
		iv := indicatorView{Indicator: i, Chart: indicatorChart(l, i)}
		iv.Progress, iv.HasProgress = i.ProgressPermille()
		out.Items = append(out.Items, iv)
	}
	return out, nil
}

// formPoint reads a value and a date typed in a form. A date that cannot
// be read is left out and its fault returned: the service, which asks for
// the date, then refuses the point whatever else it holds.
func formPoint(value, date, field string) (*indicators.PointInput, error) {
	p := &indicators.PointInput{}
	if value != "" {
		p.Value = &value
	}
	if date != "" {
		d, err := model.ParseDate(date)
		if err != nil {
			return p, model.Invalid(field+".date", "%q is not a date; use YYYY-MM-DD", date)
		}
		p.Date = &d
	}
	return p, nil
}

func (s *Server) createIndicator(w http.ResponseWriter, r *http.Request) error {
	f := indicatorForm{
		Title: r.PostFormValue("title"), Measure: r.PostFormValue("measure"), Unit: r.PostFormValue("unit"),
		BaselineValue: r.PostFormValue("baseline_value"), BaselineDate: r.PostFormValue("baseline_date"),
		TargetValue: r.PostFormValue("target_value"), TargetDate: r.PostFormValue("target_date"),
	}
	in := indicators.Input{}
	if f.Title != "" {
		in.Title = &f.Title
	}
	if m := model.Measure(f.Measure); m != "" {
		in.Measure = &m
	}
	if f.Unit != "" {
		in.Unit = &f.Unit
	}
	var berr, terr error
	in.Baseline, berr = formPoint(f.BaselineValue, f.BaselineDate, "baseline")
	in.Target, terr = formPoint(f.TargetValue, f.TargetDate, "target")
	id := r.PathValue("id")
	_, err := s.Indicators.Create(r.Context(), viewerOf(r), id, in)
	if berr != nil || terr != nil {
		// A date not read leaves the point without one, which the service
		// refuses: nothing was saved, and every fault is named.
		err = model.Collect(berr, terr, err)
	}
	if err != nil {
		return s.showRefused(w, r, model.DocOnRequirement, indicatorFields, indicatorAliases, &refusedForm{indicator: &f}, err)
	}
	return seeOther(w, r, "/requirements/"+id+"#results")
}

func (s *Server) addIndicatorValue(w http.ResponseWriter, r *http.Request) error {
	v := viewerOf(r)
	f := valueForm{IndicatorID: r.PathValue("id"), Value: r.PostFormValue("value"), Date: r.PostFormValue("date"), Comment: r.PostFormValue("comment")}
	in := indicators.ValueInput{Comment: &f.Comment}
	if f.Value != "" {
		in.Value = &f.Value
	}
	var derr error
	if f.Date != "" {
		date, err := model.ParseDate(f.Date)
		if err != nil {
			derr = model.Invalid("date", "%q is not a date; use YYYY-MM-DD", f.Date)
		} else {
			in.Date = &date
		}
	}
	i, err := s.Indicators.AddValue(r.Context(), v, f.IndicatorID, in)
	if derr != nil {
		// A value without a date is refused by the service: nothing was
		// saved, and every fault is named.
		err = model.Collect(derr, err)
	}
	if err == nil {
		return seeOther(w, r, "/requirements/"+i.RequirementID+"#results")
	}
	ind, gerr := s.Indicators.Get(r.Context(), v, f.IndicatorID)
	if gerr != nil {
		return gerr
	}
	// The indicator's requirement is the page shown again.
	r.SetPathValue("id", ind.RequirementID)
	fields, aliases := valueAliases(ind.ID)
	return s.showRefused(w, r, model.DocOnRequirement, fields, aliases, &refusedForm{value: &f}, err)
}

type resultsData struct {
	Groups []indicators.ResultGroup
}

func (s *Server) resultsPage(w http.ResponseWriter, r *http.Request) error {
	groups, err := s.Indicators.Results(r.Context(), viewerOf(r))
	if err != nil {
		return err
	}
	return s.show(w, r, http.StatusOK, "results", "results", "results.title", resultsData{Groups: groups})
}

// indicatorChart draws an indicator over a time axis proportional to time:
// the planned path from baseline to target as a dashed line, the actual
// values as a line with points. The table beside it holds the same figures.
func indicatorChart(l *i18n.Localizer, i model.Indicator) template.HTML {
	// The SVG scales to its container from this viewBox width; the text is
	// sized for it, and the table beside the chart holds the same figures.
	const chartWidth = 640
	const height, left, right, top, bottom = 220, 64, 24, 16, 40
	plotW, plotH := float64(chartWidth-left-right), float64(height-top-bottom)
	from, to := i.Baseline.Date.Time(), i.Target.Date.Time()
	lo, hi := min(0, i.Baseline.Value.Float(), i.Target.Value.Float()), max(i.Baseline.Value.Float(), i.Target.Value.Float())
	for _, v := range i.Values {
		if v.Date.Time().Before(from) {
			from = v.Date.Time()
		}
		if v.Date.Time().After(to) {
			to = v.Date.Time()
		}
		lo, hi = min(lo, v.Value.Float()), max(hi, v.Value.Float())
	}
	if i.Measure == model.MeasurePercentage {
		lo, hi = min(lo, 0), max(hi, 100)
	}
	if hi == lo {
		hi = lo + 1
	}
	span := to.Sub(from)
	if span <= 0 {
		span = 24 * time.Hour
	}
	x := func(d model.Date) float64 { return left + plotW*float64(d.Time().Sub(from))/float64(span) }
	y := func(v model.Decimal) float64 { return top + plotH*(1-(v.Float()-lo)/(hi-lo)) }
	var b strings.Builder
	svgOpen(&b, "indicator-"+i.ID, i.Title, l.T("results.chart_desc", map[string]any{
		"Baseline": string(i.Baseline.Value), "BaselineDate": i.Baseline.Date.String(),
		"Target": string(i.Target.Value), "TargetDate": i.Target.Date.String(), "Values": len(i.Values),
	}), chartWidth, height)
	// Axes with their extremes: values on the left, dates below.
	fmt.Fprintf(&b, `<line class="chart-axis" x1="%d" y1="%d" x2="%d" y2="%d"/>`, left, top, left, height-bottom)
	fmt.Fprintf(&b, `<line class="chart-axis" x1="%d" y1="%d" x2="%d" y2="%d"/>`, left, height-bottom, chartWidth-right, height-bottom)
	fmt.Fprintf(&b, `<text class="chart-label" x="%d" y="%d" text-anchor="end">%s</text>`, left-6, top+5, chartText(trimFloat(hi)))
	fmt.Fprintf(&b, `<text class="chart-label" x="%d" y="%d" text-anchor="end">%s</text>`, left-6, height-bottom, chartText(trimFloat(lo)))
	fmt.Fprintf(&b, `<text class="chart-label" x="%d" y="%d" text-anchor="start">%s</text>`, left, height-bottom+22, chartText(model.DateOf(from).String()))
	fmt.Fprintf(&b, `<text class="chart-label" x="%d" y="%d" text-anchor="end">%s</text>`, chartWidth-right, height-bottom+22, chartText(model.DateOf(to).String()))
	// The plan: baseline to target.
	fmt.Fprintf(&b, `<line class="indicator-plan" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`, x(i.Baseline.Date), y(i.Baseline.Value), x(i.Target.Date), y(i.Target.Value))
	fmt.Fprintf(&b, `<circle class="indicator-baseline" cx="%.1f" cy="%.1f" r="5"><title>%s</title></circle>`, x(i.Baseline.Date), y(i.Baseline.Value), chartText(l.T("results.baseline")))
	fmt.Fprintf(&b, `<rect class="indicator-target" x="%.1f" y="%.1f" width="10" height="10"><title>%s</title></rect>`, x(i.Target.Date)-5, y(i.Target.Value)-5, chartText(l.T("results.target")))
	// The actuals.
	if len(i.Values) > 0 {
		var pts []string
		for _, v := range i.Values {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(v.Date), y(v.Value)))
		}
		fmt.Fprintf(&b, `<polyline class="indicator-actual" points="%s"/>`, strings.Join(pts, " "))
		for _, v := range i.Values {
			fmt.Fprintf(&b, `<circle class="indicator-actual-point" cx="%.1f" cy="%.1f" r="4"><title>%s %s</title></circle>`, x(v.Date), y(v.Value), chartText(v.Date.String()), chartText(string(v.Value)))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// trimFloat writes an axis extreme without needless decimals.
func trimFloat(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		return "0"
	}
	return s
}
