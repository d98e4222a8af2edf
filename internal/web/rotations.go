package web

import (
	"net/http"

	"github.com/cyberaid/cyberaid/internal/governance"
)

func (s *Server) apiListRotations(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	rs, next, err := s.Governance.RotationsPage(r.Context(), viewerOf(r), cursor, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(rs, next))
}

func (s *Server) apiCreateRotation(w http.ResponseWriter, r *http.Request) error {
	var in governance.RotationInput
	if err := decode(r, &in); err != nil {
		return err
	}
	rot, err := s.Governance.AddRotation(r.Context(), viewerOf(r), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, rot)
}
