package web

import (
	"net/http"

	"github.com/cyberaid/cyberaid/internal/delivery"
	"github.com/cyberaid/cyberaid/internal/model"
)

func (s *Server) apiListMilestones(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	t, err := s.Delivery.Get(r.Context(), viewerOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	// A pledge's few milestones are read whole with its delivery track.
	items, next, err := model.PageSlice(t.Milestones, cursor, limit, func(m model.Milestone) string { return m.ID })
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(items, next))
}

func (s *Server) apiAddMilestone(w http.ResponseWriter, r *http.Request) error {
	var in delivery.MilestoneInput
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := s.Delivery.AddMilestone(r.Context(), viewerOf(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, t)
}

func (s *Server) apiReceipt(w http.ResponseWriter, r *http.Request) error {
	var in delivery.ReceiptInput
	if err := decode(r, &in); err != nil {
		return err
	}
	t, err := s.Delivery.Receipt(r.Context(), viewerOf(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t)
}

func (s *Server) apiCloseRequirement(w http.ResponseWriter, r *http.Request) error {
	req, err := s.Delivery.Close(r.Context(), viewerOf(r), r.PathValue("id"))
	return s.answerRequirement(w, r, http.StatusOK, req, err)
}
