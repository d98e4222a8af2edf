package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/cyberaid/cyberaid/internal/delivery"
	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
)

// deliverySpec walks one confirmed pledge to the beneficiary's receipt:
// ordered some weeks after the pledge, delivered some months later, and
// its receipt confirmed within days.
type deliverySpec struct {
	req, by   string // the pledge: its requirement and donor user
	requester string // who confirms receipt for the beneficiary
	note      string
}

// The SOC training need is met in full, so that the demo shows a delivered
// requirement its beneficiary may close; the others give the lead-time
// chart its bars.
var deliverySpecs = []deliverySpec{
	{req: "soc-training", by: "donor.ee", requester: "requester", note: "Course held in Kyiv for 24 analysts"},
	{req: "soc-training", by: "donor.se", requester: "requester", note: "Second cohort trained"},
	{req: "audit-regulator", by: "donor.fr", requester: "requester", note: "Audit report handed over"},
	{req: "sat-backhaul", by: "donor", requester: "requester.telecom", note: "Terminals installed at twelve exchanges"},
	{req: "edr-energy", by: "donor", requester: "requester.energy", note: "Agents deployed on the first 3,000 hosts"},
	{req: "ir-retainer", by: "donor.uk", requester: "requester", note: "Retainer contract signed, first call-out answered"},
	{req: "substations", by: "donor.de", requester: "requester.energy", note: "Protection relays replaced at four substations"},
	{req: "cyber-range", by: "donor.ee", requester: "requester", note: "Range hosted its first exercise"},
}

// planDeliveries puts each delivery on the timeline after its pledge.
func (s *seeder) planDeliveries() {
	for _, d := range deliverySpecs {
		pledged, ok := s.pledgeAt[pledgeKey(d.req, d.by)]
		if !ok {
			continue
		}
		ordered := pledged.Add(s.tl.days(20, 45))
		delivered := ordered.Add(s.tl.days(30, 120))
		// A need whose every pledge is delivered takes no more pledges: the
		// last delivery waits for the last pledge.
		for _, p := range pledgeSpecs {
			if at := s.pledgeAt[pledgeKey(p.req, p.by)]; p.req == d.req && !delivered.After(at) {
				delivered = at.Add(s.tl.days(2, 6))
			}
		}
		received := delivered.Add(s.tl.days(3, 14))
		if received.After(s.end) {
			continue
		}
		var id string
		fail := func(err error) error {
			if err != nil {
				return fmt.Errorf("demo delivery of %s on %q: %w", d.by, d.req, err)
			}
			return nil
		}
		donor := s.users[d.by]
		s.tl.at(ordered, func(ctx context.Context) error {
			found, err := s.a.Store.ListPledges(ctx, model.PledgeFilter{RequirementID: s.reqs[d.req].ID, DonorOrgID: donor.Org.ID, Status: model.PledgeConfirmed}, "", 1)
			if err != nil {
				return fail(err)
			}
			if len(found) == 0 {
				return fail(fmt.Errorf("no confirmed pledge"))
			}
			id = found[0].ID
			return fail(s.milestone(ctx, d, id, model.MilestoneOrdered, ordered))
		})
		s.tl.at(delivered, func(ctx context.Context) error {
			return fail(s.milestone(ctx, d, id, model.MilestoneDelivered, delivered))
		})
		s.tl.at(received, func(ctx context.Context) error {
			_, err := s.a.Delivery.Receipt(ctx, s.users[d.requester], id, delivery.ReceiptInput{Outcome: ptr(model.ReceiptReceived), Note: ptr(d.note)})
			return fail(err)
		})
	}
}

func (s *seeder) milestone(ctx context.Context, d deliverySpec, pledgeID string, kind model.MilestoneKind, at time.Time) error {
	_, err := s.a.Delivery.AddMilestone(ctx, s.users[d.by], pledgeID, delivery.MilestoneInput{Kind: ptr(kind), Date: ptr(dateOf(at))})
	return err
}

// createLesson records what the coordinators learned from the training
// delivered, due for review now.
func (s *seeder) createLesson(ctx context.Context) error {
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
