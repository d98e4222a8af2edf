// Package exchange moves the mechanism's records in and out: spreadsheet and
// JSON exports of every list, the IATI 2.03 activity export, and the import
// of donors' published IATI activities as bilateral reports.
package exchange

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/offers"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// Service answers exports and imports; it reads through the policy, so an
// export holds exactly the records its viewer may see.
type Service struct {
	store Store
	now   func() time.Time
	// beneficiaryCountry is the ISO 3166 code of the assisted country.
	beneficiaryCountry string
	// pledges values and saves imported bilateral reports.
	pledges *pledges.Service
	// lessons decides which lessons a viewer may see.
	lessons *lessons.Service
	// offers counts what is committed from each offer.
	offers *offers.Service
	// publisher is who IATI exports are published as.
	publisher Publisher
	// maxImport bounds an imported IATI file (0: DefaultMaxImportSize).
	maxImport int64
}

// NewService builds the service; publisher is who IATI exports are
// published as (an empty field keeps DefaultPublisher's).
func NewService(s Store, now func() time.Time, beneficiaryCountry string, publisher Publisher,
	p *pledges.Service, o *offers.Service, l *lessons.Service) (*Service, error) {
	x := &Service{store: s, now: now, beneficiaryCountry: beneficiaryCountry, pledges: p, offers: o, lessons: l, publisher: DefaultPublisher}
	if err := x.publishAs(publisher); err != nil {
		return nil, err
	}
	return x, nil
}

func (s *Service) publishAs(p Publisher) error {
	if p.Ref != "" {
		// Activity identifiers begin with it, and IATI forbids spaces and
		// the separators of URLs in them.
		if !publisherRef.MatchString(p.Ref) {
			return model.Invalid("iati_publisher_ref", "%q is not an IATI organisation identifier: letters, digits, dots, dashes and underscores, such as XI-IATI-EXAMPLE", p.Ref)
		}
		s.publisher.Ref = p.Ref
	}
	if p.Name = strings.TrimSpace(p.Name); p.Name != "" {
		s.publisher.Name = p.Name
	}
	return nil
}

var publisherRef = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// Formats an export can be written in.
const (
	CSV  = "csv"
	XLSX = "xlsx"
	JSON = "json"
)

var contentTypes = map[string]string{
	CSV:  "text/csv; charset=utf-8",
	XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	JSON: "application/json",
}

// Export is a prepared export: its dataset, format and filters are checked,
// so that a bad request is refused before the first byte is written.
type Export struct {
	Dataset     string
	Format      string
	ContentType string
	Filename    string
	columns     []string
	rows        rowsFunc
}

// Prepare checks an export of dataset in format with the filter of its list.
func (s *Service) Prepare(dataset, format string, f Filter) (*Export, error) {
	d, ok := datasetByName(dataset)
	if !ok {
		return nil, model.ErrNotFound
	}
	ct, ok := contentTypes[format]
	if !ok {
		return nil, model.ErrNotFound
	}
	rows, err := d.open(s, f)
	if err != nil {
		return nil, err
	}
	return &Export{
		Dataset: d.name, Format: format, ContentType: ct,
		Filename: fmt.Sprintf("cyberaid-%s-%s.%s", d.name, s.now().UTC().Format("20060102"), format),
		columns:  d.columns, rows: rows,
	}, nil
}

// Write streams the rows v may see to w, one at a time.
func (e *Export) Write(ctx context.Context, v policy.Viewer, w io.Writer) error {
	var rw rowWriter
	switch e.Format {
	case CSV:
		rw = newCSVWriter(w)
	case XLSX:
		rw = newXLSXWriter(w)
	default:
		rw = newJSONWriter(w)
	}
	if err := rw.header(e.columns); err != nil {
		return err
	}
	if err := e.rows(ctx, v, rw.row); err != nil {
		return err
	}
	return rw.close()
}

// rowWriter is one output format; every format takes the same rows of cells.
type rowWriter interface {
	header(cols []string) error
	row(cells []string) error
	close() error
}

type csvWriter struct {
	buf *bufio.Writer
	csv *csv.Writer
}

func newCSVWriter(w io.Writer) *csvWriter {
	buf := bufio.NewWriterSize(w, 64<<10)
	c := csv.NewWriter(buf)
	// RFC 4180 ends records with CRLF, which spreadsheet programs expect.
	c.UseCRLF = true
	return &csvWriter{buf: buf, csv: c}
}

func (c *csvWriter) header(cols []string) error {
	// The byte order mark makes Excel read the file as UTF-8 rather than
	// the machine's legacy code page.
	if _, err := c.buf.WriteString("\uFEFF"); err != nil {
		return err
	}
	return c.csv.Write(cols)
}

func (c *csvWriter) row(cells []string) error {
	for i, v := range cells {
		cells[i] = defuse(v)
	}
	return c.csv.Write(cells)
}

func (c *csvWriter) close() error {
	c.csv.Flush()
	if err := c.csv.Error(); err != nil {
		return err
	}
	return c.buf.Flush()
}

// defuse stops a spreadsheet program from running a cell as a formula
// (CSV injection): text a donor typed that starts like a formula gets a
// leading apostrophe, which spreadsheets read as "this is text". Programs
// skip leading blanks and invisible characters, and some read the
// full-width and small forms of the signs as the signs themselves, so
// those are looked through too.
func defuse(v string) string {
	if v == "" {
		return v
	}
	// Most cells start with a letter or digit: decided on the first byte.
	if c := v[0]; c < utf8.RuneSelf && c > ' ' && !formulaStart(rune(c)) {
		return v
	}
	switch v[0] {
	case '\t', '\r':
		return "'" + v
	}
	for _, r := range v {
		switch {
		case formulaStart(r):
			return "'" + v
		case unicode.IsSpace(r) || invisible(r):
			continue
		}
		return v
	}
	return v
}

// formulaStart reports whether a cell starting with r may be read as a
// formula.
func formulaStart(r rune) bool {
	switch r {
	case '=', '+', '-', '@',
		'\uFF1D', '\uFF0B', '\uFF0D', '\uFF20', // full-width ＝ ＋ － ＠
		'\uFE66', '\uFE62', '\uFE63', '\uFE6B', // small ﹦ ﹢ ﹣ ﹫
		'\u2212': // minus sign
		return true
	}
	return false
}

// invisible reports the zero-width and format characters a cell may hide
// a formula behind.
func invisible(r rune) bool {
	switch r {
	case '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD', '\u180E', '\u200E', '\u200F':
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

type jsonWriter struct {
	buf   *bufio.Writer
	cols  [][]byte
	first bool
}

func newJSONWriter(w io.Writer) *jsonWriter {
	return &jsonWriter{buf: bufio.NewWriterSize(w, 64<<10), first: true}
}

func (j *jsonWriter) header(cols []string) error {
	j.cols = make([][]byte, len(cols))
	for i, c := range cols {
		b, _ := json.Marshal(c)
		j.cols[i] = b
	}
	_, err := j.buf.WriteString("[")
	return err
}

func (j *jsonWriter) row(cells []string) error {
	if !j.first {
		j.buf.WriteByte(',')
	}
	j.first = false
	j.buf.WriteString("\n{")
	for i, v := range cells {
		if i > 0 {
			j.buf.WriteByte(',')
		}
		j.buf.Write(j.cols[i])
		j.buf.WriteByte(':')
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if _, err := j.buf.Write(b); err != nil {
			return err
		}
	}
	_, err := j.buf.WriteString("}")
	return err
}

func (j *jsonWriter) close() error {
	j.buf.WriteString("\n]\n")
	return j.buf.Flush()
}

// xlsxWriter uses excelize's stream writer, which spills rows to a
// temporary file rather than holding the sheet in memory.
type xlsxWriter struct {
	w    io.Writer
	f    *excelize.File
	sw   *excelize.StreamWriter
	next int
}

func newXLSXWriter(w io.Writer) *xlsxWriter { return &xlsxWriter{w: w} }

func (x *xlsxWriter) header(cols []string) error {
	x.f = excelize.NewFile()
	sw, err := x.f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	x.sw = sw
	return x.row(cols)
}

func (x *xlsxWriter) row(cells []string) error {
	x.next++
	if x.next > excelize.TotalRows {
		return model.Broken("format", "too_many_rows", "a spreadsheet holds at most %d rows; narrow the filters or export CSV", excelize.TotalRows-1)
	}
	vals := make([]any, len(cells))
	for i, c := range cells {
		// Stored as inline text, never as a formula: no defusing needed.
		vals[i] = c
	}
	cell, err := excelize.CoordinatesToCellName(1, x.next)
	if err != nil {
		return err
	}
	return x.sw.SetRow(cell, vals)
}

func (x *xlsxWriter) close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	return x.f.Write(x.w)
}

// decimal writes minor units as a plain decimal without grouping, which
// every spreadsheet program parses as a number.
func decimal(amount int64, currency string) string { return money.PlainMinor(amount, currency) }
