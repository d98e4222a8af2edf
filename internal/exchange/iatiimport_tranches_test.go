package exchange_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/exchange"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestIATIImportTranches: the platform's export of a bilateral report with
// its tranches comes back, through an import of the file, as a report with
// the same tranches: day, amount, currency, and euro value at the rate of
// the tranche's own day (provisional after the newest rate). The tranches
// are the import's: the importing user's through the API, no user's at the
// command line. Importing the file again adds none.
func TestIATIImportTranches(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		w := newWorld(t, s)
		donor := w.cast.Viewer("donor")
		id := w.ids["bilateral"]
		_, err := w.a.Pledges.Confirm(ctx, donor, id)
		must(t, err)
		for _, in := range []pledges.DisbursementInput{
			{AmountMinor: ptr(int64(3_000_00)), Currency: ptr("GBP"), Date: ptr(model.NewDate(2026, 2, 2)), Note: ptr("First tranche: terminals")},
			{AmountMinor: ptr(int64(2_000_00)), Currency: ptr("EUR"), Date: ptr(model.NewDate(2026, 3, 16))},
			{AmountMinor: ptr(int64(1_000_00)), Currency: ptr("GBP"), Date: ptr(model.NewDate(2026, 5, 4)), Note: ptr("Airtime")},
		} {
			_, err := w.a.Pledges.Disburse(ctx, donor, id, in)
			must(t, err)
		}
		orig, err := w.a.Pledges.Disbursements(ctx, donor, id)
		must(t, err)
		if len(orig.Items) != 3 || !orig.Items[2].RateProvisional {
			t.Fatalf("the tranches recorded: %+v", orig.Items)
		}

		doc := exportIATI(t, w, policy.Viewer{}, "")
		if n := strings.Count(string(doc), `<transaction-type code="3">`); n != 3 {
			t.Fatalf("the export holds %d disbursements, want 3", n)
		}
		admin := w.cast.Viewer("admin")
		res, err := w.a.Exchange.ImportIATIWith(ctx, admin, bytes.NewReader(doc), exchange.ImportOptions{Strict: true})
		must(t, err)
		key := "XM-CYBERAID-ORG-" + w.cast.Orgs["us"].ID + "-" + id
		back, ok := imported(t, w)[key]
		if !ok {
			t.Fatalf("the exported report did not come back (import %+v)", res)
		}
		got, err := s.Disbursements(ctx, back.ID)
		must(t, err)
		if len(got) != len(orig.Items) {
			t.Fatalf("%d tranches came back, want %d: %+v", len(got), len(orig.Items), got)
		}
		for i, want := range orig.Items {
			g := got[i]
			if !g.Date.Equal(want.Date) || g.AmountMinor != want.AmountMinor || g.Currency != want.Currency ||
				g.EURMinor != want.EURMinor || g.Rate != want.Rate || !g.RateDate.Equal(want.RateDate) ||
				g.RateProvisional != want.RateProvisional || g.Note != want.Note {
				t.Errorf("tranche %d came back as %+v, want %+v", i, g, want)
			}
			if g.CreatedBy != admin.UserID {
				t.Errorf("tranche %d made by %q, want the importing admin", i, g.CreatedBy)
			}
		}
		if back.DisbursedEURMinor != orig.Pledge.DisbursedEURMinor || back.DisbursedEURMinor == 0 {
			t.Errorf("disbursed EUR %d, want %d", back.DisbursedEURMinor, orig.Pledge.DisbursedEURMinor)
		}
		events := auditCount(t, w, "pledge.disburse")

		// Again: nothing new.
		res, err = w.a.Exchange.ImportIATIWith(ctx, admin, bytes.NewReader(doc), exchange.ImportOptions{})
		must(t, err)
		again, err := s.Disbursements(ctx, back.ID)
		must(t, err)
		if len(again) != len(got) || auditCount(t, w, "pledge.disburse") != events {
			t.Errorf("a second import made %d tranches and %d events, want none (%+v)", len(again)-len(got), auditCount(t, w, "pledge.disburse")-events, res)
		}
		if p := imported(t, w)[key]; p.DisbursedEURMinor != back.DisbursedEURMinor {
			t.Errorf("a second import changed the disbursed sum to %d", p.DisbursedEURMinor)
		}

		// At the command line, the tranches are no user's; a later tranche
		// in the file is added to the report.
		more := strings.Replace(string(doc), `<transaction-type code="3">`, `<transaction-type code="3"></transaction-type><transaction-date iso-date="2026-06-01"></transaction-date><value currency="EUR" value-date="2026-06-01">500.00</value></transaction>
  <transaction><transaction-type code="3">`, 1)
		_, err = w.a.Exchange.ImportIATIAsSystem(ctx, strings.NewReader(more), exchange.ImportOptions{Strict: true})
		must(t, err)
		after, err := s.Disbursements(ctx, back.ID)
		must(t, err)
		if len(after) != len(got)+1 {
			t.Fatalf("%d tranches after the command line's import, want %d", len(after), len(got)+1)
		}
		for _, d := range after {
			if d.Date.Equal(model.NewDate(2026, 6, 1)) && (d.CreatedBy != "" || d.EURMinor != 500_00) {
				t.Errorf("the command line's tranche: %+v", d)
			}
		}
		if p := imported(t, w)[key]; p.DisbursedEURMinor != back.DisbursedEURMinor+500_00 {
			t.Errorf("disbursed EUR %d after a tranche of EUR 500, want %d", p.DisbursedEURMinor, back.DisbursedEURMinor+500_00)
		}
	})
}

// TestIATIImportBadTranches: a disbursement that cannot be a tranche is
// reported at its own line and left out, its activity's report kept with
// the tranches that can be; under Strict it refuses the file at that line.
func TestIATIImportBadTranches(t *testing.T) {
	good := `<transaction><transaction-type code="3"/><transaction-date iso-date="2026-03-02"/><value value-date="2026-03-02">1000</value></transaction>`
	activity := func(n int, tx string) string {
		return fmt.Sprintf(`
 <iati-activity default-currency="EUR">
  <iati-identifier>US-GOV-1-UA-TX-%d</iati-identifier>
  <reporting-org ref="US-GOV-1" type="10"><narrative>United States</narrative></reporting-org>
  <title><narrative>Grid protection %d</narrative></title>
  <activity-status code="2"/>
  <recipient-country code="UA"/>
  <transaction><transaction-type code="2"/><transaction-date iso-date="2026-02-01"/><value value-date="2026-02-01">50000</value></transaction>
  %s
  %s
 </iati-activity>`, n, n, tx, good)
	}
	cases := []struct{ tx, reason string }{
		{`<transaction><transaction-type code="3"/><value value-date="2026-03-01">1000</value></transaction>`, "disbursement without a date"},
		{`<transaction><transaction-type code="3"/><transaction-date iso-date="2026-03-01"/><value value-date="2026-03-01">-1000</value></transaction>`, "disbursement not positive"},
		{`<transaction><transaction-type code="3"/><transaction-date iso-date="2026-03-01"/><value currency="XYZ" value-date="2026-03-01">1000</value></transaction>`, "disbursement currency not ISO 4217"},
	}
	doc := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<iati-activities version="2.03">`
	for i, c := range cases {
		doc += activity(i, c.tx)
	}
	doc += "\n</iati-activities>\n"
	lineOf := func(tx string) int {
		before, _, _ := strings.Cut(doc, tx)
		return strings.Count(before, "\n") + 1
	}
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		w := newWorld(t, s)
		res, err := w.a.Exchange.ImportIATIWith(ctx, w.cast.Viewer("admin"), strings.NewReader(doc), exchange.ImportOptions{})
		must(t, err)
		if res.Created != len(cases) || res.Skipped != 0 || len(res.Notices) != len(cases) {
			t.Fatalf("result %+v, want every report created and %d notices", res, len(cases))
		}
		got := imported(t, w)
		for i, c := range cases {
			n := res.Notices[i]
			if n.Line != lineOf(c.tx) || n.Reason != c.reason || n.Identifier != fmt.Sprintf("US-GOV-1-UA-TX-%d", i) {
				t.Errorf("notice %d: %+v, want line %d, reason %q", i, n, lineOf(c.tx), c.reason)
			}
			p := got[fmt.Sprintf("US-GOV-1-UA-TX-%d", i)]
			ds, err := s.Disbursements(ctx, p.ID)
			must(t, err)
			if len(ds) != 1 || ds[0].AmountMinor != 1000_00 || ds[0].EURMinor != 1000_00 || p.DisbursedEURMinor != 1000_00 || p.AmountMinor != 50000_00 {
				t.Errorf("report %d: %+v with tranches %+v, want the good tranche only", i, p, ds)
			}
		}

		_, err = w.a.Exchange.ImportIATIWith(ctx, w.cast.Viewer("admin"), strings.NewReader(doc), exchange.ImportOptions{Strict: true})
		var fe *exchange.FileError
		if !errors.As(err, &fe) || len(fe.Errors) != len(cases) {
			t.Fatalf("strict: %v, want the file refused for each bad disbursement", err)
		}
		for i, c := range cases {
			if fe.Errors[i].Line != lineOf(c.tx) {
				t.Errorf("strict fault %d at line %d, want %d", i, fe.Errors[i].Line, lineOf(c.tx))
			}
		}
	})
}
