package storetest

import (
	"errors"
	"slices"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// MoreStreams checks the offer and lesson iterators of exports: every
// matching row once, newest first, across page boundaries, with access
// lists, stopping at the callback's first error.
func MoreStreams(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	donor := newOrg(t, s, "Estonia")
	other := newOrg(t, s, "Latvia")
	u := newUser(t, s, donor.ID, "donor@example.org", model.RoleDonor)
	const n = 1100 // more than two pages
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
