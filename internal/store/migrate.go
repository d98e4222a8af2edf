package store

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Each dialect has its own ordered directory of migrations: the schemas say
// the same thing in each backend's own types.
//
//go:embed migrations
var migrations embed.FS

// Migrate builds the indexes a bulk load left to be built
// (BuildDeferredIndexes), then brings the schema up to date. On PostgreSQL
// it holds a session advisory lock while it migrates, so that servers
// starting together migrate once; the indexes need no lock of their own.
func (d *DB) Migrate(ctx context.Context) error {
	p, err := d.migrations(ctx, true)
	if err != nil {
		return err
	}
	if err := d.BuildDeferredIndexes(ctx); err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// migrations is the goose provider over d's embedded migrations; locked,
// it takes the migration lock before changing anything.
func (d *DB) migrations(ctx context.Context, locked bool) (*goose.Provider, error) {
	fsys, err := fs.Sub(migrations, "migrations/"+string(d.dialect))
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	gooseDialect := goose.DialectSQLite3
	if d.dialect == dialectPostgres {
		gooseDialect = goose.DialectPostgres
	}
	if d.dialect == dialectPostgres && locked {
		id, err := d.migrationLockID(ctx)
		if err != nil {
			return nil, err
		}
		// Retry every second rather than goose's default five: a waiting
		// server starts as soon as the first one is done.
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(id), lock.WithLockTimeout(1, 600))
		if err != nil {
			return nil, fmt.Errorf("migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	// The provider is not closed: Close would close d's pool.
	p, err := goose.NewProvider(gooseDialect, d.writer, fsys, opts...)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// migrationLockID keys the migration lock by database and schema (see the
// advisory lock note in postgres.go).
func (d *DB) migrationLockID(ctx context.Context) (int64, error) {
	var target string
	err := d.writer.QueryRowContext(ctx, `SELECT current_database() || '.' || COALESCE(current_schema(), '')`).Scan(&target)
	if err != nil {
		return 0, fmt.Errorf("migration lock: %w", err)
	}
	h := fnv.New64a()
	h.Write([]byte("cyberaid migrations " + target))
	return int64(h.Sum64()), nil
}
