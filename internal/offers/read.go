package offers

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// Get returns an offer v may see; any other is ErrNotFound.
func (s *Service) Get(ctx context.Context, v policy.Viewer, id string) (View, error) {
	o, err := s.store.OfferByID(ctx, id)
	if err != nil {
		return View{}, err
	}
	if !policy.Visible(v, policy.OfferResource(o)) {
		return View{}, model.ErrNotFound
	}
	return s.viewOf(ctx, v, o)
}

// Seen reports which of the offers ids v may see, decided by the database
// as the lists are (policy.AudienceOf), in one query: a search checks up to
// a thousand hits at once, and reading each whole, with its access list,
// was most of a search's time at 10,000 offers. The offers a search then
// shows still go through Get.
func (s *Service) Seen(ctx context.Context, v policy.Viewer, ids []string) (map[string]bool, error) {
	found, err := s.store.SeenOfferIDs(ctx, policy.AudienceOf(v), ids)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(found))
	for _, id := range found {
		seen[id] = true
	}
	return seen, nil
}

// Read reports which of the offers ids v may see, as Get would answer for
// each, in two queries (the offers, then their access lists): a search
// checks the page it shows with it, after Seen decided every candidate in
// the database.
func (s *Service) Read(ctx context.Context, v policy.Viewer, ids []string) (map[string]bool, error) {
	os, err := s.store.OffersByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(os))
	for _, o := range os {
		if policy.Visible(v, policy.OfferResource(o)) {
			seen[o.ID] = true
		}
	}
	return seen, nil
}

func (s *Service) viewOf(ctx context.Context, v policy.Viewer, o model.Offer) (View, error) {
	views, err := s.pageViews(ctx, v, []model.Offer{o})
	if err != nil {
		return View{}, err
	}
	return views[0], nil
}

const MaxPage = 200

// List returns up to limit offers v may see, and the next cursor ("" at the end).
func (s *Service) List(ctx context.Context, v policy.Viewer, f model.OfferFilter, after string, limit int) ([]View, string, error) {
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	var out []model.Offer
	cursor := after
	for {
		batch, err := s.store.ListOffers(ctx, f, cursor, limit+1)
		if err != nil {
			return nil, "", err
		}
		for _, o := range batch {
			if !policy.Visible(v, policy.OfferResource(o)) {
				continue
			}
			if len(out) == limit {
				views, err := s.pageViews(ctx, v, out)
				return views, out[len(out)-1].ID, err
			}
			out = append(out, o)
		}
		if len(batch) < limit+1 {
			views, err := s.pageViews(ctx, v, out)
			return views, "", err
		}
		cursor = batch[len(batch)-1].ID
	}
}

// All returns every offer v may see that matches f, for matching and reports.
func (s *Service) All(ctx context.Context, v policy.Viewer, f model.OfferFilter) ([]View, error) {
	return s.AllWhere(ctx, v, f, func(model.Offer) bool { return true })
}

// AllWhere is All of the offers keep keeps: what each has committed is read
// for those alone, the pledges drawn from the whole catalogue being most of
// the cost of All at a million pledges.
func (s *Service) AllWhere(ctx context.Context, v policy.Viewer, f model.OfferFilter, keep func(model.Offer) bool) ([]View, error) {
	batch, err := s.store.ListOffers(ctx, f, "", 0)
	if err != nil {
		return nil, err
	}
	var out []model.Offer
	for _, o := range batch {
		if policy.Visible(v, policy.OfferResource(o)) && keep(o) {
			out = append(out, o)
		}
	}
	return s.Views(ctx, v, out)
}

// Views adds to each offer what is committed from it and what is left,
// counting only the pledges drawn from it that v may see, so that the
// figure never reveals a pledge hidden from v. The offers are ones v may
// see. It serves readings of many offers (All, exports); pages use
// pageViews.
func (s *Service) Views(ctx context.Context, v policy.Viewer, os []model.Offer) ([]View, error) {
	return s.views(ctx, v, os, s.pledges.Those)
}

// pageViews is Views for a page or one offer, the pledges' requirements
// described from the records pages keep (pledges.ThoseForPage).
func (s *Service) pageViews(ctx context.Context, v policy.Viewer, os []model.Offer) ([]View, error) {
	return s.views(ctx, v, os, s.pledges.ThoseForPage)
}

func (s *Service) views(ctx context.Context, v policy.Viewer, os []model.Offer,
	those func(context.Context, policy.Viewer, []string) ([]model.Pledge, error)) ([]View, error) {
	out := make([]View, len(os))
	if len(os) == 0 {
		return out, nil
	}
	ids := make([]string, len(os))
	for i, o := range os {
		ids[i] = o.ID
	}
	links, err := s.store.OfferPledges(ctx, ids)
	if err != nil {
		return nil, err
	}
	// Only the pledges drawn from these offers are read: reading every
	// pledge of their donors, as this did, grew with the donors' pledges
	// (tens of thousands each at a million pledges) for a page of fifty
	// offers.
	offerOf := make(map[string]string, len(links))
	pledgeIDs := make([]string, 0, len(links))
	for _, l := range links {
		offerOf[l.PledgeID] = l.OfferID
		pledgeIDs = append(pledgeIDs, l.PledgeID)
	}
	donorOf := make(map[string]string, len(os))
	for _, o := range os {
		donorOf[o.ID] = o.DonorOrgID
	}
	drawn, err := those(ctx, v, pledgeIDs)
	if err != nil {
		return nil, err
	}
	committed := map[string]int64{}
	for _, p := range drawn {
		// A pledge counts against an offer of its own donor only, as when
		// the donor's pledges were read.
		if offer := offerOf[p.ID]; p.DonorOrgID == donorOf[offer] && p.Status.Counts() {
			committed[offer] += p.EURMinor
		}
	}
	today := model.DateOf(s.now())
	for i, o := range os {
		if !policy.SeesAccessLists(v, policy.OfferResource(o)) && !v.InOrg(o.DonorOrgID) {
			o.NamedUserIDs = nil
		}
		// Open constraint sets read as empty lists, never null.
		o.Sectors = nonNil(o.Sectors)
		o.Categories = nonNil(o.Categories)
		o.Lines = nonNil(o.Lines)
		o.Regions = nonNil(o.Regions)
		out[i] = View{Offer: o, CommittedEURMinor: committed[o.ID], AvailableEURMinor: max(0, o.EURMinor-committed[o.ID]), Usable: o.Usable(today)}
	}
	return out, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// AuditObject describes an offer to the audit log, under its label then and now.
func (s *Service) AuditObject(ctx context.Context, id string) (audit.Object, error) {
	o, err := s.store.OfferByID(ctx, id)
	if err != nil {
		return audit.Object{}, err
	}
	return audit.Object{Now: policy.OfferResource(o), AsOf: audit.Snapshot(policy.OfferResource)}, nil
}
