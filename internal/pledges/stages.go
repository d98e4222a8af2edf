package pledges

import (
	"context"
	"errors"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Suspend freezes a pledge (a donor's programme suspended): it stops
// counting toward coverage at once, so the gap it filled is open again, and
// the coordinators are told. Its donor or a coordinator suspends it.
func (s *Service) Suspend(ctx context.Context, v policy.Viewer, id, reason string) (Result, error) {
	if err := policy.Require(v, policy.PledgesSuspend); err != nil {
		return Result{}, err
	}
	reason, err := model.CleanText("reason", reason, 0, model.MaxComment)
	if err != nil {
		return Result{}, err
	}
	if reason == "" {
		return Result{}, model.Invalid("reason", "is required to suspend a pledge: say why the programme is frozen")
	}
	return s.change(ctx, v, id, policy.PledgesSuspend, "suspend", func(q store.Queries, p *model.Pledge, req *model.Requirement) error {
		if !p.Status.Suspendable() {
			return model.Conflict("not_suspendable", "a %s pledge cannot be suspended; only a proposed, confirmed or in-delivery one can", p.Status)
		}
		p.SuspendedFrom, p.Status = p.Status, model.PledgeSuspended
		p.SuspendedOn, p.SuspendReason = model.DateOf(s.now()), reason
		if s.notify != nil {
			return s.notify.PledgeSuspended(ctx, q, *p, req)
		}
		return nil
	})
}

// Resume brings a suspended pledge back to the status it stood at, and
// into coverage again.
func (s *Service) Resume(ctx context.Context, v policy.Viewer, id string) (Result, error) {
	if err := policy.Require(v, policy.PledgesSuspend); err != nil {
		return Result{}, err
	}
	return s.change(ctx, v, id, policy.PledgesSuspend, "resume", func(_ store.Queries, p *model.Pledge, req *model.Requirement) error {
		if p.Status != model.PledgeSuspended {
			return model.Conflict("not_suspended", "only a suspended pledge can be resumed; this one is %s", p.Status)
		}
		if req != nil && p.Channel == model.ChannelMechanism && !req.Status.OpenToPledges() {
			return model.Conflict("requirement_not_open", "requirement %s is %s and no longer takes pledges; withdraw this one", req.Ref, req.Status)
		}
		p.Status, p.SuspendedFrom = p.SuspendedFrom, ""
		p.SuspendedOn, p.SuspendReason = model.Date{}, ""
		return nil
	})
}

// settle moves a requirement already in delivery to the stage its pledges
// stand at after one of them changed status (model.DeliveryStage): a
// withdrawn pledge may leave every other one received, and a suspended one
// keeps the requirement from counting as delivered. Delivery once begun is
// not undone.
func (s *Service) settle(ctx context.Context, q store.Queries, v policy.Viewer, req *model.Requirement, pledges []model.Pledge) error {
	if req == nil || (req.Status != model.ReqInDelivery && req.Status != model.ReqDelivered) {
		return nil
	}
	stage := model.DeliveryStage(pledges)
	if stage == model.ReqValidated || stage == req.Status {
		return nil
	}
	before := *req
	req.Status, req.UpdatedAt = stage, s.now().UTC()
	if err := q.UpdateRequirement(ctx, req); err != nil {
		return err
	}
	_, err := audit.Record(ctx, q, s.now(), audit.By(v), audit.Change{Action: "requirement." + string(stage), ObjectType: "requirement", ObjectID: req.ID, Before: before, After: *req})
	return err
}

// checkFunder refuses a funder that is no organisation, that cannot give
// through the mechanism, or that is the donor itself.
func checkFunder(ctx context.Context, q store.Queries, p *model.Pledge) error {
	if p.FunderOrgID == "" {
		return nil
	}
	if p.FunderOrgID == p.DonorOrgID {
		return model.Broken("funder_org_id", "funder_is_donor", "names the donor itself; name a funder only when the money is another organisation's")
	}
	org, err := q.OrganisationByID(ctx, p.FunderOrgID)
	if errors.Is(err, model.ErrNotFound) {
		return model.Invalid("funder_org_id", "no organisation has the id %q", p.FunderOrgID)
	}
	if err != nil {
		return err
	}
	if !policy.CanDonate(org) {
		return model.Broken("funder_org_id", "cannot_fund", "%s does not give through the mechanism", org.Name)
	}
	return nil
}

// DisbursementInput is a tranche as its donor or a coordinator writes it.
type DisbursementInput struct {
	AmountMinor *int64      `json:"amount_minor"`
	Currency    *string     `json:"currency"`
	Date        *model.Date `json:"date"`
	Note        *string     `json:"note"`
	// ConfirmOver: the donor confirms a tranche that takes the sum past the
	// pledge's euro value.
	ConfirmOver bool `json:"confirm_over"`
}

// disbursement is the tranche the input describes, or every fault of the
// input at once.
func (in DisbursementInput) disbursement(pledgeID string, today model.Date) (model.Disbursement, error) {
	d := model.Disbursement{PledgeID: pledgeID}
	missing := model.CheckRequired(
		model.Required{Field: "amount_minor", Missing: in.AmountMinor == nil},
		model.Required{Field: "currency", Missing: in.Currency == nil},
		model.Required{Field: "date", Missing: in.Date == nil || in.Date.IsZero()},
	)
	_, err := model.ApplyFields(
		model.Amount("amount_minor", in.AmountMinor, &d.AmountMinor, money.MaxMinor, "tranche"),
		model.Code("currency", in.Currency, &d.Currency, money.ValidCurrency, "%q is not an ISO 4217 currency code (e.g. EUR, USD, GBP)"),
		model.Set(in.Date, &d.Date, func(date model.Date) error {
			if today.Before(date) {
				return model.Broken("date", "date_in_future", "%s is in the future: record a tranche once it is paid", date)
			}
			return nil
		}),
		model.Text("note", in.Note, &d.Note, 0, model.MaxComment),
	)
	return d, model.Collect(missing, err)
}

// CheckDisbursement reports every fault of a tranche's input, saving
// nothing, so that a form whose other fields could not even be read still
// lists all its faults at once.
func (s *Service) CheckDisbursement(v policy.Viewer, in DisbursementInput) error {
	if err := policy.Require(v, policy.PledgesDisburse); err != nil {
		return err
	}
	_, err := in.disbursement("", model.DateOf(s.now()))
	return err
}

// Disbursements is a pledge's money as paid out, as its readers see it.
type Disbursements struct {
	Pledge model.Pledge         `json:"pledge"`
	Items  []model.Disbursement `json:"items"`
}

// CodeOverDisbursed is the refusal of a tranche that would take the sum
// past the pledge's value without the donor's confirmation.
const CodeOverDisbursed = "over_disbursed"

// Disburse records a tranche of money paid out on a committed pledge,
// valued in euros at the ECB rate of its own date. A tranche that takes
// the sum past the pledge's euro value is refused unless the donor
// confirms it: co-funding can be deliberate, a typing error is not.
func (s *Service) Disburse(ctx context.Context, v policy.Viewer, pledgeID string, in DisbursementInput) (Disbursements, error) {
	if err := policy.Require(v, policy.PledgesDisburse); err != nil {
		return Disbursements{}, err
	}
	d, err := in.disbursement(pledgeID, model.DateOf(s.now()))
	if err != nil {
		return Disbursements{}, err
	}
	d.CreatedBy, d.CreatedAt = v.UserID, s.now().UTC()
	err = s.store.InTx(ctx, func(q store.Queries) error {
		p, err := q.PledgeByID(ctx, pledgeID)
		if err != nil {
			return err
		}
		req, pledges, err := requirementOf(ctx, q, p.RequirementID)
		if err != nil {
			return err
		}
		if err := policy.Authorize(v, policy.PledgesDisburse, resourceOf(p, req, pledges)); err != nil {
			return err
		}
		if p.Kind != model.PledgeMoney {
			return model.Broken("kind", "not_money", "an in-kind pledge is followed by its delivery milestones, not by disbursements")
		}
		if !p.Status.Disbursable() {
			return model.Conflict("not_committed", "money is disbursed on a confirmed pledge; this one is %s", p.Status)
		}
		val, err := Value(ctx, q, d.AmountMinor, d.Currency, d.Date, "date")
		if err != nil {
			return err
		}
		d.Rate, d.RateDate, d.EURMinor, d.RateProvisional = val.Rate, val.RateDate, val.EURMinor, val.Provisional
		sum := p.DisbursedEURMinor + d.EURMinor
		if sum > p.EURMinor && !in.ConfirmOver {
			return model.Broken("confirm_over", CodeOverDisbursed, "the tranches would come to EUR %s, more than the pledge's EUR %s; the donor must confirm that it disburses more than it pledged",
				money.FormatMinor(sum, "EUR"), money.FormatMinor(p.EURMinor, "EUR"))
		}
		if err := q.AddDisbursement(ctx, &d); err != nil {
			return err
		}
		if _, err := audit.Record(ctx, q, s.now(), audit.By(v), audit.Change{Action: "pledge.disburse", ObjectType: "pledge", ObjectID: p.ID, After: d}); err != nil {
			return err
		}
		before := p
		p.DisbursedEURMinor, p.UpdatedAt = sum, s.now().UTC()
		if err := q.UpdatePledge(ctx, &p); err != nil {
			return err
		}
		return s.audit.Record(ctx, q, v, "disbursed", &before, &p)
	})
	if err != nil {
		return Disbursements{}, model.Unexpected(err, "disburse on pledge %s", pledgeID)
	}
	return s.Disbursements(ctx, v, pledgeID)
}

// Disbursements returns a pledge's tranches; a pledge v may not see is
// ErrNotFound.
func (s *Service) Disbursements(ctx context.Context, v policy.Viewer, pledgeID string) (Disbursements, error) {
	p, err := s.Get(ctx, v, pledgeID)
	if err != nil {
		return Disbursements{}, err
	}
	ds, err := s.store.Disbursements(ctx, p.ID)
	if err != nil {
		return Disbursements{}, err
	}
	if ds == nil {
		ds = []model.Disbursement{}
	}
	return Disbursements{Pledge: p, Items: ds}, nil
}
