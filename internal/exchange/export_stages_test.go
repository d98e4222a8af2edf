package exchange_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/cyberaid/cyberaid/internal/exchange"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// The columns external clients read, in their order: new ones only follow.
var (
	pledgeColumnsBefore = []string{"id", "donor_org_id", "donor", "requirement_id", "channel", "kind", "status", "review", "amount", "currency",
		"amount_eur", "rate", "rate_date", "rate_provisional", "pledge_date", "beneficiary_org_id", "beneficiary", "sector", "category",
		"period_start", "period_end", "iati_identifier", "tlp", "description", "created_at", "updated_at"}
	requirementColumnsBefore = []string{"id", "ref", "title", "beneficiary_org_id", "beneficiary", "sector", "category", "line_of_effort",
		"priority", "status", "estimated", "pledged", "currency", "coverage", "quantity", "unit", "needed_by", "region", "tlp", "description",
		"created_at", "updated_at"}
)

// TestExportStageColumns: the pledge export names each pledge's funder, what
// was disbursed on it and its suspension; the requirement export the euros
// committed, disbursed and delivered beside those pledged. The columns
// appear after the ones clients read already, in CSV and XLSX alike.
func TestExportStageColumns(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		w := newWorld(t, s)
		a, c := w.a, w.cast
		donor := c.Viewer("donor")
		p, err := a.Pledges.Create(ctx, donor, pledges.Input{
			RequirementID: ptr(w.ids["clear"]), AmountMinor: ptr(int64(30_000_00)), Currency: ptr("EUR"),
			TLP: ptr(model.TLPClear), FunderOrgID: ptr(c.Orgs["eu"].ID),
		})
		must(t, err)
		_, err = a.Pledges.Confirm(ctx, donor, p.ID)
		must(t, err)
		_, err = a.Pledges.Disburse(ctx, donor, p.ID, pledges.DisbursementInput{
			AmountMinor: ptr(int64(10_000_00)), Currency: ptr("EUR"), Date: ptr(model.NewDate(2026, 5, 4)),
		})
		must(t, err)
		_, err = a.Pledges.Suspend(ctx, donor, w.ids["pledge_clear"], "Programme frozen by parliament")
		must(t, err)

		recs := readCSV(t, export(t, w, donor, "pledges", "csv", exchange.Filter{}))
		want := append(slices.Clone(pledgeColumnsBefore), "funder_org_id", "funder", "disbursed_eur_minor", "suspended_on", "suspend_reason")
		if !slices.Equal(recs[0], want) {
			t.Fatalf("pledge columns\n%v\nwant\n%v", recs[0], want)
		}
		row := func(recs [][]string, id string) map[string]string {
			t.Helper()
			for _, r := range recs[1:] {
				if r[0] == id {
					out := map[string]string{}
					for i, h := range recs[0] {
						out[h] = r[i]
					}
					return out
				}
			}
			t.Fatalf("no row %s", id)
			return nil
		}
		got := row(recs, p.ID)
		if got["funder_org_id"] != c.Orgs["eu"].ID || got["funder"] != "European Union" || got["disbursed_eur_minor"] != "1000000" || got["status"] != "confirmed" {
			t.Errorf("pass-through pledge row %v", got)
		}
		got = row(recs, w.ids["pledge_clear"])
		if got["status"] != "suspended" || got["suspended_on"] != "2026-06-15" || got["suspend_reason"] != "Programme frozen by parliament" ||
			got["funder_org_id"] != "" || got["funder"] != "" || got["disbursed_eur_minor"] != "0" {
			t.Errorf("suspended pledge row %v", got)
		}

		recs = readCSV(t, export(t, w, donor, "requirements", "csv", exchange.Filter{}))
		want = append(slices.Clone(requirementColumnsBefore), "committed", "disbursed", "delivered", "recipient_type")
		if !slices.Equal(recs[0], want) {
			t.Fatalf("requirement columns\n%v\nwant\n%v", recs[0], want)
		}
		// The suspended pledge counts for nothing; the pass-through one is
		// pledged and committed, a third of it disbursed.
		got = row(recs, w.ids["clear"])
		if got["pledged"] != "30000.00" || got["committed"] != "30000.00" || got["disbursed"] != "10000.00" || got["delivered"] != "0.00" {
			t.Errorf("requirement row %v", got)
		}

		f, err := excelize.OpenReader(bytes.NewReader(export(t, w, donor, "pledges", "xlsx", exchange.Filter{})))
		must(t, err)
		defer f.Close()
		rows, err := f.GetRows("Sheet1")
		must(t, err)
		if strings.Join(rows[0], ",") != strings.Join(append(slices.Clone(pledgeColumnsBefore), "funder_org_id", "funder", "disbursed_eur_minor", "suspended_on", "suspend_reason"), ",") {
			t.Errorf("XLSX header %v", rows[0])
		}
	})
}
