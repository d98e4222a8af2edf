package web

import "net/http"

func (s *Server) apiSummary(w http.ResponseWriter, r *http.Request) error {
	by := r.URL.Query().Get("by")
	if by == "" {
		by = "donor"
	}
	sum, err := s.Reports.Summary(r.Context(), viewerOf(r), by)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sum)
}
