package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// WithoutIndexes runs load with the secondary indexes of tables dropped,
// then builds them again. A million rows inserted one B-tree at a time
// cost each index a random page write per row; building an index over
// rows already there is one sort. Unique indexes and those behind
// constraints stay: they enforce, not only find.
//
// Each dropped index's statement is written to deferred_indexes in the
// transaction that drops it, and deleted in the one that builds it again:
// if load fails, or the process stops, the indexes are built by
// BuildDeferredIndexes, which Migrate calls, so that no start of the
// program finds them missing. Nothing else should write meanwhile: reads
// of those tables by other columns scan them until the load is done.
func (d *DB) WithoutIndexes(ctx context.Context, tables []string, load func() error) error {
	if err := d.deferIndexes(ctx, tables); err != nil {
		return err
	}
	loadErr := load()
	if err := d.BuildDeferredIndexes(ctx); err != nil {
		return errors.Join(loadErr, err)
	}
	return loadErr
}

func (d *DB) deferIndexes(ctx context.Context, tables []string) error {
	tx, err := d.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("defer indexes: %w", translate(err))
	}
	defer tx.Rollback()
	for _, table := range tables {
		list, err := d.secondaryIndexes(ctx, tx, table)
		if err != nil {
			return fmt.Errorf("defer the indexes of %s: %w", table, translate(err))
		}
		for _, ix := range list {
			if _, err := tx.ExecContext(ctx, d.dialect.rebind(`INSERT INTO deferred_indexes (name, table_name, definition) VALUES (?, ?, ?)`),
				ix.name, table, ix.definition); err != nil {
				return fmt.Errorf("defer index %s: %w", ix.name, translate(err))
			}
			if _, err := tx.ExecContext(ctx, `DROP INDEX `+quoteIdent(ix.name)); err != nil {
				return fmt.Errorf("defer index %s: %w", ix.name, translate(err))
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("defer indexes: %w", translate(err))
	}
	return nil
}

type indexDefinition struct{ name, definition string }

// secondaryIndexes are the indexes of table that only find rows: not
// unique, not a primary key's, not a constraint's.
func (d *DB) secondaryIndexes(ctx context.Context, tx *sql.Tx, table string) ([]indexDefinition, error) {
	query := `SELECT name, sql FROM sqlite_master
		WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL AND upper(sql) NOT LIKE 'CREATE UNIQUE %'
		ORDER BY name`
	if d.dialect == dialectPostgres {
		query = `SELECT i.relname, pg_get_indexdef(i.oid)
			FROM pg_index x
			JOIN pg_class i ON i.oid = x.indexrelid
			JOIN pg_class t ON t.oid = x.indrelid
			WHERE t.relname = $1 AND t.relnamespace = current_schema()::regnamespace
				AND NOT x.indisunique AND NOT x.indisprimary
				AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
			ORDER BY i.relname`
	}
	rows, err := tx.QueryContext(ctx, query, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []indexDefinition
	for rows.Next() {
		var ix indexDefinition
		if err := rows.Scan(&ix.name, &ix.definition); err != nil {
			return nil, err
		}
		out = append(out, ix)
	}
	return out, rows.Err()
}

// BuildDeferredIndexes builds every index WithoutIndexes dropped and has
// not built again, each in a transaction that also deletes its row. The
// delete comes first: on PostgreSQL a second process doing the same waits
// on the row, then finds it gone; on SQLite it waits for the one writer,
// for as long as the busy timeout, and fails after (its next start builds
// what is left). An index that exists already, built by hand perhaps, is
// only struck off.
func (d *DB) BuildDeferredIndexes(ctx context.Context) error {
	exists, err := d.hasDeferredIndexes(ctx)
	if err != nil || !exists {
		return err
	}
	rows, err := d.writer.QueryContext(ctx, `SELECT name FROM deferred_indexes ORDER BY name`)
	if err != nil {
		return fmt.Errorf("build deferred indexes: %w", translate(err))
	}
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return fmt.Errorf("build deferred indexes: %w", translate(err))
		}
		names = append(names, name)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("build deferred indexes: %w", translate(err))
	}
	for _, name := range names {
		if err := d.buildDeferredIndex(ctx, name); err != nil {
			return fmt.Errorf("build index %s: %w", name, translate(err))
		}
	}
	return nil
}

func (d *DB) buildDeferredIndex(ctx context.Context, name string) error {
	tx, err := d.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var definition string
	err = tx.QueryRowContext(ctx, d.dialect.rebind(`DELETE FROM deferred_indexes WHERE name = ? RETURNING definition`), name).Scan(&definition)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	exists := `SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?)`
	if d.dialect == dialectPostgres {
		exists = `SELECT to_regclass($1) IS NOT NULL`
		name = quoteIdent(name)
	}
	var built bool
	if err := tx.QueryRowContext(ctx, exists, name).Scan(&built); err != nil {
		return err
	}
	if !built {
		if _, err := tx.ExecContext(ctx, definition); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// hasDeferredIndexes tells whether the table of deferred indexes exists:
// Migrate builds them before it migrates, so that no migration finds an
// index missing, and a database older than the table has none.
func (d *DB) hasDeferredIndexes(ctx context.Context) (bool, error) {
	query := `SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'deferred_indexes')`
	if d.dialect == dialectPostgres {
		query = `SELECT to_regclass('deferred_indexes') IS NOT NULL`
	}
	var ok bool
	if err := d.writer.QueryRowContext(ctx, query).Scan(&ok); err != nil {
		return false, fmt.Errorf("build deferred indexes: %w", translate(err))
	}
	return ok, nil
}

// quoteIdent quotes a name as SQL's standard, which both dialects follow,
// says: in double quotes, each double quote doubled.
func quoteIdent(name string) string {
	q := []byte{'"'}
	for i := range len(name) {
		if name[i] == '"' {
			q = append(q, '"')
		}
		q = append(q, name[i])
	}
	return string(append(q, '"'))
}
