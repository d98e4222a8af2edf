package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Matching checks the offers catalogue, the links of pledges to offers with
// the committed amounts they add up to, and deconfliction acknowledgements.
func Matching(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	donor := newOrg(t, s, "Estonia")
	other := newOrg(t, s, "Poland")
	ben := newOrg(t, s, "Ukrenergo")
	u := newUser(t, s, donor.ID, "donor@example.org", model.RoleDonor)

	o := model.Offer{
		DonorOrgID: donor.ID, Title: "EDR licences", Description: "1,000 seats for a year", Kind: model.PledgeInKind,
		AmountMinor: 120_000_00, Currency: "USD", EURMinor: 110_803_32, Rate: "1.083", RateDate: model.NewDate(2025, 3, 13),
		OfferDate: model.NewDate(2025, 3, 14), Quantity: 1000, Unit: "seat",
		Sectors: []model.Sector{"telecom", "energy", "energy"}, Categories: []model.Category{"edr"},
		Regions: []string{"UA-46", "UA-30"}, ValidUntil: model.NewDate(2025, 12, 31),
		Status: model.OfferOpen, Review: model.ReviewNotRequired, TLP: model.TLPRed, CreatedBy: u.ID,
		NamedUserIDs: []string{u.ID}, CreatedAt: t0,
	}
	must(t, s.CreateOffer(ctx, &o))
	same(t, o.Sectors, []model.Sector{"energy", "telecom"})
	got, err := s.OfferByID(ctx, o.ID)
	must(t, err)
	same(t, got, o)
	_, err = s.OfferByID(ctx, "missing")
	wantErr(t, err, model.ErrNotFound)

	o.Title, o.Status, o.Lines, o.Regions, o.TLP, o.NamedUserIDs = "EDR seats", model.OfferWithdrawn, []model.LineOfEffort{model.LineSustain}, nil, model.TLPGreen, nil
	o.UpdatedAt = t0.Add(time.Hour)
	must(t, s.InTx(ctx, func(q store.Queries) error { return q.UpdateOffer(ctx, &o) }))
	got, err = s.OfferByID(ctx, o.ID)
	must(t, err)
	same(t, got, o)

	open := model.Offer{
		DonorOrgID: other.ID, Title: "Energy budget", Kind: model.PledgeMoney, AmountMinor: 1_000_000_00, Currency: "EUR",
		EURMinor: 1_000_000_00, Rate: "1", RateDate: model.NewDate(2025, 3, 14), OfferDate: model.NewDate(2025, 3, 14),
		ValidUntil: model.NewDate(2026, 1, 1), Status: model.OfferOpen, Review: model.ReviewNotRequired, TLP: model.TLPAmber,
	}
	must(t, s.CreateOffer(ctx, &open))
	list, err := s.ListOffers(ctx, model.OfferFilter{}, "", 0)
	must(t, err)
	same(t, len(list), 2)
	same(t, list[0].ID, open.ID)
	for _, tc := range []struct {
		f    model.OfferFilter
		want []string
	}{
		{model.OfferFilter{DonorOrgID: donor.ID}, []string{o.ID}},
		{model.OfferFilter{Status: model.OfferOpen}, []string{open.ID}},
		{model.OfferFilter{Sector: "energy"}, newestFirst(o.ID, open.ID)},
		{model.OfferFilter{Sector: "water"}, []string{open.ID}}, // an open set serves every sector
		{model.OfferFilter{Category: "training"}, []string{open.ID}},
		{model.OfferFilter{Category: "edr"}, newestFirst(o.ID, open.ID)},
	} {
		list, err := s.ListOffers(ctx, tc.f, "", 0)
		must(t, err)
		var ids []string
		for _, x := range list {
			ids = append(ids, x.ID)
		}
		same(t, ids, tc.want)
	}
	both, err := s.OffersByID(ctx, []string{open.ID, "missing", o.ID, open.ID})
	must(t, err)
	same(t, len(both), 2)
	byID := func(os []model.Offer) map[string]model.Offer {
		m := map[string]model.Offer{}
		for _, x := range os {
			m[x.ID] = x
		}
		return m
	}
	same(t, byID(both), byID(list))
	page, err := s.ListOffers(ctx, model.OfferFilter{}, open.ID, 1)
	must(t, err)
	same(t, len(page), 1)
	same(t, page[0].ID, o.ID)

	req := newRequirement(t, s, ben.ID, nil)
	p1 := newPledge(t, s, other.ID, req.ID, func(p *model.Pledge) { p.EURMinor = 300_00 })
	p2 := newPledge(t, s, other.ID, req.ID, func(p *model.Pledge) { p.EURMinor = 200_00 })
	p3 := newPledge(t, s, other.ID, req.ID, func(p *model.Pledge) { p.EURMinor = 1_00; p.Status = model.PledgeWithdrawn })
	must(t, s.InTx(ctx, func(q store.Queries) error {
		for _, p := range []model.Pledge{p1, p2, p3} {
			if err := q.LinkOfferPledge(ctx, model.OfferPledge{OfferID: open.ID, PledgeID: p.ID}); err != nil {
				return err
			}
		}
		return nil
	}))
	err = s.LinkOfferPledge(ctx, model.OfferPledge{OfferID: o.ID, PledgeID: p1.ID})
	if !errors.Is(err, model.ErrDuplicate) {
		t.Fatalf("a pledge drawn from two offers: %v", err)
	}
	committed, err := s.OfferCommitted(ctx)
	must(t, err)
	same(t, committed, map[string]int64{open.ID: 500_00})
	links, err := s.OfferPledges(ctx, []string{open.ID})
	must(t, err)
	same(t, len(links), 3)
	all, err := s.OfferPledges(ctx, nil)
	must(t, err)
	same(t, all, links)
	none, err := s.OfferPledges(ctx, []string{o.ID})
	must(t, err)
	same(t, len(none), 0)

	a := model.Acknowledgement{Key: "gap:" + req.ID, Comment: "Funding arranged bilaterally", UserID: u.ID, OrgID: donor.ID, At: t0}
	must(t, s.PutAcknowledgement(ctx, a))
	a.Comment, a.At = "Seen again", t0.Add(time.Minute)
	must(t, s.InTx(ctx, func(q store.Queries) error { return q.PutAcknowledgement(ctx, a) }))
	acks, err := s.Acknowledgements(ctx)
	must(t, err)
	a.At = a.At.UTC()
	same(t, acks, map[string]model.Acknowledgement{a.Key: a})
}
