package web

import (
	"net/http"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
)

type tokenRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	TOTP     string `json:"totp"`
}

type tokenResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

func (s *Server) apiIssueToken(w http.ResponseWriter, r *http.Request) error {
	var in tokenRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Email == "" {
		return model.Invalid("email", "is required")
	}
	if in.Password == "" {
		return model.Invalid("password", "is required")
	}
	id, err := s.Accounts.Authenticate(r.Context(), in.Email, in.Password, in.TOTP, clientAddr(r))
	if err != nil {
		return err
	}
	token, exp, err := s.Accounts.IssueToken(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, tokenResponse{Token: token, ExpiresAt: exp})
}

// apiRevokeToken ends the bearer token the request carries.
func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request) error {
	a := authOf(r)
	if a.token == nil {
		return model.ErrUnauthenticated
	}
	if err := s.Accounts.RevokeToken(r.Context(), a.identity, *a.token); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.Ready(r.Context()); err != nil {
		s.log.ErrorContext(r.Context(), "health check failed", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}
