package offers

import (
	"context"
	"fmt"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// sortedReads are the store's sorted pages, which apply the policy's
// decision (policy.AudienceOf) in the database.
type sortedReads interface {
	PageOffers(ctx context.Context, f model.OfferFilter, a policy.Audience, s model.Sort, after string, limit int) ([]model.Offer, error)
	CountOffers(ctx context.Context, f model.OfferFilter, a policy.Audience) (int, error)
	SeenOfferIDs(ctx context.Context, a policy.Audience, ids []string) ([]string, error)
	// OfferVersion changes with every offer and offer's access list: all
	// that CountOffers reads.
	OfferVersion(ctx context.Context) (int64, error)
}

// Page returns one page of the offers v may see that match f, in order s,
// after cursor (as model.SortCursor wrote it), with how many there are in
// all. The database selects what policy.AudienceOf(v) sees; each row still
// passes through Visible here, so a fault of the translation hides an offer
// rather than shows one.
func (s *Service) Page(ctx context.Context, v policy.Viewer, f model.OfferFilter, order model.Sort, cursor string, limit int) (model.Listing[View], error) {
	after, err := model.ReadSortCursor(order, cursor)
	if err != nil {
		return model.Listing[View]{}, err
	}
	aud := policy.AudienceOf(v)
	offers, next, err := model.FillPage(after, limit, func(after string, n int) ([]model.Offer, error) {
		return s.store.PageOffers(ctx, f, aud, order, after, n)
	}, func(o model.Offer) (model.Offer, bool, error) {
		return o, policy.Visible(v, policy.OfferResource(o)), nil
	}, func(o model.Offer) string { return o.ID })
	if err != nil {
		return model.Listing[View]{}, err
	}
	items, err := s.pageViews(ctx, v, offers)
	if err != nil {
		return model.Listing[View]{}, err
	}
	total, err := s.total(ctx, v, aud, f)
	if err != nil {
		return model.Listing[View]{}, err
	}
	return model.Listing[View]{Items: items, Next: model.SortCursor(order, next), Total: total}, nil
}

// total counts the offers v sees under f, kept while no offer and no
// offer's access list changed: a count reads every offer the viewer sees.
func (s *Service) total(ctx context.Context, v policy.Viewer, aud policy.Audience, f model.OfferFilter) (int, error) {
	n, err := s.counted.Get(ctx, s.store.OfferVersion, fmt.Sprintf("offers counted\x00%#v", f), v, model.Date{}, func(ctx context.Context) (any, error) {
		s.counts.Add(1)
		return s.store.CountOffers(ctx, f, aud)
	})
	if err != nil {
		return 0, err
	}
	return n.(int), nil
}
