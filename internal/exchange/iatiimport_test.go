package exchange_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/exchange"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

func importFile(t *testing.T, w *world, name string) (exchange.ImportResult, error) {
	t.Helper()
	return importFileWith(t, w, name, exchange.ImportOptions{})
}

func importFileWith(t *testing.T, w *world, name string, o exchange.ImportOptions) (exchange.ImportResult, error) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	must(t, err)
	return w.a.Exchange.ImportIATIWith(context.Background(), w.cast.Viewer("admin"), bytes.NewReader(b), o)
}

func imported(t *testing.T, w *world) map[string]model.Pledge {
	t.Helper()
	out := map[string]model.Pledge{}
	must(t, w.a.Store.EachPledge(context.Background(), model.PledgeFilter{Channel: model.ChannelBilateral}, func(p model.Pledge) error {
		if p.IATIIdentifier != "" {
			if _, dup := out[p.IATIIdentifier]; dup {
				t.Errorf("%s imported twice", p.IATIIdentifier)
			}
			out[p.IATIIdentifier] = p
		}
		return nil
	}))
	return out
}

func auditCount(t *testing.T, w *world, action string) int {
	t.Helper()
	evs, err := w.a.Store.ListAuditEvents(context.Background(), model.AuditFilter{}, 0, 0)
	must(t, err)
	n := 0
	for _, e := range evs {
		if e.Action == action {
			n++
		}
	}
	return n
}

func TestIATIImport(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		w := newWorld(t, s)
		power, gov, us := w.cast.Orgs["power"], w.cast.Orgs["ua"], w.cast.Orgs["us"]

		t.Run("2.01", func(t *testing.T) {
			res, err := importFile(t, w, "iati-2.01.xml")
			must(t, err)
			if res.Created != 1 || res.Version != "2.01" {
				t.Fatalf("result %+v", res)
			}
			p := imported(t, w)["US-GOV-1-UA-CYBER-001"]
			if p.DonorOrgID != us.ID || p.BeneficiaryOrgID != power.ID || p.Sector != "telecom" ||
				p.AmountMinor != 250_000_00 || p.Currency != "USD" || p.EURMinor <= 0 || p.Status != model.PledgeInDelivery ||
				p.PeriodStart.String() != "2026-02-01" || p.PeriodEnd.String() != "2026-12-31" || p.TLP != model.TLPClear ||
				p.Channel != model.ChannelBilateral || p.PledgeDate.String() != "2026-02-10" {
				t.Fatalf("imported as %+v", p)
			}
		})

		t.Run("2.02", func(t *testing.T) {
			res, err := importFile(t, w, "iati-2.02.xml")
			must(t, err)
			if res.Created != 1 || res.Skipped != 1 || res.Organisations != 1 || res.Activities != 2 {
				t.Fatalf("result %+v", res)
			}
			p := imported(t, w)["XI-IATI-NCF-2026-07"]
			if p.AmountMinor != 80_000_50 || p.Currency != "EUR" || p.Sector != "water" || p.Category != "incident_response" ||
				p.BeneficiaryOrgID != gov.ID || p.Status != model.PledgeProposed {
				t.Fatalf("imported as %+v", p)
			}
			donor, err := w.a.Store.OrganisationByID(context.Background(), p.DonorOrgID)
			must(t, err)
			if donor.Name != "Nordic Cyber Fund" || donor.Kind != model.KindNGO {
				t.Fatalf("donor created as %+v", donor)
			}
		})

		t.Run("2.03, again and changed", func(t *testing.T) {
			res, err := importFile(t, w, "iati-2.03.xml")
			must(t, err)
			if res.Created != 1 {
				t.Fatalf("result %+v", res)
			}
			p := imported(t, w)["GB-GOV-1-300999"]
			// GBP and EUR commitments are summed in euros.
			if p.Currency != "EUR" || p.AmountMinor <= 50_000_00 || p.Category != "edr" || p.Sector != "government" || p.BeneficiaryOrgID != gov.ID {
				t.Fatalf("imported as %+v", p)
			}
			before := len(imported(t, w))
			res, err = importFile(t, w, "iati-2.03.xml")
			must(t, err)
			if res.Created != 0 || res.Updated != 0 || res.Unchanged != 1 {
				t.Fatalf("importing again: %+v", res)
			}
			b, err := os.ReadFile(filepath.Join("testdata", "iati-2.03.xml"))
			must(t, err)
			changed := strings.Replace(string(b), ">50000</value>", ">60000</value>", 1)
			res, err = w.a.Exchange.ImportIATI(context.Background(), w.cast.Viewer("admin"), strings.NewReader(changed), nil)
			must(t, err)
			if res.Updated != 1 {
				t.Fatalf("importing a change: %+v", res)
			}
			after := imported(t, w)
			if len(after) != before || after["GB-GOV-1-300999"].ID != p.ID || after["GB-GOV-1-300999"].AmountMinor != p.AmountMinor+10_000_00 {
				t.Fatalf("a changed activity must update its report: %+v", after["GB-GOV-1-300999"])
			}
			if n := auditCount(t, w, "pledge.import"); n != 3 {
				t.Errorf("%d import events, want one per created report", n)
			}
			if n := auditCount(t, w, "pledge.reimport"); n != 1 {
				t.Errorf("%d re-import events, want 1", n)
			}
		})

		t.Run("refused whole, with lines", func(t *testing.T) {
			before := len(imported(t, w))
			for _, c := range []struct {
				file   string
				lines  []int
				says   string
				strict bool
			}{
				{"malformed.xml", []int{8}, "well-formed", false},
				{"invalid.xml", []int{12, 21}, "not a decimal", true},
				{"version-1.xml", []int{2}, "1.05", false},
			} {
				_, err := importFileWith(t, w, c.file, exchange.ImportOptions{Strict: c.strict})
				var fe *exchange.FileError
				if !errors.As(err, &fe) || !errors.Is(err, model.ErrInvalid) {
					t.Fatalf("%s: %v, want a FileError", c.file, err)
				}
				var lines []int
				for _, le := range fe.Errors {
					lines = append(lines, le.Line)
				}
				if len(lines) != len(c.lines) || !strings.Contains(err.Error(), c.says) {
					t.Errorf("%s: errors %v, want lines %v saying %q", c.file, fe.Errors, c.lines, c.says)
					continue
				}
				for i := range lines {
					if lines[i] != c.lines[i] {
						t.Errorf("%s: errors %v, want lines %v", c.file, fe.Errors, c.lines)
					}
				}
			}
			if after := len(imported(t, w)); after != before {
				t.Fatalf("%d reports after refused files, want %d: nothing is half-imported", after, before)
			}
		})

		t.Run("a faulty activity is skipped, the others imported", func(t *testing.T) {
			res, err := importFile(t, w, "invalid.xml")
			must(t, err)
			if res.Created != 1 || res.Skipped != 2 || len(res.Skips) != 2 || res.Skips[0].Line != 12 || res.Skips[1].Line != 21 ||
				res.Skips[0].Identifier != "GB-GOV-1-BAD-VALUE" || !strings.Contains(res.Skips[0].Message, "not a decimal") ||
				!strings.Contains(res.Skips[1].Message, `"20260115" is not a date`) {
				t.Fatalf("result %+v", res)
			}
			if len(res.Reasons) != 2 || res.Reasons[0].Count != 1 {
				t.Errorf("reasons %+v", res.Reasons)
			}
			if _, ok := imported(t, w)["GB-GOV-1-GOOD"]; !ok {
				t.Error("the sound activity was not imported")
			}
		})

		t.Run("only administrators", func(t *testing.T) {
			_, err := w.a.Exchange.ImportIATI(context.Background(), w.cast.Viewer("donor"), strings.NewReader("<iati-activities/>"), nil)
			if !errors.Is(err, model.ErrForbidden) {
				t.Fatalf("a donor imports: %v", err)
			}
		})

		t.Run("the schema's should-pass examples", func(t *testing.T) {
			dir := filepath.Join(iatiDir(t), "tests", "activity-should-pass")
			n := 0
			must(t, filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || !strings.HasSuffix(path, ".xml") {
					return err
				}
				f, err := os.Open(path)
				must(t, err)
				defer f.Close()
				if _, err := w.a.Exchange.ImportIATI(context.Background(), w.cast.Viewer("admin"), f, nil); err != nil {
					t.Errorf("%s: %v", path, err)
				}
				n++
				return nil
			}))
			if n < 40 {
				t.Fatalf("only %d examples", n)
			}
		})
	})
}

// manyActivities writes a file of n activities for UA. Activity i reports
// identifier ids(i) for publisher pubs(i), and values it at 1,000 EUR plus i.
func manyActivities(n int, ids func(i int) string, pubs func(i int) string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<iati-activities version="2.03">` + "\n")
	for i := range n {
		fmt.Fprintf(&b, `<iati-activity default-currency="EUR">
 <iati-identifier>%s</iati-identifier>
 <reporting-org ref="%s" type="10"><narrative>%s</narrative></reporting-org>
 <title><narrative>Activity %d</narrative></title>
 <activity-status code="2"/>
 <activity-date iso-date="2026-01-01" type="2"/>
 <recipient-country code="UA"/>
 <transaction><transaction-type code="2"/><transaction-date iso-date="2026-02-01"/><value>%d</value></transaction>
</iati-activity>
`, ids(i), pubs(i), pubs(i), i, 1000+i)
	}
	b.WriteString("</iati-activities>\n")
	return b.String()
}

// TestIATIImportInBatches imports a file longer than several batches, which
// names some activities twice and brings new publishers midway: every
// report once, with its last values, audited in file order on an unbroken
// chain.
func TestIATIImportInBatches(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		w := newWorld(t, s)
		ctx := context.Background()
		const n = 1300
		ids := func(i int) string {
			switch i {
			case 301: // the activity just before, in the same batch
				return "XM-BATCH-0300"
			case 1290: // an activity of the first batch
				return "XM-BATCH-0010"
			}
			return fmt.Sprintf("XM-BATCH-%04d", i)
		}
		pubs := func(i int) string {
			switch i {
			case 1290:
				return "XM-PUB-0" // the publisher of activity 10
			}
			return fmt.Sprintf("XM-PUB-%d", i/400) // a new one every 400 activities
		}
		file := manyActivities(n, ids, pubs)
		res, err := w.a.Exchange.ImportIATI(ctx, w.cast.Viewer("admin"), strings.NewReader(file), nil)
		must(t, err)
		if res.Activities != n || res.Created != n-2 || res.Updated != 2 || res.Organisations != 4 {
			t.Fatalf("result %+v", res)
		}
		got := imported(t, w)
		if len(got) != n-2 {
			t.Fatalf("%d reports, want %d", len(got), n-2)
		}
		if a := got["XM-BATCH-0300"].AmountMinor; a != 1301_00 {
			t.Errorf("a report named twice in one batch holds %d, want the later value", a)
		}
		if a := got["XM-BATCH-0010"].AmountMinor; a != 2290_00 {
			t.Errorf("a report named again batches later holds %d, want the later value", a)
		}

		// Events follow the file: each publisher before its first report,
		// reports in the order of their first mention.
		evs, err := w.a.Store.ListAuditEvents(ctx, model.AuditFilter{}, 0, 0)
		must(t, err)
		byID := map[string]string{}
		for id, p := range got {
			byID[p.ID] = id
		}
		var order []string
		for _, e := range evs {
			switch e.Action {
			case "organisation.import":
				order = append(order, "org")
			case "pledge.import":
				order = append(order, byID[e.ObjectID])
			}
		}
		var want []string
		for i := range n {
			if i%400 == 0 {
				want = append(want, "org")
			}
			if i != 301 && i != 1290 {
				want = append(want, ids(i))
			}
		}
		if !slices.Equal(order, want) {
			t.Errorf("audit order differs from the file's")
		}
		rep, err := audit.Verify(ctx, w.a.Store)
		must(t, err)
		if !rep.OK {
			t.Fatalf("audit chain after the import: %+v", rep)
		}

		// Importing again changes nothing.
		res, err = w.a.Exchange.ImportIATI(ctx, w.cast.Viewer("admin"), strings.NewReader(file), nil)
		must(t, err)
		// Each mention of a repeated activity differs from the report the
		// mention before it left.
		if res.Created != 0 || res.Unchanged != n-4 || res.Updated != 4 {
			t.Fatalf("importing again: %+v", res)
		}
	})
}

// A report its donor made stricter on the platform stays so: importing the
// published file again, changed or not, never relaxes its label (it once
// went back to CLEAR, and so public).
func TestReimportNeverRelaxesALabel(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		w := newWorld(t, s)
		ctx := context.Background()
		_, err := importFile(t, w, "iati-2.03.xml")
		must(t, err)
		p := imported(t, w)["GB-GOV-1-300999"]
		p.TLP, p.NamedUserIDs = model.TLPRed, []string{w.cast.Users["donor"].ID}
		must(t, w.a.Store.UpdatePledge(ctx, &p))

		b, err := os.ReadFile(filepath.Join("testdata", "iati-2.03.xml"))
		must(t, err)
		for _, file := range []string{string(b), strings.Replace(string(b), ">50000</value>", ">60000</value>", 1)} {
			if _, err := w.a.Exchange.ImportIATI(ctx, w.cast.Viewer("admin"), strings.NewReader(file), nil); err != nil {
				t.Fatal(err)
			}
			got := imported(t, w)["GB-GOV-1-300999"]
			if got.TLP != model.TLPRed || !slices.Equal(got.NamedUserIDs, p.NamedUserIDs) {
				t.Fatalf("after a new import the report is %s, named %v: a label set on the platform was relaxed", got.TLP, got.NamedUserIDs)
			}
		}
		if _, err := w.a.Pledges.Get(ctx, policy.Viewer{}, p.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("a visitor reads the RED report after its re-import: %v", err)
		}
	})
}
