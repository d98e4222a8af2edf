package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/cyberaid/cyberaid/internal/documents"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// uploadMemory is how much of a multipart body is kept in memory; the
// rest of a file is spooled to a temporary file, which the service reads
// in place, so that a large upload is never held whole in memory.
const uploadMemory = 1 << 20

// parseUpload reads a multipart upload within the largest document and
// the few form fields around it, keeping little in memory.
func (s *Server) parseUpload(w http.ResponseWriter, r *http.Request) error {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return model.Invalid("file", "send the file as multipart/form-data in a part named file")
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.Documents.MaxSize+uploadMemory)
	if err := r.ParseMultipartForm(uploadMemory); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return documents.TooLarge(s.Documents.MaxSize)
		}
		return model.Invalid("file", "the upload is not a readable multipart form: %v", err)
	}
	return nil
}

// uploadPage is the page route receiving a file for a record of kind.
// Everything the session alone decides (sign-in, the permission, a factor
// still to enrol) and whether the record may take a file are answered
// before a byte of the body is read, so that a visitor or an expired form
// is sent to sign in and a hidden record answers as a missing one. The
// CSRF token travels inside the form, so the page checks it once the form
// is parsed here, within the largest document, rather than with the page
// wrapper's larger memory.
func (s *Server) uploadPage(perm policy.Permission, kind model.DocumentRecord) http.Handler {
	page := s.page(perm, s.uploadDocument(kind))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := authOf(r)
		if a.viewer.Anonymous() || a.mustEnrol || policy.Require(a.viewer, perm) != nil {
			page.ServeHTTP(w, r)
			return
		}
		if err := s.Documents.CheckUpload(r.Context(), a.viewer, kind, r.PathValue("id")); err != nil {
			s.pageFail(w, r, err)
			return
		}
		if err := s.parseUpload(w, r); err != nil {
			s.pageFail(w, r, err)
			return
		}
		defer r.MultipartForm.RemoveAll()
		page.ServeHTTP(w, r)
	})
}

// uploadOf reads the part named file and the optional tlp field. Without
// a file it still returns the upload, its label read, so that the service
// names that label's faults too; it refuses an upload without content.
func uploadOf(r *http.Request) (documents.Upload, func(), error) {
	if r.MultipartForm == nil {
		return documents.Upload{}, nil, model.Invalid("file", "send the file as multipart/form-data in a part named file")
	}
	var up documents.Upload
	if t := r.FormValue("tlp"); t != "" {
		tlp := model.TLP(t)
		up.TLP = &tlp
	}
	f, h, err := r.FormFile("file")
	if err != nil {
		return up, func() {}, model.Invalid("file", "is required: send the file in a part named file")
	}
	up.Name, up.Content, up.Size = h.Filename, f, h.Size
	return up, func() { f.Close() }, nil
}

func (s *Server) apiListDocuments(kind model.DocumentRecord) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ds, err := s.Documents.List(r.Context(), viewerOf(r), kind, r.PathValue("id"))
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, newList(ds, ""))
	}
}

func (s *Server) apiUploadDocument(kind model.DocumentRecord) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		// The record first: a hidden one answers 404 as a missing one
		// whatever the body, which is read only for a record that takes it.
		if err := s.Documents.CheckUpload(r.Context(), viewerOf(r), kind, r.PathValue("id")); err != nil {
			return err
		}
		if err := s.parseUpload(w, r); err != nil {
			return err
		}
		defer r.MultipartForm.RemoveAll()
		up, done, ferr := uploadOf(r)
		if done == nil {
			return ferr
		}
		defer done()
		d, err := s.Documents.Create(r.Context(), viewerOf(r), kind, r.PathValue("id"), up)
		if ferr != nil {
			// An upload without a file is refused by the service, which
			// names the label's faults with it.
			err = model.Collect(ferr, err)
		}
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusCreated, d)
	}
}

// downloadDocument sends a document as an attachment, of the type sniffed
// at upload, which the browser must not second-guess; the read is logged
// before the first byte leaves.
func (s *Server) downloadDocument(w http.ResponseWriter, r *http.Request) error {
	d, content, err := s.Documents.Open(r.Context(), viewerOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", d.ContentType)
	h.Set("Content-Disposition", contentDisposition(d.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.FormatInt(d.Size, 10))
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.WriteHeader(http.StatusOK)
	if _, err := content.WriteTo(r.Context(), w); err != nil {
		// The status is sent; a broken stream can only be logged.
		s.log.Warn("send document", "id", d.ID, "err", err)
	}
	return nil
}

// contentDisposition names the file for saving (RFC 6266): an ASCII
// fallback for old clients and the exact name as filename* in UTF-8.
func contentDisposition(name string) string {
	var ascii strings.Builder
	for _, c := range name {
		switch {
		case c == '"' || c == '\\' || c < 0x20 || c > 0x7e:
			ascii.WriteByte('_')
		default:
			ascii.WriteRune(c)
		}
	}
	return `attachment; filename="` + ascii.String() + `"; filename*=UTF-8''` + attrValue(name)
}

// attrValue percent-encodes every byte outside RFC 5987's attr-char.
func attrValue(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func (s *Server) apiDeleteDocument(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.Documents.Delete(r.Context(), viewerOf(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
