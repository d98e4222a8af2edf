package indicators_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/indicators"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

func ptr[T any](v T) *T { return &v }

var now = time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)

func indicatorInput() indicators.Input {
	return indicators.Input{
		Title: ptr("Hosts covered by EDR"), Measure: ptr(model.MeasurePercentage),
		Baseline: &indicators.PointInput{Value: ptr("12,5"), Date: ptr(model.NewDate(2026, 1, 1))},
		Target:   &indicators.PointInput{Value: ptr("90"), Date: ptr(model.NewDate(2026, 12, 31))},
	}
}

func TestIndicators(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		a, cast := apptest.New(t, s, func() time.Time { return now })
		r, err := a.Requirements.Create(ctx, cast.Viewer("requester"), requirements.Input{
			Title: ptr("EDR for the registry"), Sector: ptr(model.Sector("government")), Category: ptr(model.Category("edr")),
			LineOfEffort: ptr(model.LineStrengthen), Priority: ptr(model.PriorityHigh), EstimatedEURMinor: ptr(int64(50_000_00)),
			NeededBy: ptr(model.DateOf(now).AddDays(60)), TLP: ptr(model.TLPAmber),
		})
		if err != nil {
			t.Fatal(err)
		}

		// Who may report: the beneficiary's requester, a coordinator; not
		// another beneficiary's requester, a donor, or a visitor.
		for _, c := range []struct {
			as   string
			want error
		}{
			{"donor", model.ErrForbidden},
			{"requester2", model.ErrNotFound}, // the draft is hidden from another beneficiary
			{"viewer", model.ErrForbidden},
			{"", model.ErrUnauthenticated},
		} {
			if _, err := a.Indicators.Create(ctx, cast.Viewer(c.as), r.ID, indicatorInput()); !errors.Is(err, c.want) {
				t.Errorf("%s adds an indicator: %v, want %v", c.as, err, c.want)
			}
		}
		i, err := a.Indicators.Create(ctx, cast.Viewer("requester"), r.ID, indicatorInput())
		if err != nil {
			t.Fatal(err)
		}
		if i.Baseline.Value != "12.5" || i.Target.Value != "90" {
			t.Fatalf("values kept as %q and %q, want the canonical decimals 12.5 and 90", i.Baseline.Value, i.Target.Value)
		}
		if _, err := a.Indicators.Create(ctx, cast.Viewer("coordinator"), r.ID, indicatorInput()); err != nil {
			t.Fatalf("a coordinator adds an indicator: %v", err)
		}

		// Bad input names its field.
		bad := []struct {
			field string
			edit  func(*indicators.Input)
		}{
			{"measure", func(in *indicators.Input) { in.Measure = ptr(model.Measure("ratio")) }},
			{"unit", func(in *indicators.Input) { in.Measure = ptr(model.MeasureUnit) }},
			{"baseline.value", func(in *indicators.Input) { in.Baseline.Value = ptr("1e3") }},
			{"target.value", func(in *indicators.Input) { in.Target.Value = ptr("120") }},
			{"target.date", func(in *indicators.Input) { in.Target.Date = ptr(model.NewDate(2025, 1, 1)) }},
			{"baseline", func(in *indicators.Input) { in.Baseline = nil }},
		}
		for _, b := range bad {
			in := indicatorInput()
			b.edit(&in)
			_, err := a.Indicators.Create(ctx, cast.Viewer("requester"), r.ID, in)
			var fe *model.FieldError
			if !errors.As(err, &fe) || fe.Field != b.field {
				t.Errorf("bad %s: %v", b.field, err)
			}
		}

		// Values: exact decimals, by date, audited.
		for _, v := range []struct{ value, date string }{{"40", "2026-05-01"}, {"25.125", "2026-03-01"}} {
			d, _ := model.ParseDate(v.date)
			if _, err := a.Indicators.AddValue(ctx, cast.Viewer("requester"), i.ID, indicators.ValueInput{Value: ptr(v.value), Date: &d, Comment: ptr("measured")}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := a.Indicators.AddValue(ctx, cast.Viewer("requester"), i.ID, indicators.ValueInput{Value: ptr("101"), Date: ptr(model.NewDate(2026, 6, 1))}); err == nil {
			t.Error("a percentage of 101 was accepted")
		}
		if _, err := a.Indicators.AddValue(ctx, cast.Viewer("requester"), i.ID, indicators.ValueInput{Value: ptr("50"), Date: ptr(model.DateOf(now).AddDays(3))}); err == nil {
			t.Error("an actual value dated in the future was accepted")
		}
		got, err := a.Indicators.ForRequirement(ctx, cast.Viewer("validator"), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || len(got[0].Values) != 2 || got[0].Values[0].Value != "25.125" || got[0].Latest().Value != "40" {
			t.Fatalf("indicators read back: %+v", got)
		}
		if p, ok := got[0].ProgressPermille(); !ok || p != 355 {
			t.Errorf("progress %d‰ (%v), want (40-12.5)/(90-12.5) = 355‰ rounded from 354.8", p, ok)
		}

		// The draft is hidden from donors, with its indicators and results.
		if _, err := a.Indicators.ForRequirement(ctx, cast.Viewer("donor"), r.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("a donor reads the indicators of a draft: %v", err)
		}
		groups, err := a.Indicators.Results(ctx, cast.Viewer("donor"))
		if err != nil || len(groups) != 0 {
			t.Fatalf("a donor's results over drafts: %v %v", groups, err)
		}
		groups, err = a.Indicators.Results(ctx, cast.Viewer("coordinator"))
		if err != nil || len(groups) != 1 || groups[0].Sector != "government" || groups[0].LineOfEffort != model.LineStrengthen || len(groups[0].Results) != 2 {
			t.Fatalf("coordinator's results: %+v %v", groups, err)
		}

		events, err := a.Audit.History(ctx, cast.Viewer("coordinator"), "indicator", i.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 3 || events[0].Action != "indicator.create" || events[2].Action != "indicator.value" {
			t.Fatalf("audit of the indicator: %d events", len(events))
		}
		if ev, err := a.Audit.History(ctx, cast.Viewer("donor"), "indicator", i.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("a donor reads %d events of an indicator on a draft (%v)", len(ev), err)
		}
	})
}
