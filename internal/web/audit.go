package web

import (
	"net/http"
	"strconv"

	"github.com/cyberaid/cyberaid/internal/model"
)

// isSeq reports whether s is the sequence number of an event.
func isSeq(s string) bool {
	n, err := strconv.ParseInt(s, 10, 64)
	return err == nil && n >= 0 && strconv.FormatInt(n, 10) == s
}

// auditPageParams reads ?sort=, ?cursor= and ?limit= of the audit log: the
// cursor is the seq of the last event seen, behind the order it was given
// in (model.SortCursor); def is the order without ?sort=.
func auditPageParams(r *http.Request, def model.Sort) (model.Sort, int64, int, error) {
	order, err := readSort(r, model.AuditSorts, def)
	if err != nil {
		return model.Sort{}, 0, 0, err
	}
	c, limit, err := readPage(r, func(c string) bool {
		seq, err := model.ReadSortCursor(order, c)
		return err == nil && isSeq(seq)
	})
	if err != nil {
		return model.Sort{}, 0, 0, err
	}
	var after int64
	if c != "" {
		seq, _ := model.ReadSortCursor(order, c)
		after, _ = strconv.ParseInt(seq, 10, 64)
	}
	return order, after, limit, nil
}

func auditCursor(order model.Sort, next int64) string {
	if next == 0 {
		return ""
	}
	return model.SortCursor(order, strconv.FormatInt(next, 10))
}

// apiListAudit pages in chain order unless ?sort= asks otherwise; its
// total counts exactly the events the caller may read under the filters.
func (s *Server) apiListAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	order, after, limit, err := auditPageParams(r, model.Sort{})
	if err != nil {
		return err
	}
	if limit == 0 {
		limit = 100
	}
	f := model.AuditFilter{ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id")}
	events, next, err := s.Audit.Page(r.Context(), viewerOf(r), f, order.Desc, after, limit)
	if err != nil {
		return err
	}
	total, err := s.Audit.Count(r.Context(), viewerOf(r), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newCounted(model.Listing[model.AuditEvent]{Items: events, Next: auditCursor(order, next), Total: total}))
}

func (s *Server) apiVerifyAudit(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.Audit.Verify(r.Context(), viewerOf(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rep)
}
