package web

import (
	"errors"
	"net/http"

	"github.com/cyberaid/cyberaid/internal/exchange"
)

// maxUpload bounds an uploaded IATI file: the IATI registry takes files of
// up to 60 MB, and the form around it is small.
const maxUpload = 64 << 20

// limitBody refuses a request body larger than n before any handler reads it.
func limitBody(n int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, n)
		next.ServeHTTP(w, r)
	})
}

type importsData struct {
	Result *exchange.ImportResult
	// Refused lists the faults of a refused file, each at its line.
	Refused []exchange.LineError
	Errors  map[string]string
	Error   string
	// Strict is the all-or-nothing checkbox; MoreSkipped the skipped
	// activities counted but not listed.
	Strict      bool
	MoreSkipped int
}

// importsPage is the administrators' upload of a donor's published IATI file.
func (s *Server) importsPage(w http.ResponseWriter, r *http.Request) error {
	return s.show(w, r, http.StatusOK, "imports", "imports", "imports.title", importsData{})
}

// runImport reads the uploaded file as bilateral reports: every sound
// activity, or with the strict box all or nothing, with the line of every
// fault.
func (s *Server) runImport(w http.ResponseWriter, r *http.Request) error {
	l := s.localizer(r)
	f, _, err := r.FormFile("file")
	if err != nil {
		return s.show(w, r, http.StatusBadRequest, "imports", "imports", "imports.title",
			importsData{Errors: map[string]string{"file": l.T("imports.file_required")}})
	}
	defer f.Close()
	strict := r.FormValue("strict") != ""
	res, err := s.Exchange.ImportIATIWith(r.Context(), viewerOf(r), f, exchange.ImportOptions{Strict: strict})
	var fe *exchange.FileError
	if errors.As(err, &fe) {
		return s.show(w, r, http.StatusUnprocessableEntity, "imports", "imports", "imports.title",
			importsData{Refused: fe.Errors, Error: l.T("imports.refused"), Errors: map[string]string{"file": l.T("imports.refused")}, Strict: strict})
	}
	if err != nil {
		return err
	}
	return s.show(w, r, http.StatusOK, "imports", "imports", "imports.title", importsData{Result: &res, Strict: strict, MoreSkipped: res.Skipped - len(res.Skips)})
}
