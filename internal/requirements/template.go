package requirements

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/cyberaid/cyberaid/internal/model"
)

// templateRows are the rows of the template the data validations cover.
const templateRows = MaxImportRows + 1

// WriteTemplateCSV writes the template's header, for a spreadsheet saved as CSV.
func WriteTemplateCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(ImportColumns); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// WriteTemplateXLSX writes the template workbook: the header, and on each
// coded column a drop-down of its codes, so that a faulty code is caught
// while typing. A second sheet lists the codes for reference.
func WriteTemplateXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet, codes = "requirements", "codes"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	if _, err := f.NewSheet(codes); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	// Typed as text, a date or a reference stays as written.
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	lists := map[string][]string{
		"sector":         codeStrings(model.Sectors),
		"category":       codeStrings(model.Categories),
		"line_of_effort": codeStrings(model.Lines),
		"priority":       codeStrings(model.Priorities),
		"tlp":            codeStrings([]model.TLP{model.TLPClear, model.TLPGreen, model.TLPAmber, model.TLPAmberStrict}),
		"recipient_type": codeStrings(model.RecipientTypes),
	}
	regions := make([]string, len(model.Regions))
	for i, r := range model.Regions {
		regions[i] = r.Code
	}
	lists["region"] = regions
	codeCol := 0
	for i, name := range ImportColumns {
		col := columnName(i)
		if err := f.SetCellStr(sheet, col+"1", name); err != nil {
			return err
		}
		if err := f.SetColWidth(sheet, col, col, 22); err != nil {
			return err
		}
		if name == "needed_by" || name == "external_ref" || name == "region" {
			if err := f.SetColStyle(sheet, col, text); err != nil {
				return err
			}
		}
		list, ok := lists[name]
		if !ok {
			continue
		}
		codeCol++
		cc := columnName(codeCol - 1)
		if err := f.SetCellStr(codes, cc+"1", name); err != nil {
			return err
		}
		for j, c := range list {
			if err := f.SetCellStr(codes, cc+strconv.Itoa(j+2), c); err != nil {
				return err
			}
		}
		dv := excelize.NewDataValidation(name != "region")
		dv.SetSqref(col + "2:" + col + strconv.Itoa(templateRows))
		dv.SetSqrefDropList("'" + codes + "'!$" + cc + "$2:$" + cc + "$" + strconv.Itoa(len(list)+1))
		dv.SetError(excelize.DataValidationErrorStyleStop, name, "Use one of the codes of the list (sheet "+codes+").")
		if err := f.AddDataValidation(sheet, dv); err != nil {
			return err
		}
	}
	if err := f.SetRowStyle(sheet, 1, 1, bold); err != nil {
		return err
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

func codeStrings[T ~string](codes []T) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = string(c)
	}
	return out
}
