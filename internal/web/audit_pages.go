package web

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
)

const auditPageSize = 100

type auditData struct {
	Events     []model.AuditEvent
	Checkpoint audit.Checkpoint
	// Root is the checkpoint's root as its note writes it, in base64.
	Root string
	// Verified is the last background verification; its VerifiedAt is zero
	// before the first.
	Verified model.AuditVerification
	Orgs     map[string]string
	Users    map[string]string
	// Older is the ?before= of the previous page, 0 at the start of the log.
	Older int64
}

// auditPage shows the newest events first, under the current signed
// checkpoint and the outcome of the last full verification, which a
// background job runs: verifying the whole log on every view would cost a
// walk over all of it.
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	v := viewerOf(r)
	cp, err := s.AuditLog.Checkpoint(r.Context(), v)
	if err != nil {
		return err
	}
	verified, err := s.AuditLog.LastVerification(r.Context())
	if err != nil {
		return err
	}
	last, err := s.Audit.Head(r.Context(), v)
	if err != nil {
		return err
	}
	before := last + 1
	if b := r.URL.Query().Get("before"); b != "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n < 1 {
			return model.Invalid("before", "must be the sequence number of an event")
		}
		before = min(n, before)
	}
	after := max(0, before-1-auditPageSize)
	var events []model.AuditEvent
	if n := int(before - 1 - after); n > 0 {
		if events, err = s.Audit.List(r.Context(), v, model.AuditFilter{}, after, n); err != nil {
			return err
		}
	}
	slices.Reverse(events)
	orgs, err := s.orgNames(r)
	if err != nil {
		return err
	}
	names, err := s.Audit.ActorNames(r.Context(), v)
	if err != nil {
		return err
	}
	data := auditData{Events: events, Checkpoint: cp, Root: base64.StdEncoding.EncodeToString(cp.Root), Verified: verified, Orgs: orgs, Users: names}
	if after > 0 {
		data.Older = after + 1
	}
	return s.show(w, r, http.StatusOK, "audit", "audit", "audit.title", data)
}
