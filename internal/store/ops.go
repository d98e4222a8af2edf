package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Operations is what operators ask of the database itself, rather than of
// its records: readiness probes and metrics.
type Operations interface {
	// SchemaStatus compares the applied migrations with the program's own.
	SchemaStatus(ctx context.Context) (SchemaStatus, error)
	// Pools are the connection pools, by name, for their statistics.
	Pools() map[string]*sql.DB
	// Analyze brings the planner's statistics up to date after a bulk load.
	Analyze(ctx context.Context) error
	// WithoutIndexes runs a bulk load into tables with their secondary
	// indexes dropped, and builds them after it.
	WithoutIndexes(ctx context.Context, tables []string, load func() error) error
}

// SchemaStatus is the database's migration version beside the newest one
// the program embeds.
type SchemaStatus struct {
	Applied int64
	Latest  int64
}

// Current says whether every embedded migration has been applied.
func (s SchemaStatus) Current() bool { return s.Applied >= s.Latest }

// SchemaStatus reads the applied version without the migration lock, so
// that a probe is never held up by a server migrating.
func (d *DB) SchemaStatus(ctx context.Context) (SchemaStatus, error) {
	p, err := d.migrations(ctx, false)
	if err != nil {
		return SchemaStatus{}, err
	}
	applied, latest, err := p.GetVersions(ctx)
	if err != nil {
		return SchemaStatus{}, fmt.Errorf("schema version: %w", translate(err))
	}
	return SchemaStatus{Applied: applied, Latest: latest}, nil
}

// Pools names the reader and writer pools; on PostgreSQL they are one.
func (d *DB) Pools() map[string]*sql.DB {
	if d.reader == d.writer {
		return map[string]*sql.DB{string(d.dialect): d.writer}
	}
	return map[string]*sql.DB{string(d.dialect) + "_reader": d.reader, string(d.dialect) + "_writer": d.writer}
}

// Analyze gathers PostgreSQL's statistics of the schema's tables, as
// autovacuum would later, if it runs at all: a table loaded in bulk and
// never analysed is planned from guesses, and the audit log's total then
// joins its 111,000 events by nested loops (5 s) where, analysed, it hashes
// them (0.6 s). SQLite keeps no statistics unless asked, and its plans here
// are made without them: nothing changes there.
func (d *DB) Analyze(ctx context.Context) error {
	if d.dialect != dialectPostgres {
		return nil
	}
	// The tables of this schema only: deployments and tests may share the
	// database in schemas of their own.
	var tables string
	err := d.reader.QueryRowContext(ctx, `SELECT COALESCE(string_agg(format('%I.%I', schemaname, tablename), ', '), '')
		FROM pg_tables WHERE schemaname = current_schema()`).Scan(&tables)
	if err != nil {
		return fmt.Errorf("analyze: %w", translate(err))
	}
	if tables == "" {
		return nil
	}
	if _, err := d.writer.ExecContext(ctx, `ANALYZE `+tables); err != nil {
		return fmt.Errorf("analyze: %w", translate(err))
	}
	return nil
}

// ErrBackupUnsupported is a backup or restore asked of PostgreSQL, whose
// own tools do it better than a copy through the driver would.
var ErrBackupUnsupported = errors.New("cyberaid backs up and restores SQLite only; " +
	"for PostgreSQL use its own tools: pg_dump -Fc -f FILE DATABASE_URL while serving, " +
	"and pg_restore --no-owner -d DATABASE_URL FILE into an empty database, then cyberaid audit verify")

// Backup writes a consistent copy of the database, as of one moment, to
// file, which must not exist. Writers go on meanwhile: VACUUM INTO reads one
// snapshot of the WAL database, on a connection of its own.
func (d *DB) Backup(ctx context.Context, file string) error {
	if d.dialect != dialectSQLite {
		return ErrBackupUnsupported
	}
	if _, err := os.Lstat(file); err == nil {
		return fmt.Errorf("backup: %s exists already; choose a new file", file)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	path, err := d.sqlitePath(ctx)
	if err != nil {
		return err
	}
	// The pools' readers are query-only, which forbids VACUUM, and the
	// writer must stay free for the writers.
	db, err := sql.Open("sqlite", sqliteDSN(path, false, false))
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, abs); err != nil {
		os.Remove(abs)
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// sqlitePath is the file of the main database.
func (d *DB) sqlitePath(ctx context.Context) (string, error) {
	rows, err := d.reader.QueryContext(ctx, `PRAGMA database_list`)
	if err != nil {
		return "", fmt.Errorf("database file: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var seq int
		var name, file string
		if err := rows.Scan(&seq, &name, &file); err != nil {
			return "", fmt.Errorf("database file: %w", err)
		}
		if name == "main" {
			return file, nil
		}
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	return "", errors.New("database file: no main database")
}

// Empty says whether the database holds no record of anyone's: no
// organisation, user or audit event. (Exchange rates, loaded at start-up,
// do not count.)
func (d *DB) Empty(ctx context.Context) (bool, error) {
	var any bool
	err := d.reader.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM organisations) OR EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM audit_events)`).Scan(&any)
	if err != nil {
		return false, fmt.Errorf("is the database empty: %w", translate(err))
	}
	return !any, nil
}

// RestoreSQLite makes the backup file the database of the data directory
// dir, whose database must be missing or Empty. The copy is opened, brought
// up to date and handed to check apart from dir; only when check accepts
// it does it replace dir's database, so a refused copy leaves nothing
// behind. No server may be running on dir meanwhile.
func RestoreSQLite(ctx context.Context, dir, file string, check func(*DB) error) error {
	if _, err := os.Stat(file); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	target, err := openSQLite(ctx, dir, true)
	if err != nil {
		return err
	}
	// A new data directory gets an empty database: migrated, it can be
	// asked like any other.
	err = target.Migrate(ctx)
	empty := false
	if err == nil {
		empty, err = target.Empty(ctx)
	}
	target.Close()
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if !empty {
		return fmt.Errorf("restore: the database in %s holds records already; restore into an empty data directory", dir)
	}
	staging, err := os.MkdirTemp(dir, ".restore-")
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(staging)
	if err := copyFile(file, filepath.Join(staging, sqliteFile)); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	copied, err := openSQLite(ctx, staging, true)
	if err != nil {
		return fmt.Errorf("restore: %s: %w", file, err)
	}
	err = copied.Migrate(ctx)
	if err == nil {
		err = check(copied)
	}
	if err == nil {
		// Folds the WAL into the file, so that the file alone is the copy.
		_, err = copied.writer.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	if cerr := copied.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	dst := filepath.Join(dir, sqliteFile)
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(dst + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("restore: %w", err)
		}
	}
	if err := os.Rename(filepath.Join(staging, sqliteFile), dst); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
