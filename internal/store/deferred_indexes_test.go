package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestWithoutIndexes: a bulk load runs with the tables' secondary indexes
// dropped, and every index is there again afterwards, as it was, whether
// the load succeeded, failed, or stopped before building them.
func TestWithoutIndexes(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		tables := []string{"pledges", "audit_events"}
		indexes := func() []string {
			t.Helper()
			var all []string
			for _, table := range tables {
				defs, err := s.IndexDefinitions(ctx, table)
				if err != nil {
					t.Fatal(err)
				}
				all = append(all, defs...)
			}
			return all
		}
		deferred := func() []string {
			t.Helper()
			names, err := s.DeferredIndexes(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return names
		}
		before := indexes()
		if len(before) < 10 {
			t.Fatalf("only %d indexes on %v before the load: %q", len(before), tables, before)
		}
		// The indexes that enforce: each table's primary key, and unique ones.
		enforcing := slices.DeleteFunc(slices.Clone(before), func(def string) bool {
			name, sql, _ := strings.Cut(def, ": ")
			return sql != "" && !strings.Contains(strings.ToUpper(sql), "UNIQUE") && !strings.HasSuffix(name, "_pkey")
		})

		loaded := false
		err := s.WithoutIndexes(ctx, tables, func() error {
			loaded = true
			if got := indexes(); !slices.Equal(got, enforcing) {
				t.Errorf("during the load:\n%q\nwant only\n%q", got, enforcing)
			}
			if got := deferred(); len(got) != len(before)-len(enforcing) {
				t.Errorf("%d indexes kept to be built, want %d: %q", len(got), len(before)-len(enforcing), got)
			}
			return nil
		})
		if err != nil || !loaded {
			t.Fatalf("load ran: %v, error %v", loaded, err)
		}
		if got := indexes(); !slices.Equal(got, before) {
			t.Fatalf("after the load:\n%q\nwant\n%q", got, before)
		}
		if got := deferred(); len(got) != 0 {
			t.Fatalf("still deferred: %q", got)
		}

		// A load that fails still leaves every index built.
		failed := errors.New("the load failed")
		if err := s.WithoutIndexes(ctx, tables, func() error { return failed }); !errors.Is(err, failed) {
			t.Fatalf("got %v, want the load's error", err)
		}
		if got := indexes(); !slices.Equal(got, before) {
			t.Fatalf("after a failed load:\n%q\nwant\n%q", got, before)
		}

		// A load that stopped before building them: the next Migrate does.
		if err := s.DeferIndexes(ctx, tables); err != nil {
			t.Fatal(err)
		}
		if got := indexes(); !slices.Equal(got, enforcing) {
			t.Fatalf("after a stopped load:\n%q\nwant\n%q", got, enforcing)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if got := indexes(); !slices.Equal(got, before) {
			t.Fatalf("after Migrate:\n%q\nwant\n%q", got, before)
		}
		if got := deferred(); len(got) != 0 {
			t.Fatalf("still deferred after Migrate: %q", got)
		}

		// An index built again by hand before Migrate is only struck off.
		if err := s.DeferIndexes(ctx, tables); err != nil {
			t.Fatal(err)
		}
		if err := s.BuildOneIndexByHand(ctx, "pledges_donor"); err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if got := indexes(); !slices.Equal(got, before) {
			t.Fatalf("after Migrate, one index built by hand:\n%q\nwant\n%q", got, before)
		}
		if got := deferred(); len(got) != 0 {
			t.Fatalf("still deferred after Migrate: %q", got)
		}
	})
}
