package storetest

import (
	"errors"
	"slices"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Streams checks the row iterators of exports, one generic mechanism over
// four tables.
func Streams(t *testing.T, s *store.DB) {
	t.Run("pledges and requirements", func(t *testing.T) { testPledgeStreams(t, s) })
	t.Run("offers and lessons", func(t *testing.T) { testOfferStreams(t, s) })
}

// testPledgeStreams checks the pledge and requirement iterators of exports: every matching row once,
// newest first, across batch boundaries, with access lists, stopping at the
// callback's first error.
func testPledgeStreams(t *testing.T, s *store.DB) {
	donor := newOrg(t, s, "Estonia")
	other := newOrg(t, s, "Latvia")
	ben := newOrg(t, s, "Ukrenergo")
	req := newRequirement(t, s, ben.ID, func(r *model.Requirement) { r.SharedOrgIDs = []string{other.ID} })
	var want []string
	const n = 2100 // more than two batches
	must(t, s.InTx(ctxOf(t), func(q store.Queries) error {
		for i := range n {
			org := donor.ID
			if i%3 == 0 {
				org = other.ID
			}
			p := newPledge(t, q, org, req.ID, func(p *model.Pledge) {
				if i == 7 {
					p.SharedOrgIDs = []string{ben.ID}
				}
				if i == 8 {
					// Every kind of column, to compare with an ordinary read.
					p.RateDate, p.PledgeDate = model.NewDate(2026, 2, 27), model.NewDate(2026, 3, 1)
					p.PeriodStart, p.PeriodEnd = model.NewDate(2026, 4, 1), model.NewDate(2027, 3, 31)
					p.Sector, p.Category, p.BeneficiaryOrgID = model.Sector("water"), model.Category("edr"), ben.ID
					p.Channel, p.IATIIdentifier, p.Description = model.ChannelBilateral, "XM-1", "Pompes «à eau»\nand a comma, too"
				}
			})
			if org == donor.ID {
				want = append(want, p.ID)
			}
		}
		return nil
	}))
	slices.Reverse(want)
	var got []string
	shared := 0
	var full []model.Pledge
	must(t, s.EachPledge(ctxOf(t), model.PledgeFilter{DonorOrgID: donor.ID}, func(p model.Pledge) error {
		got = append(got, p.ID)
		if p.IATIIdentifier != "" || len(p.SharedOrgIDs) > 0 {
			full = append(full, p)
		}
		if len(p.SharedOrgIDs) == 1 && p.SharedOrgIDs[0] == ben.ID {
			shared++
		}
		return nil
	}))
	same(t, got, want)
	same(t, shared, 1)
	same(t, len(full), 2)
	for _, p := range full {
		byID, err := s.PledgeByID(ctxOf(t), p.ID)
		must(t, err)
		same(t, p, byID)
	}

	// Inside a transaction the batches are read one after another on its
	// connection, with the same result.
	got = got[:0]
	must(t, s.InTx(ctxOf(t), func(q store.Queries) error {
		return q.EachPledge(ctxOf(t), model.PledgeFilter{DonorOrgID: donor.ID}, func(p model.Pledge) error {
			got = append(got, p.ID)
			return nil
		})
	}))
	same(t, got, want)

	stop := errors.New("stop")
	calls := 0
	err := s.EachPledge(ctxOf(t), model.PledgeFilter{}, func(model.Pledge) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	})
	wantErr(t, err, stop)
	same(t, calls, 3)

	var reqs []model.Requirement
	must(t, s.EachRequirement(ctxOf(t), model.RequirementFilter{Beneficiary: ben.ID}, func(r model.Requirement) error {
		reqs = append(reqs, r)
		return nil
	}))
	same(t, len(reqs), 1)
	same(t, reqs[0].SharedOrgIDs, []string{other.ID})
	must(t, s.EachRequirement(ctxOf(t), model.RequirementFilter{Beneficiary: donor.ID}, func(model.Requirement) error {
		t.Error("a requirement of another beneficiary was iterated")
		return nil
	}))
}

// testOfferStreams checks the offer and lesson iterators of exports: every
// matching row once, newest first, across batch boundaries, with access
// lists, stopping at the callback's first error.
func testOfferStreams(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	donor := newOrg(t, s, "Finland")
	other := newOrg(t, s, "Poland")
	u := newUser(t, s, donor.ID, "offers@example.org", model.RoleDonor)
	const n = 2100 // more than two batches of lessons, one of the donor's offers
	var wantOffers, wantLessons []string
	must(t, s.InTx(ctx, func(q store.Queries) error {
		for i := range n {
			org := donor.ID
			if i%3 == 0 {
				org = other.ID
			}
			o := model.Offer{
				DonorOrgID: org, Title: "Energy budget", Kind: model.PledgeMoney, AmountMinor: 1_000_00, Currency: "EUR",
				EURMinor: 1_000_00, Rate: "1", RateDate: model.NewDate(2025, 3, 14), OfferDate: model.NewDate(2025, 3, 14),
				ValidUntil: model.NewDate(2026, 1, 1), Status: model.OfferOpen, Review: model.ReviewNotRequired, TLP: model.TLPAmber,
				Sectors: []model.Sector{"energy"}, CreatedAt: t0,
			}
			if i == 7 {
				o.TLP, o.NamedUserIDs = model.TLPRed, []string{u.ID}
			}
			must(t, q.CreateOffer(ctx, &o))
			if org == donor.ID {
				wantOffers = append(wantOffers, o.ID)
			}
			l := model.Lesson{Title: "Plan customs", Link: model.LinkNone, Status: model.LessonProposed,
				TLP: model.TLPGreen, AuthorOrgID: org, CreatedBy: u.ID, CreatedAt: t0, UpdatedAt: t0}
			if i == 9 {
				l.TLP, l.NamedUserIDs = model.TLPRed, []string{u.ID}
			}
			must(t, q.CreateLesson(ctx, &l))
			wantLessons = append(wantLessons, l.ID)
		}
		return nil
	}))
	slices.Reverse(wantOffers)
	slices.Reverse(wantLessons)

	var got []string
	named := 0
	must(t, s.EachOffer(ctx, model.OfferFilter{DonorOrgID: donor.ID, Sector: "energy"}, func(o model.Offer) error {
		got = append(got, o.ID)
		if len(o.NamedUserIDs) == 1 && o.NamedUserIDs[0] == u.ID {
			named++
		}
		return nil
	}))
	same(t, got, wantOffers)
	same(t, named, 1)
	none := 0
	must(t, s.EachOffer(ctx, model.OfferFilter{Sector: "telecom"}, func(model.Offer) error { none++; return nil }))
	same(t, none, 0)

	got, named = nil, 0
	must(t, s.EachLesson(ctx, func(l model.Lesson) error {
		got = append(got, l.ID)
		if len(l.NamedUserIDs) == 1 && l.NamedUserIDs[0] == u.ID {
			named++
		}
		return nil
	}))
	same(t, got, wantLessons)
	same(t, named, 1)

	stop := errors.New("stop")
	calls := 0
	err := s.EachOffer(ctx, model.OfferFilter{}, func(model.Offer) error {
		if calls++; calls == 3 {
			return stop
		}
		return nil
	})
	wantErr(t, err, stop)
	same(t, calls, 3)
	calls = 0
	err = s.EachLesson(ctx, func(model.Lesson) error {
		if calls++; calls == 3 {
			return stop
		}
		return nil
	})
	wantErr(t, err, stop)
	same(t, calls, 3)
}
