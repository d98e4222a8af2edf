package money_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
)

// FuzzParseAmount: an amount is refused with an error naming its field, or
// read into minor units within (0, MaxMinor] that read back the same from
// their plain form.
func FuzzParseAmount(f *testing.F) {
	f.Fuzz(func(t *testing.T, s, code string) {
		v, err := money.ParseAmount(s, code)
		if err != nil {
			var fe *model.FieldError
			if !errors.As(err, &fe) || fe.Field == "" || fe.Message == "" {
				t.Fatalf("ParseAmount(%q, %q): error %v names no field", s, code, err)
			}
			return
		}
		if v <= 0 || v > money.MaxMinor {
			t.Fatalf("ParseAmount(%q, %q) = %d, outside (0, %d]", s, code, v, money.MaxMinor)
		}
		if err := money.CheckMinor(v, code); err != nil {
			t.Fatalf("ParseAmount(%q, %q) = %d, which CheckMinor refuses: %v", s, code, v, err)
		}
		plain := money.PlainMinor(v, code)
		if back, err := money.ParseAmount(plain, code); err != nil || back != v {
			t.Fatalf("ParseAmount(%q, %q) = %d, written %q, read back as %d, %v", s, code, v, plain, back, err)
		}
	})
}

// FuzzParseECB: a rate file is refused at a line of it as bad input, or
// read into rates with a currency, a date in range and a positive rate.
func FuzzParseECB(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		rates, err := money.ParseECB(bytes.NewReader(data))
		lines := bytes.Count(data, []byte("\n")) + 1
		if err != nil {
			var ce *money.CSVError
			if !errors.As(err, &ce) || !errors.Is(err, model.ErrInvalid) {
				t.Fatalf("error %v is not a CSVError of bad input", err)
			}
			if ce.Line < 1 || ce.Line > lines || ce.Msg == "" {
				t.Fatalf("error %v is not at a line of the file's %d, with a message", err, lines)
			}
			return
		}
		if len(rates) == 0 {
			t.Fatal("no rates and no error")
		}
		for _, r := range rates {
			if r.Currency == "" || r.Date.Before(model.MinDate) || model.MaxDate.Before(r.Date) {
				t.Fatalf("rate %+v lacks a currency or a date in range", r)
			}
			rat, err := money.ParseRate(r.Rate)
			if err != nil || rat.Sign() <= 0 {
				t.Fatalf("rate %+v is not a positive rate: %v", r, err)
			}
		}
	})
}
