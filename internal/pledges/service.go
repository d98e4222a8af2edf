// Package pledges is a donor's commitment against a need: valued in euros at
// the ECB reference rate of its date, reviewed for alignment when a company or
// NGO makes it, confirmed or withdrawn by its donor.
package pledges

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

type Service struct {
	audit audit.Records[model.Pledge]
	store Store
	now   func() time.Time
	// beneficiaryCountry is the ISO 3166 code of the country assisted: a
	// bilateral report names one of its organisations as the recipient.
	beneficiaryCountry string
	notify             Notifier
	// counter answers list totals from maintained figures (page.go).
	counter Counter
	// parents describes the requirements of a page's pledges (page.go).
	parents Parents
}

// NewService builds the service; notify hears of pledges (nil: nobody).
func NewService(s Store, now func() time.Time, beneficiaryCountry string, notify Notifier) *Service {
	return &Service{audit: audit.Records[model.Pledge]{Type: "pledge", ID: func(r *model.Pledge) string { return r.ID }, Now: now}, store: s, now: now, beneficiaryCountry: beneficiaryCountry, notify: notify}
}

// Input is what a donor writes; on update, nil fields stay unchanged.
type Input struct {
	RequirementID *string           `json:"requirement_id"`
	AmountMinor   *int64            `json:"amount_minor"`
	Currency      *string           `json:"currency"`
	Kind          *model.PledgeKind `json:"kind"`
	Description   *string           `json:"description"`
	Channel       *model.Channel    `json:"channel"`
	PledgeDate    *model.Date       `json:"pledge_date"`
	TLP           *model.TLP        `json:"tlp"`
	NamedUserIDs  *[]string         `json:"named_user_ids"`
	// A bilateral report that serves no requirement says where the help goes.
	BeneficiaryOrgID *string         `json:"beneficiary_org_id"`
	Sector           *model.Sector   `json:"sector"`
	Category         *model.Category `json:"category"`
	PeriodStart      *model.Date     `json:"period_start"`
	PeriodEnd        *model.Date     `json:"period_end"`
	// FunderOrgID names whose money the pledge is when it is not the
	// donor's own; "" clears it.
	FunderOrgID *string `json:"funder_org_id"`
}

// Result is a pledge with what its donor must know at once.
type Result struct {
	model.Pledge
	// OverCoverage is set when the pledge takes the requirement past its
	// estimated need: accepted, since in-kind values are estimates and
	// co-funding can be deliberate, but the donor is told.
	OverCoverage bool `json:"over_coverage"`
}

// MarshalJSON adds over_coverage to the pledge's own JSON, which the
// embedded Pledge's MarshalJSON would otherwise be alone to write.
func (r Result) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(r.Pledge)
	if err != nil {
		return nil, err
	}
	extra, _ := json.Marshal(struct {
		OverCoverage bool `json:"over_coverage"`
	}{r.OverCoverage})
	// Both are JSON objects: join their members.
	return append(append(b[:len(b)-1], ','), extra[1:]...), nil
}

func (in Input) apply(p *model.Pledge, today model.Date) error {
	_, err := model.ApplyFields(
		model.Amount("amount_minor", in.AmountMinor, &p.AmountMinor, money.MaxMinor, "pledge"),
		model.Code("currency", in.Currency, &p.Currency, money.ValidCurrency, "%q is not an ISO 4217 currency code (e.g. EUR, USD, GBP)"),
		model.Code("kind", in.Kind, &p.Kind, model.PledgeKind.Valid, "%q is not a pledge kind; use money or in_kind"),
		model.Text("description", in.Description, &p.Description, 0, model.MaxDescription),
		model.Code("channel", in.Channel, &p.Channel, model.Channel.Valid, "%q is not a channel; use mechanism or bilateral"),
		model.Set(in.PledgeDate, &p.PledgeDate, func(d model.Date) error {
			if d.IsZero() {
				return model.Invalid("pledge_date", "is required")
			}
			if today.Before(d) {
				return model.Broken("pledge_date", "date_in_future", "%s is in the future: a pledge is dated the day it is made", d)
			}
			return nil
		}),
		model.Label(in.TLP, &p.TLP),
		model.IDs(in.NamedUserIDs, &p.NamedUserIDs),
		model.Set(in.BeneficiaryOrgID, &p.BeneficiaryOrgID, nil),
		model.Code("sector", in.Sector, &p.Sector, model.OrNone(model.Sector.Valid), "%q is not a sector; use one of %v", model.Sectors),
		model.Code("category", in.Category, &p.Category, model.OrNone(model.Category.Valid), "%q is not a category; use one of %v", model.Categories),
		model.Set(in.PeriodStart, &p.PeriodStart, nil),
		model.Set(in.PeriodEnd, &p.PeriodEnd, nil),
		model.Set(in.FunderOrgID, &p.FunderOrgID, nil),
	)
	errs := []error{err}
	if !p.PeriodStart.IsZero() && !p.PeriodEnd.IsZero() && p.PeriodEnd.Before(p.PeriodStart) {
		errs = append(errs, model.Broken("period_end", "period_reversed", "ends on %s, before the period starts (%s)", p.PeriodEnd, p.PeriodStart))
	}
	if p.Kind == model.PledgeInKind && p.Description == "" {
		errs = append(errs, model.Invalid("description", "is required for an in-kind pledge: say what is given"))
	}
	return model.Collect(errs...)
}

// place fixes where a pledge's help goes. A pledge on a requirement goes to
// its beneficiary, in its sector and category, whatever the donor wrote; a
// bilateral report on no requirement must say so itself.
func (s *Service) place(ctx context.Context, q store.Queries, p *model.Pledge, req *model.Requirement) error {
	if req != nil {
		p.BeneficiaryOrgID, p.Sector, p.Category = req.BeneficiaryOrgID, req.Sector, req.Category
		return nil
	}
	missing := model.CheckRequired(
		model.Required{Field: "beneficiary_org_id", Missing: p.BeneficiaryOrgID == ""},
		model.Required{Field: "sector", Missing: p.Sector == ""},
		model.Required{Field: "category", Missing: p.Category == ""},
	)
	if p.BeneficiaryOrgID == "" {
		return missing
	}
	org, err := q.OrganisationByID(ctx, p.BeneficiaryOrgID)
	switch {
	case errors.Is(err, model.ErrNotFound):
		err = model.Invalid("beneficiary_org_id", "no organisation has the id %q", p.BeneficiaryOrgID)
	case err != nil:
		return err
	case org.Country != s.beneficiaryCountry:
		err = model.Broken("beneficiary_org_id", "not_beneficiary", "%s is not an organisation of the assisted country (%s)", org.Name, s.beneficiaryCountry)
	}
	return model.Collect(err, missing)
}

// value prices the pledge in euros at the ECB reference rate of its date
// (see Value).
func value(ctx context.Context, q store.Queries, p *model.Pledge) error {
	v, err := Value(ctx, q, p.AmountMinor, p.Currency, p.PledgeDate, "pledge_date")
	if err != nil {
		return err
	}
	p.Rate, p.RateDate, p.EURMinor, p.RateProvisional, p.NoEURValue = v.Rate, v.RateDate, v.EURMinor, v.Provisional, false
	return nil
}

// requirementOf loads the requirement a pledge serves with every pledge on
// it, as the policy needs them; nil when the pledge serves none.
func requirementOf(ctx context.Context, q requirementReads, id string) (*model.Requirement, []model.Pledge, error) {
	if id == "" {
		return nil, nil, nil
	}
	r, err := q.RequirementByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	pledges, err := q.PledgesForRequirements(ctx, []string{id})
	if err != nil {
		return nil, nil, err
	}
	return &r, pledges, nil
}

// requirementClasses is requirementOf with the pledges grouped
// (PledgeClasses): enough for the policy and the coverage, not for a
// caller that needs each pledge.
func requirementClasses(ctx context.Context, q requirementReads, id string) (*model.Requirement, []model.Pledge, error) {
	if id == "" {
		return nil, nil, nil
	}
	r, err := q.RequirementByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	classes, err := q.PledgeClasses(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return &r, classes, nil
}

func resourceOf(p model.Pledge, req *model.Requirement, pledges []model.Pledge) policy.Resource {
	if req == nil {
		return policy.PledgeResource(p, nil)
	}
	rr := policy.RequirementResource(*req, pledges)
	return policy.PledgeResource(p, &rr)
}

// overCovered reports whether the pledges v can see on req exceed its need.
func overCovered(v policy.Viewer, req *model.Requirement, pledges []model.Pledge) bool {
	if req == nil {
		return false
	}
	rr := policy.RequirementResource(*req, pledges)
	var total int64
	for _, p := range pledges {
		if p.Channel == model.ChannelMechanism && p.Status.Counts() && policy.Visible(v, policy.PledgeResource(p, &rr)) {
			total += p.EURMinor
		}
	}
	return model.CoverageOf(total, req.EstimatedEURMinor) == model.CoverageOver
}

// Create records a pledge of the donor's own organisation. A mechanism
// pledge needs a validated requirement the donor can see; a bilateral report
// may name one.
func (s *Service) Create(ctx context.Context, v policy.Viewer, in Input) (Result, error) {
	return s.create(ctx, v, in, true)
}

// Check reports every fault Create would find in the input, saving
// nothing, so that a form whose other fields could not even be read still
// lists all its faults at once.
func (s *Service) Check(ctx context.Context, v policy.Viewer, in Input) error {
	_, err := s.create(ctx, v, in, false)
	return err
}

func (s *Service) create(ctx context.Context, v policy.Viewer, in Input, save bool) (Result, error) {
	if err := policy.Require(v, policy.PledgesCreate); err != nil {
		return Result{}, err
	}
	if !policy.CanDonate(v.Org) {
		return Result{}, model.ErrForbidden
	}
	errs := []error{model.CheckRequired(
		model.Required{Field: "amount_minor", Missing: in.AmountMinor == nil},
		model.Required{Field: "currency", Missing: in.Currency == nil},
	)}
	now := s.now().UTC()
	p := model.Pledge{
		DonorOrgID: v.Org.ID,
		Kind:       model.PledgeMoney,
		Channel:    model.ChannelMechanism,
		Status:     model.PledgeProposed,
		Review:     model.ReviewNotRequired,
		TLP:        model.TLPAmber,
		PledgeDate: model.DateOf(now),
		CreatedBy:  v.UserID,
		CreatedAt:  now,
		UpdatedAt:  now,
	}
	if in.RequirementID != nil {
		p.RequirementID = *in.RequirementID
	}
	errs = append(errs, in.apply(&p, model.DateOf(now)))
	if v.Org.IsBusiness() && p.Channel == model.ChannelMechanism {
		p.Review = model.ReviewPending
	}
	var res Result
	err := s.store.InTx(ctx, func(q store.Queries) error {
		req, pledges, err := s.target(ctx, q, v, p)
		if model.FieldErrorsOf(err) == nil && err != nil {
			return err
		}
		if err != nil {
			errs = append(errs, err)
		} else {
			// Where the help goes is known only once the requirement is.
			errs = append(errs, s.place(ctx, q, &p, req))
		}
		errs = append(errs, checkFunder(ctx, q, &p), policy.CheckNamed(ctx, v, p.TLP, &p.NamedUserIDs, q.UserByID))
		if err := model.Collect(errs...); err != nil {
			return err
		}
		if err := value(ctx, q, &p); err != nil {
			return err
		}
		if !save {
			return nil
		}
		// The beneficiary is told before the pledge is written. On
		// PostgreSQL the pledge's insert takes the audit log's lock (the
		// totals' triggers), so every statement after it, up to the
		// commit, waits for every other writer's: reading who to tell
		// there made the lock's turn three round trips longer.
		p.ID = store.NewID()
		pledges = append(pledges, p)
		if s.notify != nil && req != nil {
			if err := s.notify.PledgeMade(ctx, q, p, *req, pledges); err != nil {
				return err
			}
		}
		if err := q.CreatePledge(ctx, &p); err != nil {
			return err
		}
		pledges[len(pledges)-1] = p
		res = Result{Pledge: p, OverCoverage: overCovered(v, req, pledges)}
		return s.audit.Record(ctx, q, v, "create", nil, &p)
	})
	return res, model.Unexpected(err, "create pledge")
}

// target is the requirement a new pledge serves, with the pledges on it
// grouped as the policy tells them apart (PledgeClasses), which is all
// that who sees it, the over-coverage warning and the notification need;
// a requirement v may not see is answered as one that does not exist.
func (s *Service) target(ctx context.Context, q store.Queries, v policy.Viewer, p model.Pledge) (*model.Requirement, []model.Pledge, error) {
	if p.RequirementID == "" && p.Channel == model.ChannelMechanism {
		return nil, nil, model.Invalid("requirement_id", "is required for a pledge through the mechanism")
	}
	req, pledges, err := requirementClasses(ctx, q, p.RequirementID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil, model.Invalid("requirement_id", "no requirement you can see has the id %q", p.RequirementID)
	}
	if err != nil || req == nil {
		return nil, nil, err
	}
	switch err := policy.Authorize(v, policy.PledgesCreate, policy.RequirementResource(*req, pledges)); {
	case errors.Is(err, model.ErrNotFound):
		return nil, nil, model.Invalid("requirement_id", "no requirement you can see has the id %q", p.RequirementID)
	case err != nil:
		return nil, nil, err
	}
	if p.Channel == model.ChannelMechanism && !req.Status.OpenToPledges() {
		return nil, nil, model.Broken("requirement_id", "requirement_not_open", "requirement %s is %s; pledges are taken on validated requirements only", req.Ref, req.Status)
	}
	return req, pledges, nil
}

// change loads a pledge v may act on with perm, lets fn change it, and saves
// it with its audit event in one transaction.
func (s *Service) change(ctx context.Context, v policy.Viewer, id string, perm policy.Permission, action string, fn func(q store.Queries, p *model.Pledge, req *model.Requirement) error) (Result, error) {
	var res Result
	err := s.store.InTx(ctx, func(q store.Queries) error {
		p, err := q.PledgeByID(ctx, id)
		if err != nil {
			return err
		}
		req, pledges, err := requirementOf(ctx, q, p.RequirementID)
		if err != nil {
			return err
		}
		if err := policy.Authorize(v, perm, resourceOf(p, req, pledges)); err != nil {
			return err
		}
		before := p
		if err := fn(q, &p, req); err != nil {
			return err
		}
		p.UpdatedAt = s.now().UTC()
		if err := q.UpdatePledge(ctx, &p); err != nil {
			return err
		}
		for i := range pledges {
			if pledges[i].ID == p.ID {
				pledges[i] = p
			}
		}
		res = Result{Pledge: p, OverCoverage: overCovered(v, req, pledges)}
		if p.Status != before.Status {
			if err := s.settle(ctx, q, v, req, pledges); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, q, v, action, &before, &p)
	})
	return res, model.Unexpected(err, "%s pledge %s", action, id)
}

// Update changes a pledge its donor has not yet confirmed. A company's or
// NGO's changed pledge goes back to alignment review.
func (s *Service) Update(ctx context.Context, v policy.Viewer, id string, in Input) (Result, error) {
	if in.RequirementID != nil || in.Channel != nil {
		field := "requirement_id"
		if in.Channel != nil {
			field = "channel"
		}
		return Result{}, model.Broken(field, "immutable", "cannot be changed; withdraw the pledge and make a new one")
	}
	return s.change(ctx, v, id, policy.PledgesEdit, "update", func(q store.Queries, p *model.Pledge, req *model.Requirement) error {
		if p.Status != model.PledgeProposed {
			return model.Conflict("not_editable", "a %s pledge can no longer be changed; withdraw it and make a new one", p.Status)
		}
		if err := model.Collect(
			in.apply(p, model.DateOf(s.now())),
			s.place(ctx, q, p, req),
			checkFunder(ctx, q, p),
			policy.CheckNamed(ctx, v, p.TLP, &p.NamedUserIDs, q.UserByID),
		); err != nil {
			return err
		}
		if p.Review != model.ReviewNotRequired {
			p.Review, p.ReviewComment = model.ReviewPending, ""
		}
		return value(ctx, q, p)
	})
}

// Confirm makes a proposed pledge a commitment. A company's or NGO's pledge
// must have passed the coordinators' alignment review first.
func (s *Service) Confirm(ctx context.Context, v policy.Viewer, id string) (Result, error) {
	return s.change(ctx, v, id, policy.PledgesConfirm, "confirm", func(_ store.Queries, p *model.Pledge, req *model.Requirement) error {
		if p.Status != model.PledgeProposed {
			return model.Conflict("not_proposed", "only a proposed pledge can be confirmed; this one is %s", p.Status)
		}
		if p.Review == model.ReviewPending {
			return model.Conflict("review_pending", "the coordinators have not yet reviewed this pledge's alignment with the mechanism's aims")
		}
		if req != nil && p.Channel == model.ChannelMechanism && !req.Status.OpenToPledges() {
			return model.Conflict("requirement_not_open", "requirement %s is %s and no longer takes pledges", req.Ref, req.Status)
		}
		p.Status = model.PledgeConfirmed
		return nil
	})
}

// Withdraw lets a donor take back its pledge before delivery, suspended
// or not.
func (s *Service) Withdraw(ctx context.Context, v policy.Viewer, id string) (Result, error) {
	return s.change(ctx, v, id, policy.PledgesWithdraw, "withdraw", func(_ store.Queries, p *model.Pledge, _ *model.Requirement) error {
		switch p.Status {
		case model.PledgeProposed, model.PledgeConfirmed, model.PledgeInDelivery, model.PledgeSuspended:
		default:
			return model.Conflict("not_withdrawable", "a %s pledge cannot be withdrawn", p.Status)
		}
		p.Status, p.SuspendedFrom = model.PledgeWithdrawn, ""
		p.SuspendedOn, p.SuspendReason = model.Date{}, ""
		return nil
	})
}

// Review is a coordinator's alignment decision on a company's or NGO's pledge.
func (s *Service) Review(ctx context.Context, v policy.Viewer, id string, d model.ValidationDecision, comment string) (Result, error) {
	var errs []error
	switch d {
	case model.DecisionApprove, model.DecisionReject:
	case "":
		errs = append(errs, model.Invalid("decision", "is required"))
	default:
		errs = append(errs, model.Invalid("decision", "%q is not a review decision; use approve or reject", d))
	}
	comment, err := model.CleanText("comment", comment, 0, model.MaxComment)
	errs = append(errs, err)
	if err == nil && d == model.DecisionReject && comment == "" {
		errs = append(errs, model.Invalid("comment", "is required to reject a pledge: tell the donor why"))
	}
	if err := model.Collect(errs...); err != nil {
		return Result{}, err
	}
	return s.change(ctx, v, id, policy.PledgesReview, "review", func(_ store.Queries, p *model.Pledge, _ *model.Requirement) error {
		if p.Review != model.ReviewPending {
			return model.Conflict("no_review_pending", "this pledge is not awaiting an alignment review")
		}
		p.ReviewComment = comment
		if d == model.DecisionApprove {
			p.Review = model.ReviewApproved
			return nil
		}
		p.Review, p.Status = model.ReviewRejected, model.PledgeRejected
		return nil
	})
}
