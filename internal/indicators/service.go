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
	// Those returns the requirements of ids that v may see.
	Those(ctx context.Context, v policy.Viewer, ids []string) ([]requirements.View, error)
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

// point reads a baseline or a target; every fault of it is reported at
// once, and ok says whether the point was read whole.
func point(field string, in *PointInput) (p model.Point, ok bool, err error) {
	if in == nil {
		return p, false, model.Invalid(field, "is required: give its value and date")
	}
	var errs []error
	if in.Value == nil {
		errs = append(errs, model.Invalid(field+".value", "is required"))
	} else if v, err := model.ParseDecimal(field+".value", *in.Value); err != nil {
		errs = append(errs, err)
	} else {
		p.Value = v
	}
	switch {
	case in.Date == nil || in.Date.IsZero():
		errs = append(errs, model.Invalid(field+".date", "is required"))
	case in.Date.CheckRange() != nil:
		errs = append(errs, model.Invalid(field+".date", "%v", in.Date.CheckRange()))
	default:
		p.Date = *in.Date
	}
	err = model.Collect(errs...)
	return p, err == nil, err
}

// indicator is the indicator the input describes, or every fault of the
// input at once, in the order of the form.
func (in Input) indicator() (model.Indicator, error) {
	var i model.Indicator
	errs := []error{model.CheckRequired(model.Required{Field: "title", Missing: in.Title == nil}, model.Required{Field: "measure", Missing: in.Measure == nil})}
	if in.Title != nil {
		title, err := model.CleanText("title", *in.Title, 1, model.MaxTitle)
		errs = append(errs, err)
		i.Title = title
	}
	measureOK := false
	if in.Measure != nil {
		if measureOK = in.Measure.Valid(); measureOK {
			i.Measure = *in.Measure
		} else {
			errs = append(errs, model.Invalid("measure", "%q is not a measure; use unit or percentage", *in.Measure))
		}
	}
	unitOK := true
	if in.Unit != nil {
		var err error
		i.Unit, err = model.CleanText("unit", *in.Unit, 0, MaxUnit)
		unitOK = err == nil
		errs = append(errs, err)
	}
	if measureOK && unitOK {
		switch {
		case i.Measure == model.MeasureUnit && i.Unit == "":
			errs = append(errs, model.Invalid("unit", "is required for a measure in units: name what is counted, e.g. hosts or trained staff"))
		case i.Measure == model.MeasurePercentage && i.Unit != "":
			errs = append(errs, model.Invalid("unit", "must be empty for a percentage"))
		}
	}
	var baseOK, targetOK bool
	var err error
	i.Baseline, baseOK, err = point("baseline", in.Baseline)
	errs = append(errs, err)
	i.Target, targetOK, err = point("target", in.Target)
	errs = append(errs, err)
	if baseOK && targetOK && i.Target.Date.Before(i.Baseline.Date) {
		errs = append(errs, model.Invalid("target.date", "must not be before the baseline's date %s", i.Baseline.Date))
	}
	if i.Measure == model.MeasurePercentage {
		if baseOK {
			errs = append(errs, percentage("baseline.value", i.Baseline.Value))
		}
		if targetOK {
			errs = append(errs, percentage("target.value", i.Target.Value))
		}
	}
	return i, model.Collect(errs...)
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
		val, err := in.value(i, model.DateOf(s.now()))
		if err != nil {
			return err
		}
		val.CreatedBy, val.CreatedAt = v.UserID, s.now().UTC()
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

// value is the value the input reports on i, or every fault of the input
// at once, in the order of the form.
func (in ValueInput) value(i model.Indicator, today model.Date) (model.IndicatorValue, error) {
	val := model.IndicatorValue{IndicatorID: i.ID}
	var errs []error
	if in.Value == nil {
		errs = append(errs, model.Invalid("value", "is required"))
	} else if d, err := model.ParseDecimal("value", *in.Value); err != nil {
		errs = append(errs, err)
	} else {
		val.Value = d
		if i.Measure == model.MeasurePercentage {
			errs = append(errs, percentage("value", d))
		}
	}
	switch {
	case in.Date == nil || in.Date.IsZero():
		errs = append(errs, model.Invalid("date", "is required"))
	case in.Date.CheckRange() != nil:
		errs = append(errs, model.Invalid("date", "%v", in.Date.CheckRange()))
	case today.Before(*in.Date):
		errs = append(errs, model.Invalid("date", "must not be in the future: an actual value is what was measured"))
	default:
		val.Date = *in.Date
	}
	if in.Comment != nil {
		var err error
		val.Comment, err = model.CleanText("comment", *in.Comment, 0, model.MaxDescription)
		errs = append(errs, err)
	}
	return val, model.Collect(errs...)
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

// Get returns an indicator v may see; one on a requirement v may not see
// is ErrNotFound.
func (s *Service) Get(ctx context.Context, v policy.Viewer, id string) (model.Indicator, error) {
	i, err := s.store.IndicatorByID(ctx, id)
	if err != nil {
		return model.Indicator{}, err
	}
	res, _, err := requirement(ctx, s.store, i.RequirementID)
	if err != nil {
		return model.Indicator{}, err
	}
	if !policy.Visible(v, res) {
		return model.Indicator{}, model.ErrNotFound
	}
	return i, nil
}
