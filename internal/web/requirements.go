package web

import (
	"net/http"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

// requirementFilter reads the list filters of DESIGN §5, refusing unknown codes.
func requirementFilter(r *http.Request) (model.RequirementFilter, error) {
	q := r.URL.Query()
	f := model.RequirementFilter{
		Status:   model.RequirementStatus(q.Get("status")),
		Sector:   model.Sector(q.Get("sector")),
		Category: model.Category(q.Get("category")),
		Line:     model.LineOfEffort(q.Get("line")),
		Priority: model.Priority(q.Get("priority")),
		Query:    q.Get("q"),
	}
	switch {
	case f.Status != "" && !f.Status.Valid():
		return f, model.Invalid("status", "%q is not a requirement status", f.Status)
	case f.Sector != "" && !f.Sector.Valid():
		return f, model.Invalid("sector", "%q is not a sector", f.Sector)
	case f.Category != "" && !f.Category.Valid():
		return f, model.Invalid("category", "%q is not a category", f.Category)
	case f.Line != "" && !f.Line.Valid():
		return f, model.Invalid("line", "%q is not a line of effort", f.Line)
	case f.Priority != "" && !f.Priority.Valid():
		return f, model.Invalid("priority", "%q is not a priority", f.Priority)
	case len([]rune(f.Query)) > model.MaxShort:
		return f, model.Invalid("q", "is longer than %d characters", model.MaxShort)
	}
	return f, nil
}

func (s *Server) apiListRequirements(w http.ResponseWriter, r *http.Request) error {
	f, err := requirementFilter(r)
	if err != nil {
		return err
	}
	cursor, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	items, next, err := s.Requirements.List(r.Context(), viewerOf(r), f, cursor, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(items, next))
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
	var in validateRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	req, err := s.Requirements.Validate(r.Context(), viewerOf(r), r.PathValue("id"), in.Decision, in.Comment)
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
