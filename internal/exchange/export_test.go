package exchange_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/cyberaid/cyberaid/internal/exchange"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

func export(t *testing.T, w *world, v policy.Viewer, dataset, format string, q exchange.Filter) []byte {
	t.Helper()
	e, err := w.a.Exchange.Prepare(dataset, format, q)
	must(t, err)
	var buf bytes.Buffer
	must(t, e.Write(context.Background(), v, &buf))
	return buf.Bytes()
}

// readCSV checks the spreadsheet conventions and returns the records.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\uFEFF")) {
		t.Fatal("the CSV does not start with a UTF-8 byte order mark")
	}
	body := b[3:]
	if bytes.Count(body, []byte("\r\n")) != bytes.Count(body, []byte("\n")) {
		t.Fatal("the CSV has line ends other than CRLF")
	}
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	must(t, err)
	return recs
}

func column(t *testing.T, recs [][]string, name string) []string {
	t.Helper()
	i := -1
	for j, h := range recs[0] {
		if h == name {
			i = j
		}
	}
	if i < 0 {
		t.Fatalf("no column %q in %v", name, recs[0])
	}
	var out []string
	for _, r := range recs[1:] {
		out = append(out, r[i])
	}
	return out
}

func TestExports(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		w := newWorld(t, s)
		anon := policy.Viewer{}
		donor := w.cast.Viewer("donor")

		t.Run("requirements follow the policy", func(t *testing.T) {
			ids := column(t, readCSV(t, export(t, w, anon, "requirements", "csv", exchange.Filter{})), "id")
			if len(ids) != 1 || ids[0] != w.ids["clear"] {
				t.Fatalf("anonymous export holds %v, want only the CLEAR requirement", ids)
			}
			recs := readCSV(t, export(t, w, donor, "requirements", "csv", exchange.Filter{}))
			ids = column(t, recs, "id")
			if len(ids) != 2 || strings.Contains(strings.Join(ids, " "), w.ids["draft"]) {
				t.Fatalf("donor export holds %v, want the two validated requirements", ids)
			}
			recs = readCSV(t, export(t, w, w.cast.Viewer("requester"), "requirements", "csv", exchange.Filter{Requirements: model.RequirementFilter{Status: model.ReqDraft}}))
			if ids := column(t, recs, "id"); len(ids) != 1 || ids[0] != w.ids["draft"] {
				t.Fatalf("filtered export holds %v, want the draft", ids)
			}
		})

		t.Run("pledges follow the policy and the filters", func(t *testing.T) {
			recs := readCSV(t, export(t, w, anon, "pledges", "csv", exchange.Filter{}))
			ids := column(t, recs, "id")
			if strings.Contains(strings.Join(ids, " "), w.ids["pledge_amber"]) || len(ids) != 2 {
				t.Fatalf("anonymous export holds %v, want the two CLEAR pledges", ids)
			}
			recs = readCSV(t, export(t, w, donor, "pledges", "csv", exchange.Filter{Pledges: model.PledgeFilter{Channel: model.ChannelMechanism}}))
			if got := column(t, recs, "channel"); len(got) != 2 || got[0] != "mechanism" || got[1] != "mechanism" {
				t.Fatalf("channel filter: %v", got)
			}
			amounts := column(t, recs, "amount")
			currencies := column(t, recs, "currency")
			found := false
			for i := range amounts {
				if amounts[i] == "40000.00" && currencies[i] == "USD" {
					found = true
				}
			}
			if !found {
				t.Fatalf("amounts %v %v: want 40000.00 USD as a plain decimal", amounts, currencies)
			}
		})

		t.Run("bilateral reports, defused", func(t *testing.T) {
			recs := readCSV(t, export(t, w, anon, "bilateral", "csv", exchange.Filter{}))
			if ids := column(t, recs, "id"); len(ids) != 1 || ids[0] != w.ids["bilateral"] {
				t.Fatalf("bilateral export holds %v", ids)
			}
			if d := column(t, recs, "description")[0]; !strings.HasPrefix(d, "'=HYPERLINK") {
				t.Fatalf("a formula-like cell is written as %q", d)
			}
			_, err := w.a.Exchange.Prepare("bilateral", "csv", exchange.Filter{Pledges: model.PledgeFilter{Channel: model.ChannelMechanism}})
			if !errors.Is(err, model.ErrInvalid) {
				t.Fatalf("bilateral with channel=mechanism: %v", err)
			}
		})

		t.Run("json", func(t *testing.T) {
			var rows []map[string]string
			must(t, json.Unmarshal(export(t, w, donor, "pledges", "json", exchange.Filter{}), &rows))
			if len(rows) != 3 {
				t.Fatalf("%d rows, want 3", len(rows))
			}
			var empty []map[string]string
			must(t, json.Unmarshal(export(t, w, anon, "pledges", "json", exchange.Filter{Pledges: model.PledgeFilter{Status: model.PledgeWithdrawn}}), &empty))
			if len(empty) != 0 {
				t.Fatalf("withdrawn filter: %v", empty)
			}
		})

		t.Run("xlsx", func(t *testing.T) {
			f, err := excelize.OpenReader(bytes.NewReader(export(t, w, anon, "bilateral", "xlsx", exchange.Filter{})))
			must(t, err)
			defer f.Close()
			rows, err := f.GetRows("Sheet1")
			must(t, err)
			if len(rows) != 2 || rows[0][0] != "id" || rows[1][0] != w.ids["bilateral"] {
				t.Fatalf("rows %v", rows)
			}
			// Text stays text in a spreadsheet file: no formula, no apostrophe.
			formula, err := f.GetCellFormula("Sheet1", "W2")
			must(t, err)
			if formula != "" {
				t.Fatalf("a cell became the formula %q", formula)
			}
		})

		t.Run("refusals", func(t *testing.T) {
			for _, c := range []struct {
				dataset, format string
				q               exchange.Filter
				want            error
			}{
				{"secrets", "csv", exchange.Filter{}, model.ErrNotFound},
				{"pledges", "pdf", exchange.Filter{}, model.ErrNotFound},
				{"pledges", "csv", exchange.Filter{Pledges: model.PledgeFilter{Status: "lost"}}, model.ErrInvalid},
				{"requirements", "csv", exchange.Filter{Requirements: model.RequirementFilter{Sector: "space"}}, model.ErrInvalid},
			} {
				if _, err := w.a.Exchange.Prepare(c.dataset, c.format, c.q); !errors.Is(err, c.want) {
					t.Errorf("%s.%s %v: %v, want %v", c.dataset, c.format, c.q, err, c.want)
				}
			}
		})
	})
}

func TestDatasetNames(t *testing.T) {
	got := strings.Join(exchange.DatasetNames(), ",")
	if got != "requirements,pledges,bilateral,offers,lessons" {
		t.Fatalf("datasets %s", got)
	}
}
