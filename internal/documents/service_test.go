package documents_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/documents"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

func ptr[T any](v T) *T { return &v }

var now = time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for name, body := range files {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSniff(t *testing.T) {
	cases := []struct {
		name string
		body []byte
		want string // "" refused
	}{
		{"report.pdf", []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"), documents.TypePDF},
		{"map.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), documents.TypePNG},
		{"photo.jpg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), documents.TypeJPEG},
		{"notes.txt", []byte("Hosts patched: 120\n"), documents.TypeText},
		{"hosts.csv", []byte("host,patched\nsrv1,yes\n"), documents.TypeCSV},
		{"brief.docx", zipOf(t, map[string]string{"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}), documents.TypeDOCX},
		{"budget.xlsx", zipOf(t, map[string]string{"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<w/>"}), documents.TypeXLSX},
		{"deck.pptx", zipOf(t, map[string]string{"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<p/>"}), documents.TypePPTX},
		{"minutes.odt", zipOf(t, map[string]string{"mimetype": documents.TypeODT}), documents.TypeODT},
		{"renamed.pdf", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00PE\x00\x00"), ""}, // a Windows program
		{"page.txt", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), ""},
		{"logo.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), ""},
		{"data.xml", []byte(`<?xml version="1.0"?><a/>`), ""},
		{"archive.zip", zipOf(t, map[string]string{"payload.exe": "MZ"}), ""},
		{"binary.txt", []byte("abc\x00def"), ""},
	}
	for _, c := range cases {
		got, err := documents.Sniff(c.name, bytes.NewReader(c.body), int64(len(c.body)))
		var fe *model.FieldError
		switch {
		case c.want == "" && (!errors.As(err, &fe) || fe.Field != "file" || fe.Code != "document_type_refused"):
			t.Errorf("%s: got %q, %v; want a refusal naming the file", c.name, got, err)
		case c.want != "" && (err != nil || got != c.want):
			t.Errorf("%s: got %q, %v; want %s", c.name, got, err, c.want)
		}
	}
}

func TestDocuments(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		a, cast := apptest.New(t, s, func() time.Time { return now })
		a.Documents.MaxSize = 3 << 20
		r, err := a.Requirements.Create(ctx, cast.Viewer("requester"), requirements.Input{
			Title: ptr("Backup site"), Sector: ptr(model.Sector("energy")), Category: ptr(model.Category("restoration")),
			LineOfEffort: ptr(model.LineSupport), Priority: ptr(model.PriorityHigh), EstimatedEURMinor: ptr(int64(10_000_00)),
			NeededBy: ptr(model.DateOf(now).AddDays(30)), TLP: ptr(model.TLPAmber),
		})
		if err != nil {
			t.Fatal(err)
		}
		// A file over two chunks, to read back whole.
		body := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("0123456789abcdef"), (2<<20)/16)...)
		up := func(name string, b []byte, tlp *model.TLP) documents.Upload {
			return documents.Upload{Name: name, Content: bytes.NewReader(b), Size: int64(len(b)), TLP: tlp}
		}
		for _, c := range []struct {
			as   string
			want error
		}{{"donor", model.ErrNotFound}, {"requester2", model.ErrNotFound}, {"viewer", model.ErrForbidden}, {"", model.ErrUnauthenticated}} {
			if _, err := a.Documents.Create(ctx, cast.Viewer(c.as), model.DocOnRequirement, r.ID, up("plan.pdf", body, nil)); !errors.Is(err, c.want) {
				t.Errorf("%s uploads: %v, want %v", c.as, err, c.want)
			}
		}
		if _, err := a.Documents.Create(ctx, cast.Viewer("requester"), model.DocOnRequirement, r.ID, up("plan.pdf", body, ptr(model.TLPGreen))); err == nil || !strings.Contains(err.Error(), "laxer") {
			t.Errorf("a GREEN document on an AMBER record: %v", err)
		}
		big := append([]byte("%PDF-1.7\n"), make([]byte, 3<<20)...)
		if _, err := a.Documents.Create(ctx, cast.Viewer("requester"), model.DocOnRequirement, r.ID, up("big.pdf", big, nil)); err == nil || !strings.Contains(err.Error(), "larger") {
			t.Errorf("a file past the limit: %v", err)
		}
		d, err := a.Documents.Create(ctx, cast.Viewer("requester"), model.DocOnRequirement, r.ID, up(`C:\Users\me\Пла́н відновлення.pdf`, body, nil))
		if err != nil {
			t.Fatal(err)
		}
		if d.Name != "Пла́н відновлення.pdf" || d.TLP != model.TLPAmber || d.ContentType != documents.TypePDF || d.Size != int64(len(body)) || len(d.SHA256) != 64 {
			t.Fatalf("stored %+v", d)
		}
		strict, err := a.Documents.Create(ctx, cast.Viewer("coordinator"), model.DocOnRequirement, r.ID, up("strict.txt", []byte("names of operators"), ptr(model.TLPRed)))
		if err != nil {
			t.Fatal(err)
		}

		// The requester sees the AMBER file; the RED one is its uploader's.
		list, err := a.Documents.List(ctx, cast.Viewer("requester"), model.DocOnRequirement, r.ID)
		if err != nil || len(list) != 1 || list[0].ID != d.ID {
			t.Fatalf("requester's list %v %v", list, err)
		}
		if list, err := a.Documents.List(ctx, cast.Viewer("coordinator"), model.DocOnRequirement, r.ID); err != nil || len(list) != 2 {
			t.Fatalf("coordinator's list %v %v", list, err)
		}
		if _, _, err := a.Documents.Open(ctx, cast.Viewer("requester"), strict.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("requester opens a RED document not naming them: %v", err)
		}
		// The draft and its documents are hidden from donors.
		if _, _, err := a.Documents.Open(ctx, cast.Viewer("donor"), d.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("donor opens a document of a draft: %v", err)
		}
		if _, err := a.Documents.List(ctx, cast.Viewer("donor"), model.DocOnRequirement, r.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("donor lists documents of a draft: %v", err)
		}

		// A download streams the bytes back and is logged, once per read.
		for range 2 {
			got, content, err := a.Documents.Open(ctx, cast.Viewer("validator"), d.ID)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if _, err := content.WriteTo(ctx, &b); err != nil {
				t.Fatal(err)
			}
			if got.ID != d.ID || !bytes.Equal(b.Bytes(), body) {
				t.Fatalf("read back %d bytes, want %d", b.Len(), len(body))
			}
		}
		reads, err := a.Documents.Reads(ctx, cast.Viewer("coordinator"), d.ID)
		if err != nil || len(reads) != 2 || reads[0].UserID != cast.Users["validator"].ID {
			t.Fatalf("reads %+v %v", reads, err)
		}

		// Deleting: the uploader's organisation or a coordinator.
		if _, err := a.Documents.Delete(ctx, cast.Viewer("validator"), d.ID); !errors.Is(err, model.ErrForbidden) {
			t.Fatalf("a validator of another organisation deletes: %v", err)
		}
		if _, err := a.Documents.Delete(ctx, cast.Viewer("requester"), d.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.Documents.Open(ctx, cast.Viewer("requester"), d.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("a deleted document opens: %v", err)
		}
		events, err := a.Audit.History(ctx, cast.Viewer("coordinator"), "document", d.ID)
		if err != nil || len(events) != 2 || events[0].Action != "document.create" || events[1].Action != "document.delete" {
			t.Fatalf("audit of the document: %v %v", events, err)
		}
		if _, err := a.Audit.History(ctx, cast.Viewer("requester"), "document", strict.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("requester reads the events of a RED document: %v", err)
		}
	})
}
