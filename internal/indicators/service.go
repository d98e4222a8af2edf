// Package indicators keeps the results of the help a requirement receives:
// indicators with a baseline and a target, and the actual values its
// beneficiary or a coordinator reports over time.
package indicators

import (
	"context"
	"slices"
	"time"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Requirements lists the requirements a viewer may see, for the results
// across them.
type Requirements interface {
	All(ctx context.Context, v policy.Viewer, f model.RequirementFilter) ([]requirements.View, error)
}

type Service struct {
	audit audit.Records[model.Indicator]
	store Store
	reqs  Requirements
	now   func() time.Time
}

func NewService(s Store, now func() time.Time, reqs Requirements) *Service {
	return &Service{
		audit: audit.Records[model.Indicator]{Type: "indicator", ID: func(i *model.Indicator) string { return i.ID }, Now: now},
		store: s, reqs: reqs, now: now,
	}
}

// PointInput is a baseline or a target as a client writes it.
type PointInput struct {
	Value *string     `json:"value"`
	Date  *model.Date `json:"date"`
}

// Input is a new indicator.
type Input struct {
	Title    *string        `json:"title"`
	Measure  *model.Measure `json:"measure"`
	Unit     *string        `json:"unit"`
	Baseline *PointInput    `json:"baseline"`
	Target   *PointInput    `json:"target"`
}

// ValueInput is an actual value reported on an indicator.
type ValueInput struct {
	Value   *string     `json:"value"`
	Date    *model.Date `json:"date"`
	Comment *string     `json:"comment"`
}

// MaxUnit bounds the name of a unit ("trained staff", "hosts").
const MaxUnit = 60

func point(field string, in *PointInput) (model.Point, error) {
	if in == nil {
		return model.Point{}, model.Invalid(field, "is required: give its value and date")
	}
	if err := model.CheckRequired(model.Required{Field: field + ".value", Missing: in.Value == nil}, model.Required{Field: field + ".date", Missing: in.Date == nil || in.Date.IsZero()}); err != nil {
		return model.Point{}, err
	}
	v, err := model.ParseDecimal(field+".value", *in.Value)
	if err != nil {
		return model.Point{}, err
	}
	if err := in.Date.CheckRange(); err != nil {
		return model.Point{}, model.Invalid(field+".date", "%v", err)
	}
	return model.Point{Value: v, Date: *in.Date}, nil
}

func (in Input) indicator() (model.Indicator, error) {
	var i model.Indicator
	if err := model.CheckRequired(model.Required{Field: "title", Missing: in.Title == nil}, model.Required{Field: "measure", Missing: in.Measure == nil}); err != nil {
		return i, err
	}
	title, err := model.CleanText("title", *in.Title, 1, model.MaxTitle)
	if err != nil {
		return i, err
	}
	i.Title = title
	if !in.Measure.Valid() {
		return i, model.Invalid("measure", "%q is not a measure; use unit or percentage", *in.Measure)
	}
	i.Measure = *in.Measure
	if in.Unit != nil {
		if i.Unit, err = model.CleanText("unit", *in.Unit, 0, MaxUnit); err != nil {
			return i, err
		}
	}
	switch {
	case i.Measure == model.MeasureUnit && i.Unit == "":
		return i, model.Invalid("unit", "is required for a measure in units: name what is counted, e.g. hosts or trained staff")
	case i.Measure == model.MeasurePercentage && i.Unit != "":
		return i, model.Invalid("unit", "must be empty for a percentage")
	}
	if i.Baseline, err = point("baseline", in.Baseline); err != nil {
		return i, err
	}
	if i.Target, err = point("target", in.Target); err != nil {
		return i, err
	}
	if i.Target.Date.Before(i.Baseline.Date) {
		return i, model.Invalid("target.date", "must not be before the baseline's date %s", i.Baseline.Date)
	}
	if i.Measure == model.MeasurePercentage {
		for _, p := range []struct {
			field string
			v     model.Decimal
		}{{"baseline.value", i.Baseline.Value}, {"target.value", i.Target.Value}} {
			if err := percentage(p.field, p.v); err != nil {
				return i, err
			}
		}
	}
	return i, nil
}

func percentage(field string, d model.Decimal) error {
	r := d.Rat()
	if r.Sign() < 0 || r.Cmp(model.Decimal("100").Rat()) > 0 {
		return model.Invalid(field, "%s is not a percentage; use a number from 0 to 100", d)
	}
	return nil
}

// requirement describes the requirement id to the policy.
func requirement(ctx context.Context, q requirementReads, id string) (policy.Resource, model.Requirement, error) {
	r, err := q.RequirementByID(ctx, id)
	if err != nil {
		return policy.Resource{}, model.Requirement{}, err
	}
	ps, err := q.PledgesForRequirements(ctx, []string{id})
	if err != nil {
		return policy.Resource{}, model.Requirement{}, err
	}
	return policy.RequirementResource(r, ps), r, nil
}

// Create adds an indicator to a requirement its beneficiary or a
// coordinator reports on.
func (s *Service) Create(ctx context.Context, v policy.Viewer, requirementID string, in Input) (model.Indicator, error) {
	if err := policy.Require(v, policy.IndicatorsReport); err != nil {
		return model.Indicator{}, err
	}
	var out model.Indicator
	err := s.store.InTx(ctx, func(q store.Queries) error {
		res, _, err := requirement(ctx, q, requirementID)
		if err != nil {
			return err
		}
		if err := policy.Authorize(v, policy.IndicatorsReport, res); err != nil {
			return err
		}
		i, err := in.indicator()
		if err != nil {
			return err
		}
		i.RequirementID, i.CreatedBy, i.CreatedAt = requirementID, v.UserID, s.now().UTC()
		i.Values = []model.IndicatorValue{}
		if err := q.CreateIndicator(ctx, &i); err != nil {
			return err
		}
		out = i
		return s.audit.Record(ctx, q, v, "create", nil, &i)
	})
	return out, model.Unexpected(err, "add indicator to requirement %s", requirementID)
}

// AddValue records an actual value of an indicator.
func (s *Service) AddValue(ctx context.Context, v policy.Viewer, indicatorID string, in ValueInput) (model.Indicator, error) {
	if err := policy.Require(v, policy.IndicatorsReport); err != nil {
		return model.Indicator{}, err
	}
	var out model.Indicator
	err := s.store.InTx(ctx, func(q store.Queries) error {
		i, err := q.IndicatorByID(ctx, indicatorID)
		if err != nil {
			return err
		}
		res, _, err := requirement(ctx, q, i.RequirementID)
		if err != nil {
			return err
		}
		if err := policy.Authorize(v, policy.IndicatorsReport, res); err != nil {
			return err
		}
		if err := model.CheckRequired(model.Required{Field: "value", Missing: in.Value == nil}, model.Required{Field: "date", Missing: in.Date == nil || in.Date.IsZero()}); err != nil {
			return err
		}
		val := model.IndicatorValue{IndicatorID: i.ID, Date: *in.Date, CreatedBy: v.UserID, CreatedAt: s.now().UTC()}
		if val.Value, err = model.ParseDecimal("value", *in.Value); err != nil {
			return err
		}
		if i.Measure == model.MeasurePercentage {
			if err := percentage("value", val.Value); err != nil {
				return err
			}
		}
		if err := in.Date.CheckRange(); err != nil {
			return model.Invalid("date", "%v", err)
		}
		if today := model.DateOf(s.now()); today.Before(val.Date) {
			return model.Invalid("date", "must not be in the future: an actual value is what was measured")
		}
		if in.Comment != nil {
			if val.Comment, err = model.CleanText("comment", *in.Comment, 0, model.MaxDescription); err != nil {
				return err
			}
		}
		if err := q.AddIndicatorValue(ctx, &val); err != nil {
			return err
		}
		before := i
		before.Values = slices.Clone(i.Values)
		i.Values = append(i.Values, val)
		slices.SortStableFunc(i.Values, func(a, b model.IndicatorValue) int { return a.Date.Time().Compare(b.Date.Time()) })
		out = i
		return s.audit.Record(ctx, q, v, "value", &before, &i)
	})
	return out, model.Unexpected(err, "add a value to indicator %s", indicatorID)
}

// ForRequirement returns the indicators of a requirement v may see, oldest
// first; a requirement v may not see is ErrNotFound.
func (s *Service) ForRequirement(ctx context.Context, v policy.Viewer, requirementID string) ([]model.Indicator, error) {
	res, _, err := requirement(ctx, s.store, requirementID)
	if err != nil {
		return nil, err
	}
	if !policy.Visible(v, res) {
		return nil, model.ErrNotFound
	}
	out, err := s.store.IndicatorsForRequirements(ctx, []string{requirementID})
	if out == nil {
		out = []model.Indicator{}
	}
	return out, err
}

// CanReport reports whether v may add indicators and values to the
// requirement described by res, for pages deciding which forms to offer.
func CanReport(v policy.Viewer, res policy.Resource) bool {
	return policy.Authorize(v, policy.IndicatorsReport, res) == nil
}

// AuditObject describes an indicator to the audit log: its events are
// read by whoever may read its requirement.
func (s *Service) AuditObject(ctx context.Context, id string) (audit.Object, error) {
	i, err := s.store.IndicatorByID(ctx, id)
	if err != nil {
		return audit.Object{}, err
	}
	res, _, err := requirement(ctx, s.store, i.RequirementID)
	if err != nil {
		return audit.Object{}, err
	}
	return audit.Object{Now: res}, nil
}
