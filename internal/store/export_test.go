package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/cyberaid/cyberaid/internal/model"
)

// MigrateDownTo undoes the migrations newer than version, as their Down
// sections say; MigrateUp applies them again, as an existing database meets
// them for the first time.
func (d *DB) MigrateDownTo(ctx context.Context, version int64) error {
	p, err := d.migrations(ctx, false)
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, version)
	return err
}

func (d *DB) MigrateUp(ctx context.Context) error {
	p, err := d.migrations(ctx, false)
	if err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}

// AuditSeenStatements are the statements that count the log under s and
// read the events of a window of it, as d sends them.
func (d *DB) AuditSeenStatements(f model.AuditFilter, s AuditSight, window []int64, desc bool) (count string, countArgs []any, page string, pageArgs []any) {
	count, countArgs = countSeenSQL(d.dialect, f, s)
	page, pageArgs = windowSeenSQL(d.dialect, f, s, window, desc)
	return count, countArgs, page, pageArgs
}

// AuditSpansStatement is the statement that counts the events from seq
// from to seq to under s by span of width events, as d sends it.
func (d *DB) AuditSpansStatement(f model.AuditFilter, s AuditSight, from, to, width int64) (string, []any) {
	return spansSeenSQL(d.dialect, f, s, from, to, width)
}

// Explain is the plan of query, written with ? placeholders: PostgreSQL's
// EXPLAIN, or SQLite's EXPLAIN QUERY PLAN with its steps one a line.
func (d *DB) Explain(ctx context.Context, query string, args ...any) (string, error) {
	prefix := "EXPLAIN "
	if d.dialect == dialectSQLite {
		prefix = "EXPLAIN QUERY PLAN "
	}
	rows, err := d.reader.QueryContext(ctx, prefix+d.dialect.rebind(query), bindArgs(args)...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	var plan strings.Builder
	for rows.Next() {
		vals := make([]any, len(cols))
		for i := range vals {
			vals[i] = new(any)
		}
		if err := rows.Scan(vals...); err != nil {
			return "", err
		}
		// The text of the step is the last column in both.
		fmt.Fprintf(&plan, "%v\n", *vals[len(vals)-1].(*any))
	}
	return plan.String(), rows.Err()
}

// IndexDefinitions are table's indexes, every kind, by name: each name with
// its statement (none for SQLite's own indexes of constraints).
func (d *DB) IndexDefinitions(ctx context.Context, table string) ([]string, error) {
	query := `SELECT name || ': ' || COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' AND tbl_name = ? ORDER BY name`
	if d.dialect == dialectPostgres {
		query = `SELECT indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ? ORDER BY indexname`
	}
	return queryAll(ctx, conn{db: d.reader, dialect: d.dialect}, scanString, query, table)
}

// DeferIndexes drops tables' secondary indexes as WithoutIndexes does,
// leaving them to be built again: as a load that stopped half way does.
func (d *DB) DeferIndexes(ctx context.Context, tables []string) error {
	return d.deferIndexes(ctx, tables)
}

// DeferredIndexes are the names of the indexes dropped and not yet built.
func (d *DB) DeferredIndexes(ctx context.Context) ([]string, error) {
	return queryAll(ctx, conn{db: d.reader, dialect: d.dialect}, scanString, `SELECT name FROM deferred_indexes ORDER BY name`)
}

// BuildOneIndexByHand builds a deferred index without striking it off, as
// someone at the database's console might.
func (d *DB) BuildOneIndexByHand(ctx context.Context, name string) error {
	var definition string
	if err := d.writer.QueryRowContext(ctx, d.dialect.rebind(`SELECT definition FROM deferred_indexes WHERE name = ?`), name).Scan(&definition); err != nil {
		return err
	}
	_, err := d.writer.ExecContext(ctx, definition)
	return err
}
