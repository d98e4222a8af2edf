package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/i18n"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/web/openapitest"
)

// TestImportProblemsLanguage: each fault of a refused spreadsheet is a
// catalogue sentence in the language the client asks for, at the same row
// and column whatever the language.
func TestImportProblemsLanguage(t *testing.T) {
	t.Parallel()
	validator := openapitest.NewValidator(t)
	eachBackend(t, func(t *testing.T, s *store.DB) {
		a, _ := apptest.New(t, s, clock)
		srv := httptest.NewServer(a.Web)
		defer srv.Close()
		c := &client{t: t, base: srv.URL, tokens: map[string]string{},
			http: &http.Client{Transport: validator.RoundTripper(http.DefaultTransport)}}
		file := strings.Join(requirements.ImportColumns, ",") + "\n" +
			"Firewalls,,government,firewalls,strengthen,medium,40000,2026-12-01,amber,local_executive_body,4,units,UA-46,OFF-1\n" +
			",,government,hardware_software,strengthen,medium,40000,someday,amber,local_executive_body,4,units,UA-46,OFF-2\n"

		want := map[string]func(string) bool{
			"en": func(m string) bool { return strings.HasPrefix(m, "“firewalls” is not a valid category") },
			"uk": func(m string) bool {
				return strings.HasPrefix(m, "«firewalls» не є допустимим значенням")
			},
		}
		if slices.Contains(i18n.Languages(), "fr") {
			want["fr"] = func(m string) bool {
				return strings.HasPrefix(m, "«\u202ffirewalls\u202f» n’est pas une valeur admise")
			}
		}
		for lang, categoryWorded := range want {
			problems := importIn(c, lang, file)
			var at []string
			for _, p := range problems {
				at = append(at, p.Column)
				if !strings.HasSuffix(p.Message, ".") {
					t.Errorf("%s: row %d, column %s is not worded as a sentence: %q", lang, p.Row, p.Column, p.Message)
				}
			}
			if !slices.Equal(at, []string{"category", "title", "needed_by"}) {
				t.Fatalf("%s: problems at %v: %+v", lang, at, problems)
			}
			if !categoryWorded(problems[0].Message) {
				t.Errorf("%s: the category's problem reads %q", lang, problems[0].Message)
			}
			if lang != "en" && strings.Contains(problems[2].Message, "write YYYY-MM-DD") {
				t.Errorf("%s: the date's problem is still the English wording: %q", lang, problems[2].Message)
			}
		}
	})
}

// importIn uploads a spreadsheet as the requester, asking for answers in
// lang, and returns the problems of its refusal.
func importIn(c *client, lang, content string) []requirements.RowProblem {
	c.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("file", "needs.csv")
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := io.WriteString(part, content); err != nil {
		c.t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		c.t.Fatal(err)
	}
	req, err := http.NewRequest("POST", c.base+"/api/v1/imports/requirements", &body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+c.token("requester"))
	req.Header.Set("Accept-Language", lang)
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	var e struct {
		Error struct {
			Code     string
			Problems []requirements.RowProblem
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&e); err != nil || res.StatusCode != http.StatusUnprocessableEntity || e.Error.Code != "import_refused" {
		c.t.Fatalf("%s: status %d, code %q (%v)", lang, res.StatusCode, e.Error.Code, err)
	}
	return e.Error.Problems
}
