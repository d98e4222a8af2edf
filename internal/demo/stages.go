package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
)

// trancheSpec is money paid out on a donor's confirmed pledge, some weeks
// after the pledge (after, the weeks before it) in the demo's history.
type trancheSpec struct {
	req, by  string
	amount   int64 // whole units of currency
	currency string
	weeks    int
	note     string
}

var trancheSpecs = []trancheSpec{
	{req: "backup-dc", by: "donor", amount: 8_000_000, currency: "USD", weeks: 6, note: "Construction works, first phase"},
	{req: "backup-dc", by: "donor", amount: 6_500_000, currency: "USD", weeks: 20, note: "Equipment delivered to the site"},
	{req: "backup-dc", by: "donor.eu", amount: 12_000_000, currency: "EUR", weeks: 4, note: "Grant instalment 1 of 3"},
	{req: "substations", by: "donor.uk", amount: 5_000_000, currency: "GBP", weeks: 8, note: "Protection relays, lot 1"},
	{req: "cyber-range", by: "donor.dk", amount: 7_500_000, currency: "DKK", weeks: 5, note: "Range hardware"},
}

// planStages adds the later stages of pledges to the history: tranches
// paid out in several currencies, a pass-through pledge of European Union
// money that Estonia implements, and a suspended pledge whose gap is open
// again. Each comes after the pledge it follows, and before the history ends.
func (s *seeder) planStages() {
	find := func(ctx context.Context, req, by string) (model.Pledge, error) {
		ps, err := s.a.Pledges.All(ctx, operator, model.PledgeFilter{RequirementID: s.reqs[req].ID, DonorOrgID: s.users[by].Org.ID})
		if err != nil {
			return model.Pledge{}, err
		}
		if len(ps) == 0 {
			return model.Pledge{}, fmt.Errorf("no pledge of %s on %q", by, req)
		}
		return ps[0], nil
	}
	after := func(req, by string, d time.Duration) time.Time {
		at := s.pledgeAt[pledgeKey(req, by)].Add(d)
		if last := s.end.Add(-24 * time.Hour); at.After(last) {
			at = last
		}
		return at
	}
	for _, t := range trancheSpecs {
		at := after(t.req, t.by, time.Duration(t.weeks)*7*24*time.Hour)
		s.tl.at(at, func(ctx context.Context) error {
			p, err := find(ctx, t.req, t.by)
			if err != nil {
				return err
			}
			amount := t.amount * 100
			if _, err := s.a.Pledges.Disburse(ctx, s.users[t.by], p.ID, pledges.DisbursementInput{
				AmountMinor: &amount, Currency: ptr(t.currency), Date: ptr(model.DateOf(at)), Note: ptr(t.note),
			}); err != nil {
				return fmt.Errorf("demo tranche of %s on %q: %w", t.by, t.req, err)
			}
			return nil
		})
	}

	through := after("cyber-range", "donor.dk", 3*7*24*time.Hour)
	s.tl.at(through, func(ctx context.Context) error {
		eu := s.orgs["eu"].ID
		p, err := s.a.Pledges.Create(ctx, s.users["donor.ee"], pledges.Input{
			RequirementID: ptr(s.reqs["cyber-range"].ID), AmountMinor: ptr(int64(1_500_000_00)), Currency: ptr("EUR"),
			Description: ptr("Range exercises run by the Estonian team, funded by the European Union."),
			PledgeDate:  ptr(model.DateOf(through)), TLP: ptr(tlpGreen), FunderOrgID: &eu,
		})
		if err == nil {
			_, err = s.a.Pledges.Confirm(ctx, s.users["donor.ee"], p.ID)
		}
		if err != nil {
			return fmt.Errorf("demo pass-through pledge: %w", err)
		}
		return nil
	})

	s.tl.at(after("fw-telecom", "donor.se", 9*7*24*time.Hour), func(ctx context.Context) error {
		frozen, err := find(ctx, "fw-telecom", "donor.se")
		if err == nil {
			_, err = s.a.Pledges.Suspend(ctx, s.users["donor.se"], frozen.ID, "The programme's budget line is frozen until the parliament adopts the amended budget.")
		}
		if err != nil {
			return fmt.Errorf("demo suspended pledge: %w", err)
		}
		return nil
	})
}
