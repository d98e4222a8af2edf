package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
)

// postFile sends a page's upload form: the file and, unless csrf is "",
// the token.
func (b *browser) postFile(path, csrf, name, content string) (*http.Response, string) {
	b.s.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if csrf != "" {
		_ = w.WriteField("csrf", csrf)
	}
	f, _ := w.CreateFormFile("file", name)
	_, _ = f.Write([]byte(content))
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.s.srv.URL+b.s.expand(path), &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

// TestUploadPageOrder: the session decides before the body is read, so a
// visitor or an expired session is sent to sign in, whatever was sent;
// the record too, so that a hidden one answers as a missing one.
func TestUploadPageOrder(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	const path = "/requirements/{green}/documents"
	for _, c := range []struct {
		name, contentType, body string
	}{
		{"multipart", "", ""},
		{"not multipart", "application/x-www-form-urlencoded", "file=x"},
		{"broken multipart", "multipart/form-data; boundary=nothing", "--garbage"},
	} {
		b := s.as("")
		var res *http.Response
		if c.contentType == "" {
			res, _ = b.postFile(path, "", "inventory.txt", "Inventory\n")
		} else {
			req, _ := http.NewRequest(http.MethodPost, s.srv.URL+s.expand(path), strings.NewReader(c.body))
			req.Header.Set("Content-Type", c.contentType)
			res, _ = b.do(req)
		}
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin?next=") {
			t.Errorf("visitor, %s: %d to %q, want the sign-in page", c.name, res.StatusCode, res.Header.Get("Location"))
		}
	}

	// A form kept open past its session's end: signed out, then sent.
	b := s.as("requester")
	b.get(s.expand("/requirements/{green}"))
	token := b.csrf
	b.submit("/signout", nil)
	if res, _ := b.postFile(path, token, "inventory.txt", "Inventory\n"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin?next=") {
		t.Errorf("expired form: %d to %q, want the sign-in page", res.StatusCode, res.Header.Get("Location"))
	}

	// Signed in: a role without the permission, a hidden and a missing
	// record are answered before the body, which may be anything.
	for _, c := range []struct {
		as, path string
		want     int
	}{
		{"viewer", path, http.StatusForbidden},
		{"donor_ngo", "/requirements/{validated}/documents", http.StatusNotFound},
		{"donor_ngo", "/requirements/no-such-id/documents", http.StatusNotFound},
		{"donor", "/requirements/{draft}/documents", http.StatusNotFound},
	} {
		b := s.as(c.as)
		req, _ := http.NewRequest(http.MethodPost, s.srv.URL+s.expand(c.path), strings.NewReader("file=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if res, _ := b.do(req); res.StatusCode != c.want {
			t.Errorf("%s %s, not multipart: %d, want %d", c.as, c.path, res.StatusCode, c.want)
		}
		if res, _ := b.postFile(c.path, b.csrf, "inventory.txt", "Inventory\n"); res.StatusCode != c.want {
			t.Errorf("%s %s: %d, want %d", c.as, c.path, res.StatusCode, c.want)
		}
	}

	// The owner: the token is still checked, inside the parsed form.
	b = s.as("requester")
	b.get(s.expand("/requirements/{green}"))
	if res, body := b.postFile(path, "forged", "inventory.txt", "Inventory\n"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("forged token: %d %s", res.StatusCode, body)
	}
	if res, body := b.postFile(path, b.csrf, "inventory.txt", "Inventory\n"); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", res.StatusCode, body)
	}
	docs, err := s.app.Documents.List(context.Background(), s.cast.Viewer("requester"), model.DocOnRequirement, s.ids["green"])
	if err != nil || len(docs) != 1 {
		t.Fatalf("%d documents after one upload and refusals (%v)", len(docs), err)
	}
}
