package web

import (
	"io"
	"net/http"
	"strings"

	"github.com/cyberaid/cyberaid/internal/exchange"
	"github.com/cyberaid/cyberaid/internal/model"
)

// apiExport streams a dataset as CSV, XLSX or JSON: /api/v1/exports/pledges.csv.
func (s *Server) apiExport(w http.ResponseWriter, r *http.Request) error {
	name, format, ok := strings.Cut(r.PathValue("file"), ".")
	if !ok {
		return model.ErrNotFound
	}
	// An export holds the whole filtered set; a page's parameters are
	// still checked, so that a malformed one is never silently ignored.
	if _, _, err := pageParams(r); err != nil {
		return err
	}
	f, err := exportFilter(name, r.URL.Query())
	if err != nil {
		return err
	}
	e, err := s.Exchange.Prepare(name, format, f)
	if err != nil {
		return err
	}
	return s.stream(w, r, e.ContentType, e.Filename, func(out io.Writer) error {
		return e.Write(r.Context(), viewerOf(r), out)
	})
}

// apiExportIATI writes the IATI 2.03 activity file of what may be published.
func (s *Server) apiExportIATI(w http.ResponseWriter, r *http.Request) error {
	if _, _, err := pageParams(r); err != nil {
		return err
	}
	opts, err := exchange.ParseIATIOptions(r.URL.Query().Get("scope"), s.siteURL(r))
	if err != nil {
		return err
	}
	return s.stream(w, r, "application/xml; charset=utf-8", "cyberaid-iati-activities.xml", func(out io.Writer) error {
		return s.Exchange.ExportIATI(r.Context(), viewerOf(r), opts, out)
	})
}

// stream answers with a file written as it is produced. An error before the
// first byte is answered normally; after it, the connection is cut so that a
// truncated file can never pass for a complete one.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, contentType, filename string, write func(io.Writer) error) error {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := &countingWriter{w: w}
	err := write(cw)
	if err != nil && cw.n > 0 {
		s.log.ErrorContext(r.Context(), "export cut short", "path", r.URL.Path, "err", err)
		panic(http.ErrAbortHandler)
	}
	if err != nil {
		w.Header().Del("Content-Disposition")
	}
	return err
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}
