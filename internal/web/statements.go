package web

import (
	"net/http"
)

func (s *Server) apiPublishedStatements(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	items, next, err := s.Governance.PublishedPage(r.Context(), cursor, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(items, next))
}
