package web

import (
	"net/http"

	"github.com/cyberaid/cyberaid/internal/governance"
	"github.com/cyberaid/cyberaid/internal/model"
)

func (s *Server) apiListProposals(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := model.ProposalFilter{Status: model.ProposalStatus(q.Get("status")), Kind: model.ProposalKind(q.Get("kind"))}
	order, cursor, limit, err := sortedPageParams(r, model.ProposalSorts)
	if err != nil {
		return err
	}
	l, err := s.Governance.PageWithPositions(r.Context(), viewerOf(r), f, order, cursor, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newCounted(l))
}

func (s *Server) apiCreateProposal(w http.ResponseWriter, r *http.Request) error {
	var in governance.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.Governance.Open(r.Context(), viewerOf(r), in)
	if err != nil {
		return err
	}
	v, err := s.Governance.Get(r.Context(), viewerOf(r), p.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, v)
}

func (s *Server) apiGetProposal(w http.ResponseWriter, r *http.Request) error {
	v, err := s.Governance.Get(r.Context(), viewerOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

func (s *Server) apiTakePosition(w http.ResponseWriter, r *http.Request) error {
	var in governance.PositionInput
	if err := decode(r, &in); err != nil {
		return err
	}
	v, err := s.Governance.TakePosition(r.Context(), viewerOf(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

func (s *Server) apiComment(w http.ResponseWriter, r *http.Request) error {
	var in governance.CommentInput
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := s.Governance.Comment(r.Context(), viewerOf(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, c)
}

func (s *Server) apiSign(w http.ResponseWriter, r *http.Request) error {
	v, err := s.Governance.Sign(r.Context(), viewerOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}
