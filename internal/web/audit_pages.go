package web

import (
	"encoding/base64"
	"net/http"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
)

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
	Filter   model.AuditFilter
	Sort     string
	Nav      listNav
}

// auditNewestFirst is the page's own order.
var auditNewestFirst = model.Sort{Field: "at", Desc: true}

// auditPage shows the events the reader may read, newest first unless
// asked, under the current signed checkpoint and the outcome of the last
// full verification, which a background job runs: verifying the whole log
// on every view would cost a walk over all of it.
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	v := viewerOf(r)
	q := r.URL.Query()
	order, after, _, err := auditPageParams(r, auditNewestFirst)
	if err != nil {
		return err
	}
	f := model.AuditFilter{ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id")}
	cp, err := s.AuditLog.Checkpoint(r.Context(), v)
	if err != nil {
		return err
	}
	verified, err := s.AuditLog.LastVerification(r.Context())
	if err != nil {
		return err
	}
	events, next, err := s.Audit.Page(r.Context(), v, f, order.Desc, after, listPage)
	if err != nil {
		return err
	}
	total, err := s.Audit.Count(r.Context(), v, f)
	if err != nil {
		return err
	}
	orgs, err := s.orgNames(r)
	if err != nil {
		return err
	}
	names, err := s.Audit.ActorNames(r.Context(), v)
	if err != nil {
		return err
	}
	data := auditData{Events: events, Checkpoint: cp, Root: base64.StdEncoding.EncodeToString(cp.Root), Verified: verified, Orgs: orgs, Users: names,
		Filter: f, Nav: navFor(r, model.AuditSorts, order, len(events), auditCursor(order, next), total)}
	if q.Get("sort") != "" {
		data.Sort = order.String()
	}
	return s.show(w, r, http.StatusOK, "audit", "audit", "audit.title", data)
}
