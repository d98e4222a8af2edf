package cli_test

import (
	"context"
	"regexp"
	"strconv"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/rates"
	"github.com/cyberaid/cyberaid/internal/store"
)

// TestServeWritesTheBundledRates: a database without the ECB's history gets
// it written while the server already answers, the rates it held (imported
// on purpose, or written before a server was stopped) kept as they were.
func TestServeWritesTheBundledRates(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := store.Open(ctx, store.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	imported := model.Rate{Date: model.NewDate(2026, 4, 13), Currency: "USD", Rate: "1.2345"}
	if _, err := s.PutRates(ctx, []model.Rate{imported}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	srv := startServe(t, "--data-dir", dir)
	if code, _ := get(t, srv.url+"/healthz"); code != 200 {
		t.Fatalf("healthz: %d", code)
	}
	written := srv.waitFor(t, srv.stderr.String, regexp.MustCompile(`"bundled ECB rates written" rates=(\d+)`))
	all, err := money.BundledRates()
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := strconv.Atoi(written); n != len(all)-1 {
		t.Errorf("wrote %s rates, want %d: all but the one held", written, len(all)-1)
	}

	s, err = store.Open(ctx, store.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, err := s.CountRates(ctx); err != nil || n != len(all) {
		t.Errorf("the database holds %d rates (%v), want %d", n, err, len(all))
	}
	if r, err := s.RateOnOrBefore(ctx, "USD", imported.Date); err != nil || r != imported {
		t.Errorf("the rate imported on purpose became %+v (%v)", r, err)
	}
	if missing, err := rates.HistoryMissing(ctx, s); err != nil || missing {
		t.Errorf("history missing after the load: %v %v", missing, err)
	}
}
