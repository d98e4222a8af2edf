package web

import (
	"net/http"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/organisations"
)

func (s *Server) apiListOrganisations(w http.ResponseWriter, r *http.Request) error {
	order, cursor, limit, err := sortedPageParams(r, model.OrganisationSorts)
	if err != nil {
		return err
	}
	orgs, next, err := s.Organisations.Page(r.Context(), viewerOf(r), order, cursor, limit)
	if err != nil {
		return err
	}
	total, err := s.Organisations.Total(r.Context(), viewerOf(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newCounted(model.Listing[model.Organisation]{Items: orgs, Next: next, Total: total}))
}

func (s *Server) apiGetOrganisation(w http.ResponseWriter, r *http.Request) error {
	o, err := s.Organisations.Get(r.Context(), viewerOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, o)
}

func (s *Server) apiCreateOrganisation(w http.ResponseWriter, r *http.Request) error {
	var in organisations.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	o, err := s.Organisations.Create(r.Context(), viewerOf(r), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, o)
}

func (s *Server) apiUpdateOrganisation(w http.ResponseWriter, r *http.Request) error {
	var in organisations.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	o, err := s.Organisations.Update(r.Context(), viewerOf(r), r.PathValue("id"), in, s.Accounts.CheckRoles)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, o)
}
