package web

import (
	"net/http"
	"strconv"

	"github.com/cyberaid/cyberaid/internal/model"
)

type auditList struct {
	Items []model.AuditEvent `json:"items"`
	Next  *string            `json:"next"`
}

// isSeq reports whether s is the sequence number of an event.
func isSeq(s string) bool {
	n, err := strconv.ParseInt(s, 10, 64)
	return err == nil && n >= 0 && strconv.FormatInt(n, 10) == s
}

// apiListAudit pages by sequence number: the cursor is the last seq seen.
func (s *Server) apiListAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	c, limit, err := readPage(r, isSeq)
	if err != nil {
		return err
	}
	var after int64
	if c != "" {
		after, _ = strconv.ParseInt(c, 10, 64)
	}
	if limit == 0 {
		limit = 100
	}
	f := model.AuditFilter{ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id")}
	events, err := s.Audit.List(r.Context(), viewerOf(r), f, after, limit+1)
	if err != nil {
		return err
	}
	out := auditList{Items: events}
	if len(events) > limit {
		out.Items = events[:limit]
		next := strconv.FormatInt(out.Items[limit-1].Seq, 10)
		out.Next = &next
	}
	if out.Items == nil {
		out.Items = []model.AuditEvent{}
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiVerifyAudit(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.Audit.Verify(r.Context(), viewerOf(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}
