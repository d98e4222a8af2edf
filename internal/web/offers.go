package web

import (
	"net/http"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
)

func (s *Server) apiListOffers(w http.ResponseWriter, r *http.Request) error {
	f, err := offerFilter(r.URL.Query())
	if err != nil {
		return err
	}
	order, cursor, limit, err := sortedPageParams(r, model.OfferSorts)
	if err != nil {
		return err
	}
	l, err := s.Offers.Page(r.Context(), viewerOf(r), f, order, cursor, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newCounted(l))
}

func (s *Server) apiGetOffer(w http.ResponseWriter, r *http.Request) error {
	o, err := s.Offers.Get(r.Context(), viewerOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, o)
}

func (s *Server) apiCreateOffer(w http.ResponseWriter, r *http.Request) error {
	var in offers.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	o, err := s.Offers.Create(r.Context(), viewerOf(r), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, o)
}

func (s *Server) apiUpdateOffer(w http.ResponseWriter, r *http.Request) error {
	var in offers.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	o, err := s.Offers.Update(r.Context(), viewerOf(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, o)
}

func (s *Server) apiReviewOffer(w http.ResponseWriter, r *http.Request) error {
	var in validateRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	o, err := s.Offers.Review(r.Context(), viewerOf(r), r.PathValue("id"), in.Decision, in.Comment)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, o)
}
