package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
	"github.com/cyberaid/cyberaid/internal/policy"
)

func strsOf[T ~string](in []T) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
}

// editableOffer returns the offer v may change; one v may see but not
// change is forbidden, one v may not see is not found.
func (s *Server) editableOffer(r *http.Request) (offers.View, error) {
	v := viewerOf(r)
	o, err := s.Offers.Get(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return offers.View{}, err
	}
	if err := policy.Authorize(v, policy.OffersEdit, policy.OfferResource(o.Offer)); err != nil {
		return offers.View{}, err
	}
	if o.Status != model.OfferOpen {
		return offers.View{}, model.Conflict("not_open", "a %s offer can no longer be changed", o.Status)
	}
	return o, nil
}

func (s *Server) editOfferPage(w http.ResponseWriter, r *http.Request) error {
	o, err := s.editableOffer(r)
	if err != nil {
		return err
	}
	return s.showOfferForm(w, r, offerForm{
		ID: o.ID, Title: o.Title, Description: o.Description, Kind: string(o.Kind),
		Amount: plainAmount(o.AmountMinor, o.Currency), Currency: o.Currency, Quantity: quantityField(o.Quantity), Unit: o.Unit,
		ValidUntil: o.ValidUntil.String(), TLP: string(o.TLP),
		Sectors: strsOf(o.Sectors), Categories: strsOf(o.Categories), Lines: strsOf(o.Lines), Regions: o.Regions,
	}, nil)
}

func quantityField(q int64) string {
	if q == 0 {
		return ""
	}
	return strconv.FormatInt(q, 10)
}

func offerFormOf(pf url.Values) offerForm {
	return offerForm{
		Title: pf.Get("title"), Description: pf.Get("description"), Kind: pf.Get("kind"), Amount: pf.Get("amount"),
		Currency: pf.Get("currency"), Quantity: pf.Get("quantity"), Unit: pf.Get("unit"), ValidUntil: pf.Get("valid_until"),
		TLP: pf.Get("tlp"), Sectors: pf["sectors"], Categories: pf["categories"], Lines: pf["lines_of_effort"], Regions: pf["regions"],
	}
}

// updateOffer sends the service only what the donor changed, as a PATCH
// would: an untouched amount is not valued again at today's rate, and an
// untouched offer does not go back to the alignment review.
func (s *Server) updateOffer(w http.ResponseWriter, r *http.Request) error {
	o, err := s.editableOffer(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return model.Invalid("", "the form could not be read")
	}
	f := offerFormOf(r.PostForm)
	f.ID = o.ID
	in, err := f.input()
	if err != nil {
		return s.showOfferForm(w, r, f, err)
	}
	onlyChanged(&in, o.Offer)
	if _, err := s.Offers.Update(r.Context(), viewerOf(r), o.ID, in); err != nil {
		return s.showOfferForm(w, r, f, err)
	}
	return seeOther(w, r, "/offers/"+o.ID+"?done=updated")
}

func dropIfSame[T comparable](p **T, v T) {
	if *p != nil && **p == v {
		*p = nil
	}
}

func dropIfSameSet[T ~string](p **[]T, v []T) {
	if *p == nil {
		return
	}
	a, b := slices.Clone(**p), slices.Clone(v)
	slices.Sort(a)
	slices.Sort(b)
	if slices.Equal(slices.Compact(a), slices.Compact(b)) {
		*p = nil
	}
}

func onlyChanged(in *offers.Input, o model.Offer) {
	dropIfSame(&in.Title, o.Title)
	dropIfSame(&in.Description, o.Description)
	dropIfSame(&in.Kind, o.Kind)
	dropIfSame(&in.Quantity, o.Quantity)
	dropIfSame(&in.Unit, o.Unit)
	dropIfSame(&in.ValidUntil, o.ValidUntil)
	dropIfSame(&in.TLP, o.TLP)
	dropIfSameSet(&in.Sectors, o.Sectors)
	dropIfSameSet(&in.Categories, o.Categories)
	dropIfSameSet(&in.Lines, o.Lines)
	dropIfSameSet(&in.Regions, o.Regions)
	// An amount is only the same in the same currency.
	if in.AmountMinor != nil && in.Currency != nil && *in.AmountMinor == o.AmountMinor && *in.Currency == o.Currency {
		in.AmountMinor, in.Currency = nil, nil
	}
}
