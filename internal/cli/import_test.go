package cli_test

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/cli"
)

func TestImportIATI(t *testing.T) {
	testdata := filepath.Join("..", "exchange", "testdata")
	backends(t, func(t *testing.T, db []string) {
		args := func(a ...string) []string { return append(a, db...) }
		if r := run(t, "", args("org", "add", "--name", "Ukraine", "--kind", "state", "--participation", "member", "--country", "UA")...); r.code != 0 {
			t.Fatalf("org add: %+v", r)
		}
		r := run(t, "", args("import", "iati", filepath.Join(testdata, "iati-2.02.xml"))...)
		if r.code != 0 || !strings.Contains(r.stdout, "2 activities: 1 created, 0 updated, 0 unchanged, 1 skipped; 1 organisations created") {
			t.Fatalf("import: %+v", r)
		}
		if strings.Contains(r.stderr, "[") {
			t.Fatalf("a progress bar was drawn on a pipe: %q", r.stderr)
		}
		srv := httptest.NewTLSServer(http.FileServer(http.Dir(testdata)))
		defer srv.Close()
		defer cli.SetFetchTransport(srv.Client().Transport)()
		r = run(t, "", args("import", "iati", srv.URL+"/iati-2.02.xml")...)
		if r.code != 0 || !strings.Contains(r.stdout, "0 created, 0 updated, 1 unchanged") {
			t.Fatalf("import again, from a URL: %+v", r)
		}
		r = run(t, "", args("import", "iati", "--strict", filepath.Join(testdata, "invalid.xml"))...)
		if r.code != 1 || !strings.Contains(r.stderr, "nothing was imported") || !strings.Contains(r.stderr, "line 12 (GB-GOV-1-BAD-VALUE)") {
			t.Fatalf("invalid file, --strict: %+v", r)
		}
		// Without --strict the faulty activities are skipped, each named,
		// and the report ends with the counts and the reasons.
		r = run(t, "", args("import", "iati", filepath.Join(testdata, "invalid.xml"))...)
		if r.code != 0 || !strings.Contains(r.stderr, "skipped: line 12 (GB-GOV-1-BAD-VALUE): value \"12,5x\"") ||
			!strings.Contains(r.stderr, "skipped: line 21 (GB-GOV-1-BAD-CURRENCY)") ||
			!strings.Contains(r.stdout, "3 activities: 1 created, 0 updated, 0 unchanged, 2 skipped") ||
			!strings.Contains(r.stdout, "most frequent reasons:\n       1  activity-date not a date\n       1  value not a decimal") {
			t.Fatalf("invalid file: %q %q", r.stdout, r.stderr)
		}
		if r := run(t, "", args("import", "iati", srv.URL+"/missing.xml")...); r.code != 1 || !strings.Contains(r.stderr, "404") {
			t.Fatalf("missing URL: %+v", r)
		}
		if r := run(t, "", args("import", "iati")...); r.code != 2 {
			t.Fatalf("no file: %+v", r)
		}

		// Over plain HTTP the file could be changed on its way.
		plain := httptest.NewServer(http.FileServer(http.Dir(testdata)))
		defer plain.Close()
		if r := run(t, "", args("import", "iati", plain.URL+"/iati-2.02.xml")...); r.code != 1 || !strings.Contains(r.stderr, "only https:// URLs are fetched") {
			t.Fatalf("http URL: %+v", r)
		}
		// A redirect from HTTPS to HTTP is not followed.
		redirect := httptest.NewTLSServer(http.RedirectHandler(plain.URL+"/iati-2.02.xml", http.StatusFound))
		defer redirect.Close()
		defer cli.SetFetchTransport(redirect.Client().Transport)()
		if r := run(t, "", args("import", "iati", redirect.URL)...); r.code != 1 || !strings.Contains(r.stderr, "only https:// URLs are fetched") {
			t.Fatalf("redirect to http: %+v", r)
		}
		// The size limit, for a file and for a download that announces its length.
		small := filepath.Join(testdata, "iati-2.02.xml")
		if r := run(t, "", args("import", "iati", "--max-size", "1KiB", small)...); r.code != 1 || !strings.Contains(r.stderr, "more than the limit of 1KiB; raise it with --max-size") {
			t.Fatalf("file over --max-size: %+v", r)
		}
		defer cli.SetFetchTransport(srv.Client().Transport)()
		if r := run(t, "", args("import", "iati", "--max-size", "1K", srv.URL+"/iati-2.02.xml")...); r.code != 1 || !strings.Contains(r.stderr, "more than the limit of 1KiB") {
			t.Fatalf("download over --max-size: %+v", r)
		}
		if r := run(t, "", args("import", "iati", "--max-size", "lots", small)...); r.code != 2 {
			t.Fatalf("a malformed --max-size: %+v", r)
		}
		if r := run(t, "", args("import", "iati", "--max-size", "2MiB", small)...); r.code != 0 {
			t.Fatalf("a file under --max-size: %+v", r)
		}
	})
}
