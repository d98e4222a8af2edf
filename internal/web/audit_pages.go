package web

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"time"

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

// auditVerified reads the last full verification, which a background job
// runs and the audit log's head does not version, for the audit page's key
// and the page.
func (s *Server) auditVerified(r *http.Request) (*http.Request, string, error) {
	verified, err := s.AuditLog.LastVerification(r.Context())
	if err != nil {
		return nil, "", err
	}
	name := fmt.Sprintf("%s\x00%t\x00%d\x00%s\x00%d\x00%s", verified.VerifiedAt.UTC().Format(time.RFC3339Nano),
		verified.OK, verified.Events, verified.Head, verified.BadSeq, verified.Problem)
	return r.WithContext(context.WithValue(r.Context(), verifiedKey{}, verified)), name, nil
}

type verifiedKey struct{}

// auditPage shows the events the reader may read, newest first unless
// asked, under a checkpoint signed when the page was made and the outcome
// of the last full verification (auditVerified), which a background job
// runs: verifying the whole log on every view would cost a walk over all
// of it. The page is kept while the log's head and that outcome stay: the
// checkpoint it shows is then still the log's, signed at the time it says.
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
	verified, ok := r.Context().Value(verifiedKey{}).(model.AuditVerification)
	if !ok {
		if verified, err = s.AuditLog.LastVerification(r.Context()); err != nil {
			return err
		}
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
