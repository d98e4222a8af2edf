package money

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
)

func rateStrings(rates []model.Rate) []string {
	out := make([]string, len(rates))
	for i, r := range rates {
		out[i] = r.Date.String() + " " + r.Currency + " " + r.Rate
	}
	return out
}

func TestParseECB(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{
			name: "historical",
			in: "Date,USD,JPY,BGN,CYP,HRK,\n" +
				"2024-01-03,1.0919,156.16,1.9558,N/A,N/A,\n" +
				"2024-01-02,1.0956,155.68,1.9558,,N/A,\n",
			want: []string{
				"2024-01-03 USD 1.0919", "2024-01-03 JPY 156.16", "2024-01-03 BGN 1.9558",
				"2024-01-02 USD 1.0956", "2024-01-02 JPY 155.68", "2024-01-02 BGN 1.9558",
			},
		},
		{
			name: "daily",
			in: "Date, USD, JPY, CZK, GBP, ZAR, \n" +
				"13 April 2026, 1.1684, 186.75, 24.378, 0.87058, 19.3849, \n",
			want: []string{
				"2026-04-13 USD 1.1684", "2026-04-13 JPY 186.75", "2026-04-13 CZK 24.378",
				"2026-04-13 GBP 0.87058", "2026-04-13 ZAR 19.3849",
			},
		},
		{
			name: "daily with a leading zero in the day",
			in:   "Date, USD, \n06 March 2024, 1.0874, \n",
			want: []string{"2024-03-06 USD 1.0874"},
		},
		{
			name: "BOM, CRLF, no trailing comma",
			in:   "\ufeffDate,USD,JPY\r\n2024-01-02,1.0956,155.68\r\n",
			want: []string{"2024-01-02 USD 1.0956", "2024-01-02 JPY 155.68"},
		},
		{
			name: "header with trailing comma, rows without",
			in:   "Date,USD,\n2024-01-02,1.0956\n",
			want: []string{"2024-01-02 USD 1.0956"},
		},
		{
			name: "blank lines and a currency never quoted",
			in:   "Date,USD,LVL,\n\n2024-01-02,1.0956,N/A,\n\n",
			want: []string{"2024-01-02 USD 1.0956"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// One byte at a time: the parser must not depend on reading the
			// file in one go.
			got, err := ParseECB(iotest.OneByteReader(strings.NewReader(tc.in)))
			if err != nil {
				t.Fatal(err)
			}
			if s := rateStrings(got); !slices.Equal(s, tc.want) {
				t.Errorf("got  %q\nwant %q", s, tc.want)
			}
		})
	}
}

func TestParseECBErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in     string
		line, column int
		says         string
	}{
		{"empty file", "", 1, 0, "empty"},
		{"only a BOM", "\ufeff", 1, 0, "empty"},
		{"header only", "Date,USD,\n", 1, 0, "no rates"},
		{"not an ECB file", "Day,USD,\n2024-01-02,1.1,\n", 1, 1, "not Date"},
		{"unknown currency", "Date,USD,ABC,\n", 1, 3, `"ABC" is not an ISO 4217`},
		{"lower-case currency", "Date,USD,jpy,\n", 1, 3, `"jpy" is not an ISO 4217`},
		{"test currency", "Date,XTS,\n", 1, 2, `"XTS" is not an ISO 4217`},
		{"EUR column", "Date,USD,EUR,\n", 1, 3, "EUR is the base"},
		{"duplicate currency", "Date,USD,JPY,USD,\n", 1, 4, "already column 2"},
		{"gap in header", "Date,USD,,JPY,\n", 1, 3, "empty column name"},
		{"no currency", "Date,\n2024-01-02,\n", 1, 0, "names no currency"},
		{
			"bad rate",
			"Date,USD,JPY,\n2024-01-03,1.0919,155.13,\n2024-01-02,1.0956,1;55,\n",
			3, 3, `"1;55" is not a positive decimal rate`,
		},
		{"comma rate", "Date,USD,\n2024-01-02,\"1,0956\",\n", 2, 2, `"1,0956" is not a positive`},
		{"zero rate", "Date,USD,JPY,\n2024-01-02,1.0956,0.00,\n", 2, 3, "not a positive"},
		{"negative rate", "Date, USD, JPY, \n13 April 2026, -1.1684, 186.75, \n", 2, 2, "not a positive"},
		{"bad date", "Date,USD,\n2024-01-02,1.1,\n2024-13-01,1.1,\n", 3, 1, "not a date"},
		{"US date", "Date,USD,\n01/02/2024,1.1,\n", 2, 1, "not a date"},
		{"duplicate date", "Date,USD,\n2024-01-02,1.1,\n2024-01-02,1.2,\n", 3, 1, "already on line 2"},
		{"short row", "Date,USD,JPY,\n2024-01-02,1.1,155.1,\n2024-01-01,1.1\n", 3, 0, "has 2 cells but the header has 3"},
		{"decimal comma", "Date,USD,JPY,\n2024-01-02,1.0956,161,27,\n", 2, 4, "decimal comma"},
		{"rate under no currency", "Date,USD,\n2024-01-02,1.1,1.2\n", 2, 3, "without a currency"},
		{"bare quote", "Date,USD,\n2024-01-02,1.\"1,\n", 2, 0, "quote"},
		{"line counted after a BOM and blank lines", "\ufeffDate,USD,\n\n\n2024-01-02,x,\n", 4, 2, `"x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseECB(strings.NewReader(tc.in))
			var ce *CSVError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v, want a *CSVError", err)
			}
			if ce.Line != tc.line || ce.Column != tc.column {
				t.Errorf("error at line %d column %d, want line %d column %d: %v", ce.Line, ce.Column, tc.line, tc.column, err)
			}
			if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("error %q, want it to say %q", err, tc.says)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("line %d", tc.line)) {
				t.Errorf("error %q does not name its line", err)
			}
			if !errors.Is(err, model.ErrInvalid) {
				t.Errorf("error %v is not ErrInvalid", err)
			}
		})
	}
}

func TestParseECBNamesColumn(t *testing.T) {
	_, err := ParseECB(strings.NewReader("Date,USD,JPY,\n2024-01-02,1.1,oops,\n"))
	if want := "ECB rates, line 2, column 3 (JPY): "; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q, want it to start with %q", err, want)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestParseECBReadError(t *testing.T) {
	_, err := ParseECB(failingReader{})
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("error %v, want the reader's error", err)
	}
	if errors.Is(err, model.ErrInvalid) {
		t.Errorf("a failing reader is not bad input: %v", err)
	}
}

func TestBundledRates(t *testing.T) {
	rates, err := BundledRates()
	if err != nil {
		t.Fatal(err)
	}
	type key struct{ day, currency string }
	at := map[key]string{}
	var dates []model.Date
	for _, r := range rates {
		at[key{r.Date.String(), r.Currency}] = r.Rate
		if len(dates) == 0 || !dates[len(dates)-1].Equal(r.Date) {
			dates = append(dates, r.Date)
		}
		if wd := r.Date.Time().Weekday(); wd == time.Saturday || wd == time.Sunday {
			t.Errorf("%s %s: the ECB publishes no rate on a %s", r.Date, r.Currency, wd)
		}
		if r.Currency == "UAH" {
			t.Errorf("%s: the ECB does not publish UAH", r.Date)
		}
	}
	// The ECB's whole history, newest first, as the ECB orders its file.
	if n := len(dates); n != 6983 || dates[0].String() != "2026-04-13" || dates[n-1].String() != "1999-01-04" {
		t.Errorf("%d days from %s back to %s, want 6983 from 2026-04-13 back to 1999-01-04", n, dates[0], dates[n-1])
	}
	if len(rates) != 217_555 {
		t.Errorf("%d rates, want 217,555", len(rates))
	}
	for i := 1; i < len(dates); i++ {
		if !dates[i].Before(dates[i-1]) {
			t.Errorf("dates out of order: %s after %s", dates[i], dates[i-1])
		}
	}
	// Figures read in the ECB's file, and currencies that were not quoted.
	for _, tc := range []struct{ day, currency, rate string }{
		{"1999-01-04", "USD", "1.1789"},
		{"1999-01-04", "GBP", "0.7111"},
		{"2011-02-28", "USD", "1.3834"},
		{"2022-03-01", "RUB", "117.201"},
		{"2022-12-30", "HRK", "7.5365"},
		{"2025-12-31", "BGN", "1.9558"},
		{"2026-04-13", "USD", "1.1684"},
		{"2026-04-13", "JPY", "186.75"},
		{"2022-03-02", "RUB", ""},
		{"2023-01-02", "HRK", ""},
		{"2026-01-02", "BGN", ""},
		{"2010-06-01", "ISK", ""},
	} {
		if got := at[key{tc.day, tc.currency}]; got != tc.rate {
			t.Errorf("%s %s: rate %q, want %q", tc.day, tc.currency, got, tc.rate)
		}
	}
}

func BenchmarkBundledRatesParse(b *testing.B) {
	for range b.N {
		if _, err := ParseECBZip(bytes.NewReader(bundledZip), int64(len(bundledZip))); err != nil {
			b.Fatal(err)
		}
	}
}
