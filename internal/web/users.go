package web

import (
	"net/http"

	"github.com/cyberaid/cyberaid/internal/accounts"
)

func (s *Server) apiListUsers(w http.ResponseWriter, r *http.Request) error {
	users, err := s.Accounts.List(r.Context(), viewerOf(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(users, ""))
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request) error {
	var in accounts.NewUser
	if err := decode(r, &in); err != nil {
		return err
	}
	u, err := s.Accounts.Create(r.Context(), viewerOf(r), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, u)
}
