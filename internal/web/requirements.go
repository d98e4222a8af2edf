package web

import (
	"net/http"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

func (s *Server) apiListRequirements(w http.ResponseWriter, r *http.Request) error {
	f, err := requirementFilter(r.URL.Query())
	if err != nil {
		return err
	}
	order, cursor, limit, err := sortedPageParams(r, model.RequirementSorts)
	if err != nil {
		return err
	}
	l, err := s.Requirements.Page(r.Context(), viewerOf(r), f, order, cursor, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newCounted(l))
}

func (s *Server) apiGetRequirement(w http.ResponseWriter, r *http.Request) error {
	v, err := s.Requirements.Get(r.Context(), viewerOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

// answerRequirement re-reads a changed requirement as the actor now sees it,
// so that the answer carries its coverage like every other read.
func (s *Server) answerRequirement(w http.ResponseWriter, r *http.Request, status int, req model.Requirement, err error) error {
	if err != nil {
		return err
	}
	v, err := s.Requirements.Get(r.Context(), viewerOf(r), req.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, status, v)
}

func (s *Server) apiCreateRequirement(w http.ResponseWriter, r *http.Request) error {
	var in requirements.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	req, err := s.Requirements.Create(r.Context(), viewerOf(r), in)
	return s.answerRequirement(w, r, http.StatusCreated, req, err)
}

func (s *Server) apiUpdateRequirement(w http.ResponseWriter, r *http.Request) error {
	var in requirements.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	req, err := s.Requirements.Update(r.Context(), viewerOf(r), r.PathValue("id"), in)
	return s.answerRequirement(w, r, http.StatusOK, req, err)
}

func (s *Server) apiSubmitRequirement(w http.ResponseWriter, r *http.Request) error {
	req, err := s.Requirements.Submit(r.Context(), viewerOf(r), r.PathValue("id"))
	return s.answerRequirement(w, r, http.StatusOK, req, err)
}

type validateRequest struct {
	Decision model.ValidationDecision `json:"decision"`
	Comment  string                   `json:"comment"`
}

func (s *Server) apiValidateRequirement(w http.ResponseWriter, r *http.Request) error {
	var in requirements.ReviewInput
	if err := decode(r, &in); err != nil {
		return err
	}
	req, err := s.Requirements.Review(r.Context(), viewerOf(r), r.PathValue("id"), in)
	return s.answerRequirement(w, r, http.StatusOK, req, err)
}

func (s *Server) apiWithdrawRequirement(w http.ResponseWriter, r *http.Request) error {
	req, err := s.Requirements.Withdraw(r.Context(), viewerOf(r), r.PathValue("id"))
	return s.answerRequirement(w, r, http.StatusOK, req, err)
}

type shareRequest struct {
	OrgIDs []string `json:"org_ids"`
}

func (s *Server) apiShareRequirement(w http.ResponseWriter, r *http.Request) error {
	var in shareRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	req, err := s.Requirements.Share(r.Context(), viewerOf(r), r.PathValue("id"), in.OrgIDs)
	return s.answerRequirement(w, r, http.StatusOK, req, err)
}

type historyResponse struct {
	Validations []model.ValidationRecord `json:"validations"`
	Events      []model.AuditEvent       `json:"events"`
}

func (s *Server) apiRequirementHistory(w http.ResponseWriter, r *http.Request) error {
	h, err := s.Requirements.History(r.Context(), viewerOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := historyResponse{Validations: h.Validations, Events: h.Events}
	if out.Validations == nil {
		out.Validations = []model.ValidationRecord{}
	}
	if out.Events == nil {
		out.Events = []model.AuditEvent{}
	}
	return writeJSON(w, http.StatusOK, out)
}
