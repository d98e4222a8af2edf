package exchange_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/exchange"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

var recipientCountry = regexp.MustCompile(`(<recipient-country\b[^>]*\bcode=")[A-Z]{2}(")`)

// realFile reads a published file of testdata/real with its recipient
// countries set to Ukraine, as if its publisher had given this help there.
func realFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "real", name))
	must(t, err)
	return recipientCountry.ReplaceAllString(string(b), "${1}UA${2}")
}

// withHistory loads the ECB's whole history of the currencies, which
// published files need: a test world holds every currency since 2026 and
// the US dollar since 1999 only.
func withHistory(t *testing.T, s store.Store, currencies ...string) {
	t.Helper()
	all, err := money.BundledRates()
	must(t, err)
	var rs []model.Rate
	for _, r := range all {
		if slices.Contains(currencies, r.Currency) {
			rs = append(rs, r)
		}
	}
	_, err = s.PutRates(context.Background(), rs)
	must(t, err)
}

func TestImportRealFiles(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		w := newWorld(t, s)
		withHistory(t, s, "GBP")
		ctx := context.Background()
		run := func(name string) exchange.ImportResult {
			t.Helper()
			res, err := w.a.Exchange.ImportIATI(ctx, w.cast.Viewer("admin"), strings.NewReader(realFile(t, name)), nil)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			return res
		}

		// UK DFID, 2.01: three programmes and their five components, in GBP
		// from 2005, one commitment each.
		res := run("gb-dfid-2.01.xml")
		if res.Version != "2.01" || res.Activities != 8 || res.Created != 8 || res.Skipped != 0 || res.Organisations != 1 || res.NoEURValue != 0 {
			t.Fatalf("gb-dfid: %+v", res)
		}
		// Spain's foreign ministry, 2.01: 83 activities in EUR.
		res = run("es-maec-2.01.xml")
		if res.Version != "2.01" || res.Activities != 83 || res.Created != 83 || res.Skipped != 0 || res.Organisations != 1 {
			t.Fatalf("es-maec: %+v", res)
		}
		got := imported(t, w)
		// GBP 1,500,000.00 committed on 2007-01-01, a holiday: the ECB's
		// rate of 2006-12-29, 0.6715, gives EUR 2,233,804.91.
		p := got["GB-1-109616-101"]
		if p.Currency != "GBP" || p.AmountMinor != 1_500_000_00 || p.Rate != "0.6715" || p.RateDate.String() != "2006-12-29" ||
			p.EURMinor != 2_233_804_91 || p.RateProvisional || p.NoEURValue || p.PledgeDate.String() != "2007-01-01" {
			t.Errorf("GB-1-109616-101 imported as %+v", p)
		}
		// GBP 40,012.00 on 2005-04-01 at 0.68665: EUR 58,271.32.
		if p := got["GB-1-109635-102"]; p.AmountMinor != 40_012_00 || p.Rate != "0.68665" || p.EURMinor != 58_271_32 {
			t.Errorf("GB-1-109635-102 imported as %+v", p)
		}
		if p := got["ES-DIR3-E04585801-009-041985"]; p.Currency != "EUR" || p.AmountMinor != 333_333_34 || p.EURMinor != 333_333_34 {
			t.Errorf("ES-DIR3-E04585801-009-041985 imported as %+v", p)
		}
		if len(got) != 91 {
			t.Errorf("%d reports, want 91", len(got))
		}

		// Importing them again changes nothing.
		if res := run("gb-dfid-2.01.xml"); res.Unchanged != 8 || res.Created+res.Updated != 0 {
			t.Errorf("gb-dfid again: %+v", res)
		}
		if res := run("es-maec-2.01.xml"); res.Unchanged != 83 || res.Created+res.Updated != 0 {
			t.Errorf("es-maec again: %+v", res)
		}

		// As published, for Albania and Indonesia, nothing of them is help to
		// Ukraine: the activities with a recipient country are skipped.
		b, err := os.ReadFile(filepath.Join("testdata", "real", "es-maec-2.01.xml"))
		must(t, err)
		res, err = w.a.Exchange.ImportIATI(ctx, w.cast.Viewer("admin"), strings.NewReader(string(b)), nil)
		must(t, err)
		if res.Skipped != 83 || len(res.Reasons) != 1 || res.Reasons[0] != (exchange.ReasonCount{Reason: "not for UA", Count: 83}) {
			t.Errorf("es-maec as published: %+v", res)
		}
	})
}

// TestImportLexicalForms reads what the 2.0x schemas allow and real files
// hold: dates with time zones, whitespace, a sign, namespaced extensions; and
// skips the one activity whose value is a double, not a decimal.
func TestImportLexicalForms(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		w := newWorld(t, s)
		res, err := importFile(t, w, "lexical-2.02.xml")
		must(t, err)
		if res.Activities != 3 || res.Created != 2 || res.Skipped != 1 || len(res.Skips) != 1 ||
			res.Skips[0].Identifier != "US-GOV-1-EXPONENT" || res.Skips[0].Line != 36 || !strings.Contains(res.Skips[0].Message, `"1.5E6"`) {
			t.Fatalf("result %+v", res)
		}
		got := imported(t, w)
		// USD 1,000.50 on 2017-02-06 at the ECB's 1.0712: EUR 934.00.
		p := got["US-GOV-1-72012117CA00001"]
		if p.Currency != "USD" || p.AmountMinor != 1_000_50 || p.Rate != "1.0712" || p.EURMinor != 934_00 ||
			p.PledgeDate.String() != "2017-02-06" || p.PeriodStart.String() != "2017-02-06" || p.PeriodEnd.String() != "2019-12-31" {
			t.Errorf("imported as %+v", p)
		}
		// Each commitment at the rate of its own value date: USD 250,000 on
		// 2011-02-28 at 1.3834 (EUR 180,714.18) and USD 1,000.50 on
		// 2017-02-06 at 1.0712 (EUR 934.00).
		p = got["US-GOV-1-TWO-DATES"]
		if p.Currency != "USD" || p.AmountMinor != 251_000_50 || p.EURMinor != 181_648_18 || p.Rate != "" ||
			p.RateDate.String() != "2017-02-06" || p.PledgeDate.String() != "2011-02-28" {
			t.Errorf("imported as %+v", p)
		}
	})
}

// TestImportCurrenciesTheECBDidNotQuote keeps XDR and amounts dated before
// 1999 in their own currency without a euro value, instead of refusing the
// file.
func TestImportCurrenciesTheECBDidNotQuote(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		w := newWorld(t, s)
		res, err := importFile(t, w, "currencies-2.03.xml")
		must(t, err)
		if res.Activities != 5 || res.Created != 4 || res.Skipped != 1 || res.NoEURValue != 2 ||
			res.Skips[0].Identifier != "XI-IATI-EC_NEAR-MIXED-XDR" || !strings.Contains(res.Skips[0].Message, "cannot be summed") {
			t.Fatalf("result %+v", res)
		}
		got := imported(t, w)
		if p := got["XM-DAC-47066-UA-CYBER-1"]; p.Currency != "XDR" || p.AmountMinor != 2_000_000_00 || !p.NoEURValue || p.EURMinor != 0 || p.Rate != "" {
			t.Errorf("XDR imported as %+v", p)
		}
		if p := got["GB-1-OLD-BUDGET"]; p.Currency != "GBP" || p.AmountMinor != 1_000_000_00 || !p.NoEURValue || p.PledgeDate.String() != "1997-04-01" {
			t.Errorf("1997 budgets imported as %+v", p)
		}
		// USD 250,000 at 1.3834 (EUR 180,714.18) and EUR 10,000.00.
		if p := got["XI-IATI-EC_NEAR-2020-CYBER"]; p.Currency != "EUR" || p.AmountMinor != 190_714_18 || p.EURMinor != 190_714_18 || p.NoEURValue {
			t.Errorf("USD and EUR imported as %+v", p)
		}
		// After the newest rate held (2026-04-13, USD 1.1684): provisional.
		if p := got["US-GOV-1-PLANNED-2026"]; !p.RateProvisional || p.Rate != "1.1684" || p.EURMinor != 85_587_13 {
			t.Errorf("planned imported as %+v", p)
		}
		// A report without a euro value counts in no euro total, and its
		// JSON says so.
		r, err := w.a.Pledges.Get(context.Background(), w.cast.Viewer("admin"), got["XM-DAC-47066-UA-CYBER-1"].ID)
		must(t, err)
		if b, _ := r.MarshalJSON(); !strings.Contains(string(b), `"eur_minor":null`) {
			t.Errorf("JSON %s", b)
		}
		dash, err := w.a.Reports.Dashboard(context.Background(), w.cast.Viewer("admin"))
		must(t, err)
		if dash.BilateralUnvalued != 2 {
			t.Errorf("dashboard: %d reports without a euro value, want 2", dash.BilateralUnvalued)
		}
	})
}
