package exchange

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
)

// IATI's codes for results (codelists ResultType and IndicatorMeasure).
const (
	// resultOutcome: an indicator measures what the help changes at the
	// beneficiary (EDR coverage, trained staff), which IATI calls an outcome.
	resultOutcome = "2"

	measureUnit       = "1"
	measurePercentage = "2"
)

type xISODate struct {
	ISODate string `xml:"iso-date,attr"`
}

type xBaseline struct {
	Year    int    `xml:"year,attr"`
	ISODate string `xml:"iso-date,attr"`
	Value   string `xml:"value,attr"`
}

type xResultValue struct {
	Value   string `xml:"value,attr"`
	Comment *xText `xml:"comment,omitempty"`
}

// xPeriod keeps the element order of the schema: start, end, targets, actuals.
type xPeriod struct {
	Start  xISODate       `xml:"period-start"`
	End    xISODate       `xml:"period-end"`
	Target []xResultValue `xml:"target"`
	Actual []xResultValue `xml:"actual"`
}

type xIndicator struct {
	Measure     string    `xml:"measure,attr"`
	Ascending   string    `xml:"ascending,attr"`
	Title       xText     `xml:"title"`
	Description *xText    `xml:"description,omitempty"`
	Baseline    xBaseline `xml:"baseline"`
	Period      []xPeriod `xml:"period"`
}

type xResult struct {
	Type      string       `xml:"type,attr"`
	Title     xText        `xml:"title"`
	Indicator []xIndicator `xml:"indicator"`
}

// results are the result elements of a requirement's indicators. The
// indicators are read by whoever reads the requirement, which the export
// has already decided.
func (s *Service) results(ctx context.Context, requirementID string) ([]xResult, error) {
	inds, err := s.store.IndicatorsForRequirements(ctx, []string{requirementID})
	if err != nil {
		return nil, err
	}
	out := make([]xResult, 0, len(inds))
	for _, i := range inds {
		out = append(out, xResult{Type: resultOutcome, Title: xText{Narrative: narrative(i.Title)}, Indicator: []xIndicator{indicatorOf(i)}})
	}
	return out, nil
}

func indicatorOf(i model.Indicator) xIndicator {
	x := xIndicator{
		Measure:   measureUnit,
		Ascending: "1",
		Title:     xText{Narrative: narrative(i.Title)},
		Baseline:  xBaseline{Year: i.Baseline.Date.Year(), ISODate: i.Baseline.Date.String(), Value: string(i.Baseline.Value)},
		Period:    periods(i),
	}
	if i.Measure == model.MeasurePercentage {
		x.Measure = measurePercentage
	} else if i.Unit != "" {
		x.Description = &xText{Narrative: narrative("Unit: " + i.Unit)}
	}
	if i.Target.Value.Rat().Cmp(i.Baseline.Value.Rat()) < 0 {
		// The target lies below the baseline: the indicator improves as
		// it falls (hours to contain an incident).
		x.Ascending = "0"
	}
	return x
}

// periods turns the values reported over time into consecutive reporting
// periods: each runs from the day after the previous measurement (the
// baseline's date for the first) to a measurement, and holds its actual
// value. The target goes in the first period that reaches its date, or in
// a period of its own after the last measurement.
func periods(i model.Indicator) []xPeriod {
	var measured []model.IndicatorValue
	for _, v := range i.Values {
		// Two values of one day: the one recorded last corrects the other.
		if n := len(measured); n > 0 && measured[n-1].Date.Equal(v.Date) {
			measured[n-1] = v
			continue
		}
		measured = append(measured, v)
	}
	var out []xPeriod
	start := i.Baseline.Date
	targetPlaced := false
	for _, v := range measured {
		if v.Date.Before(start) {
			start = v.Date
		}
		p := xPeriod{Start: xISODate{start.String()}, End: xISODate{v.Date.String()}}
		actual := xResultValue{Value: string(v.Value)}
		if v.Comment != "" {
			actual.Comment = &xText{Narrative: narrative(v.Comment)}
		}
		p.Actual = []xResultValue{actual}
		if !targetPlaced && !v.Date.Before(i.Target.Date) {
			p.Target = []xResultValue{{Value: string(i.Target.Value)}}
			targetPlaced = true
		}
		out = append(out, p)
		start = v.Date.AddDays(1)
	}
	if !targetPlaced {
		if i.Target.Date.Before(start) {
			start = i.Target.Date
		}
		out = append(out, xPeriod{Start: xISODate{start.String()}, End: xISODate{i.Target.Date.String()},
			Target: []xResultValue{{Value: string(i.Target.Value)}}})
	}
	return out
}
