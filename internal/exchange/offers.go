package exchange

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
	"github.com/cyberaid/cyberaid/internal/policy"
)

type offerRow struct {
	offers.View
	donor string
}

var offerColumns = []column[offerRow]{
	{"id", func(o offerRow) string { return o.ID }},
	{"donor_org_id", func(o offerRow) string { return o.DonorOrgID }},
	{"donor", func(o offerRow) string { return o.donor }},
	{"title", func(o offerRow) string { return o.Title }},
	{"kind", func(o offerRow) string { return string(o.Kind) }},
	{"status", func(o offerRow) string { return string(o.Status) }},
	{"review", func(o offerRow) string { return string(o.Review) }},
	{"amount", func(o offerRow) string { return decimal(o.AmountMinor, o.Currency) }},
	{"currency", func(o offerRow) string { return o.Currency }},
	{"amount_eur", func(o offerRow) string { return decimal(o.EURMinor, "EUR") }},
	// What is drawn from the offer by pledges the viewer may see, and what
	// is left: the figures of the offer's page.
	{"committed_eur", func(o offerRow) string { return decimal(o.CommittedEURMinor, "EUR") }},
	{"available_eur", func(o offerRow) string { return decimal(o.AvailableEURMinor, "EUR") }},
	{"rate", func(o offerRow) string { return o.Rate }},
	{"rate_date", func(o offerRow) string { return date(o.RateDate) }},
	{"offer_date", func(o offerRow) string { return date(o.OfferDate) }},
	{"quantity", func(o offerRow) string { return itoa(o.Quantity) }},
	{"unit", func(o offerRow) string { return o.Unit }},
	{"sectors", func(o offerRow) string { return codes(o.Sectors) }},
	{"categories", func(o offerRow) string { return codes(o.Categories) }},
	{"lines_of_effort", func(o offerRow) string { return codes(o.Lines) }},
	{"regions", func(o offerRow) string { return codes(o.Regions) }},
	{"valid_until", func(o offerRow) string { return date(o.ValidUntil) }},
	{"tlp", func(o offerRow) string { return string(o.TLP) }},
	{"description", func(o offerRow) string { return o.Description }},
	{"created_at", func(o offerRow) string { return instant(o.CreatedAt) }},
	{"updated_at", func(o offerRow) string { return instant(o.UpdatedAt) }},
}

func eachOffer(s *Service, filter Filter) (func(ctx context.Context, v policy.Viewer, fn func(offerRow) error) error, error) {
	f := filter.Offers
	if err := f.Check(); err != nil {
		return nil, err
	}
	return func(ctx context.Context, v policy.Viewer, fn func(offerRow) error) error {
		names, err := s.orgNames(ctx)
		if err != nil {
			return err
		}
		// Offers go out a page at a time, which is also how their committed
		// amounts are counted.
		page := make([]model.Offer, 0, offerPage)
		flush := func() error {
			views, err := s.offers.Views(ctx, v, page)
			if err != nil {
				return err
			}
			for _, o := range views {
				if err := fn(offerRow{View: o, donor: names[o.DonorOrgID]}); err != nil {
					return err
				}
			}
			page = page[:0]
			return nil
		}
		err = s.store.EachOffer(ctx, f, func(o model.Offer) error {
			if !policy.Visible(v, policy.OfferResource(o)) {
				return nil
			}
			if page = append(page, o); len(page) == offerPage {
				return flush()
			}
			return nil
		})
		if err != nil || len(page) == 0 {
			return err
		}
		return flush()
	}, nil
}

// offerPage is how many offers an export holds at once.
const offerPage = 200
