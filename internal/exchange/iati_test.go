package exchange_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/exchange"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

func exportIATI(t *testing.T, w *world, v policy.Viewer, scope string) []byte {
	t.Helper()
	o, err := exchange.ParseIATIOptions(scope, "https://cyberaid.test/")
	must(t, err)
	var buf bytes.Buffer
	must(t, w.a.Exchange.ExportIATI(context.Background(), v, o, &buf))
	return buf.Bytes()
}

func TestIATIExport(t *testing.T) {
	dir := iatiDir(t)
	codes := loadCodelists(t, filepath.Join(dir, "codelists"))
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		w := newWorld(t, s)

		public := exportIATI(t, w, policy.Viewer{}, "")
		xmllint(t, public)
		checkCodes(t, public, codes)
		doc := string(public)
		for _, want := range []string{
			`<iati-activities version="2.03"`,
			"Firewalls for clear",
			`secondary-reporter="1"`, // the bilateral report, published for its donor
			`<transaction-type code="13">`,
			`vocabulary="99" vocabulary-uri="https://cyberaid.test/iati/vocabulary/cyber-categories" code="satellite_comms"`,
			`<reporting-org ref="XM-CYBERAID" type="40">`,
			`<sector vocabulary="1" code="23630" percentage="100">`,
			`<recipient-country code="UA" percentage="100">`,
		} {
			if !strings.Contains(doc, want) {
				t.Errorf("the public file lacks %s", want)
			}
		}
		if strings.Contains(doc, "Firewalls for amber") || strings.Contains(doc, w.ids["pledge_amber"]) {
			t.Error("the public file holds an AMBER record")
		}

		internal := exportIATI(t, w, w.cast.Viewer("coordinator"), "internal")
		xmllint(t, internal)
		checkCodes(t, internal, codes)
		if !strings.Contains(string(internal), "Firewalls for amber") || strings.Contains(string(internal), "Firewalls for draft") {
			t.Error("the internal file must hold the validated AMBER requirement and no draft")
		}
		// The internal scope widens the labels, never the policy.
		if strings.Contains(string(exportIATI(t, w, policy.Viewer{}, "internal")), "Firewalls for amber") {
			t.Error("an anonymous internal export holds an AMBER record")
		}
		if _, err := exchange.ParseIATIOptions("everything", ""); err == nil {
			t.Error("an unknown scope is accepted")
		}

		// A deployment publishes under its registered identifier and name.
		publishAs := func(p exchange.Publisher) (*exchange.Service, error) {
			return exchange.NewService(w.a.Store, w.a.Now, apptest.AccountsConfig().BeneficiaryCountry, p, w.a.Pledges, w.a.Offers, w.a.Lessons)
		}
		x, err := publishAs(exchange.Publisher{Ref: "XI-IATI-TM", Name: "Tallinn Mechanism Secretariat"})
		must(t, err)
		var buf bytes.Buffer
		opts, err := exchange.ParseIATIOptions("", "https://cyberaid.test/")
		must(t, err)
		must(t, x.ExportIATI(context.Background(), policy.Viewer{}, opts, &buf))
		named := buf.String()
		for _, want := range []string{`<reporting-org ref="XI-IATI-TM" type="40">`, "Tallinn Mechanism Secretariat", "<iati-identifier>XI-IATI-TM-", `ref="XI-IATI-TM-ORG-`} {
			if !strings.Contains(named, want) {
				t.Errorf("the file published under XI-IATI-TM lacks %s", want)
			}
		}
		if strings.Contains(named, "XM-CYBERAID") {
			t.Error("the default identifier remains in a file published under another")
		}
		for _, bad := range []string{"XI IATI", "XI/IATI", "-XI", "XI&1"} {
			if _, err := publishAs(exchange.Publisher{Ref: bad}); !errors.Is(err, model.ErrInvalid) {
				t.Errorf("publisher ref %q: %v, want it refused", bad, err)
			}
		}
	})
}

// codelists maps a codelist's name to its codes.
type codelists map[string]map[string]bool

func loadCodelists(t *testing.T, dir string) codelists {
	t.Helper()
	out := codelists{}
	for _, name := range []string{"ActivityStatus", "OrganisationRole", "OrganisationType", "TransactionType", "Sector", "SectorVocabulary", "Country", "Currency", "ActivityDateType"} {
		b, err := os.ReadFile(filepath.Join(dir, name+".xml"))
		need(t, err == nil, "the IATI codelist "+name)
		var cl struct {
			Items []struct {
				Code string `xml:"code"`
			} `xml:"codelist-items>codelist-item"`
		}
		must(t, xml.Unmarshal(b, &cl))
		out[name] = map[string]bool{}
		for _, it := range cl.Items {
			out[name][it.Code] = true
		}
	}
	return out
}

// checkCodes checks every coded attribute of an export against its codelist.
func checkCodes(t *testing.T, doc []byte, codes codelists) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	check := func(list, code, where string) {
		if !codes[list][code] {
			t.Errorf("%s: %q is not in the IATI codelist %s", where, code, list)
		}
	}
	n := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		must(t, err)
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		a := map[string]string{}
		for _, at := range se.Attr {
			a[at.Name.Local] = at.Value
		}
		switch se.Name.Local {
		case "iati-activity":
			check("Currency", a["default-currency"], "default-currency")
		case "reporting-org", "provider-org", "receiver-org":
			check("OrganisationType", a["type"], se.Name.Local)
		case "participating-org":
			check("OrganisationRole", a["role"], "participating-org role")
			check("OrganisationType", a["type"], "participating-org type")
		case "activity-status":
			check("ActivityStatus", a["code"], "activity-status")
		case "activity-date":
			check("ActivityDateType", a["type"], "activity-date")
		case "recipient-country":
			check("Country", a["code"], "recipient-country")
		case "sector":
			check("SectorVocabulary", a["vocabulary"], "sector vocabulary")
			if a["vocabulary"] == "1" {
				check("Sector", a["code"], "sector")
			}
		case "transaction-type":
			check("TransactionType", a["code"], "transaction-type")
		case "value":
			check("Currency", a["currency"], "value")
		}
		n++
	}
	if n < 10 {
		t.Fatalf("only %d elements in the export", n)
	}
}
