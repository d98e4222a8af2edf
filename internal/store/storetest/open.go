// Package storetest opens fresh databases for tests and holds the
// conformance suite that every backend of package store must pass.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
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

	ctx := context.Background()
	createOnce.Do(func() { createErr = createDatabase(ctx, u) })
	if createErr != nil {
		t.Fatalf("create the test database: %v", createErr)
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
	// A test's database is thrown away: a commit need not wait for its WAL
	// to reach the disk. Nothing a test checks depends on it, and most of
	// the time of a PostgreSQL test was that wait.
	if !q.Has("synchronous_commit") {
		q.Set("synchronous_commit", "off")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

var (
	createOnce sync.Once
	createErr  error
)

// createDatabase creates the database u names when it does not exist yet, so
// that the README's test command works against a fresh PostgreSQL server: it
// connects to the server's "postgres" maintenance database to do so.
func createDatabase(ctx context.Context, u *url.URL) error {
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" || name == "postgres" {
		return nil
	}
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		return err
	}
	err = db.PingContext(ctx)
	db.Close()
	var pe *pgconn.PgError
	if err == nil || !errors.As(err, &pe) || pe.Code != "3D000" { // 3D000: invalid_catalog_name
		return err
	}
	maint := *u
	maint.Path = "/postgres"
	db, err = sql.Open("pgx", maint.String())
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "CREATE DATABASE "+quoteIdent(name))
	// Test binaries of several packages start at once; one of them wins.
	if errors.As(err, &pe) && pe.Code == "42P04" { // 42P04: duplicate_database
		return nil
	}
	return err
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// Backends runs fn once per backend, as the subtests "sqlite" and
// "postgres", each on a fresh migrated database.
func Backends(t *testing.T, fn func(t *testing.T, s *store.DB)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, OpenSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, OpenPostgres(t)) })
}
