package web_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
	"github.com/cyberaid/cyberaid/internal/web/openapitest"
)

func init() {
	// The validator reads these answers as files, as it does octet streams.
	openapi3filter.RegisterBodyDecoder("application/xml", openapi3filter.FileBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", openapi3filter.FileBodyDecoder)
}

// exchangeScenarios: exports need no permission (the policy filters the
// rows), so every caller gets a file of what they may see; bad input names
// its field, unknown datasets and formats are not found.
var exchangeScenarios = []scenario{
	{"export requirements csv: anonymous", "", "GET", "/api/v1/exports/requirements.csv", "", 200, ""},
	{"export requirements xlsx: donor, filtered", "donor", "GET", "/api/v1/exports/requirements.xlsx?sector=energy&priority=high", "", 200, ""},
	{"export requirements json: former participant", "former", "GET", "/api/v1/exports/requirements.json", "", 200, ""},
	{"export requirements: unknown sector", "donor", "GET", "/api/v1/exports/requirements.csv?sector=space", "", 400, "invalid_sector"},
	{"export pledges csv: donor", "donor", "GET", "/api/v1/exports/pledges.csv?status=proposed", "", 200, ""},
	{"export pledges json: company", "donor_company", "GET", "/api/v1/exports/pledges.json", "", 200, ""},
	{"export pledges: unknown status", "donor", "GET", "/api/v1/exports/pledges.json?status=lost", "", 400, "invalid_status"},
	{"export bilateral csv: anonymous", "", "GET", "/api/v1/exports/bilateral.csv", "", 200, ""},
	{"export bilateral: mechanism channel", "", "GET", "/api/v1/exports/bilateral.csv?channel=mechanism", "", 400, "invalid_channel"},
	{"export: unknown dataset", "donor", "GET", "/api/v1/exports/secrets.csv", "", 404, "not_found"},
	{"export: unknown format", "donor", "GET", "/api/v1/exports/pledges.pdf", "", 404, "not_found"},
	{"export iati: anonymous", "", "GET", "/api/v1/exports/iati.xml", "", 200, ""},
	{"export iati: coordinator, internal", "coordinator", "GET", "/api/v1/exports/iati.xml?scope=internal", "", 200, ""},
	{"export iati: unknown scope", "coordinator", "GET", "/api/v1/exports/iati.xml?scope=everything", "", 400, "invalid_scope"},
}

var exchangeOperations = []string{"/api/v1/exports/{file}", "/api/v1/exports/iati.xml"}

func TestAPIExchange(t *testing.T) {
	validator := openapitest.NewValidator(t)
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		a, cast := apptest.New(t, s, clock)
		srv := httptest.NewServer(a.Web)
		defer srv.Close()
		c := &client{t: t, base: srv.URL, tokens: map[string]string{},
			http: &http.Client{Transport: validator.RoundTripper(http.DefaultTransport)}}
		ids := fixture(t, a, cast)
		for _, sc := range exchangeScenarios {
			t.Run(sc.name, func(t *testing.T) {
				c.t = t
				code, body := c.do(sc.as, sc.method, expand(sc.path, ids), expand(sc.body, ids))
				if code != sc.want {
					t.Fatalf("status %d, want %d: %s", code, sc.want, body)
				}
				if sc.code == "" {
					return
				}
				var e struct {
					Error struct{ Code, Message string }
				}
				if err := json.Unmarshal(body, &e); err != nil || e.Error.Code != sc.code || e.Error.Message == "" {
					t.Fatalf("error %s, want code %q with a message", body, sc.code)
				}
			})
		}

		t.Run("what each caller gets", func(t *testing.T) {
			c.t = t
			_, anon := c.do("", "GET", "/api/v1/exports/requirements.csv", "")
			if !bytes.HasPrefix(anon, []byte("\uFEFFid,ref,")) || !strings.Contains(string(anon), ids["clear"]) || strings.Contains(string(anon), ids["validated"]) {
				t.Fatalf("anonymous requirements export:\n%s", anon)
			}
			_, donor := c.do("donor", "GET", "/api/v1/exports/requirements.csv", "")
			if !strings.Contains(string(donor), ids["validated"]) || strings.Contains(string(donor), ids["strict"]) {
				t.Fatalf("donor requirements export:\n%s", donor)
			}
			_, ngo := c.do("donor_ngo", "GET", "/api/v1/exports/pledges.json", "")
			if strings.Contains(string(ngo), ids["company_pledge"]) {
				t.Fatal("an NGO not engaged exports a company's AMBER pledge")
			}
			_, company := c.do("donor_company", "GET", "/api/v1/exports/pledges.json", "")
			if !strings.Contains(string(company), ids["company_pledge"]) {
				t.Fatal("a company does not export its own pledge")
			}
		})
	})
	requireCovered(t, validator, exchangeOperations)
}

// TestImportPage uploads IATI files through the administrators' form.
func TestImportPage(t *testing.T) {
	s := newSite(t)
	upload := func(b *browser, name string, content []byte) (*http.Response, string) {
		t.Helper()
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		if err := mw.WriteField("csrf", b.csrf); err != nil {
			t.Fatal(err)
		}
		if name != "" {
			fw, err := mw.CreateFormFile("file", name)
			if err != nil {
				t.Fatal(err)
			}
			fw.Write(content)
		}
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/admin/imports", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return b.do(req)
	}
	good, err := os.ReadFile(filepath.Join("..", "exchange", "testdata", "iati-2.03.xml"))
	if err != nil {
		t.Fatal(err)
	}
	bad, err := os.ReadFile(filepath.Join("..", "exchange", "testdata", "invalid.xml"))
	if err != nil {
		t.Fatal(err)
	}

	if res, _ := s.as("").get("/admin/imports"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous: %d, want a redirect to sign in", res.StatusCode)
	}
	donor := s.as("donor")
	if res, _ := donor.get("/admin/imports"); res.StatusCode != http.StatusForbidden {
		t.Errorf("donor: %d, want 403", res.StatusCode)
	}
	if res, _ := upload(donor, "a.xml", good); res.StatusCode != http.StatusForbidden {
		t.Errorf("donor upload: %d, want 403", res.StatusCode)
	}

	admin := s.as("admin")
	res, body := admin.get("/admin/imports")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("admin: %d", res.StatusCode)
	}
	mustContain(t, "form", body, `enctype="multipart/form-data"`, `href="/admin/imports" aria-current="page"`)

	res, body = upload(admin, "", nil)
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("no file: %d", res.StatusCode)
	}
	mustContain(t, "no file", body, `id="f-file-error"`, "Choose the XML file")

	res, body = upload(admin, "invalid.xml", bad)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid file: %d", res.StatusCode)
	}
	mustContain(t, "invalid file", body, "Line 12", "GB-GOV-1-BAD-VALUE", "nothing was imported")

	res, body = upload(admin, "iati-2.03.xml", good)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("good file: %d\n%s", res.StatusCode, body)
	}
	mustContain(t, "good file", body, "1 activities read: 1 reports created")
	_, body = upload(admin, "iati-2.03.xml", good)
	mustContain(t, "again", body, "0 reports created, 0 updated, 1 unchanged")
}
