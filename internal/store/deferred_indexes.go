package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
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
	c := conn{db: tx, dialect: d.dialect}
	for _, table := range tables {
		list, err := queryAll(ctx, c, scanIndexDefinition, d.secondaryIndexesSQL(), table)
		if err != nil {
			return fmt.Errorf("defer the indexes of %s: %w", table, translate(err))
		}
		for _, ix := range list {
			if _, err := c.exec(ctx, `INSERT INTO deferred_indexes (name, table_name, definition) VALUES (?, ?, ?)`, ix.name, table, ix.definition); err != nil {
				return fmt.Errorf("defer index %s: %w", ix.name, translate(err))
			}
			if _, err := c.exec(ctx, `DROP INDEX `+quoteIdent(ix.name)); err != nil {
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

func scanIndexDefinition(s scanner) (indexDefinition, error) {
	var ix indexDefinition
	err := s.Scan(&ix.name, &ix.definition)
	return ix, err
}

// secondaryIndexesSQL lists a table's indexes that only find rows: not
// unique, not a primary key's, not a constraint's.
func (d *DB) secondaryIndexesSQL() string {
	if d.dialect == dialectPostgres {
		return `SELECT i.relname, pg_get_indexdef(i.oid)
			FROM pg_index x
			JOIN pg_class i ON i.oid = x.indexrelid
			JOIN pg_class t ON t.oid = x.indrelid
			WHERE t.relname = ? AND t.relnamespace = current_schema()::regnamespace
				AND NOT x.indisunique AND NOT x.indisprimary
				AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
			ORDER BY i.relname`
	}
	return `SELECT name, sql FROM sqlite_master
		WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL AND upper(sql) NOT LIKE 'CREATE UNIQUE %'
		ORDER BY name`
}

// BuildDeferredIndexes builds every index WithoutIndexes dropped and has
// not built again, each in a transaction that also deletes its row. The
// delete comes first: on PostgreSQL a second process doing the same waits
// on the row, then finds it gone; on SQLite it waits for the one writer,
// for as long as the busy timeout, and fails after (its next start builds
// what is left). An index that exists already, built by hand perhaps, is
// only struck off.
func (d *DB) BuildDeferredIndexes(ctx context.Context) error {
	c := conn{db: d.writer, dialect: d.dialect}
	// Migrate builds them before it migrates, so that no migration finds
	// an index missing; a database older than the table has none.
	table, err := d.exists(ctx, c, "table", "deferred_indexes")
	if err != nil || !table {
		return wrapBuild(err)
	}
	names, err := queryAll(ctx, c, scanString, `SELECT name FROM deferred_indexes ORDER BY name`)
	if err != nil {
		return wrapBuild(err)
	}
	for _, name := range names {
		if err := d.buildDeferredIndex(ctx, name); err != nil {
			return fmt.Errorf("build index %s: %w", name, translate(err))
		}
	}
	return nil
}

func wrapBuild(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("build deferred indexes: %w", translate(err))
}

func (d *DB) buildDeferredIndex(ctx context.Context, name string) error {
	tx, err := d.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	c := conn{db: tx, dialect: d.dialect}
	var definition string
	err = c.row(ctx, `DELETE FROM deferred_indexes WHERE name = ? RETURNING definition`, name).Scan(&definition)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	built, err := d.exists(ctx, c, "index", name)
	if err != nil {
		return err
	}
	if !built {
		if _, err := c.exec(ctx, definition); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// exists tells whether the schema holds a table or an index of that name.
func (d *DB) exists(ctx context.Context, c conn, kind, name string) (bool, error) {
	query, args := `SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?)`, []any{kind, name}
	if d.dialect == dialectPostgres {
		// Tables and indexes share one namespace there.
		query, args = `SELECT to_regclass(?) IS NOT NULL`, []any{quoteIdent(name)}
	}
	var ok bool
	err := c.row(ctx, query, args...).Scan(&ok)
	return ok, err
}

// quoteIdent quotes a name as SQL's standard, which both dialects follow,
// says: in double quotes, each double quote doubled.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
