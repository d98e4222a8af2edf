package demo

import (
	"context"
	"fmt"

	"github.com/cyberaid/cyberaid/internal/delivery"
	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
)

// deliverySpec walks one confirmed pledge to the beneficiary's receipt.
type deliverySpec struct {
	req, by                  string // the pledge: its requirement and donor user
	requester                string // who confirms receipt for the beneficiary
	orderedAgo, deliveredAgo int
	note                     string
}

// The SOC training need is met in full, so that the demo shows a delivered
// requirement its beneficiary may close.
var deliverySpecs = []deliverySpec{
	{req: "soc-training", by: "donor.ee", requester: "requester", orderedAgo: 60, deliveredAgo: 20, note: "Course held in Kyiv for 24 analysts"},
	{req: "soc-training", by: "donor.se", requester: "requester", orderedAgo: 45, deliveredAgo: 10, note: "Second cohort trained"},
	{req: "audit-regulator", by: "donor.fr", requester: "requester", orderedAgo: 90, deliveredAgo: 30, note: "Audit report handed over"},
}

func (s *seeder) createDeliveries(ctx context.Context) error {
	for _, d := range deliverySpecs {
		if err := s.deliver(ctx, d); err != nil {
			return fmt.Errorf("demo delivery of %s on %q: %w", d.by, d.req, err)
		}
	}
	coordinator := s.users["coordinator"]
	if _, err := s.a.Lessons.Create(ctx, coordinator, lessons.Input{
		Title: ptr("Agree the training syllabus before the first cohort"),
		Link:  ptr(model.LinkRequirement), LinkID: ptr(s.reqs["soc-training"].ID),
		WhatHappened:   ptr("The first cohort's syllabus was changed twice in its first week."),
		WhatLearned:    ptr("The beneficiary's analysts know best which skills they lack."),
		Recommendation: ptr("Ask the beneficiary to approve the syllabus before a course is pledged."),
		ReviewOn:       ptr(s.today.AddDays(-3)), TLP: ptr(model.TLPClear),
	}); err != nil {
		return fmt.Errorf("demo lesson: %w", err)
	}
	return nil
}

func (s *seeder) deliver(ctx context.Context, d deliverySpec) error {
	donor := s.users[d.by]
	found, err := s.a.Store.ListPledges(ctx, model.PledgeFilter{RequirementID: s.reqs[d.req].ID, DonorOrgID: donor.Org.ID, Status: model.PledgeConfirmed}, "", 1)
	if err != nil {
		return err
	}
	if len(found) == 0 {
		return fmt.Errorf("no confirmed pledge")
	}
	id := found[0].ID
	for _, m := range []struct {
		kind model.MilestoneKind
		ago  int
	}{{model.MilestoneOrdered, d.orderedAgo}, {model.MilestoneDelivered, d.deliveredAgo}} {
		if _, err := s.a.Delivery.AddMilestone(ctx, donor, id, delivery.MilestoneInput{Kind: ptr(m.kind), Date: ptr(s.today.AddDays(-m.ago))}); err != nil {
			return err
		}
	}
	_, err = s.a.Delivery.Receipt(ctx, s.users[d.requester], id, delivery.ReceiptInput{Outcome: ptr(model.ReceiptReceived), Note: ptr(d.note)})
	return err
}
