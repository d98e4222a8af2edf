package requirements_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

// workbook fills the downloadable template with rows, as a beneficiary
// would in a spreadsheet program.
func workbook(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	var tpl bytes.Buffer
	if err := requirements.WriteTemplateXLSX(&tpl); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&tpl)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow("requirements", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// row is a valid template row; a date cell is typed as a spreadsheet date.
func row(title, ref string, eur any) []any {
	return []any{title, "For the substations", "energy", "edr", "support", "high", eur, now.AddDate(0, 2, 0),
		"amber", "state_owned_enterprise", 40, "licences", "UA-32", ref}
}

func problemsOf(t *testing.T, err error) []requirements.RowProblem {
	t.Helper()
	var ie *requirements.ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("want the file refused row by row, got %v", err)
	}
	if !errors.Is(err, model.ErrRule) {
		t.Fatalf("a refused file is a rule broken (422): %v", err)
	}
	return ie.Problems
}

func TestImportWorkbook(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		req := e.cast.Viewer("requester")
		file := workbook(t, row("EDR for the grid", "SHEET-1", 125000.5), row("Firewalls", "SHEET-2", "80 000"))
		res, err := e.a.Requirements.Import(ctx, req, "", "needs.xlsx", bytes.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 2 || res.Updated != 0 || res.OrgID != e.cast.Orgs["ssscip"].ID {
			t.Fatalf("result %+v", res)
		}
		got, err := e.a.Requirements.Get(ctx, req, res.Rows[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != model.ReqDraft || got.EstimatedEURMinor != 125000_50 || got.RecipientType != "state_owned_enterprise" ||
			got.Quantity != 40 || got.Region != "UA-32" || got.ExternalRef != "SHEET-1" || !got.NeededBy.Equal(model.DateOf(now.AddDate(0, 2, 0))) {
			t.Fatalf("imported %+v", got.Requirement)
		}
		// The same sheet again, one title changed: the drafts are updated, not doubled.
		again := workbook(t, row("EDR for the whole grid", "SHEET-1", 125000.5), row("Firewalls", "SHEET-2", "80 000"))
		res2, err := e.a.Requirements.Import(ctx, req, "", "needs.xlsx", bytes.NewReader(again))
		if err != nil || res2.Created != 0 || res2.Updated != 2 || res2.Rows[0].ID != res.Rows[0].ID {
			t.Fatalf("re-import: %+v %v", res2, err)
		}
		all, err := e.s.ListRequirements(ctx, model.RequirementFilter{}, "", 0)
		if err != nil || len(all) != 2 {
			t.Fatalf("%d requirements after re-import (%v), want 2", len(all), err)
		}
		got, _ = e.a.Requirements.Get(ctx, req, res.Rows[0].ID)
		if got.Title != "EDR for the whole grid" {
			t.Fatalf("title %q after re-import", got.Title)
		}
		evs, err := e.s.ListAuditEvents(ctx, model.AuditFilter{ObjectType: "requirement"}, 0, 0)
		if err != nil || len(evs) != 4 {
			t.Fatalf("%d audit events (%v), want one per created or updated draft", len(evs), err)
		}
		// Once submitted, a requirement is no longer an import's to change.
		if _, err := e.a.Requirements.Submit(ctx, req, res.Rows[1].ID); err != nil {
			t.Fatal(err)
		}
		third := workbook(t, row("EDR, changed again", "SHEET-1", 1), row("Firewalls", "SHEET-2", 2))
		_, err = e.a.Requirements.Import(ctx, req, "", "needs.xlsx", bytes.NewReader(third))
		ps := problemsOf(t, err)
		if len(ps) != 1 || ps[0].Row != 3 || ps[0].Column != "external_ref" {
			t.Fatalf("problems %+v", ps)
		}
		got, _ = e.a.Requirements.Get(ctx, req, res.Rows[0].ID)
		if got.Title != "EDR for the whole grid" {
			t.Fatalf("a refused file changed row 2's draft: %q", got.Title)
		}
	})
}

// wordedByCatalogue fails on a problem people could read only in English:
// each must carry a field error that names its catalogue sentence.
func wordedByCatalogue(t *testing.T, problems []requirements.RowProblem) {
	t.Helper()
	for _, p := range problems {
		var fe *model.FieldError
		if !errors.As(p.Err, &fe) || fe.MessageID == "" {
			t.Errorf("row %d, column %s: %q has no catalogue sentence (%#v)", p.Row, p.Column, p.Message, p.Err)
		}
	}
}

func TestImportReportsEveryFault(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		header := strings.Join(requirements.ImportColumns, ",")
		csv := header + "\n" +
			"Good one,,energy,edr,support,high,1000,2026-09-01,amber,other,,,,A\n" +
			"Bad sector,,energ,edr,support,high,1000,2026-09-01,amber,other,,,,B\n" +
			"Bad money,,energy,edr,support,high,-5,01/09/2026,amber,ministry,0,,UA-99,C\n" +
			",,,,,,,,,,,,,\n" +
			"Twice,,energy,edr,support,high,1000,2026-09-01,amber,other,,,,A\n"
		_, err := e.a.Requirements.Import(ctx, e.cast.Viewer("requester"), "", "needs.csv", strings.NewReader(csv))
		got := map[string]bool{}
		rowProblems := problemsOf(t, err)
		for _, p := range rowProblems {
			got[fmt.Sprintf("%d %s", p.Row, p.Column)] = true
		}
		wordedByCatalogue(t, rowProblems)
		for _, want := range []string{"3 sector", "4 estimated_eur", "4 needed_by", "4 recipient_type", "4 quantity", "6 external_ref"} {
			if !got[want] {
				t.Errorf("no problem reported at row/column %s; got %v", want, got)
			}
		}
		// A rule of the service, met only while writing, is reported too.
		pastRow := "Past,,energy,edr,support,high,1000,2020-01-01,amber,other,,,UA-99,D\n"
		_, err = e.a.Requirements.Import(ctx, e.cast.Viewer("requester"), "", "needs.csv", strings.NewReader(header+"\n"+pastRow))
		if ps := problemsOf(t, err); len(ps) != 1 || ps[0].Row != 2 || ps[0].Column != "needed_by" {
			t.Fatalf("problems %+v", ps)
		}
		all, err := e.s.ListRequirements(ctx, model.RequirementFilter{}, "", 0)
		if err != nil || len(all) != 0 {
			t.Fatalf("a refused file wrote %d requirements (%v)", len(all), err)
		}
		// The header is checked first.
		_, err = e.a.Requirements.Import(ctx, e.cast.Viewer("requester"), "", "needs.csv", strings.NewReader("title,colour\nx,red\n"))
		ps := problemsOf(t, err)
		if ps[0].Row != 1 || ps[0].Column != "B" {
			t.Fatalf("header problems %+v", ps)
		}
		wordedByCatalogue(t, ps)
		// Limits.
		var big strings.Builder
		big.WriteString(header + "\n")
		for i := range requirements.MaxImportRows + 1 {
			fmt.Fprintf(&big, "Need %d,,energy,edr,support,high,1000,2026-09-01,amber,other,,,,\n", i)
		}
		_, err = e.a.Requirements.Import(ctx, e.cast.Viewer("requester"), "", "needs.csv", strings.NewReader(big.String()))
		var fe *model.FieldError
		if !errors.As(err, &fe) || fe.Code != "too_many_rows" {
			t.Fatalf("too many rows: %v", err)
		}
		_, err = e.a.Requirements.Import(ctx, e.cast.Viewer("requester"), "", "needs.xlsx", strings.NewReader("not a workbook"))
		if !errors.Is(err, model.ErrInvalid) {
			t.Fatalf("a broken workbook: %v", err)
		}
	})
}

func TestImportWho(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		file := func() *bytes.Reader { return bytes.NewReader(workbook(t, row("EDR", "", 1000))) }
		power := e.cast.Orgs["power"].ID
		cases := []struct {
			name string
			v    policy.Viewer
			org  string
			err  error
		}{
			{"coordinator for a beneficiary", e.cast.Viewer("coordinator"), power, nil},
			{"coordinator without naming one", e.cast.Viewer("coordinator"), "", model.ErrInvalid},
			{"coordinator for a donor", e.cast.Viewer("coordinator"), e.cast.Orgs["us"].ID, model.ErrRule},
			{"requester for another organisation", e.cast.Viewer("requester"), power, model.ErrForbidden},
			{"donor", e.cast.Viewer("donor"), power, model.ErrForbidden},
			{"validator", e.cast.Viewer("validator"), power, model.ErrForbidden},
			{"anonymous", policy.Viewer{}, power, model.ErrUnauthenticated},
			{"the operator", policy.System(), power, nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				res, err := e.a.Requirements.Import(ctx, c.v, c.org, "needs.xlsx", file())
				if c.err == nil {
					if err != nil || res.Created != 1 || res.OrgID != power {
						t.Fatalf("%+v %v", res, err)
					}
					return
				}
				if !errors.Is(err, c.err) {
					t.Fatalf("err %v, want %v", err, c.err)
				}
			})
		}
	})
}

func TestTemplateHasDropDowns(t *testing.T) {
	var buf bytes.Buffer
	if err := requirements.WriteTemplateXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	header, err := f.GetRows("requirements")
	if err != nil || strings.Join(header[0], ",") != strings.Join(requirements.ImportColumns, ",") {
		t.Fatalf("header %v %v", header, err)
	}
	dvs, err := f.GetDataValidations("requirements")
	if err != nil || len(dvs) != 7 {
		t.Fatalf("%d drop-downs (%v), want one per coded column", len(dvs), err)
	}
	var csvBuf bytes.Buffer
	if err := requirements.WriteTemplateCSV(&csvBuf); err != nil || strings.TrimSpace(csvBuf.String()) != strings.Join(requirements.ImportColumns, ",") {
		t.Fatalf("CSV template %q %v", csvBuf.String(), err)
	}
}
