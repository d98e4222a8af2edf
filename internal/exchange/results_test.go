package exchange_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/indicators"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// The codes of the IATI 2.03 codelists ResultType and IndicatorMeasure.
var (
	resultTypes       = map[string]bool{"1": true, "2": true, "3": true, "9": true}
	indicatorMeasures = map[string]bool{"1": true, "2": true, "3": true, "4": true, "5": true}
)

func TestIATIResults(t *testing.T) {
	dir := iatiDir(t)
	order := activityOrder(t, filepath.Join(dir, "schemas", "iati-activities-schema.xsd"))
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		w := newWorld(t, s)
		ctx := context.Background()
		coordinator := w.cast.Viewer("coordinator")
		indicator := func(req, title string, m model.Measure, unit string, base, target string, baseDate, targetDate model.Date) string {
			in := indicators.Input{Title: ptr(title), Measure: &m,
				Baseline: &indicators.PointInput{Value: ptr(base), Date: &baseDate},
				Target:   &indicators.PointInput{Value: ptr(target), Date: &targetDate}}
			if unit != "" {
				in.Unit = ptr(unit)
			}
			i, err := w.a.Indicators.Create(ctx, coordinator, w.ids[req], in)
			must(t, err)
			return i.ID
		}
		value := func(id, v string, d model.Date, comment string) {
			_, err := w.a.Indicators.AddValue(ctx, coordinator, id, indicators.ValueInput{Value: ptr(v), Date: &d, Comment: ptr(comment)})
			must(t, err)
		}
		edr := indicator("clear", "Share of substations with EDR deployed", model.MeasurePercentage, "", "12", "85",
			model.NewDate(2026, 1, 15), model.NewDate(2026, 12, 31))
		value(edr, "30", model.NewDate(2026, 3, 31), "First wave in Kyiv oblast")
		value(edr, "44", model.NewDate(2026, 5, 31), "")
		value(edr, "47.5", model.NewDate(2026, 5, 31), "Corrected after the site audit")
		hours := indicator("clear", "Hours to contain an incident", model.MeasureUnit, "hours", "72", "8",
			model.NewDate(2026, 1, 1), model.NewDate(2026, 4, 30))
		value(hours, "40", model.NewDate(2026, 2, 28), "")
		value(hours, "9", model.NewDate(2026, 6, 1), "")
		indicator("amber", "Operators trained in AMBER", model.MeasureUnit, "trained staff", "0", "120",
			model.NewDate(2026, 2, 1), model.NewDate(2026, 9, 30))
		indicator("draft", "Indicator of a draft", model.MeasureUnit, "hosts", "0", "10",
			model.NewDate(2026, 2, 1), model.NewDate(2026, 9, 30))

		public := exportIATI(t, w, policy.Viewer{}, "")
		xmllint(t, public)
		checkOrder(t, public, order)
		checkResultCodes(t, public)
		doc := string(public)
		for _, want := range []string{
			`<result type="2">`,
			`<indicator measure="2" ascending="1">`,
			`<baseline year="2026" iso-date="2026-01-15" value="12">`,
			// Each measurement closes a period opened the day after the previous one.
			`<period-start iso-date="2026-01-15"></period-start>`,
			`<period-end iso-date="2026-03-31"></period-end>`,
			`<actual value="30">`,
			`First wave in Kyiv oblast`,
			`<period-start iso-date="2026-04-01"></period-start>`,
			// The later value of a day corrects the earlier one.
			`<actual value="47.5">`,
			// The target after the last measurement has a period of its own.
			`<period-start iso-date="2026-06-01"></period-start>`,
			`<period-end iso-date="2026-12-31"></period-end>`,
			`<target value="85">`,
			// A target below its baseline is reached by falling.
			`<indicator measure="1" ascending="0">`,
			`Unit: hours`,
		} {
			if !strings.Contains(doc, want) {
				t.Errorf("the public file lacks %s", want)
			}
		}
		if strings.Contains(doc, `<actual value="44">`) {
			t.Error("a corrected value is exported beside its correction")
		}
		// The target of hours falls in the period of the measurement that reached its date.
		if !strings.Contains(doc, "<period-end iso-date=\"2026-06-01\"></period-end>\n     <target value=\"8\">") {
			t.Errorf("the target of a past date is not in the period reaching it:\n%s", doc)
		}
		for _, hidden := range []string{"Operators trained in AMBER", "Indicator of a draft"} {
			if strings.Contains(doc, hidden) {
				t.Errorf("the public file holds %q", hidden)
			}
		}

		internal := exportIATI(t, w, coordinator, "internal")
		xmllint(t, internal)
		checkOrder(t, internal, order)
		checkResultCodes(t, internal)
		if !strings.Contains(string(internal), "Operators trained in AMBER") || strings.Contains(string(internal), "Indicator of a draft") {
			t.Error("the internal file must hold the indicators of the validated AMBER requirement and none of a draft")
		}
		// An indicator without values still states its target.
		if !strings.Contains(string(internal), `<period-start iso-date="2026-02-01"></period-start>`) {
			t.Error("an indicator without values has no period for its target")
		}
		if strings.Contains(string(exportIATI(t, w, w.cast.Viewer("donor_company"), "internal")), "Operators trained in AMBER") {
			t.Error("a viewer who may not read the AMBER requirement reads its indicator")
		}
	})
}

// activityOrder reads from the schema the order of an activity's elements.
func activityOrder(t *testing.T, xsd string) []string {
	t.Helper()
	b, err := os.ReadFile(xsd)
	must(t, err)
	d := xml.NewDecoder(bytes.NewReader(b))
	var order []string
	depth, inActivity, inSequence := 0, -1, -1
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		must(t, err)
		switch e := tok.(type) {
		case xml.StartElement:
			depth++
			attr := func(n string) string {
				for _, a := range e.Attr {
					if a.Name.Local == n {
						return a.Value
					}
				}
				return ""
			}
			switch {
			case e.Name.Local == "element" && attr("name") == "iati-activity" && inActivity < 0:
				inActivity = depth
			case inActivity > 0 && inSequence < 0 && e.Name.Local == "sequence":
				inSequence = depth
			case inSequence > 0 && depth == inSequence+1 && e.Name.Local == "element":
				name := attr("ref")
				if name == "" {
					name = attr("name")
				}
				order = append(order, name)
			}
		case xml.EndElement:
			if depth == inSequence {
				return order
			}
			depth--
		}
	}
	t.Fatal("no sequence of iati-activity in the schema")
	return nil
}

// checkOrder checks that every activity's children follow the schema's order.
func checkOrder(t *testing.T, doc []byte, order []string) {
	t.Helper()
	if !slices.Contains(order, "result") || !slices.Contains(order, "transaction") {
		t.Fatalf("the schema's order of an activity lacks result or transaction: %v", order)
	}
	d := xml.NewDecoder(bytes.NewReader(doc))
	depth, last, results := 0, -1, 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		must(t, err)
		switch e := tok.(type) {
		case xml.StartElement:
			depth++
			if e.Name.Local == "iati-activity" {
				last = -1
			}
			if depth != 3 {
				continue
			}
			k := slices.Index(order, e.Name.Local)
			if k < 0 || k < last {
				t.Errorf("%s is out of the schema's order of an activity", e.Name.Local)
			}
			last = max(last, k)
			if e.Name.Local == "result" {
				results++
			}
		case xml.EndElement:
			depth--
		}
	}
	if results == 0 {
		t.Error("no result in the export")
	}
}

func checkResultCodes(t *testing.T, doc []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return
		}
		must(t, err)
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		for _, a := range se.Attr {
			switch {
			case se.Name.Local == "result" && a.Name.Local == "type" && !resultTypes[a.Value]:
				t.Errorf("result type %q is not in the IATI codelist ResultType", a.Value)
			case se.Name.Local == "indicator" && a.Name.Local == "measure" && !indicatorMeasures[a.Value]:
				t.Errorf("indicator measure %q is not in the IATI codelist IndicatorMeasure", a.Value)
			}
		}
	}
}
