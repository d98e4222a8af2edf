// Package delivery follows a pledge from commitment to the beneficiary's
// receipt: the donor's (or a coordinator's) dated milestones, the
// beneficiary's confirmation or problem report, and the requirement's move
// to delivered and closed. Receipts record the lead times the dashboards show.
package delivery

import (
	"context"
	"time"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

type Service struct {
	store Store
	now   func() time.Time
}

func NewService(s Store, now func() time.Time) *Service {
	return &Service{store: s, now: now}
}

// MilestoneInput is what the donor or a coordinator writes.
type MilestoneInput struct {
	Kind *model.MilestoneKind `json:"kind"`
	Date *model.Date          `json:"date"`
	Note *string              `json:"note"`
}

// ReceiptInput is the beneficiary's word on a delivery.
type ReceiptInput struct {
	Outcome *model.ReceiptOutcome `json:"outcome"`
	Note    *string               `json:"note"`
}

// Track is a pledge's delivery as its readers see it.
type Track struct {
	Pledge     model.Pledge      `json:"pledge"`
	Milestones []model.Milestone `json:"milestones"`
	Receipts   []model.Receipt   `json:"receipts"`
}

// parent is a pledge with the requirement it serves and every pledge on
// that requirement, as the policy and the requirement's status need them.
type parent struct {
	req     *model.Requirement
	pledges []model.Pledge
}

func load(ctx context.Context, q pledgeReads, pledgeID string) (model.Pledge, parent, error) {
	p, err := q.PledgeByID(ctx, pledgeID)
	if err != nil {
		return model.Pledge{}, parent{}, err
	}
	if p.RequirementID == "" {
		return p, parent{}, nil
	}
	r, err := q.RequirementByID(ctx, p.RequirementID)
	if err != nil {
		return model.Pledge{}, parent{}, err
	}
	ps, err := q.PledgesForRequirements(ctx, []string{r.ID})
	if err != nil {
		return model.Pledge{}, parent{}, err
	}
	return p, parent{&r, ps}, nil
}

func pledgeResource(p model.Pledge, par parent) policy.Resource {
	if par.req == nil {
		return policy.PledgeResource(p, nil)
	}
	rr := policy.RequirementResource(*par.req, par.pledges)
	return policy.PledgeResource(p, &rr)
}

// Get returns a pledge's delivery; a pledge v may not see is ErrNotFound.
func (s *Service) Get(ctx context.Context, v policy.Viewer, pledgeID string) (Track, error) {
	p, par, err := load(ctx, s.store, pledgeID)
	if err != nil {
		return Track{}, err
	}
	res := pledgeResource(p, par)
	if !policy.Visible(v, res) {
		return Track{}, model.ErrNotFound
	}
	p = policy.PledgeSeenBy(v, p, res)
	ms, err := s.store.Milestones(ctx, p.ID)
	if err != nil {
		return Track{}, err
	}
	rs, err := s.store.Receipts(ctx, p.ID)
	if err != nil {
		return Track{}, err
	}
	if ms == nil {
		ms = []model.Milestone{}
	}
	if rs == nil {
		rs = []model.Receipt{}
	}
	return Track{Pledge: p, Milestones: ms, Receipts: rs}, nil
}

// savePledge writes a pledge whose delivery status changed, with its event.
func (s *Service) savePledge(ctx context.Context, q store.Queries, v policy.Viewer, action string, before, after model.Pledge, par parent) error {
	after.UpdatedAt = s.now().UTC()
	if err := q.UpdatePledge(ctx, &after); err != nil {
		return err
	}
	for i := range par.pledges {
		if par.pledges[i].ID == after.ID {
			par.pledges[i] = after
		}
	}
	_, err := audit.Record(ctx, q, s.now(), audit.By(v), audit.Change{Action: "pledge." + action, ObjectType: "pledge", ObjectID: after.ID, Before: before, After: after})
	return err
}

// moveRequirement sets the requirement's status, with its event, when it changes.
func (s *Service) moveRequirement(ctx context.Context, q store.Queries, v policy.Viewer, r *model.Requirement, to model.RequirementStatus) error {
	if r.Status == to {
		return nil
	}
	before := *r
	r.Status, r.UpdatedAt = to, s.now().UTC()
	if err := q.UpdateRequirement(ctx, r); err != nil {
		return err
	}
	_, err := audit.Record(ctx, q, s.now(), audit.By(v), audit.Change{Action: "requirement." + string(to), ObjectType: "requirement", ObjectID: r.ID, Before: before, After: *r})
	return err
}

// AddMilestone records a step of a confirmed pledge's delivery. Any step
// past planning puts the pledge, and the requirement it serves, in
// delivery; the delivered step marks the pledge delivered, awaiting the
// beneficiary's receipt.
func (s *Service) AddMilestone(ctx context.Context, v policy.Viewer, pledgeID string, in MilestoneInput) (Track, error) {
	if err := policy.Require(v, policy.PledgesDeliver); err != nil {
		return Track{}, err
	}
	// Every field is judged before any is refused, so that one answer
	// names every fault.
	errs := []error{model.CheckRequired(
		model.Required{Field: "kind", Missing: in.Kind == nil},
		model.Required{Field: "date", Missing: in.Date == nil || in.Date.IsZero()},
	)}
	kindOK := in.Kind != nil && in.Kind.Valid()
	if in.Kind != nil && !kindOK {
		errs = append(errs, model.Invalid("kind", "%q is not a milestone; use planned, ordered, shipped or delivered", *in.Kind))
	}
	today := model.DateOf(s.now())
	if kindOK && in.Date != nil && *in.Kind != model.MilestonePlanned && today.Before(*in.Date) {
		errs = append(errs, model.Broken("date", "milestone_in_future", "%s is in the future: only a planned milestone may be dated ahead", in.Date))
	}
	var note string
	if in.Note != nil {
		var err error
		note, err = model.CleanText("note", *in.Note, 0, model.MaxComment)
		errs = append(errs, err)
	}
	if err := model.Collect(errs...); err != nil {
		return Track{}, err
	}
	err := s.store.InTx(ctx, func(q store.Queries) error {
		p, par, err := load(ctx, q, pledgeID)
		if err != nil {
			return err
		}
		if err := policy.Authorize(v, policy.PledgesDeliver, pledgeResource(p, par)); err != nil {
			return err
		}
		switch p.Status {
		case model.PledgeConfirmed, model.PledgeInDelivery, model.PledgeDelivered:
		case model.PledgeReceived:
			return model.Conflict("already_received", "the beneficiary has confirmed receipt of this pledge; its delivery is complete")
		default:
			return model.Conflict("not_confirmed", "a %s pledge is not being delivered; only confirmed pledges are", p.Status)
		}
		m := model.Milestone{PledgeID: p.ID, Kind: *in.Kind, Date: *in.Date, Note: note, CreatedBy: v.UserID, CreatedAt: s.now().UTC()}
		if err := q.AddMilestone(ctx, &m); err != nil {
			return err
		}
		if _, err := audit.Record(ctx, q, s.now(), audit.By(v), audit.Change{Action: "pledge.milestone", ObjectType: "pledge", ObjectID: p.ID, After: m}); err != nil {
			return err
		}
		before := p
		switch {
		case m.Kind == model.MilestoneDelivered:
			p.Status = model.PledgeDelivered
		case m.Kind != model.MilestonePlanned && p.Status == model.PledgeConfirmed:
			p.Status = model.PledgeInDelivery
		}
		if p.Status != before.Status {
			if err := s.savePledge(ctx, q, v, string(p.Status), before, p, par); err != nil {
				return err
			}
		}
		return s.advance(ctx, q, v, par)
	})
	if err != nil {
		return Track{}, err
	}
	return s.Get(ctx, v, pledgeID)
}

// Receipt is the beneficiary organisation's word on a pledge in delivery.
// A confirmation completes the pledge and, once every confirmed pledge on
// the requirement is received, the requirement is delivered. A problem
// sends the pledge back into delivery, for its donor to put right.
func (s *Service) Receipt(ctx context.Context, v policy.Viewer, pledgeID string, in ReceiptInput) (Track, error) {
	if err := policy.Require(v, policy.PledgesReceipt); err != nil {
		return Track{}, err
	}
	var errs []error
	switch {
	case in.Outcome == nil:
		errs = append(errs, model.Invalid("outcome", "is required: received or problem"))
	case !in.Outcome.Valid():
		errs = append(errs, model.Invalid("outcome", "%q is not an outcome; use received or problem", *in.Outcome))
	}
	var note string
	if in.Note != nil {
		var err error
		note, err = model.CleanText("note", *in.Note, 0, model.MaxComment)
		errs = append(errs, err)
	}
	if in.Outcome != nil && *in.Outcome == model.ReceiptProblem && note == "" {
		errs = append(errs, model.Invalid("note", "is required to report a problem: say what is wrong"))
	}
	if err := model.Collect(errs...); err != nil {
		return Track{}, err
	}
	err := s.store.InTx(ctx, func(q store.Queries) error {
		p, par, err := load(ctx, q, pledgeID)
		if err != nil {
			return err
		}
		if err := policy.Authorize(v, policy.PledgesReceipt, pledgeResource(p, par)); err != nil {
			return err
		}
		switch p.Status {
		case model.PledgeInDelivery, model.PledgeDelivered:
		case model.PledgeReceived:
			return model.Conflict("already_received", "receipt of this pledge is already confirmed")
		default:
			return model.Conflict("not_in_delivery", "a %s pledge has not been delivered; there is nothing to receive yet", p.Status)
		}
		now := s.now().UTC()
		rc := model.Receipt{PledgeID: p.ID, Outcome: *in.Outcome, Note: note, UserID: v.UserID, OrgID: v.Org.ID, At: now}
		if par.req != nil {
			rc.RequirementID = par.req.ID
			rc.ValidatedAt = par.req.ValidatedAt
			rc.FirstPledgeAt = firstPledge(par.pledges)
		}
		if err := q.AddReceipt(ctx, &rc); err != nil {
			return err
		}
		if _, err := audit.Record(ctx, q, s.now(), audit.By(v), audit.Change{Action: "pledge.receipt_" + string(rc.Outcome), ObjectType: "pledge", ObjectID: p.ID, After: rc}); err != nil {
			return err
		}
		before := p
		if rc.Outcome == model.ReceiptProblem {
			p.Status = model.PledgeInDelivery
		} else {
			p.Status = model.PledgeReceived
		}
		if p.Status != before.Status {
			if err := s.savePledge(ctx, q, v, "receipt", before, p, par); err != nil {
				return err
			}
		}
		return s.advance(ctx, q, v, par)
	})
	if err != nil {
		return Track{}, err
	}
	return s.Get(ctx, v, pledgeID)
}

// firstPledge is when the requirement first drew a pledge still standing.
func firstPledge(ps []model.Pledge) *time.Time {
	var first *time.Time
	for _, p := range ps {
		if !p.Status.Counts() {
			continue
		}
		if first == nil || p.CreatedAt.Before(*first) {
			t := p.CreatedAt
			first = &t
		}
	}
	return first
}

// advance moves a validated requirement to the delivery stage its pledges
// have reached (model.DeliveryStage), the same rule every viewer's view of
// it follows over the pledges that viewer may see.
func (s *Service) advance(ctx context.Context, q store.Queries, v policy.Viewer, par parent) error {
	if par.req == nil {
		return nil
	}
	switch par.req.Status {
	case model.ReqValidated, model.ReqInDelivery, model.ReqDelivered:
	default:
		return nil
	}
	stage := model.DeliveryStage(par.pledges)
	if stage == model.ReqValidated {
		// Delivery once begun is not undone by a pledge withdrawn later.
		return nil
	}
	return s.moveRequirement(ctx, q, v, par.req, stage)
}

// Close is the beneficiary's last word on a delivered requirement.
func (s *Service) Close(ctx context.Context, v policy.Viewer, requirementID string) (model.Requirement, error) {
	if err := policy.Require(v, policy.RequirementsClose); err != nil {
		return model.Requirement{}, err
	}
	var out model.Requirement
	err := s.store.InTx(ctx, func(q store.Queries) error {
		r, err := q.RequirementByID(ctx, requirementID)
		if err != nil {
			return err
		}
		ps, err := q.PledgesForRequirements(ctx, []string{r.ID})
		if err != nil {
			return err
		}
		if err := policy.Authorize(v, policy.RequirementsClose, policy.RequirementResource(r, ps)); err != nil {
			return err
		}
		if r.Status != model.ReqDelivered {
			// The stored status may come from pledges v does not see: the
			// refusal names none of it.
			return model.Conflict("not_delivered", "This requirement cannot be closed yet: it closes once every pledge on it is received.")
		}
		if err := s.moveRequirement(ctx, q, v, &r, model.ReqClosed); err != nil {
			return err
		}
		out = r
		return nil
	})
	return out, err
}
