package demo

import (
	"context"
	"fmt"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
)

// trancheSpec is money paid out on a donor's confirmed pledge.
type trancheSpec struct {
	req, by  string
	amount   int64 // whole units of currency
	currency string
	daysAgo  int
	note     string
}

var trancheSpecs = []trancheSpec{
	{req: "backup-dc", by: "donor", amount: 8_000_000, currency: "USD", daysAgo: 400, note: "Construction works, first phase"},
	{req: "backup-dc", by: "donor", amount: 6_500_000, currency: "USD", daysAgo: 150, note: "Equipment delivered to the site"},
	{req: "backup-dc", by: "donor.eu", amount: 12_000_000, currency: "EUR", daysAgo: 600, note: "Grant instalment 1 of 3"},
	{req: "substations", by: "donor.uk", amount: 5_000_000, currency: "GBP", daysAgo: 200, note: "Protection relays, lot 1"},
	{req: "cyber-range", by: "donor.dk", amount: 7_500_000, currency: "DKK", daysAgo: 120, note: "Range hardware"},
}

// createStages adds the later stages of pledges: tranches paid out in
// several currencies, a pass-through pledge of European Union money that
// Estonia implements, and a suspended pledge whose gap is open again.
func (s *seeder) createStages(ctx context.Context) error {
	find := func(req, by string) (model.Pledge, error) {
		ps, err := s.a.Pledges.All(ctx, operator, model.PledgeFilter{RequirementID: s.reqs[req].ID, DonorOrgID: s.users[by].Org.ID})
		if err != nil {
			return model.Pledge{}, err
		}
		if len(ps) == 0 {
			return model.Pledge{}, fmt.Errorf("no pledge of %s on %q", by, req)
		}
		return ps[0], nil
	}
	for _, t := range trancheSpecs {
		p, err := find(t.req, t.by)
		if err != nil {
			return err
		}
		amount := t.amount * 100
		if _, err := s.a.Pledges.Disburse(ctx, s.users[t.by], p.ID, pledges.DisbursementInput{
			AmountMinor: &amount, Currency: ptr(t.currency), Date: ptr(s.today.AddDays(-t.daysAgo)), Note: ptr(t.note),
		}); err != nil {
			return fmt.Errorf("demo tranche of %s on %q: %w", t.by, t.req, err)
		}
	}

	eu := s.orgs["eu"].ID
	through, err := s.a.Pledges.Create(ctx, s.users["donor.ee"], pledges.Input{
		RequirementID: ptr(s.reqs["cyber-range"].ID), AmountMinor: ptr(int64(1_500_000_00)), Currency: ptr("EUR"),
		Description: ptr("Range exercises run by the Estonian team, funded by the European Union."),
		PledgeDate:  ptr(s.today.AddDays(-90)), TLP: ptr(tlpGreen), FunderOrgID: &eu,
	})
	if err == nil {
		_, err = s.a.Pledges.Confirm(ctx, s.users["donor.ee"], through.ID)
	}
	if err != nil {
		return fmt.Errorf("demo pass-through pledge: %w", err)
	}

	frozen, err := find("fw-telecom", "donor.se")
	if err == nil {
		_, err = s.a.Pledges.Suspend(ctx, s.users["donor.se"], frozen.ID, "The programme's budget line is frozen until the parliament adopts the amended budget.")
	}
	if err != nil {
		return fmt.Errorf("demo suspended pledge: %w", err)
	}
	return nil
}
