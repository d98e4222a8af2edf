// Package requirements is the lifecycle of a need: a beneficiary drafts and
// submits it, the beneficiary government validates, returns or rejects it,
// and donors pledge against it once validated.
package requirements

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

type Service struct {
	audit  audit.Records[model.Requirement]
	store  Store
	now    func() time.Time
	notify Notifier
	trail  Trail
}

// Trail reads a record's audit events as one viewer may see them.
type Trail interface {
	History(ctx context.Context, v policy.Viewer, objectType, id string) ([]model.AuditEvent, error)
}

// NewService builds the service; trail reads a requirement's history, notify
// hears of validations (nil: nobody).
func NewService(s Store, now func() time.Time, trail Trail, notify Notifier) *Service {
	return &Service{audit: audit.Records[model.Requirement]{Type: "requirement", ID: func(r *model.Requirement) string { return r.ID }, Now: now}, store: s, now: now, trail: trail, notify: notify}
}

// View is a requirement as one viewer sees it: its figures count only the
// pledges that viewer may see, so that no total reveals a hidden pledge.
type View struct {
	model.Requirement
	PledgedEURMinor   int64          `json:"pledged_eur_minor"`
	BilateralEURMinor int64          `json:"bilateral_eur_minor"`
	Coverage          model.Coverage `json:"coverage"`
	Pledges           []model.Pledge `json:"-"`
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
}

const maxQuantity = 1_000_000_000

// apply writes the given fields onto r, checking each. It reports whether
// the scope, cost or audience changed: such a change to a validated
// requirement needs the beneficiary government to validate it again.
func (in Input) apply(r *model.Requirement, today model.Date) (revalidate bool, err error) {
	set := func(changed bool) {
		if changed {
			revalidate = true
		}
	}
	if in.Title != nil {
		t, err := model.CleanText("title", *in.Title, 1, model.MaxTitle)
		if err != nil {
			return false, err
		}
		set(t != r.Title)
		r.Title = t
	}
	if in.Description != nil {
		d, err := model.CleanText("description", *in.Description, 0, model.MaxDescription)
		if err != nil {
			return false, err
		}
		set(d != r.Description)
		r.Description = d
	}
	if in.Sector != nil {
		if !in.Sector.Valid() {
			return false, model.Invalid("sector", "%q is not a sector; use one of %v", *in.Sector, model.Sectors)
		}
		set(*in.Sector != r.Sector)
		r.Sector = *in.Sector
	}
	if in.Category != nil {
		if !in.Category.Valid() {
			return false, model.Invalid("category", "%q is not a category; use one of %v", *in.Category, model.Categories)
		}
		set(*in.Category != r.Category)
		r.Category = *in.Category
	}
	if in.LineOfEffort != nil {
		if !in.LineOfEffort.Valid() {
			return false, model.Invalid("line_of_effort", "%q is not a line of effort; use support, strengthen or sustain", *in.LineOfEffort)
		}
		set(*in.LineOfEffort != r.LineOfEffort)
		r.LineOfEffort = *in.LineOfEffort
	}
	if in.Priority != nil {
		if !in.Priority.Valid() {
			return false, model.Invalid("priority", "%q is not a priority; use critical, high, medium or low", *in.Priority)
		}
		r.Priority = *in.Priority
	}
	if in.EstimatedEURMinor != nil {
		v := *in.EstimatedEURMinor
		if v <= 0 {
			return false, model.Broken("estimated_eur_minor", "amount_not_positive", "must be more than zero")
		}
		if v > money.MaxMinor {
			return false, model.Broken("estimated_eur_minor", "amount_too_large", "is larger than any single need can be (at most %d minor units)", money.MaxMinor)
		}
		set(v != r.EstimatedEURMinor)
		r.EstimatedEURMinor = v
	}
	if in.Quantity != nil {
		if *in.Quantity < 1 || *in.Quantity > maxQuantity {
			return false, model.Broken("quantity", "quantity_out_of_range", "must be between 1 and %d", maxQuantity)
		}
		set(*in.Quantity != r.Quantity)
		r.Quantity = *in.Quantity
	}
	if in.Unit != nil {
		u, err := model.CleanText("unit", *in.Unit, 0, model.MaxShort)
		if err != nil {
			return false, err
		}
		set(u != r.Unit)
		r.Unit = u
	}
	if in.NeededBy != nil {
		if !in.NeededBy.IsZero() && in.NeededBy.Before(today) && !in.NeededBy.Equal(r.NeededBy) {
			return false, model.Broken("needed_by", "date_in_past", "%s is in the past", in.NeededBy)
		}
		r.NeededBy = *in.NeededBy
	}
	if in.Region != nil {
		if *in.Region != "" && !model.ValidRegion(*in.Region) {
			return false, model.Invalid("region", "%q is not an oblast code (ISO 3166-2:UA, e.g. UA-32)", *in.Region)
		}
		r.Region = *in.Region
	}
	if in.TLP != nil {
		if !in.TLP.Valid() {
			return false, model.Invalid("tlp", "%q is not a TLP label; use clear, green, amber, amber+strict or red", *in.TLP)
		}
		set(*in.TLP != r.TLP)
		r.TLP = *in.TLP
	}
	if in.NamedUserIDs != nil {
		ids := slices.Clone(*in.NamedUserIDs)
		slices.Sort(ids)
		ids = slices.Compact(ids)
		set(!slices.Equal(ids, r.NamedUserIDs))
		r.NamedUserIDs = ids
	}
	return revalidate, nil
}

// Create drafts a requirement for the requester's own organisation.
func (s *Service) Create(ctx context.Context, v policy.Viewer, in Input) (model.Requirement, error) {
	if err := policy.Require(v, policy.RequirementsCreate); err != nil {
		return model.Requirement{}, err
	}
	if err := model.CheckRequired(
		model.Required{Field: "title", Missing: in.Title == nil},
		model.Required{Field: "sector", Missing: in.Sector == nil},
		model.Required{Field: "category", Missing: in.Category == nil},
		model.Required{Field: "line_of_effort", Missing: in.LineOfEffort == nil},
		model.Required{Field: "priority", Missing: in.Priority == nil},
		model.Required{Field: "estimated_eur_minor", Missing: in.EstimatedEURMinor == nil},
	); err != nil {
		return model.Requirement{}, err
	}
	now := s.now().UTC()
	r := model.Requirement{
		BeneficiaryOrgID: v.Org.ID,
		Quantity:         1,
		TLP:              model.TLPAmber,
		Status:           model.ReqDraft,
		CreatedBy:        v.UserID,
		CreatedAt:        now,
		UpdatedAt:        now,
	}
	if _, err := in.apply(&r, model.DateOf(now)); err != nil {
		return model.Requirement{}, err
	}
	err := s.store.InTx(ctx, func(q store.Queries) error {
		if err := policy.CheckNamed(ctx, v, r.TLP, &r.NamedUserIDs, q.UserByID); err != nil {
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
	var out model.Requirement
	err := s.store.InTx(ctx, func(q store.Queries) error {
		r, err := q.RequirementByID(ctx, id)
		if err != nil {
			return err
		}
		pledges, err := q.PledgesForRequirements(ctx, []string{r.ID})
		if err != nil {
			return err
		}
		if err := policy.Authorize(v, p, policy.RequirementResource(r, pledges)); err != nil {
			return err
		}
		before := r
		before.SharedOrgIDs = slices.Clone(r.SharedOrgIDs)
		before.NamedUserIDs = slices.Clone(r.NamedUserIDs)
		if err := fn(q, &r); err != nil {
			return err
		}
		r.UpdatedAt = s.now().UTC()
		if err := q.UpdateRequirement(ctx, &r); err != nil {
			return err
		}
		out = r
		return s.audit.Record(ctx, q, v, action, &before, &r)
	})
	return out, model.Unexpected(err, "%s requirement %s", action, id)
}

// Update edits a requirement. A change of scope, cost or audience to a
// validated requirement sends it back to validation.
func (s *Service) Update(ctx context.Context, v policy.Viewer, id string, in Input) (model.Requirement, error) {
	return s.change(ctx, v, id, policy.RequirementsEdit, "update", func(q store.Queries, r *model.Requirement) error {
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
		return nil
	})
}

// Validate records the beneficiary government's decision.
func (s *Service) Validate(ctx context.Context, v policy.Viewer, id string, d model.ValidationDecision, comment string) (model.Requirement, error) {
	if !d.Valid() {
		return model.Requirement{}, model.Invalid("decision", "%q is not a decision; use approve, return or reject", d)
	}
	comment, err := model.CleanText("comment", comment, 0, model.MaxComment)
	if err != nil {
		return model.Requirement{}, err
	}
	if d != model.DecisionApprove && comment == "" {
		return model.Requirement{}, model.Invalid("comment", "is required to %s a requirement: tell the requester why", d)
	}
	return s.change(ctx, v, id, policy.RequirementsValidate, "validate", func(q store.Queries, r *model.Requirement) error {
		if r.Status != model.ReqSubmitted {
			return model.Conflict("not_submitted", "only a submitted requirement can be validated; this one is %s", r.Status)
		}
		now := s.now().UTC()
		switch d {
		case model.DecisionApprove:
			r.Status = model.ReqValidated
			r.ValidatedAt = &now
		case model.DecisionReturn:
			r.Status = model.ReqReturned
		case model.DecisionReject:
			r.Status = model.ReqRejected
		}
		if err := q.AddValidation(ctx, model.ValidationRecord{
			RequirementID: r.ID, Decision: d, Comment: comment, UserID: v.UserID, At: now,
		}); err != nil {
			return err
		}
		if d == model.DecisionApprove && s.notify != nil {
			return s.notify.RequirementValidated(ctx, q, *r)
		}
		return nil
	})
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
