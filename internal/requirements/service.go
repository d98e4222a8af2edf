// Package requirements is the lifecycle of a need: a beneficiary drafts and
// submits it, the beneficiary government validates, returns or rejects it,
// and donors pledge against it once validated.
package requirements

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/readings"
	"github.com/cyberaid/cyberaid/internal/store"
)

type Service struct {
	audit  audit.Records[model.Requirement]
	store  Store
	now    func() time.Time
	notify Notifier
	trail  Trail
	// reviews are the working groups whose approval validates a
	// requirement (RequireReviews); empty means DefaultReviews.
	reviews []model.WorkingGroup
	// counted keeps list totals per viewer and filter (page.go).
	counted *readings.Kept
	// counts counts the totals computed rather than found kept.
	counts atomic.Int64
	// kept keeps the requirements listed last and their pledges' classes.
	kept *keptRecords
}

// keptCounts bounds the list totals kept: one per viewer and filter asked.
const keptCounts = 256

// Trail reads a record's audit events as one viewer may see them.
type Trail interface {
	History(ctx context.Context, v policy.Viewer, objectType, id string) ([]model.AuditEvent, error)
}

// NewService builds the service; trail reads a requirement's history, notify
// hears of validations (nil: nobody).
func NewService(s Store, now func() time.Time, trail Trail, notify Notifier) *Service {
	return &Service{audit: audit.Records[model.Requirement]{Type: "requirement", ID: func(r *model.Requirement) string { return r.ID }, Now: now}, store: s, now: now, trail: trail, notify: notify, counted: readings.New(keptCounts), kept: newKeptRecords(keptRequirements, keptBytes)}
}

// View is a requirement as one viewer sees it: its figures count only the
// pledges that viewer may see, so that no total reveals a hidden pledge.
type View struct {
	model.Requirement
	PledgedEURMinor   int64          `json:"pledged_eur_minor"`
	BilateralEURMinor int64          `json:"bilateral_eur_minor"`
	Coverage          model.Coverage `json:"coverage"`
	// Pledges may share their array with the slice the view was made
	// from (viewOf): read them, never change them in place.
	Pledges []model.Pledge `json:"-"`
}

// Input is what a requester writes; on update, nil fields stay unchanged.
type Input struct {
	Title             *string             `json:"title"`
	Description       *string             `json:"description"`
	Sector            *model.Sector       `json:"sector"`
	Category          *model.Category     `json:"category"`
	LineOfEffort      *model.LineOfEffort `json:"line_of_effort"`
	Priority          *model.Priority     `json:"priority"`
	EstimatedEURMinor *int64              `json:"estimated_eur_minor"`
	Quantity          *int64              `json:"quantity"`
	Unit              *string             `json:"unit"`
	NeededBy          *model.Date         `json:"needed_by"`
	Region            *string             `json:"region"`
	TLP               *model.TLP          `json:"tlp"`
	NamedUserIDs      *[]string           `json:"named_user_ids"`

	RecipientType *model.RecipientType `json:"recipient_type"`
}

const maxQuantity = 1_000_000_000

// apply writes the given fields onto r, checking each. It reports whether
// the scope, cost or audience changed: such a change to a validated
// requirement needs the beneficiary government to validate it again.
func (in Input) apply(r *model.Requirement, today model.Date) (revalidate bool, err error) {
	// A change of what is needed, how much, or who may read it sends a
	// validated requirement back to validation; its priority, date and
	// region do not.
	return model.ApplyFields(
		model.Text("title", in.Title, &r.Title, 1, model.MaxTitle),
		model.Text("description", in.Description, &r.Description, 0, model.MaxDescription),
		model.Code("sector", in.Sector, &r.Sector, model.Sector.Valid, "%q is not a sector; use one of %v", model.Sectors),
		model.Code("category", in.Category, &r.Category, model.Category.Valid, "%q is not a category; use one of %v", model.Categories),
		model.Code("line_of_effort", in.LineOfEffort, &r.LineOfEffort, model.LineOfEffort.Valid, "%q is not a line of effort; use support, strengthen or sustain"),
		model.Quiet(model.Code("priority", in.Priority, &r.Priority, model.Priority.Valid, "%q is not a priority; use critical, high, medium or low")),
		model.Amount("estimated_eur_minor", in.EstimatedEURMinor, &r.EstimatedEURMinor, money.MaxMinor, "single need"),
		model.Set(in.Quantity, &r.Quantity, func(q int64) error {
			if q < 1 || q > maxQuantity {
				return model.Broken("quantity", "quantity_out_of_range", "must be between 1 and %d", maxQuantity)
			}
			return nil
		}),
		model.Text("unit", in.Unit, &r.Unit, 0, model.MaxShort),
		model.Quiet(model.Set(in.NeededBy, &r.NeededBy, func(d model.Date) error {
			if !d.IsZero() && d.Before(today) && !d.Equal(r.NeededBy) {
				return model.Broken("needed_by", "date_in_past", "%s is in the past", d)
			}
			return nil
		})),
		model.Quiet(model.Set(in.Region, &r.Region, func(region string) error {
			if region != "" && !model.ValidRegion(region) {
				return model.Invalid("region", "%q is not an oblast code (ISO 3166-2:UA, e.g. UA-32)", region)
			}
			return nil
		})),
		model.Label(in.TLP, &r.TLP),
		model.IDs(in.NamedUserIDs, &r.NamedUserIDs),
		model.Quiet(model.Code("recipient_type", in.RecipientType, &r.RecipientType, model.RecipientType.Valid, "%q is not a recipient type; use one of %v", model.RecipientTypes)),
	)
}

// Create drafts a requirement for the requester's own organisation.
func (s *Service) Create(ctx context.Context, v policy.Viewer, in Input) (model.Requirement, error) {
	return s.create(ctx, v, in, true)
}

// Check reports every fault Create would find in the input, saving
// nothing, so that a form whose other fields could not even be read still
// lists all its faults at once.
func (s *Service) Check(ctx context.Context, v policy.Viewer, in Input) error {
	_, err := s.create(ctx, v, in, false)
	return err
}

func (s *Service) create(ctx context.Context, v policy.Viewer, in Input, save bool) (model.Requirement, error) {
	if err := policy.Require(v, policy.RequirementsCreate); err != nil {
		return model.Requirement{}, err
	}
	missing := model.CheckRequired(
		model.Required{Field: "title", Missing: in.Title == nil},
		model.Required{Field: "sector", Missing: in.Sector == nil},
		model.Required{Field: "category", Missing: in.Category == nil},
		model.Required{Field: "line_of_effort", Missing: in.LineOfEffort == nil},
		model.Required{Field: "priority", Missing: in.Priority == nil},
		model.Required{Field: "estimated_eur_minor", Missing: in.EstimatedEURMinor == nil},
	)
	now := s.now().UTC()
	r := model.Requirement{
		BeneficiaryOrgID: v.Org.ID,
		Quantity:         1,
		TLP:              model.TLPAmber,
		Status:           model.ReqDraft,
		RecipientType:    model.RecipientOther,
		CreatedBy:        v.UserID,
		CreatedAt:        now,
		UpdatedAt:        now,
	}
	_, err := in.apply(&r, model.DateOf(now))
	if err := model.Collect(missing, err); err != nil {
		return model.Requirement{}, err
	}
	err = s.store.InTx(ctx, func(q store.Queries) error {
		if err := policy.CheckNamed(ctx, v, r.TLP, &r.NamedUserIDs, q.UserByID); err != nil || !save {
			return err
		}
		n, err := q.NextCounter(ctx, fmt.Sprintf("requirement-%d", now.Year()))
		if err != nil {
			return err
		}
		r.Ref = fmt.Sprintf("REQ-%d-%04d", now.Year(), n)
		if err := q.CreateRequirement(ctx, &r); err != nil {
			return err
		}
		return s.audit.Record(ctx, q, v, "create", nil, &r)
	})
	return r, model.Unexpected(err, "create requirement")
}

// change loads a requirement the viewer may act on with p, lets fn change
// it, and saves it with its audit event, all in one transaction.
func (s *Service) change(ctx context.Context, v policy.Viewer, id string, p policy.Permission, action string, fn func(q store.Queries, r *model.Requirement) error) (model.Requirement, error) {
	return s.changeIf(ctx, v, id, p, action, true, fn)
}

// changeIf is change, saving nothing unless save: with it false, it only
// reports what change would refuse.
func (s *Service) changeIf(ctx context.Context, v policy.Viewer, id string, p policy.Permission, action string, save bool, fn func(q store.Queries, r *model.Requirement) error) (model.Requirement, error) {
	var out model.Requirement
	err := s.store.InTx(ctx, func(q store.Queries) error {
		var err error
		out, err = s.changeIn(ctx, q, v, id, p, action, save, fn)
		return err
	})
	return out, model.Unexpected(err, "%s requirement %s", action, id)
}

// changeIn is change within the caller's transaction q, for a command that
// changes several requirements at once.
func (s *Service) changeIn(ctx context.Context, q store.Queries, v policy.Viewer, id string, p policy.Permission, action string, save bool, fn func(q store.Queries, r *model.Requirement) error) (model.Requirement, error) {
	r, err := q.RequirementByID(ctx, id)
	if err != nil {
		return model.Requirement{}, err
	}
	pledges, err := q.PledgesForRequirements(ctx, []string{r.ID})
	if err != nil {
		return model.Requirement{}, err
	}
	if err := policy.Authorize(v, p, policy.RequirementResource(r, pledges)); err != nil {
		return model.Requirement{}, err
	}
	before := r
	before.SharedOrgIDs = slices.Clone(r.SharedOrgIDs)
	before.NamedUserIDs = slices.Clone(r.NamedUserIDs)
	if err := fn(q, &r); err != nil {
		return model.Requirement{}, err
	}
	if !save {
		return r, nil
	}
	r.UpdatedAt = s.now().UTC()
	if err := q.UpdateRequirement(ctx, &r); err != nil {
		return model.Requirement{}, err
	}
	return r, s.audit.Record(ctx, q, v, action, &before, &r)
}

// Update edits a requirement. A change of scope, cost or audience to a
// validated requirement sends it back to validation.
func (s *Service) Update(ctx context.Context, v policy.Viewer, id string, in Input) (model.Requirement, error) {
	return s.update(ctx, v, id, in, true)
}

// CheckUpdate reports every fault Update would find in the input, saving
// nothing.
func (s *Service) CheckUpdate(ctx context.Context, v policy.Viewer, id string, in Input) error {
	_, err := s.update(ctx, v, id, in, false)
	return err
}

func (s *Service) update(ctx context.Context, v policy.Viewer, id string, in Input, save bool) (model.Requirement, error) {
	return s.changeIf(ctx, v, id, policy.RequirementsEdit, "update", save, func(q store.Queries, r *model.Requirement) error {
		switch r.Status {
		case model.ReqDraft, model.ReqReturned, model.ReqSubmitted, model.ReqValidated:
		default:
			return model.Conflict("not_editable", "a %s requirement can no longer be changed", r.Status)
		}
		from := policy.Resource{TLP: r.TLP, OwnerOrgID: r.BeneficiaryOrgID, NamedUserIDs: slices.Clone(r.NamedUserIDs)}
		revalidate, err := in.apply(r, model.DateOf(s.now()))
		if err != nil {
			return err
		}
		if r.TLP == model.TLPRed && from.TLP != model.TLPRed && r.CreatedBy != "" && !slices.Contains(r.NamedUserIDs, r.CreatedBy) {
			// A validator who makes a need RED does not lock out the
			// requester who drafted it: the originator keeps reading it.
			r.NamedUserIDs = append(r.NamedUserIDs, r.CreatedBy)
		}
		if err := policy.CheckNamed(ctx, v, r.TLP, &r.NamedUserIDs, q.UserByID); err != nil {
			return err
		}
		if err := policy.Relabel(v, from, r.TLP, r.NamedUserIDs); err != nil {
			return err
		}
		if revalidate && r.Status == model.ReqValidated {
			r.Status = model.ReqSubmitted
			r.ValidatedAt = nil
		}
		if revalidate && r.Status == model.ReqSubmitted {
			// Reviews given to what the requirement said before do not
			// judge what it says now: the working groups review it afresh.
			r.ReviewRound++
		}
		return nil
	})
}

// Submit sends a draft or returned requirement to the beneficiary government.
func (s *Service) Submit(ctx context.Context, v policy.Viewer, id string) (model.Requirement, error) {
	return s.change(ctx, v, id, policy.RequirementsSubmit, "submit", func(_ store.Queries, r *model.Requirement) error {
		if r.Status != model.ReqDraft && r.Status != model.ReqReturned {
			return model.Conflict("not_submittable", "only a draft or returned requirement can be submitted; this one is %s", r.Status)
		}
		if r.NeededBy.IsZero() {
			return model.Broken("needed_by", "required_to_submit", "say by when the need must be met before submitting")
		}
		r.Status = model.ReqSubmitted
		r.ReviewRound++
		return nil
	})
}

// Validate records the caller's working group's review without scores
// (see Review).
func (s *Service) Validate(ctx context.Context, v policy.Viewer, id string, d model.ValidationDecision, comment string) (model.Requirement, error) {
	return s.Review(ctx, v, id, ReviewInput{Decision: d, Comment: comment})
}

// Withdraw takes a requirement out of the mechanism, at any point before it is closed.
func (s *Service) Withdraw(ctx context.Context, v policy.Viewer, id string) (model.Requirement, error) {
	return s.change(ctx, v, id, policy.RequirementsWithdraw, "withdraw", func(_ store.Queries, r *model.Requirement) error {
		switch r.Status {
		case model.ReqWithdrawn, model.ReqClosed, model.ReqRejected:
			return model.Conflict("not_withdrawable", "a %s requirement cannot be withdrawn", r.Status)
		}
		r.Status = model.ReqWithdrawn
		return nil
	})
}

// Share lets a coordinator widen an AMBER+STRICT record to named organisations.
func (s *Service) Share(ctx context.Context, v policy.Viewer, id string, orgIDs []string) (model.Requirement, error) {
	return s.change(ctx, v, id, policy.RequirementsShare, "share", func(q store.Queries, r *model.Requirement) error {
		ids := slices.Clone(orgIDs)
		slices.Sort(ids)
		ids = slices.Compact(ids)
		for _, oid := range ids {
			if _, err := q.OrganisationByID(ctx, oid); err != nil {
				return model.Invalid("org_ids", "no organisation has the id %q", oid)
			}
		}
		r.SharedOrgIDs = ids
		return nil
	})
}
