package money

import (
	"archive/zip"
	"bufio"
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
)

// CSVError says where an ECB file is wrong, so that whoever imports it can
// open the file at that line. Column is the 1-based cell number (0 when the
// fault is the line as a whole) and Name that column's header.
type CSVError struct {
	Line   int
	Column int
	Name   string
	Msg    string
}

func (e *CSVError) Error() string {
	switch {
	case e.Column > 0 && e.Name != "":
		return fmt.Sprintf("ECB rates, line %d, column %d (%s): %s", e.Line, e.Column, e.Name, e.Msg)
	case e.Column > 0:
		return fmt.Sprintf("ECB rates, line %d, column %d: %s", e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("ECB rates, line %d: %s", e.Line, e.Msg)
}

// Unwrap makes a bad file a bad input (400) to the web layer.
func (e *CSVError) Unwrap() error { return model.ErrInvalid }

// FirstRateDay is the day of the ECB's first euro reference rates.
var FirstRateDay = model.NewDate(1999, 1, 4)

var bom = []byte{0xEF, 0xBB, 0xBF}

// The daily file writes "24 November 2026"; the historical one ISO dates.
const ecbDailyDate = "2 January 2006"

// ParseECB reads the ECB's euro reference rates in either of its own CSV
// formats: the historical eurofxref-hist.csv ("Date,USD,JPY,…," with ISO
// dates) or the daily eurofxref.csv ("Date, USD, JPY, …" with dates like
// "24 November 2026"). Cells that are empty or "N/A" (a currency not quoted
// that day, or no longer quoted at all) are skipped. Rates come back in file
// order. The reader is streamed; the historical file is several megabytes.
func ParseECB(r io.Reader) ([]model.Rate, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(len(bom)); err == nil && bytes.Equal(b, bom) {
		_, _ = br.Discard(len(bom))
	}
	cr := csv.NewReader(br)
	cr.TrimLeadingSpace = true
	cr.FieldsPerRecord = -1 // checked below, with a clearer message
	cr.ReuseRecord = true

	header, err := cr.Read()
	if err == io.EOF {
		return nil, &CSVError{Line: 1, Msg: "the file is empty"}
	}
	if err != nil {
		return nil, csvErr(err)
	}
	currencies, err := readHeader(header)
	if err != nil {
		return nil, err
	}

	var rates []model.Rate
	seen := map[model.Date]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvErr(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) < len(currencies) {
			return nil, &CSVError{Line: line, Msg: fmt.Sprintf("has %d cells but the header has %d", len(rec), len(currencies))}
		}
		date, err := parseECBDate(strings.TrimSpace(rec[0]))
		if err != nil {
			return nil, &CSVError{Line: line, Column: 1, Name: "Date", Msg: err.Error()}
		}
		if prev, ok := seen[date]; ok {
			return nil, &CSVError{Line: line, Column: 1, Name: "Date", Msg: fmt.Sprintf("%s is already on line %d", date, prev)}
		}
		seen[date] = line
		for i := 1; i < len(rec); i++ {
			cell := strings.TrimSpace(rec[i])
			if cell == "" || cell == "N/A" {
				continue
			}
			if i >= len(currencies) || currencies[i] == "" {
				return nil, &CSVError{Line: line, Column: i + 1, Msg: fmt.Sprintf("%q is in a column without a currency (a rate written with a decimal comma?)", cell)}
			}
			if err := CheckRate(cell); err != nil {
				return nil, &CSVError{Line: line, Column: i + 1, Name: currencies[i], Msg: fmt.Sprintf("%q is not a positive decimal rate", cell)}
			}
			rates = append(rates, model.Rate{Date: date, Currency: currencies[i], Rate: cell})
		}
	}
	if len(rates) == 0 {
		return nil, &CSVError{Line: 1, Msg: "the file holds no rates"}
	}
	return rates, nil
}

// readHeader returns the currency of every column up to the last named one,
// "" for the Date column; the ECB's trailing comma adds an empty column that
// rows may or may not repeat.
func readHeader(header []string) ([]string, error) {
	if strings.TrimSpace(header[0]) != "Date" {
		return nil, &CSVError{Line: 1, Column: 1, Msg: fmt.Sprintf("the header starts with %q, not Date: this is not an ECB reference rate file", header[0])}
	}
	currencies := make([]string, len(header))
	at := map[string]int{}
	for i := 1; i < len(header); i++ {
		c := strings.TrimSpace(header[i])
		if c == "" {
			// Only trailing: an empty header between currencies would shift
			// every rate after it into the wrong currency without notice.
			if slices.ContainsFunc(header[i:], func(h string) bool { return strings.TrimSpace(h) != "" }) {
				return nil, &CSVError{Line: 1, Column: i + 1, Msg: "empty column name between currencies"}
			}
			currencies = currencies[:i]
			break
		}
		if c == "EUR" {
			return nil, &CSVError{Line: 1, Column: i + 1, Name: c, Msg: "EUR is the base of the reference rates, not a quoted currency"}
		}
		if !ValidCurrency(c) {
			return nil, &CSVError{Line: 1, Column: i + 1, Msg: fmt.Sprintf("%q is not an ISO 4217 currency code", c)}
		}
		if j, dup := at[c]; dup {
			return nil, &CSVError{Line: 1, Column: i + 1, Name: c, Msg: fmt.Sprintf("%s is already column %d", c, j+1)}
		}
		at[c] = i
		currencies[i] = c
	}
	if len(at) == 0 {
		return nil, &CSVError{Line: 1, Msg: "the header names no currency"}
	}
	return currencies, nil
}

func parseECBDate(s string) (model.Date, error) {
	if _, err := time.Parse("2006-01-02", s); err == nil {
		return model.ParseDate(s)
	}
	if t, err := time.Parse(ecbDailyDate, s); err == nil {
		d := model.DateOf(t)
		return d, d.CheckRange()
	}
	return model.Date{}, fmt.Errorf("%q is not a date (YYYY-MM-DD or 24 November 2026)", s)
}

func csvErr(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &CSVError{Line: pe.Line, Msg: fmt.Sprintf("%v (character %d)", pe.Err, pe.Column)}
	}
	return fmt.Errorf("reading ECB rates: %w", err)
}

// bundledZip is the ECB's own historical file, as the ECB distributes it
// (see ecb/README.md), so that a new installation values pledges at the
// real rates from the start; `cyberaid rates import` brings it up to date.
//
//go:embed ecb/eurofxref-hist.zip
var bundledZip []byte

// BundledRates returns the ECB reference rates shipped with cyberaid, from
// 1999-01-04 to the day the bundled file was taken: over 200,000 rates,
// parsed anew at each call (half a second) and not kept, since a server
// needs them once, when it first starts on a new database. Tests that need
// them often keep what they need.
func BundledRates() ([]model.Rate, error) {
	return ParseECBZip(bytes.NewReader(bundledZip), int64(len(bundledZip)))
}

// maxZipCSV bounds the CSV read from a zip: the ECB's whole history is under
// 2 MB, so a much larger member is not the ECB's file.
const maxZipCSV = 64 << 20

// ParseECBZip reads the ECB's eurofxref-hist.zip (or eurofxref.zip): the one
// CSV it holds.
func ParseECBZip(r io.ReaderAt, size int64) ([]model.Rate, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, &CSVError{Line: 1, Msg: "not a zip file: " + err.Error()}
	}
	var csvFiles []*zip.File
	for _, f := range zr.File {
		if strings.HasSuffix(strings.ToLower(f.Name), ".csv") {
			csvFiles = append(csvFiles, f)
		}
	}
	if len(csvFiles) != 1 {
		return nil, &CSVError{Line: 1, Msg: fmt.Sprintf("the zip holds %d CSV files; the ECB's holds one", len(csvFiles))}
	}
	rc, err := csvFiles[0].Open()
	if err != nil {
		return nil, &CSVError{Line: 1, Msg: "cannot read the zip: " + err.Error()}
	}
	defer rc.Close()
	lr := &io.LimitedReader{R: rc, N: maxZipCSV + 1}
	rates, err := ParseECB(lr)
	if err == nil && lr.N <= 0 {
		return nil, &CSVError{Line: 1, Msg: fmt.Sprintf("the CSV in the zip is larger than %d MiB: not the ECB's file", maxZipCSV>>20)}
	}
	return rates, err
}
