package web

import (
	"net/http"
	"strconv"

	"github.com/cyberaid/cyberaid/internal/model"
)

// apiAuditCheckpoint answers the signed note itself: its text is the
// contract, which any transparency-log client can check.
func (s *Server) apiAuditCheckpoint(w http.ResponseWriter, r *http.Request) error {
	cp, err := s.AuditLog.Checkpoint(r.Context(), viewerOf(r))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(cp.Note)
	return err
}

func (s *Server) apiAuditInclusion(w http.ResponseWriter, r *http.Request) error {
	seq, err := auditIntParam(r, "seq")
	if err != nil {
		return err
	}
	size, err := auditIntParam(r, "size")
	if err != nil {
		return err
	}
	p, err := s.AuditLog.Inclusion(r.Context(), viewerOf(r), seq, size)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (s *Server) apiAuditConsistency(w http.ResponseWriter, r *http.Request) error {
	from, err := auditIntParam(r, "from")
	if err != nil {
		return err
	}
	to, err := auditIntParam(r, "to")
	if err != nil {
		return err
	}
	p, err := s.AuditLog.Consistency(r.Context(), viewerOf(r), from, to)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

// intParam reads a required whole-number query parameter.
func auditIntParam(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, model.Invalid(name, "is required")
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, model.Invalid(name, "must be a whole number")
	}
	return n, nil
}
