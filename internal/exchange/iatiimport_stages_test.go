package exchange_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/exchange"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

const passThroughActivities = `<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
 <iati-activity default-currency="EUR">
  <iati-identifier>US-GOV-1-UA-GRID-7</iati-identifier>
  <reporting-org ref="US-GOV-1" type="10"><narrative>United States</narrative></reporting-org>
  <title><narrative>Grid protection, European money</narrative></title>
  <participating-org role="1" type="10"><narrative>United States</narrative></participating-org>
  <activity-status code="2"/>
  <recipient-country code="UA"/>
  <transaction><transaction-type code="1"/><transaction-date iso-date="2026-02-01"/><value value-date="2026-02-01">50000</value>
   <provider-org type="40"><narrative>European Union</narrative></provider-org><receiver-org ref="US-GOV-1"/></transaction>
  <transaction><transaction-type code="2"/><transaction-date iso-date="2026-02-01"/><value value-date="2026-02-01">50000</value>
   <provider-org ref="US-GOV-1"/></transaction>
 </iati-activity>
 <iati-activity default-currency="EUR">
  <iati-identifier>US-GOV-1-UA-GRID-8</iati-identifier>
  <reporting-org ref="US-GOV-1" type="10"><narrative>United States</narrative></reporting-org>
  <title><narrative>Grid protection, money of a stranger</narrative></title>
  <activity-status code="2"/>
  <recipient-country code="UA"/>
  <transaction><transaction-type code="1"/><transaction-date iso-date="2026-02-01"/><value value-date="2026-02-01">20000</value>
   <provider-org><narrative>Ministry of Atlantis</narrative></provider-org></transaction>
  <transaction><transaction-type code="2"/><transaction-date iso-date="2026-02-01"/><value value-date="2026-02-01">20000</value>
   <provider-org><narrative>United States</narrative></provider-org></transaction>
 </iati-activity>
</iati-activities>`

// TestIATIImportFunder: a provider-org other than the reporting org that is
// an organisation the platform knows becomes the report's funder; one it
// does not know is neither a funder nor a new organisation. Importing the
// file again changes nothing, and a pass-through report exported by the
// platform comes back with its funder.
func TestIATIImportFunder(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		w := newWorld(t, s)
		us, eu := w.cast.Orgs["us"], w.cast.Orgs["eu"]
		run := func(doc string) exchange.ImportResult {
			t.Helper()
			res, err := w.a.Exchange.ImportIATIWith(ctx, w.cast.Viewer("admin"), strings.NewReader(doc), exchange.ImportOptions{})
			must(t, err)
			return res
		}
		res := run(passThroughActivities)
		if res.Created != 2 || res.Organisations != 0 {
			t.Fatalf("result %+v, want two reports and no new organisation", res)
		}
		got := imported(t, w)
		if p := got["US-GOV-1-UA-GRID-7"]; p.DonorOrgID != us.ID || p.FunderOrgID != eu.ID || !p.PassThrough() {
			t.Errorf("the European-funded report: donor %s funder %s", p.DonorOrgID, p.FunderOrgID)
		}
		if p := got["US-GOV-1-UA-GRID-8"]; p.DonorOrgID != us.ID || p.FunderOrgID != "" {
			t.Errorf("the report of an unknown provider: donor %s funder %q", p.DonorOrgID, p.FunderOrgID)
		}
		if res := run(passThroughActivities); res.Unchanged != 2 {
			t.Errorf("again: %+v, want both unchanged", res)
		}

		// The platform's own export of a pass-through bilateral report.
		b, err := w.a.Pledges.Create(ctx, w.cast.Viewer("donor"), pledges.Input{
			AmountMinor: ptr(int64(12_000_00)), Currency: ptr("EUR"), Channel: ptr(model.ChannelBilateral), TLP: ptr(model.TLPClear),
			Description: ptr("Radio links for the grid"), BeneficiaryOrgID: ptr(w.cast.Orgs["power"].ID), FunderOrgID: ptr(eu.ID),
			Sector: ptr(model.Sector("energy")), Category: ptr(model.Category("hardware_software")),
		})
		must(t, err)
		_, err = w.a.Pledges.Confirm(ctx, w.cast.Viewer("donor"), b.ID)
		must(t, err)
		doc := exportIATI(t, w, policy.Viewer{}, "")
		res, err = w.a.Exchange.ImportIATIWith(ctx, w.cast.Viewer("admin"), bytes.NewReader(doc), exchange.ImportOptions{})
		must(t, err)
		back, ok := imported(t, w)["XM-CYBERAID-ORG-"+us.ID+"-"+b.ID]
		if !ok || back.FunderOrgID != eu.ID || back.DonorOrgID != us.ID || back.AmountMinor != 12_000_00 {
			t.Errorf("the exported pass-through report came back as %+v (import %+v)", back, res)
		}
	})
}
