package exchange_test

import (
	"context"
	"encoding/xml"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// exportedTx is a transaction as an IATI reader sees it.
type exportedTx struct {
	Ref  string `xml:"ref,attr"`
	Type struct {
		Code string `xml:"code,attr"`
	} `xml:"transaction-type"`
	Date struct {
		ISO string `xml:"iso-date,attr"`
	} `xml:"transaction-date"`
	Value struct {
		Currency  string `xml:"currency,attr"`
		ValueDate string `xml:"value-date,attr"`
		Amount    string `xml:",chardata"`
	} `xml:"value"`
	Description string     `xml:"description>narrative"`
	Provider    exportedTO `xml:"provider-org"`
	Receiver    exportedTO `xml:"receiver-org"`
}

type exportedTO struct {
	Ref       string `xml:"ref,attr"`
	Type      string `xml:"type,attr"`
	Narrative string `xml:"narrative"`
}

type exportedActivity struct {
	Identifier    string `xml:"iati-identifier"`
	Title         string `xml:"title>narrative"`
	Participating []struct {
		Ref  string `xml:"ref,attr"`
		Role string `xml:"role,attr"`
	} `xml:"participating-org"`
	Transactions []exportedTx `xml:"transaction"`
}

func exportedActivities(t *testing.T, doc []byte) []exportedActivity {
	t.Helper()
	var f struct {
		Activities []exportedActivity `xml:"iati-activity"`
	}
	must(t, xml.Unmarshal(doc, &f))
	return f.Activities
}

func activityTitled(t *testing.T, acts []exportedActivity, title string) exportedActivity {
	t.Helper()
	for _, a := range acts {
		if a.Title == title {
			return a
		}
	}
	t.Fatalf("no activity titled %q", title)
	return exportedActivity{}
}

// TestIATIExportStages: a committed pledge is a commitment (2) from its
// donor to the beneficiary, each tranche a disbursement (3) at its own date
// and value, and a pass-through pledge the incoming funds (1) of its funder
// placed with the donor; a proposed pledge stays an incoming pledge (13).
// The tranches of a pledge the viewer may not see are nowhere in the file.
func TestIATIExportStages(t *testing.T) {
	dir := iatiDir(t)
	codes := loadCodelists(t, filepath.Join(dir, "codelists"))
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		w := newWorld(t, s)
		a, c := w.a, w.cast
		us, eu, power := c.Orgs["us"], c.Orgs["eu"], c.Orgs["ssscip"]

		passThrough, err := a.Pledges.Create(ctx, c.Viewer("donor"), pledges.Input{
			RequirementID: ptr(w.ids["clear"]), AmountMinor: ptr(int64(30_000_00)), Currency: ptr("EUR"),
			TLP: ptr(model.TLPClear), FunderOrgID: ptr(eu.ID),
		})
		must(t, err)
		_, err = a.Pledges.Confirm(ctx, c.Viewer("donor"), passThrough.ID)
		must(t, err)
		march, err := a.Pledges.Disburse(ctx, c.Viewer("donor"), passThrough.ID, pledges.DisbursementInput{
			AmountMinor: ptr(int64(10_000_00)), Currency: ptr("USD"), Date: ptr(model.NewDate(2026, 3, 10)), Note: ptr("First tranche"),
		})
		must(t, err)
		_, err = a.Pledges.Disburse(ctx, c.Viewer("coordinator"), passThrough.ID, pledges.DisbursementInput{
			AmountMinor: ptr(int64(5_000_00)), Currency: ptr("EUR"), Date: ptr(model.NewDate(2026, 6, 1)),
		})
		must(t, err)
		_, err = a.Pledges.Confirm(ctx, c.Viewer("donor_ee"), w.ids["pledge_amber"])
		must(t, err)
		amberTranche, err := a.Pledges.Disburse(ctx, c.Viewer("donor_ee"), w.ids["pledge_amber"], pledges.DisbursementInput{
			AmountMinor: ptr(int64(1_000_00)), Currency: ptr("EUR"), Date: ptr(model.NewDate(2026, 5, 5)),
		})
		must(t, err)
		amberTrancheID := amberTranche.Items[0].ID

		public := exportIATI(t, w, policy.Viewer{}, "")
		xmllint(t, public)
		checkCodes(t, public, codes)
		act := activityTitled(t, exportedActivities(t, public), "Firewalls for clear")
		byType := map[string][]exportedTx{}
		for _, tx := range act.Transactions {
			byType[tx.Type.Code] = append(byType[tx.Type.Code], tx)
		}
		if len(byType["13"]) != 1 || byType["13"][0].Ref != w.ids["pledge_clear"] {
			t.Errorf("incoming pledges %+v, want the proposed pledge alone", byType["13"])
		}
		ref := func(o model.Organisation) string { return "XM-CYBERAID-ORG-" + o.ID }
		if got := byType["2"]; len(got) != 1 || got[0].Ref != passThrough.ID || got[0].Value.Amount != "30000.00" || got[0].Value.Currency != "EUR" ||
			got[0].Provider.Ref != ref(us) || got[0].Provider.Narrative != us.Name || got[0].Receiver.Ref != ref(power) || got[0].Receiver.Narrative != power.Name {
			t.Errorf("commitments %+v, want the pass-through pledge from its donor to the beneficiary", got)
		}
		if got := byType["1"]; len(got) != 1 || got[0].Provider.Ref != ref(eu) || got[0].Provider.Narrative != eu.Name || got[0].Provider.Type != "40" ||
			got[0].Receiver.Ref != ref(us) || got[0].Value.Amount != "30000.00" {
			t.Errorf("incoming funds %+v, want the funder's money placed with the donor", got)
		}
		if got := byType["3"]; len(got) != 2 ||
			got[0].Ref != march.Items[0].ID || got[0].Date.ISO != "2026-03-10" || got[0].Value.ValueDate != "2026-03-10" ||
			got[0].Value.Currency != "USD" || got[0].Value.Amount != "10000.00" || got[0].Description != "First tranche" ||
			got[0].Provider.Ref != ref(us) || got[0].Receiver.Ref != ref(power) ||
			got[1].Date.ISO != "2026-06-01" || got[1].Value.Currency != "EUR" || got[1].Value.Amount != "5000.00" {
			t.Errorf("disbursements %+v, want both tranches at their own date and value", got)
		}
		funding := map[string]bool{}
		for _, po := range act.Participating {
			if po.Role == "1" {
				funding[po.Ref] = true
			}
		}
		if !funding[ref(eu)] || !funding[ref(us)] {
			t.Errorf("funding organisations %v, want the funder beside the donor", funding)
		}
		if strings.Contains(string(public), amberTrancheID) {
			t.Error("the public file holds a tranche of an AMBER pledge")
		}

		internal := exportIATI(t, w, c.Viewer("coordinator"), "internal")
		xmllint(t, internal)
		checkCodes(t, internal, codes)
		if !strings.Contains(string(internal), amberTrancheID) {
			t.Error("the coordinator's internal file lacks the tranche of the AMBER pledge")
		}
		if strings.Contains(string(exportIATI(t, w, c.Viewer("donor_company"), "internal")), amberTrancheID) {
			t.Error("a company not engaged on the AMBER requirement finds its pledge's tranche in an internal file")
		}
	})
}

// TestIATIExportBilateralPassThrough: a bilateral report funded by another
// organisation names its funder among the funding organisations and the
// funds it placed with the donor, who reports.
func TestIATIExportBilateralPassThrough(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		w := newWorld(t, s)
		a, c := w.a, w.cast
		eu := c.Orgs["eu"]
		b, err := a.Pledges.Create(ctx, c.Viewer("donor"), pledges.Input{
			AmountMinor: ptr(int64(12_000_00)), Currency: ptr("EUR"), Channel: ptr(model.ChannelBilateral), TLP: ptr(model.TLPClear),
			Description: ptr("Radio links for the grid"), BeneficiaryOrgID: ptr(c.Orgs["power"].ID), FunderOrgID: ptr(eu.ID),
			Sector: ptr(model.Sector("energy")), Category: ptr(model.Category("hardware_software")),
		})
		must(t, err)
		_, err = a.Pledges.Confirm(ctx, c.Viewer("donor"), b.ID)
		must(t, err)
		_, err = a.Pledges.Disburse(ctx, c.Viewer("donor"), b.ID, pledges.DisbursementInput{
			AmountMinor: ptr(int64(2_000_00)), Currency: ptr("EUR"), Date: ptr(model.NewDate(2026, 4, 2)),
		})
		must(t, err)
		doc := exportIATI(t, w, policy.Viewer{}, "")
		xmllint(t, doc)
		act := activityTitled(t, exportedActivities(t, doc), "Radio links for the grid")
		var types []string
		for _, tx := range act.Transactions {
			types = append(types, tx.Type.Code)
			if tx.Type.Code == "1" && (tx.Provider.Narrative != eu.Name || tx.Receiver.Narrative != c.Orgs["us"].Name) {
				t.Errorf("incoming funds %+v, want from the funder to the donor", tx)
			}
		}
		if strings.Join(types, ",") != "1,2,3" {
			t.Errorf("transactions of types %v, want incoming funds, commitment, disbursement", types)
		}
	})
}
