package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync/atomic"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/notify"
	"github.com/cyberaid/cyberaid/internal/readings"
)

// keptBodies bound the answers kept: the first pages of the three lists
// (160 kB each at a million pledges) and the smaller readings beside them
// for some dozen people, so that the server's memory stays under its
// bound whoever asks.
const (
	keptBodies     = 256
	keptBodiesSize = 8 << 20
)

// kept answers a read of the API with the body h wrote for the same
// request of the same viewer, on the same day, while no record changed
// since: the version is the audit log's head (audit.Service.Version),
// which every change commits its event with, so an answer is kept exactly
// as long as everything it was computed from. A page of a list reads,
// checks and encodes 200 records, some ten milliseconds at a million
// pledges, and a summary or a set of suggestions folds thousands, for
// answers that people and their tools ask for again and again between
// changes.
//
// The body depends on the viewer (every field the policy reads, the user
// among them), the route, path and query and the day, and nothing else of
// the request (the language chooses only the messages of errors, which are
// never kept): only handlers of which that is true are wrapped, after the
// route's permission is checked. What is kept is never
// shown to anyone else, and an answer other than 200 is never kept.
//
// A token's request has the head read with its holder (requestAuth.versions):
// its kept answer costs the database one statement.
func (s *Server) kept(h handler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if s.version == nil {
			return h(w, r)
		}
		version := s.version
		if v := authOf(r).versions; v != nil {
			version = func(context.Context) (int64, error) { return v.Head, nil }
		}
		return s.keep(w, r, version, "", h)
	}
}

// keptPage is kept for the pages that show records: a page is an API's
// answer set in the layout, and the layout adds to what the answer depends
// on the language, the session's CSRF token (in every form, the sign-out
// button's among them) and the menu's count of unread notifications, whose
// arrival and read marks are not audited. A signed-in reader's page is
// kept under their notifications' version (notify.Version: the audit log's
// head and their notification state, read with their session's holder in
// one statement), and the count, read at that version, is handed to the
// layout, so that a page is kept under the count it shows. Rendering a
// page of 50 rows is most of its time, more than reading them: only the
// whole page kept saves it.
//
// Only pages whose every other fact is a record, the viewer or the day are
// wrapped, or a page that names the rest with keptPageWith; not a form.
func (s *Server) keptPage(h handler) handler { return s.keptPageWith(nil, h) }

// keptPageWith is keptPage for a page that also shows what neither the
// audit log nor the notifications version: also reads it, names it for the
// key and hands it to the handler in the request it returns, so that the
// page shows what it is kept under.
func (s *Server) keptPageWith(also func(*http.Request) (*http.Request, string, error), h handler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		var more string
		if also != nil {
			var err error
			if r, more, err = also(r); err != nil {
				return err
			}
		}
		if s.version == nil {
			return h(w, r)
		}
		a := authOf(r)
		var c menuCount
		var at notify.Version
		if a.viewer.Anonymous() {
			var err error
			if at.Head, err = s.version(r.Context()); err != nil {
				return err
			}
		} else {
			var err error
			if at, err = s.notifyVersion(r, a); err == nil {
				c.unread, c.more, err = s.Notify.UnreadAt(r.Context(), a.viewer, at)
			}
			if err != nil {
				// The layout shows the page without its count; such a page
				// is not kept.
				return h(w, r)
			}
		}
		var csrf string
		if a.session != nil {
			csrf = a.session.CSRFToken
		}
		extra := fmt.Sprintf("%s\x00%s\x00%d\x00%t\x00%s\x00%s", s.localizer(r).Lang(), csrf, c.unread, c.more, at.State(), more)
		head := func(context.Context) (int64, error) { return at.Head, nil }
		return s.keep(w, r.WithContext(context.WithValue(r.Context(), menuCountKey{}, c)), head, extra, h)
	}
}

// notifyVersion is the version of what a signed-in reader is shown, as
// read with their session, or read now for a request that has none (a
// token's holder reads the head alone) or that may have changed it: a
// command that shows a page, such as a new API token's, may have told its
// user something, and its page counts from a version read after that.
func (s *Server) notifyVersion(r *http.Request, a *requestAuth) (notify.Version, error) {
	if a.versions != nil && a.session != nil && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		return notify.Version(*a.versions), nil
	}
	return s.Notify.Version(r.Context(), a.viewer)
}

// keep answers r with what h wrote for the same request and extra, kept
// under version, the audit log's head as read before anything h reads:
// s.version, or the head read with the request's holder and, for a
// signed-in reader, their notification state (the same MAX(seq) of the
// same table, as the store's conformance suite holds it).
func (s *Server) keep(w http.ResponseWriter, r *http.Request, version func(context.Context) (int64, error), extra string, h handler) error {
	// The route's pattern and the path as sent: two routes never share
	// a key, whatever their paths decode to. The method too: a HEAD is
	// routed as a GET, and a page's layout tells them apart.
	what := r.Method + "\x00" + r.Pattern + "\x00" + r.URL.EscapedPath() + "?" + r.URL.RawQuery + "\x00" + extra
	got, err := s.bodies.GetSized(r.Context(), version, what, viewerOf(r), model.DateOf(s.Now()),
		func(ctx context.Context) (any, int, error) {
			rec := &recorded{header: http.Header{}, status: http.StatusOK}
			var partial atomic.Bool
			if err := h(rec, r.WithContext(context.WithValue(ctx, partialKey{}, &partial))); err != nil {
				return nil, 0, err
			}
			if rec.status != http.StatusOK || partial.Load() {
				return nil, 0, notKept{rec}
			}
			// The key is kept too, and a query may be long.
			return rec, rec.body.Len() + len(what), nil
		})
	var nk notKept
	switch {
	case err == nil:
		return got.(*recorded).replay(w)
	case errors.As(err, &nk):
		return nk.rec.replay(w)
	}
	return err
}

// markPartial marks the answer being computed as shown without one of its
// parts, a convenience whose reading failed (the layout's office leads, its
// count): it is answered, and kept for none.
func markPartial(ctx context.Context) {
	if p, ok := ctx.Value(partialKey{}).(*atomic.Bool); ok {
		p.Store(true)
	}
}

type partialKey struct{}

// menuCount is the menu's count of unread notifications, read once for a
// kept page's key and its layout.
type menuCount struct {
	unread int
	more   bool
}

type menuCountKey struct{}

// recorded is an answer as a handler wrote it.
type recorded struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (a *recorded) Header() http.Header         { return a.header }
func (a *recorded) WriteHeader(status int)      { a.status = status }
func (a *recorded) Write(b []byte) (int, error) { return a.body.Write(b) }

// replay writes the answer again; a kept one is read by several requests
// at once and changed by none.
func (a *recorded) replay(w http.ResponseWriter) error {
	for k, vs := range a.header {
		w.Header()[k] = slices.Clone(vs)
	}
	w.WriteHeader(a.status)
	_, err := w.Write(a.body.Bytes())
	return err
}

// notKept carries an answer other than 200 out of the computation, so that
// it is answered to its own request and kept for none.
type notKept struct{ rec *recorded }

func (notKept) Error() string { return "an answer other than 200 is not kept" }

// newKeptBodies is the server's store of kept answers.
func newKeptBodies() *readings.Kept { return readings.NewSized(keptBodies, keptBodiesSize) }
