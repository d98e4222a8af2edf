package store_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		storetest.Run(t, storetest.OpenSQLite)
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		storetest.Run(t, storetest.OpenPostgres)
	})
}

func TestOpenNeedsALocation(t *testing.T) {
	ctx := context.Background()
	for _, cfg := range []store.Config{
		{},
		{DatabaseURL: "mysql://root@localhost/cyberaid"},
	} {
		if s, err := store.Open(ctx, cfg); err == nil {
			s.Close()
			t.Errorf("Open(%+v) succeeded", cfg)
		}
	}
}

func TestSQLiteFile(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data", "cyberaid")
	s, err := store.Open(ctx, store.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if s.Dialect() != "sqlite" {
		t.Fatalf("Dialect() = %q", s.Dialect())
	}
	var mode string
	if err := s.SQLDB().QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal mode = %q, %v; want wal", mode, err)
	}
	kyiv := time.FixedZone("EET", 2*3600)
	o := model.Organisation{Name: "Ukrenergo", Kind: model.KindBeneficiaryAgency, Participation: model.Beneficiary,
		CreatedAt: time.Date(2025, 3, 14, 9, 0, 0, 500_000, kyiv)}
	if err := s.CreateOrganisation(ctx, &o); err != nil {
		t.Fatal(err)
	}
	var raw string
	if err := s.SQLDB().QueryRowContext(ctx, "SELECT CAST(created_at AS TEXT) FROM organisations").Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if raw != "2025-03-14 07:00:00.0005+00:00" {
		t.Fatalf("stored time %q, want it in UTC", raw)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = store.Open(ctx, store.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.OrganisationByID(ctx, o.ID); err != nil {
		t.Fatalf("after reopening: %v", err)
	}
}

// TestPostgresMigrateTogether starts several servers on one empty schema at
// once: they must migrate it once, without error.
func TestPostgresMigrateTogether(t *testing.T) {
	url := storetest.NewPostgresSchema(t)
	ctx := context.Background()
	const servers = 4
	dbs := make([]*store.DB, servers)
	errs := make([]error, servers)
	var wg sync.WaitGroup
	for i := range servers {
		wg.Go(func() {
			s, err := store.Open(ctx, store.Config{DatabaseURL: url})
			if err != nil {
				errs[i] = err
				return
			}
			dbs[i] = s
			errs[i] = s.Migrate(ctx)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if dbs[i] != nil {
			defer dbs[i].Close()
		}
		if err != nil {
			t.Fatalf("server %d: %v", i, err)
		}
	}
	s := dbs[0]
	if s.Dialect() != "postgres" {
		t.Fatalf("Dialect() = %q", s.Dialect())
	}
	var schema string
	var applied int
	if err := s.SQLDB().QueryRowContext(ctx, "SELECT current_schema(), (SELECT count(*) FROM goose_db_version WHERE version_id = 1)").Scan(&schema, &applied); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(schema, "test_") || applied != 1 {
		t.Fatalf("schema %q with migration 1 applied %d times; want the test schema, once", schema, applied)
	}
}
