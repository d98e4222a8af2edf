package web

import (
	"net/http"

	"github.com/cyberaid/cyberaid/internal/indicators"
)

func (s *Server) apiListIndicators(w http.ResponseWriter, r *http.Request) error {
	is, err := s.Indicators.ForRequirement(r.Context(), viewerOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(is, ""))
}

func (s *Server) apiCreateIndicator(w http.ResponseWriter, r *http.Request) error {
	var in indicators.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	i, err := s.Indicators.Create(r.Context(), viewerOf(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, i)
}

func (s *Server) apiAddIndicatorValue(w http.ResponseWriter, r *http.Request) error {
	var in indicators.ValueInput
	if err := decode(r, &in); err != nil {
		return err
	}
	i, err := s.Indicators.AddValue(r.Context(), viewerOf(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, i)
}

// apiResults is the results across the requirements the caller may see,
// grouped by sector and line of effort.
func (s *Server) apiResults(w http.ResponseWriter, r *http.Request) error {
	groups, err := s.Indicators.Results(r.Context(), viewerOf(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(groups, ""))
}
