package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
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
	{"export offers csv: anonymous", "", "GET", "/api/v1/exports/offers.csv", "", 200, ""},
	{"export offers xlsx: donor, filtered", "donor", "GET", "/api/v1/exports/offers.xlsx?status=open&sector=energy&donor={org:us}", "", 200, ""},
	{"export offers json: company", "donor_company", "GET", "/api/v1/exports/offers.json?category=edr", "", 200, ""},
	{"export offers: unknown status", "donor", "GET", "/api/v1/exports/offers.csv?status=lost", "", 400, "invalid_status"},
	{"export offers: unknown category", "donor", "GET", "/api/v1/exports/offers.csv?category=magic", "", 400, "invalid_category"},
	{"export lessons csv: anonymous", "", "GET", "/api/v1/exports/lessons.csv", "", 200, ""},
	{"export lessons json: coordinator, due", "coordinator", "GET", "/api/v1/exports/lessons.json?status=proposed&due=true", "", 200, ""},
	{"export lessons xlsx: donor, about a record", "donor", "GET", "/api/v1/exports/lessons.xlsx?link_id={strict}", "", 200, ""},
	{"export lessons: unknown status", "coordinator", "GET", "/api/v1/exports/lessons.csv?status=lost", "", 400, "invalid_status"},
	{"export lessons: bad due", "coordinator", "GET", "/api/v1/exports/lessons.csv?due=maybe", "", 400, "invalid_due"},
	{"export iati: anonymous", "", "GET", "/api/v1/exports/iati.xml", "", 200, ""},
	{"export iati: coordinator, internal", "coordinator", "GET", "/api/v1/exports/iati.xml?scope=internal", "", 200, ""},
	{"export iati: unknown scope", "coordinator", "GET", "/api/v1/exports/iati.xml?scope=everything", "", 400, "invalid_scope"},
}

var exchangeOperations = []string{"/api/v1/exports/{file}", "/api/v1/exports/iati.xml"}

func TestAPIExchange(t *testing.T) {
	runScenarios(t, scenarioTable{
		scenarios: exchangeScenarios, fixture: exchangeFixture, shared: true, operations: exchangeOperations,
		after: exchangeAudiences,
	})
}

// exchangeAudiences checks what each caller finds in the exports.
func exchangeAudiences(t *testing.T, c *client, _ *app.App, ids map[string]string) {
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

	has := func(as, file string, want, hide []string) {
		t.Helper()
		code, body := c.do(as, "GET", expand("/api/v1/exports/"+file, ids), "")
		if code != http.StatusOK {
			t.Fatalf("%s as %q: %d %s", file, as, code, body)
		}
		for _, k := range want {
			if !strings.Contains(string(body), ids[k]) {
				t.Errorf("%s as %q lacks %s:\n%s", file, as, k, body)
			}
		}
		for _, k := range hide {
			if strings.Contains(string(body), ids[k]) {
				t.Errorf("%s as %q holds %s:\n%s", file, as, k, body)
			}
		}
	}
	has("", "offers.csv", []string{"clear_offer"}, []string{"offer", "big_offer", "company_offer", "red_offer"})
	has("donor", "offers.csv", []string{"clear_offer", "offer", "big_offer", "withdrawn_offer", "company_offer"}, []string{"red_offer"})
	has("donor", "offers.csv?status=open&donor={org:ee}", []string{"big_offer"}, []string{"offer", "withdrawn_offer"})
	has("donor_company", "offers.csv", []string{"clear_offer", "company_offer"}, []string{"offer", "big_offer"})
	has("coordinator", "offers.csv", []string{"offer", "company_offer"}, []string{"red_offer"})
	has("donor_ee", "offers.csv", []string{"red_offer"}, nil)
	has("", "lessons.csv", []string{"clear_lesson"}, []string{"strict_lesson"})
	has("donor", "lessons.csv", []string{"clear_lesson"}, []string{"strict_lesson"})
	has("coordinator", "lessons.csv", []string{"clear_lesson", "strict_lesson"}, nil)
	has("coordinator", "lessons.csv?link_id={strict}", []string{"strict_lesson"}, []string{"clear_lesson"})
	// The file declares the cyber categories' vocabulary at this site,
	// where its page describes the codes.
	_, iati := c.do("", "GET", "/api/v1/exports/iati.xml", "")
	if !strings.Contains(string(iati), `vocabulary-uri="http://`) || !strings.Contains(string(iati), `/iati/vocabulary/cyber-categories"`) {
		t.Errorf("the IATI export does not declare the vocabulary at this site:\n%s", iati)
	}
	_, csv := c.do("donor", "GET", expand("/api/v1/exports/offers.csv?donor={org:us}&status=open", ids), "")
	if !strings.Contains(string(csv), "50000.00,EUR,") {
		t.Errorf("offer amounts are not plain decimals next to the currency:\n%s", csv)
	}
}

// TestImportPage uploads IATI files through the administrators' form.
func TestImportPage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	uploadWith := func(b *browser, name string, content []byte, strict bool) (*http.Response, string) {
		t.Helper()
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		if err := mw.WriteField("csrf", b.csrf); err != nil {
			t.Fatal(err)
		}
		if strict {
			if err := mw.WriteField("strict", "1"); err != nil {
				t.Fatal(err)
			}
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
	upload := func(b *browser, name string, content []byte) (*http.Response, string) {
		t.Helper()
		return uploadWith(b, name, content, false)
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

	res, body = uploadWith(admin, "invalid.xml", bad, true)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid file, all or nothing: %d", res.StatusCode)
	}
	mustContain(t, "invalid file, all or nothing", body, "Line 12", "GB-GOV-1-BAD-VALUE", "nothing was imported", `name="strict" value="1" checked`)

	res, body = upload(admin, "invalid.xml", bad)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("invalid file: %d", res.StatusCode)
	}
	mustContain(t, "invalid file", body, "3 activities read: 1 reports created, 0 updated, 0 unchanged, 2 skipped",
		"Skipped activities", "Line 12", "GB-GOV-1-BAD-VALUE", "Line 21", "Most frequent reasons", "value not a decimal: 1")

	res, body = upload(admin, "iati-2.03.xml", good)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("good file: %d\n%s", res.StatusCode, body)
	}
	mustContain(t, "good file", body, "1 activities read: 1 reports created")
	_, body = upload(admin, "iati-2.03.xml", good)
	mustContain(t, "again", body, "0 reports created, 0 updated, 1 unchanged")

	// Amounts the ECB gave no rate for are kept without a euro value, and
	// the pages say so.
	currencies, err := os.ReadFile(filepath.Join("..", "exchange", "testdata", "currencies-2.03.xml"))
	if err != nil {
		t.Fatal(err)
	}
	res, body = upload(admin, "currencies-2.03.xml", currencies)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("currencies file: %d\n%s", res.StatusCode, body)
	}
	mustContain(t, "currencies file", body, "5 activities read: 4 reports created, 0 updated, 0 unchanged, 1 skipped",
		"2 reports are kept in their own currency without a euro value", "XI-IATI-EC_NEAR-MIXED-XDR", "cannot be summed")
	_, body = admin.get("/pledges?channel=bilateral")
	mustContain(t, "bilateral reports", body, "no euro value", "(provisional)")
	_, body = admin.get("/")
	mustContain(t, "dashboard", body, "Not counted: 2 reports without a euro value")
}

// exchangeFixture adds to the offers of matchingFixture a CLEAR offer, a
// CLEAR general lesson, and an AMBER lesson about the AMBER+STRICT
// requirement, which only those who see that requirement may read.
func exchangeFixture(t *testing.T, a *app.App, c apptest.Cast) map[string]string {
	t.Helper()
	ctx := context.Background()
	ids := matchingFixture(t, a, c)
	clear := model.TLPClear
	o, err := a.Offers.Create(ctx, c.Viewer("donor"), offers.Input{
		Title: ptr("Open training budget"), AmountMinor: ptr(int64(7_000_00)), Currency: ptr("EUR"),
		ValidUntil: ptr(model.DateOf(testNow).AddDays(30)), TLP: &clear,
	})
	if err != nil {
		t.Fatal(err)
	}
	ids["clear_offer"] = o.ID
	l, err := a.Lessons.Create(ctx, c.Viewer("coordinator"), lessons.Input{Title: ptr("Publish the calendar"), TLP: &clear})
	if err != nil {
		t.Fatal(err)
	}
	ids["clear_lesson"] = l.ID
	l, err = a.Lessons.Create(ctx, c.Viewer("coordinator"), lessons.Input{
		Title: ptr("Scope the grid work first"), Link: ptr(model.LinkRequirement), LinkID: ptr(ids["strict"]),
	})
	if err != nil {
		t.Fatal(err)
	}
	ids["strict_lesson"] = l.ID
	return ids
}
