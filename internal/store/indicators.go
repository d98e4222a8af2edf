package store

import (
	"context"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
)

// Indicators keeps the result indicators of requirements and the actual
// values reported on them.
type Indicators interface {
	CreateIndicator(ctx context.Context, i *model.Indicator) error
	// IndicatorByID returns an indicator with its values by date.
	IndicatorByID(ctx context.Context, id string) (model.Indicator, error)
	// IndicatorsForRequirements returns the indicators of the given
	// requirements with their values by date, oldest indicator first.
	IndicatorsForRequirements(ctx context.Context, requirementIDs []string) ([]model.Indicator, error)
	// ListIndicators returns every indicator with its values.
	ListIndicators(ctx context.Context) ([]model.Indicator, error)
	AddIndicatorValue(ctx context.Context, v *model.IndicatorValue) error
}

const indicatorColumns = `id, requirement_id, title, measure, unit_name, baseline_value, baseline_day, target_value, target_day, created_by, created_at`

func scanIndicator(s scanner) (model.Indicator, error) {
	var i model.Indicator
	err := s.Scan(&i.ID, &i.RequirementID, &i.Title, &i.Measure, &i.Unit, &i.Baseline.Value, day{&i.Baseline.Date},
		&i.Target.Value, day{&i.Target.Date}, &i.CreatedBy, instant{&i.CreatedAt})
	return i, err
}

const indicatorValueColumns = `id, indicator_id, value, day, comment, created_by, created_at`

func scanIndicatorValue(s scanner) (model.IndicatorValue, error) {
	var v model.IndicatorValue
	err := s.Scan(&v.ID, &v.IndicatorID, &v.Value, day{&v.Date}, &v.Comment, &v.CreatedBy, instant{&v.CreatedAt})
	return v, err
}

func (q *queries) CreateIndicator(ctx context.Context, i *model.Indicator) error {
	if i.ID == "" {
		i.ID = NewID()
	}
	if i.CreatedAt.IsZero() {
		i.CreatedAt = time.Now()
	}
	i.CreatedAt = instantOf(i.CreatedAt)
	_, err := q.wr.exec(ctx, `INSERT INTO indicators (`+indicatorColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		i.ID, i.RequirementID, i.Title, i.Measure, i.Unit, i.Baseline.Value, i.Baseline.Date, i.Target.Value, i.Target.Date, i.CreatedBy, i.CreatedAt)
	return dbErr(err, "add indicator to requirement %s", i.RequirementID)
}

func (q *queries) IndicatorByID(ctx context.Context, id string) (model.Indicator, error) {
	i, err := scanIndicator(q.rd.row(ctx, `SELECT `+indicatorColumns+` FROM indicators WHERE id = ?`+q.forUpdate(), id))
	if err != nil {
		return model.Indicator{}, dbErr(err, "indicator %s", id)
	}
	out := []model.Indicator{i}
	if err := q.loadIndicatorValues(ctx, out); err != nil {
		return model.Indicator{}, err
	}
	return out[0], nil
}

func (q *queries) IndicatorsForRequirements(ctx context.Context, requirementIDs []string) ([]model.Indicator, error) {
	var out []model.Indicator
	err := q.inChunks(requirementIDs, func(ph string, args []any) error {
		var err error
		out, err = queryAppend(ctx, q.rd, scanIndicator, out, `SELECT `+indicatorColumns+` FROM indicators WHERE requirement_id IN (`+ph+`) ORDER BY id`, args...)
		return err
	})
	if err != nil {
		return nil, dbErr(err, "indicators of requirements")
	}
	return out, q.loadIndicatorValues(ctx, out)
}

func (q *queries) ListIndicators(ctx context.Context) ([]model.Indicator, error) {
	out, err := queryAll(ctx, q.rd, scanIndicator, `SELECT `+indicatorColumns+` FROM indicators ORDER BY id`)
	if err != nil {
		return nil, dbErr(err, "indicators")
	}
	return out, q.loadIndicatorValues(ctx, out)
}

// loadIndicatorValues fills the values of the given indicators, by date
// then as reported.
func (q *queries) loadIndicatorValues(ctx context.Context, is []model.Indicator) error {
	at := make(map[string]int, len(is))
	ids := make([]string, len(is))
	for k, i := range is {
		at[i.ID], ids[k] = k, i.ID
		is[k].Values = []model.IndicatorValue{}
	}
	err := q.inChunks(ids, func(ph string, args []any) error {
		vs, err := queryAll(ctx, q.rd, scanIndicatorValue, `SELECT `+indicatorValueColumns+` FROM indicator_values WHERE indicator_id IN (`+ph+`) ORDER BY day, id`, args...)
		for _, v := range vs {
			k := at[v.IndicatorID]
			is[k].Values = append(is[k].Values, v)
		}
		return err
	})
	return dbErr(err, "values of indicators")
}

func (q *queries) AddIndicatorValue(ctx context.Context, v *model.IndicatorValue) error {
	if v.ID == "" {
		v.ID = NewID()
	}
	if v.CreatedAt.IsZero() {
		v.CreatedAt = time.Now()
	}
	v.CreatedAt = instantOf(v.CreatedAt)
	_, err := q.wr.exec(ctx, `INSERT INTO indicator_values (`+indicatorValueColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		v.ID, v.IndicatorID, v.Value, v.Date, v.Comment, v.CreatedBy, v.CreatedAt)
	return dbErr(err, "add value to indicator %s", v.IndicatorID)
}
