package demo_test

import (
	"testing"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/documents"
	"github.com/cyberaid/cyberaid/internal/model"
)

// checkResults: indicators with values over time, and files that open as
// what they claim to be.
func checkResults(t *testing.T, a *app.App) {
	t.Helper()
	ctx := t.Context()
	groups, err := a.Indicators.Results(ctx, coordinator(t, a))
	if err != nil {
		t.Fatal(err)
	}
	var n int
	var reqID string
	for _, g := range groups {
		for _, r := range g.Results {
			n++
			if len(r.Indicator.Values) < 3 || r.ProgressPermille == nil {
				t.Errorf("indicator %q has %d values", r.Indicator.Title, len(r.Indicator.Values))
			}
			if r.Indicator.Title == "Share of regional substations with EDR deployed" {
				reqID = r.RequirementID
			}
		}
	}
	if n != 4 || reqID == "" {
		t.Fatalf("%d indicators, EDR share on %q", n, reqID)
	}
	docs, err := a.Documents.List(ctx, coordinator(t, a), model.DocOnRequirement, reqID)
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]bool{}
	for _, d := range docs {
		types[d.ContentType] = true
	}
	if len(docs) != 2 || !types[documents.TypePDF] || !types[documents.TypePNG] {
		t.Errorf("documents of the EDR need: %+v", docs)
	}
}
