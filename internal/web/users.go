package web

import (
	"net/http"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/model"
)

func (s *Server) apiListUsers(w http.ResponseWriter, r *http.Request) error {
	order, cursor, limit, err := sortedPageParams(r, model.UserSorts)
	if err != nil {
		return err
	}
	users, next, err := s.Accounts.Page(r.Context(), viewerOf(r), order, cursor, limit)
	if err != nil {
		return err
	}
	total, err := s.Accounts.Total(r.Context(), viewerOf(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newCounted(model.Listing[model.User]{Items: users, Next: next, Total: total}))
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
