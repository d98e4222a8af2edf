package pledges

import (
	"context"
	"errors"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Proposal is a pledge a coordinator proposes on behalf of a donor, drawn
// from the donor's offer by an allocation plan.
type Proposal struct {
	DonorOrgID    string
	RequirementID string
	EURMinor      int64
	Kind          model.PledgeKind
	Description   string
	TLP           model.TLP
	// Reviewed: the offer it is drawn from passed the alignment review, so
	// a company's or NGO's pledge needs no second one.
	Reviewed bool
}

// ProposeInTx records, inside the caller's transaction, a proposed pledge of
// another organisation that its donors then confirm or withdraw. It is the
// coordinator's side of matching; Create stays the donor's own act.
func (s *Service) ProposeInTx(ctx context.Context, q store.Queries, v policy.Viewer, in Proposal) (model.Pledge, error) {
	if err := policy.Require(v, policy.MatchingPlan); err != nil {
		return model.Pledge{}, err
	}
	donor, err := q.OrganisationByID(ctx, in.DonorOrgID)
	if errors.Is(err, model.ErrNotFound) {
		return model.Pledge{}, model.Invalid("donor_org_id", "no organisation has the id %q", in.DonorOrgID)
	}
	if err != nil {
		return model.Pledge{}, err
	}
	if !policy.CanDonate(donor) {
		return model.Pledge{}, model.Broken("donor_org_id", "cannot_donate", "%s does not give through the mechanism", donor.Name)
	}
	if in.EURMinor <= 0 {
		return model.Pledge{}, model.Broken("eur_minor", "amount_not_positive", "must be more than zero")
	}
	req, pledges, err := requirementOf(ctx, q, in.RequirementID)
	if errors.Is(err, model.ErrNotFound) || (err == nil && req == nil) {
		return model.Pledge{}, model.Invalid("requirement_id", "no requirement you can see has the id %q", in.RequirementID)
	}
	if err != nil {
		return model.Pledge{}, err
	}
	if !policy.Visible(v, policy.RequirementResource(*req, pledges)) {
		return model.Pledge{}, model.Invalid("requirement_id", "no requirement you can see has the id %q", in.RequirementID)
	}
	if !req.Status.OpenToPledges() {
		return model.Pledge{}, model.Broken("requirement_id", "requirement_not_open", "requirement %s is %s; pledges are taken on validated requirements only", req.Ref, req.Status)
	}
	if req.BeneficiaryOrgID == donor.ID {
		return model.Pledge{}, model.Broken("donor_org_id", "own_requirement", "%s cannot pledge to its own requirement", donor.Name)
	}
	now := s.now().UTC()
	p := model.Pledge{
		DonorOrgID:    donor.ID,
		RequirementID: req.ID,
		AmountMinor:   in.EURMinor,
		Currency:      "EUR",
		PledgeDate:    model.DateOf(now),
		Kind:          in.Kind,
		Description:   in.Description,
		Channel:       model.ChannelMechanism,
		Status:        model.PledgeProposed,
		Review:        model.ReviewNotRequired,
		TLP:           in.TLP,
		CreatedBy:     v.UserID,
		CreatedAt:     now,
		UpdatedAt:     now,
	}
	if donor.IsBusiness() {
		p.Review = model.ReviewPending
		if in.Reviewed {
			p.Review = model.ReviewApproved
		}
	}
	if err := s.place(ctx, q, &p, req); err != nil {
		return model.Pledge{}, err
	}
	if err := value(ctx, q, &p); err != nil {
		return model.Pledge{}, err
	}
	if err := q.CreatePledge(ctx, &p); err != nil {
		return model.Pledge{}, err
	}
	return p, s.audit.Record(ctx, q, v, "propose", nil, &p)
}
