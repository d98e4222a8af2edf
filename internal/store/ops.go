package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Operations is what operators ask of the database itself, rather than of
// its records: readiness probes and metrics.
type Operations interface {
	// SchemaStatus compares the applied migrations with the program's own.
	SchemaStatus(ctx context.Context) (SchemaStatus, error)
	// Pools are the connection pools, by name, for their statistics.
	Pools() map[string]*sql.DB
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
