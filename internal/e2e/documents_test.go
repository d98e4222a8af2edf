package e2e

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestDocumentUploadDownload: a requester attaches a PDF with a Ukrainian
// name to its requirement through the page's form, and downloads it: the
// same bytes, as an attachment of the sniffed type that the browser may not
// second-guess, and the read is logged.
func TestDocumentUploadDownload(t *testing.T) {
	ctx := browser(t)
	a, cast := apptest.New(t, storetest.OpenSQLite(t), time.Now)
	srv := httptest.NewServer(a.Web)
	defer srv.Close()
	s := &session{t: t, ctx: ctx, base: srv.URL}

	r, err := a.Requirements.Create(context.Background(), cast.Viewer("requester"), requirements.Input{
		Title: ptr("Backup links for substations"), Sector: ptr(model.Sector("energy")), Category: ptr(model.Category("restoration")),
		LineOfEffort: ptr(model.LineSupport), Priority: ptr(model.PriorityHigh), EstimatedEURMinor: ptr(int64(40_000_00)),
		NeededBy: ptr(model.DateOf(time.Now()).AddDays(30)), TLP: ptr(model.TLPAmber),
	})
	if err != nil {
		t.Fatal(err)
	}
	body := "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
	file := filepath.Join(t.TempDir(), "План відновлення.pdf")
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}

	s.signIn("requester")
	s.run("attach the file",
		chromedp.Navigate(s.base+"/requirements/"+r.ID),
		chromedp.WaitVisible(chromedp.CSS(`#f-document-file`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#f-document-file`), []string{file}),
		chromedp.Click(chromedp.CSS(`form.document-upload button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#documents a[href^="/documents/"]`)),
	)
	if got := s.read("read the document's name", chromedp.Text(chromedp.CSS(`#documents a[href^="/documents/"]`))); got != "План відновлення.pdf" {
		t.Fatalf("the list shows %q", got)
	}
	// The download as the browser makes it, with the session's cookie.
	stepCtx, cancel := context.WithTimeout(s.ctx, stepTimeout)
	defer cancel()
	raw, err := chromedp.Run(stepCtx, chromedp.Evaluate[string](`(async () => {
		const href = document.querySelector('#documents a[href^="/documents/"]').getAttribute('href');
		const res = await fetch(href);
		return JSON.stringify({
			status: res.status,
			type: res.headers.get('content-type'),
			disposition: res.headers.get('content-disposition'),
			nosniff: res.headers.get('x-content-type-options'),
			body: await res.text(),
		});
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		s.fail("download", err)
	}
	var got struct {
		Status                           int
		Type, Disposition, Nosniff, Body string
	}
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatal(err)
	}
	if got.Status != 200 || got.Type != "application/pdf" || got.Nosniff != "nosniff" || got.Body != body {
		t.Fatalf("download: %+v", got)
	}
	if !strings.HasPrefix(got.Disposition, "attachment;") || !strings.Contains(got.Disposition, "filename*=UTF-8''%D0%9F%D0%BB%D0%B0%D0%BD") {
		t.Fatalf("Content-Disposition %q", got.Disposition)
	}
	docs, err := a.Documents.List(context.Background(), cast.Viewer("requester"), model.DocOnRequirement, r.ID)
	if err != nil || len(docs) != 1 {
		t.Fatalf("documents %v %v", docs, err)
	}
	reads, err := a.Documents.Reads(context.Background(), cast.Viewer("requester"), docs[0].ID)
	if err != nil || len(reads) != 1 || reads[0].UserID != cast.Users["requester"].ID {
		t.Fatalf("read log %+v %v", reads, err)
	}
}
