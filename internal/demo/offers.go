package demo

import (
	"context"
	"fmt"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
)

// offerSpecs fill the catalogue so that the matching workbench and the plan
// have something to work with: budgets and in-kind help, open and narrow.
var offerSpecs = []struct {
	by, title, description string
	kind                   model.PledgeKind
	amount                 int64
	currency               string
	quantity               int64
	unit                   string
	sectors                []model.Sector
	categories             []model.Category
	lines                  []model.LineOfEffort
	regions                []string
	days                   int
	tlp                    model.TLP
}{
	{"donor.de", "Energy sector resilience budget", "", model.PledgeMoney, 750_000_00, "EUR", 0, "",
		[]model.Sector{"energy"}, nil, []model.LineOfEffort{model.LineSupport, model.LineStrengthen}, nil, 180, model.TLPAmber},
	{"donor.uk", "Incident response retainer hours", "2,000 hours of incident response by certified responders.", model.PledgeInKind, 400_000_00, "GBP", 2000, "hour",
		nil, []model.Category{"incident_response"}, nil, nil, 120, model.TLPAmber},
	{"donor.company", "EDR licences", "1,000 endpoint detection and response seats for a year, with onboarding.", model.PledgeInKind, 90_000_00, "USD", 1000, "seat",
		nil, []model.Category{"edr"}, nil, nil, 90, model.TLPGreen},
	{"donor.pl", "Training places, western oblasts", "40 places on a two-week SOC analyst course.", model.PledgeInKind, 60_000_00, "PLN", 40, "place",
		nil, []model.Category{"training"}, []model.LineOfEffort{model.LineSustain}, []string{"UA-46", "UA-07", "UA-61"}, 150, model.TLPGreen},
	{"donor.eu", "Telecom and government services fund", "", model.PledgeMoney, 1_200_000_00, "EUR", 0, "",
		[]model.Sector{"telecom", "government"}, nil, nil, nil, 240, model.TLPAmber},
}

func (s *seeder) createOffers(ctx context.Context) error {
	for _, o := range offerSpecs {
		in := offers.Input{
			Title: ptr(o.title), Description: ptr(o.description), Kind: ptr(o.kind), AmountMinor: ptr(o.amount),
			Currency: ptr(o.currency), Quantity: ptr(o.quantity), Unit: ptr(o.unit),
			Sectors: ptr(o.sectors), Categories: ptr(o.categories), Lines: ptr(o.lines), Regions: ptr(o.regions),
			ValidUntil: ptr(s.today.AddDays(o.days)), TLP: ptr(o.tlp),
		}
		created, err := s.a.Offers.Create(ctx, s.users[o.by], in)
		if err != nil {
			return fmt.Errorf("demo offer %s: %w", o.title, err)
		}
		if created.Review == model.ReviewPending {
			if _, err := s.a.Offers.Review(ctx, s.users["coordinator"], created.ID, model.DecisionApprove, "Fits the mechanism's aims."); err != nil {
				return fmt.Errorf("demo offer review %s: %w", o.title, err)
			}
		}
	}
	return nil
}
