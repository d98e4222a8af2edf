// Package storetest opens fresh databases for tests and holds the
// conformance suite that every backend of package store must pass.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/cyberaid/cyberaid/internal/store"
)

// OpenSQLite returns a migrated SQLite database in a temporary directory,
// closed when the test ends.
func OpenSQLite(t testing.TB) *store.DB {
	t.Helper()
	return open(t, store.Config{DataDir: t.TempDir()})
}

// OpenPostgres returns a migrated PostgreSQL database in a schema of its
// own (see NewPostgresSchema), closed when the test ends.
func OpenPostgres(t testing.TB) *store.DB {
	t.Helper()
	return open(t, store.Config{DatabaseURL: NewPostgresSchema(t)})
}

// OpenPostgresURL opens and migrates the PostgreSQL database url names,
// such as one NewPostgresSchema returned.
func OpenPostgresURL(t testing.TB, url string) *store.DB {
	t.Helper()
	return open(t, store.Config{DatabaseURL: url})
}

func open(t testing.TB, cfg store.Config) *store.DB {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close database: %v", err)
		}
	})
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s
}

// NewPostgresSchema creates an empty schema in the database that
// CYBERAID_TEST_DATABASE_URL names, drops it when the test ends, and returns
// a URL whose search_path selects it. Without that variable the test is
// skipped, or fails when CI is set: CI must test PostgreSQL.
func NewPostgresSchema(t testing.TB) string {
	t.Helper()
	base := os.Getenv("CYBERAID_TEST_DATABASE_URL")
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("PostgreSQL is required in CI: set CYBERAID_TEST_DATABASE_URL")
		}
		t.Skip("PostgreSQL not configured: set CYBERAID_TEST_DATABASE_URL to run these tests")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("CYBERAID_TEST_DATABASE_URL: %v", err)
	}

	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("connect to PostgreSQL: %v", err)
	}
	admin.SetMaxOpenConns(1)
	t.Cleanup(func() { admin.Close() })
	b := make([]byte, 8)
	rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})

	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Backends runs fn once per backend, as the subtests "sqlite" and
// "postgres", each on a fresh migrated database.
func Backends(t *testing.T, fn func(t *testing.T, s *store.DB)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, OpenSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, OpenPostgres(t)) })
}
