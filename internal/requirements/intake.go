package requirements

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// The spreadsheet intake: a beneficiary lists its needs in a template
// (XLSX or CSV), and each row becomes a draft requirement. The whole file
// is checked and written in one transaction: one faulty row and nothing is
// written, and every fault is reported with its row and column.

// ImportColumns are the template's columns, in the template's order.
var ImportColumns = []string{"title", "description", "sector", "category", "line_of_effort", "priority",
	"estimated_eur", "needed_by", "tlp", "recipient_type", "quantity", "unit", "region", "external_ref"}

// requiredColumns must be in the header; the others may be left out.
var requiredColumns = []string{"title", "description", "sector", "category", "line_of_effort", "priority",
	"estimated_eur", "needed_by", "tlp", "recipient_type"}

// Limits of one import.
const (
	MaxImportBytes = 4 << 20
	MaxImportRows  = 1000
	// maxUnzipped bounds what an XLSX may inflate to, against zip bombs.
	maxUnzipped = 64 << 20
)

// RowProblem is one fault of an imported file: its row (the header is row
// 1) and column. Message is the English wording; Err, a field error, is
// what people read, worded by the catalogue in their own language.
type RowProblem struct {
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
	Err     error  `json:"-"`
}

// problemAt is the fault err of a row's column.
func problemAt(row int, column string, err error) RowProblem {
	return RowProblem{Row: row, Column: column, Message: messageOf(err), Err: err}
}

// ImportError lists every fault of a refused file; nothing of it was written.
type ImportError struct {
	Problems []RowProblem
}

func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the file was not imported: %d problem(s)", len(e.Problems))
	for i, p := range e.Problems {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", len(e.Problems)-i)
			break
		}
		if p.Column != "" {
			fmt.Fprintf(&b, "; row %d, column %s: %s", p.Row, p.Column, p.Message)
		} else {
			fmt.Fprintf(&b, "; row %d: %s", p.Row, p.Message)
		}
	}
	return b.String()
}

// Unwrap makes a refused file a rule the input breaks (422).
func (e *ImportError) Unwrap() error { return model.ErrRule }

// ImportedRow is what one row became.
type ImportedRow struct {
	Row    int    `json:"row"`
	ID     string `json:"id"`
	Ref    string `json:"ref"`
	Title  string `json:"title"`
	Action string `json:"action"` // created or updated
}

// ImportResult is what an import wrote.
type ImportResult struct {
	OrgID   string        `json:"org_id"`
	Created int           `json:"created"`
	Updated int           `json:"updated"`
	Rows    []ImportedRow `json:"rows"`
}

// importRow is one checked row of the file.
type importRow struct {
	row         int
	in          Input
	externalRef string
}

// ReadTable reads the cells of a CSV file or of the first sheet of an XLSX
// file; name (the file's name) and the bytes tell which.
func ReadTable(name string, r io.Reader) ([][]string, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxImportBytes {
		return nil, model.Broken("file", "file_too_large", "the file is larger than %d MiB; split it", MaxImportBytes>>20)
	}
	if len(data) == 0 {
		return nil, model.Invalid("file", "the file is empty")
	}
	lower := strings.ToLower(name)
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return readXLSX(data)
	case strings.HasSuffix(lower, ".xlsx"):
		return nil, model.Invalid("file", "%s is not an XLSX workbook", name)
	case strings.HasSuffix(lower, ".csv"), strings.HasSuffix(lower, ".txt"), name == "":
		return readCSV(data)
	}
	return nil, model.Invalid("file", "%s is neither an XLSX nor a CSV file; download the template", name)
}

func readCSV(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, model.Invalid("file", "the CSV file is not UTF-8 text; save it as \"CSV UTF-8\"")
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	var rows [][]string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &ImportError{Problems: []RowProblem{problemAt(pe.StartLine, "", model.Invalid("file", "the CSV cannot be read here: %v", pe.Err.Error()))}}
			}
			return nil, model.Invalid("file", "the CSV cannot be read")
		}
		if len(rows) >= MaxImportRows+1 {
			return nil, tooManyRows()
		}
		rows = append(rows, rec)
	}
}

func tooManyRows() error {
	return model.Broken("file", "too_many_rows", "the file has more than %d requirements; split it", MaxImportRows)
}

func readXLSX(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: maxUnzipped / 4})
	if err != nil {
		return nil, model.Invalid("file", "the XLSX workbook cannot be opened")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, model.Invalid("file", "the workbook has no sheet")
	}
	// Raw values: a date typed into a cell comes as its serial number
	// whatever format the sheet shows it in, and is read as a date below.
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, model.Invalid("file", "the first sheet cannot be read")
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		if len(out) >= MaxImportRows+1 {
			return nil, tooManyRows()
		}
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, model.Invalid("file", "the first sheet cannot be read")
		}
		out = append(out, cells)
	}
	return out, rows.Error()
}

// parseTable checks every row of a table and returns the rows as inputs,
// or every problem found.
func parseTable(table [][]string) ([]importRow, []RowProblem) {
	if len(table) == 0 {
		return nil, []RowProblem{problemAt(1, "", model.Invalid("file", "the file has no header row; download the template"))}
	}
	var problems []RowProblem
	index := map[string]int{}
	for i, h := range table[0] {
		name := strings.ToLower(strings.TrimSpace(h))
		if name == "" {
			continue
		}
		col := columnName(i)
		switch {
		case !slices.Contains(ImportColumns, name):
			problems = append(problems, problemAt(1, col, model.Invalid("file", "%q is not a column of the template; use %s", h, strings.Join(ImportColumns, ", "))))
		case index[name] != 0:
			problems = append(problems, problemAt(1, col, model.Invalid("file", "the column %s appears twice", name)))
		default:
			index[name] = i + 1
		}
	}
	for _, name := range requiredColumns {
		if index[name] == 0 {
			problems = append(problems, problemAt(1, name, model.Invalid("file", "this column is missing from the header")))
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	var out []importRow
	refs := map[string]int{}
	for i, cells := range table[1:] {
		rowNum := i + 2
		cell := func(name string) string {
			at := index[name]
			if at == 0 || at > len(cells) {
				return ""
			}
			return strings.TrimSpace(cells[at-1])
		}
		blank := true
		for _, c := range cells {
			if strings.TrimSpace(c) != "" {
				blank = false
			}
		}
		if blank {
			continue
		}
		if len(out) == MaxImportRows {
			return nil, []RowProblem{problemAt(rowNum, "", tooManyRows())}
		}
		row, rowProblems := parseRow(rowNum, cell)
		if ref := row.externalRef; ref != "" {
			if first, dup := refs[ref]; dup {
				rowProblems = append(rowProblems, problemAt(rowNum, "external_ref", model.Invalid("external_ref", "%q is also the reference of row %d", ref, first)))
			}
			refs[ref] = rowNum
		}
		problems = append(problems, rowProblems...)
		out = append(out, row)
	}
	if len(out) == 0 && len(problems) == 0 {
		problems = append(problems, problemAt(2, "", model.Invalid("file", "the file lists no requirement below its header")))
	}
	return out, problems
}

// columnName is a spreadsheet's name of the i-th column (0: A).
func columnName(i int) string {
	name, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		return strconv.Itoa(i + 1)
	}
	return name
}

// parseRow reads one row's cells, reporting each faulty one.
func parseRow(rowNum int, cell func(string) string) (importRow, []RowProblem) {
	var problems []RowProblem
	// bad takes a field error whose field is the template's column.
	bad := func(err error) {
		var fe *model.FieldError
		column := ""
		if errors.As(err, &fe) {
			column = fe.Field
		}
		problems = append(problems, problemAt(rowNum, column, err))
	}
	row := importRow{row: rowNum, externalRef: cell("external_ref")}
	text := func(name string, required bool) *string {
		v := cell(name)
		if required && v == "" {
			bad(model.Invalid(name, "is required"))
		}
		return &v
	}
	row.in.Title = text("title", true)
	row.in.Description = text("description", false)
	code := func(name string, valid func(string) bool, codes string) string {
		v := strings.ToLower(cell(name))
		switch {
		case v == "":
			bad(model.Invalid(name, "is required; use one of %s", codes))
		case !valid(v):
			bad(model.Invalid(name, "%q is not one of %s", cell(name), codes))
		}
		return v
	}
	sector := model.Sector(code("sector", func(s string) bool { return model.Sector(s).Valid() }, joinCodes(model.Sectors)))
	category := model.Category(code("category", func(s string) bool { return model.Category(s).Valid() }, joinCodes(model.Categories)))
	line := model.LineOfEffort(code("line_of_effort", func(s string) bool { return model.LineOfEffort(s).Valid() }, "support, strengthen, sustain"))
	prio := model.Priority(code("priority", func(s string) bool { return model.Priority(s).Valid() }, "critical, high, medium, low"))
	tlp := model.TLP(code("tlp", func(s string) bool { return model.TLP(s).Valid() }, joinCodes(model.TLPs)))
	recipient := model.RecipientType(code("recipient_type", func(s string) bool { return model.RecipientType(s).Valid() }, joinCodes(model.RecipientTypes)))
	row.in.Sector, row.in.Category, row.in.LineOfEffort, row.in.Priority, row.in.TLP, row.in.RecipientType = &sector, &category, &line, &prio, &tlp, &recipient
	if tlp == model.TLPRed {
		bad(model.Invalid("tlp", "a RED requirement names its readers, which a spreadsheet cannot: import it as AMBER+STRICT and make it RED on its page"))
	}
	if v := cell("estimated_eur"); v == "" {
		bad(model.Invalid("estimated_eur", "is required: the estimated cost in euros, e.g. 125000.50"))
	} else if eur, err := money.ParseAmount(v, "EUR"); err != nil {
		problems = append(problems, problemAt(rowNum, "estimated_eur", err))
	} else {
		row.in.EstimatedEURMinor = &eur
	}
	if v := cell("needed_by"); v == "" {
		bad(model.Invalid("needed_by", "is required: the date by which the need must be met, as YYYY-MM-DD"))
	} else if d, err := parseImportDate(v); err != nil {
		bad(model.Invalid("needed_by", "%q is not a date; write YYYY-MM-DD", v))
	} else {
		row.in.NeededBy = &d
	}
	qty := int64(1)
	if v := cell("quantity"); v != "" {
		q, err := strconv.ParseInt(strings.TrimSuffix(v, ".0"), 10, 64)
		if err != nil || q < 1 {
			bad(model.Invalid("quantity", "%q is not a whole number of at least 1", v))
		}
		qty = q
	}
	row.in.Quantity = &qty
	row.in.Unit = text("unit", false)
	region := strings.ToUpper(cell("region"))
	row.in.Region = &region
	if len([]rune(row.externalRef)) > model.MaxShort {
		bad(model.Invalid("external_ref", "is longer than %d characters", model.MaxShort))
	}
	return row, problems
}

// parseImportDate reads YYYY-MM-DD, or the serial number a spreadsheet
// keeps for a date typed into a cell.
func parseImportDate(v string) (model.Date, error) {
	if d, err := model.ParseDate(v); err == nil {
		return d, nil
	}
	serial, err := strconv.ParseFloat(v, 64)
	if err != nil || serial < 1 || serial > 2958465 {
		return model.Date{}, model.Invalid("needed_by", "not a date")
	}
	t, err := excelize.ExcelDateToTime(serial, false)
	if err != nil {
		return model.Date{}, err
	}
	return model.DateOf(t), nil
}

func joinCodes[T ~string](codes []T) string {
	s := make([]string, len(codes))
	for i, c := range codes {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}

// messageOf is an error's message without the field name it carries.
func messageOf(err error) string {
	var fe *model.FieldError
	if errors.As(err, &fe) {
		return fe.Message
	}
	return err.Error()
}

// importColumn is the template's column a service field error is about.
var importColumn = map[string]string{"estimated_eur_minor": "estimated_eur"}

// Import reads a template file into draft requirements of the beneficiary
// organisation orgID, in one transaction. A requester imports for its own
// organisation (orgID "" or its own); a coordinator, and the operator's
// command line, name the beneficiary. A row whose external_ref an earlier
// import of the organisation used updates that draft; one whose
// requirement is no longer a draft is a fault of that row.
func (s *Service) Import(ctx context.Context, v policy.Viewer, orgID, name string, r io.Reader) (ImportResult, error) {
	if err := policy.Require(v, policy.RequirementsImport); err != nil {
		return ImportResult{}, err
	}
	if orgID == "" && v.Has(model.RoleRequester) {
		orgID = v.Org.ID
	}
	if orgID == "" {
		return ImportResult{}, model.Invalid("org_id", "name the beneficiary organisation the requirements are for")
	}
	target := policy.Resource{TLP: model.TLPAmberStrict, OwnerOrgID: orgID, BeneficiaryOrgID: orgID, Unvalidated: true}
	if err := policy.Authorize(v, policy.RequirementsImport, target); err != nil {
		if errors.Is(err, model.ErrNotFound) {
			// A requester of another organisation may not import for it.
			return ImportResult{}, model.ErrForbidden
		}
		return ImportResult{}, err
	}
	table, err := ReadTable(name, r)
	if err != nil {
		return ImportResult{}, err
	}
	rows, problems := parseTable(table)
	if len(problems) > 0 {
		return ImportResult{}, &ImportError{Problems: problems}
	}
	now := s.now().UTC()
	today := model.DateOf(now)
	result := ImportResult{OrgID: orgID}
	err = s.store.InTx(ctx, func(q store.Queries) error {
		org, err := q.OrganisationByID(ctx, orgID)
		if errors.Is(err, model.ErrNotFound) {
			return model.Invalid("org_id", "no organisation has the id %q", orgID)
		}
		if err != nil {
			return err
		}
		if org.Kind != model.KindBeneficiaryAgency && org.Participation != model.Beneficiary {
			return model.Broken("org_id", "not_beneficiary", "%s is not a beneficiary organisation", org.Name)
		}
		var problems []RowProblem
		fault := func(row int, err error) error {
			var fe *model.FieldError
			if !errors.As(err, &fe) {
				return err
			}
			col := fe.Field
			if c, ok := importColumn[col]; ok {
				col = c
			}
			problems = append(problems, problemAt(row, col, fe))
			return nil
		}
		for _, row := range rows {
			out, action, err := s.importRow(ctx, q, v, org.ID, row, today)
			if err != nil {
				if err := fault(row.row, err); err != nil {
					return err
				}
				continue
			}
			result.Rows = append(result.Rows, ImportedRow{Row: row.row, ID: out.ID, Ref: out.Ref, Title: out.Title, Action: action})
			if action == "created" {
				result.Created++
			} else {
				result.Updated++
			}
		}
		if len(problems) > 0 {
			return &ImportError{Problems: problems}
		}
		return nil
	})
	if err != nil {
		var ie *ImportError
		if errors.As(err, &ie) {
			return ImportResult{}, ie
		}
		return ImportResult{}, model.Unexpected(err, "import requirements")
	}
	return result, nil
}

// importRow writes one row: a new draft, or the update of the draft an
// earlier import gave the same external reference.
func (s *Service) importRow(ctx context.Context, q store.Queries, v policy.Viewer, orgID string, row importRow, today model.Date) (model.Requirement, string, error) {
	at := s.now().UTC()
	if row.externalRef != "" {
		existing, err := q.RequirementByExternalRef(ctx, orgID, row.externalRef)
		switch {
		case err == nil:
			if existing.Status != model.ReqDraft {
				return model.Requirement{}, "", model.Broken("external_ref", "not_draft",
					"%q is %s %s, which is %s: only a draft is updated by an import", row.externalRef, existing.Ref, existing.Title, existing.Status)
			}
			before := existing
			if _, err := row.in.apply(&existing, today); err != nil {
				return model.Requirement{}, "", err
			}
			existing.UpdatedAt = at
			if err := q.UpdateRequirement(ctx, &existing); err != nil {
				return model.Requirement{}, "", err
			}
			return existing, "updated", s.audit.Record(ctx, q, v, "update", &before, &existing)
		case !errors.Is(err, model.ErrNotFound):
			return model.Requirement{}, "", err
		}
	}
	r := model.Requirement{
		BeneficiaryOrgID: orgID,
		Quantity:         1,
		Status:           model.ReqDraft,
		RecipientType:    model.RecipientOther,
		CreatedBy:        v.UserID,
		CreatedAt:        at,
		UpdatedAt:        at,
		ExternalRef:      row.externalRef,
	}
	if _, err := row.in.apply(&r, today); err != nil {
		return model.Requirement{}, "", err
	}
	n, err := q.NextCounter(ctx, fmt.Sprintf("requirement-%d", at.Year()))
	if err != nil {
		return model.Requirement{}, "", err
	}
	r.Ref = fmt.Sprintf("REQ-%d-%04d", at.Year(), n)
	if err := q.CreateRequirement(ctx, &r); err != nil {
		return model.Requirement{}, "", err
	}
	return r, "created", s.audit.Record(ctx, q, v, "create", nil, &r)
}
