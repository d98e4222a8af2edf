package governance

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// PositionInput is what a delegate says for its organisation.
type PositionInput struct {
	Position *model.Stance `json:"position"`
	Reason   *string       `json:"reason"`
}

// TakePosition records the position of the delegate's organisation,
// replacing an earlier one. Under consensus, the last missing support
// adopts the proposal at once.
func (s *Service) TakePosition(ctx context.Context, v policy.Viewer, id string, in PositionInput) (View, error) {
	errs := []error{model.CheckRequired(model.Required{Field: "position", Missing: in.Position == nil})}
	pos := model.Position{ProposalID: id, OrgID: v.Org.ID, UserID: v.UserID}
	if in.Position != nil {
		if pos.Stance = *in.Position; !pos.Stance.Valid() {
			errs = append(errs, model.Invalid("position", "%q is not a position; use support, abstain or object", pos.Stance))
		}
	}
	reasonOK := true
	if in.Reason != nil {
		r, err := model.CleanText("reason", *in.Reason, 0, model.MaxDescription)
		reasonOK = err == nil
		errs = append(errs, err)
		pos.Reason = r
	}
	if reasonOK && pos.Stance == model.StanceObject && pos.Reason == "" {
		errs = append(errs, model.Broken("reason", "reason_required", "an objection must give its reason"))
	}
	if err := model.Collect(errs...); err != nil {
		return View{}, err
	}
	err := s.store.InTx(ctx, func(q store.Queries) error {
		p, err := q.ProposalByID(ctx, id)
		if err != nil {
			return err
		}
		if err := policy.Authorize(v, policy.ProposalsPosition, policy.ProposalResource(p)); err != nil {
			return err
		}
		now := s.now().UTC()
		if p.Status.Closed() {
			return model.Conflict("proposal_closed", "the proposal is %s; positions can no longer change", p.Status)
		}
		if !now.Before(p.Deadline) {
			return model.Conflict("deadline_passed", "the deadline has passed; the proposal is being closed")
		}
		pos.At = now
		if err := q.PutPosition(ctx, pos); err != nil {
			return err
		}
		if err := s.record(ctx, q, audit.By(v), "proposal.position", "proposal", p.ID, nil, pos); err != nil {
			return err
		}
		all, err := q.Positions(ctx, p.ID)
		if err != nil {
			return err
		}
		if Outcome(p, all, now) != model.ProposalOpen {
			_, err = s.settle(ctx, q, audit.By(v), p, all, now)
			return err
		}
		return nil
	})
	if err != nil {
		return View{}, err
	}
	return s.Get(ctx, v, id)
}

// CommentInput is a remark in the discussion.
type CommentInput struct {
	Text *string `json:"text"`
}

// Comment adds a remark. Members, observers and applicants discuss; a
// closed proposal keeps its discussion as it was.
func (s *Service) Comment(ctx context.Context, v policy.Viewer, id string, in CommentInput) (model.Comment, error) {
	if err := model.CheckRequired(model.Required{Field: "text", Missing: in.Text == nil}); err != nil {
		return model.Comment{}, err
	}
	text, err := model.CleanText("text", *in.Text, 1, model.MaxDescription)
	if err != nil {
		return model.Comment{}, err
	}
	c := model.Comment{ProposalID: id, UserID: v.UserID, OrgID: v.Org.ID, Text: text}
	err = s.store.InTx(ctx, func(q store.Queries) error {
		p, err := q.ProposalByID(ctx, id)
		if err != nil {
			return err
		}
		if err := policy.Authorize(v, policy.ProposalsComment, policy.ProposalResource(p)); err != nil {
			return err
		}
		if p.Status.Closed() {
			return model.Conflict("proposal_closed", "the proposal is %s; its discussion is closed", p.Status)
		}
		c.CreatedAt = s.now().UTC()
		if err := q.AddComment(ctx, &c); err != nil {
			return err
		}
		return s.record(ctx, q, audit.By(v), "proposal.comment", "proposal", p.ID, nil, c)
	})
	return c, err
}

// Sign adds the delegate's member organisation to a public statement's
// signatories, before or after its adoption.
func (s *Service) Sign(ctx context.Context, v policy.Viewer, id string) (View, error) {
	err := s.store.InTx(ctx, func(q store.Queries) error {
		p, err := q.ProposalByID(ctx, id)
		if err != nil {
			return err
		}
		if err := policy.Authorize(v, policy.ProposalsSign, policy.ProposalResource(p)); err != nil {
			return err
		}
		if p.Kind != model.ProposalStatement {
			return model.Conflict("not_a_statement", "only a public statement has signatories")
		}
		if p.Status == model.ProposalBlocked || p.Status == model.ProposalLapsed {
			return model.Conflict("proposal_closed", "the statement was not adopted")
		}
		sig := model.Signatory{ProposalID: p.ID, OrgID: v.Org.ID, At: s.now().UTC()}
		if err := q.AddSignatory(ctx, sig); err != nil {
			return err
		}
		return s.record(ctx, q, audit.By(v), "proposal.sign", "proposal", p.ID, nil, sig)
	})
	if err != nil {
		return View{}, err
	}
	return s.Get(ctx, v, id)
}
