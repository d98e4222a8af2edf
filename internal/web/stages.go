package web

import (
	"net/http"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
)

type suspendRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) apiSuspendPledge(w http.ResponseWriter, r *http.Request) error {
	var in suspendRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	res, err := s.Pledges.Suspend(r.Context(), viewerOf(r), r.PathValue("id"), in.Reason)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

func (s *Server) apiResumePledge(w http.ResponseWriter, r *http.Request) error {
	res, err := s.Pledges.Resume(r.Context(), viewerOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

func (s *Server) apiListDisbursements(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	ds, err := s.Pledges.Disbursements(r.Context(), viewerOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	// A pledge's few tranches are read whole.
	items, next, err := model.PageSlice(ds.Items, cursor, limit, func(d model.Disbursement) string { return d.ID })
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(items, next))
}

func (s *Server) apiAddDisbursement(w http.ResponseWriter, r *http.Request) error {
	var in pledges.DisbursementInput
	if err := decode(r, &in); err != nil {
		return err
	}
	ds, err := s.Pledges.Disburse(r.Context(), viewerOf(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, ds)
}

func init() {
	// A tranche is recorded, and valued again when a rates import brings
	// the rate of its date.
	auditActions = append(auditActions, "pledge.disburse", "pledge.tranche_revalue")
}
