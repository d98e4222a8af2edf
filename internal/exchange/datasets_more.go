package exchange

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// codes writes a constraint set in one cell; an empty cell is an open set.
func codes[T ~string](set []T) string {
	s := make([]string, len(set))
	for i, c := range set {
		s[i] = string(c)
	}
	return strings.Join(s, ";")
}

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

// OfferFilter reads the offer list filters, refusing unknown codes.
func OfferFilter(q url.Values) (model.OfferFilter, error) {
	f := model.OfferFilter{
		DonorOrgID: q.Get("donor"),
		Status:     model.OfferStatus(q.Get("status")),
		Sector:     model.Sector(q.Get("sector")),
		Category:   model.Category(q.Get("category")),
	}
	switch {
	case f.Status != "" && !f.Status.Valid():
		return f, model.Invalid("status", "%q is not an offer status; use open, withdrawn or rejected", f.Status)
	case f.Sector != "" && !f.Sector.Valid():
		return f, model.Invalid("sector", "%q is not a sector", f.Sector)
	case f.Category != "" && !f.Category.Valid():
		return f, model.Invalid("category", "%q is not a category", f.Category)
	}
	return f, nil
}

func eachOffer(s *Service, q url.Values) (func(ctx context.Context, v policy.Viewer, fn func(offerRow) error) error, error) {
	f, err := OfferFilter(q)
	if err != nil {
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

type lessonRow struct {
	model.Lesson
	author string
}

var lessonColumns = []column[lessonRow]{
	{"id", func(l lessonRow) string { return l.ID }},
	{"title", func(l lessonRow) string { return l.Title }},
	{"link", func(l lessonRow) string { return string(l.Link) }},
	{"link_id", func(l lessonRow) string { return l.LinkID }},
	{"author_org_id", func(l lessonRow) string { return l.AuthorOrgID }},
	{"author", func(l lessonRow) string { return l.author }},
	{"status", func(l lessonRow) string { return string(l.Status) }},
	{"owner_user_id", func(l lessonRow) string { return l.OwnerUserID }},
	{"review_on", func(l lessonRow) string { return date(l.ReviewOn) }},
	{"tlp", func(l lessonRow) string { return string(l.TLP) }},
	{"what_happened", func(l lessonRow) string { return l.WhatHappened }},
	{"what_learned", func(l lessonRow) string { return l.WhatLearned }},
	{"recommendation", func(l lessonRow) string { return l.Recommendation }},
	{"created_at", func(l lessonRow) string { return instant(l.CreatedAt) }},
	{"updated_at", func(l lessonRow) string { return instant(l.UpdatedAt) }},
}

// LessonFilter reads the lesson list filters.
func LessonFilter(q url.Values) (lessons.Filter, error) {
	f := lessons.Filter{Status: model.LessonStatus(q.Get("status")), LinkID: q.Get("link_id")}
	if f.Status != "" && !f.Status.Valid() {
		return f, model.Invalid("status", "%q is not a recommendation status", f.Status)
	}
	if d := q.Get("due"); d != "" {
		due, err := strconv.ParseBool(d)
		if err != nil {
			return f, model.Invalid("due", "%q is not true or false", d)
		}
		f.Due = due
	}
	return f, nil
}

// eachLesson asks the lessons service, which alone knows when a lesson about
// a record hidden from the viewer is hidden too.
func eachLesson(s *Service, q url.Values) (func(ctx context.Context, v policy.Viewer, fn func(lessonRow) error) error, error) {
	f, err := LessonFilter(q)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, v policy.Viewer, fn func(lessonRow) error) error {
		names, err := s.orgNames(ctx)
		if err != nil {
			return err
		}
		return s.lessons.Each(ctx, v, f, func(l model.Lesson) error {
			return fn(lessonRow{Lesson: l, author: names[l.AuthorOrgID]})
		})
	}, nil
}
