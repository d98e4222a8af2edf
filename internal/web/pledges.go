package web

import (
	"net/http"

	"github.com/cyberaid/cyberaid/internal/model"

	"github.com/cyberaid/cyberaid/internal/pledges"
)

func (s *Server) apiListPledges(w http.ResponseWriter, r *http.Request) error {
	f, err := pledgeFilter(r.URL.Query())
	if err != nil {
		return err
	}
	order, cursor, limit, err := sortedPageParams(r, model.PledgeSorts)
	if err != nil {
		return err
	}
	l, err := s.Pledges.Page(r.Context(), viewerOf(r), f, order, cursor, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newCounted(l))
}

func (s *Server) apiGetPledge(w http.ResponseWriter, r *http.Request) error {
	p, err := s.Pledges.Get(r.Context(), viewerOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (s *Server) apiCreatePledge(w http.ResponseWriter, r *http.Request) error {
	var in pledges.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	res, err := s.Pledges.Create(r.Context(), viewerOf(r), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, res)
}

func (s *Server) apiUpdatePledge(w http.ResponseWriter, r *http.Request) error {
	var in pledges.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	res, err := s.Pledges.Update(r.Context(), viewerOf(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

func (s *Server) apiConfirmPledge(w http.ResponseWriter, r *http.Request) error {
	res, err := s.Pledges.Confirm(r.Context(), viewerOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

func (s *Server) apiWithdrawPledge(w http.ResponseWriter, r *http.Request) error {
	res, err := s.Pledges.Withdraw(r.Context(), viewerOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

func (s *Server) apiReviewPledge(w http.ResponseWriter, r *http.Request) error {
	var in validateRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	res, err := s.Pledges.Review(r.Context(), viewerOf(r), r.PathValue("id"), in.Decision, in.Comment)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}
