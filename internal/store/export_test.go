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
// read the events of a window of it.
func AuditSeenStatements(f model.AuditFilter, s AuditSight, window []int64, desc bool) (count string, countArgs []any, page string, pageArgs []any) {
	count, countArgs = countSeenSQL(f, s)
	page, pageArgs = windowSeenSQL(f, s, window, desc)
	return count, countArgs, page, pageArgs
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
