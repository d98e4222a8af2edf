package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Advisory locks are database-wide while tables live in a schema. Each lock
// therefore takes a fixed class and a key of its schema, so that deployments
// or tests sharing one database in different schemas never wait on one
// another.
const (
	// auditLockClass serialises audit appenders on the chain head; the
	// second key is the oid of the schema's audit_events table.
	auditLockClass = 0x63796261 // "cyba"; the triggers of migration 00030 take it by its value
)

func openPostgres(ctx context.Context, databaseURL string) (*DB, error) {
	cfg, err := pgx.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	// The lists' audience predicates are long ORs of subqueries, which the
	// planner prices far above jit_above_cost even for a page of 200 rows
	// read by index: compiling them took 2.6 s of a 2.9 s query that runs
	// in 20 ms interpreted. No query here runs long enough to gain from it.
	if _, set := cfg.RuntimeParams["jit"]; !set {
		cfg.RuntimeParams["jit"] = "off"
	}
	db := stdlib.OpenDB(*cfg)
	// Several stateless servers share one PostgreSQL: keep each pool modest.
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	db.SetConnMaxIdleTime(5 * time.Minute)
	// A session plans its triggers' queries once and keeps the plans until
	// the tables' statistics change. Planned while a table was a page or
	// two, a lookup stays a scan as the table grows, until autovacuum
	// analyses it; with autovacuum off, for as long as the connection
	// lives. An hour, as pgxpool's default, bounds it: a new session plans
	// for the table's size on disk.
	db.SetConnMaxLifetime(time.Hour)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	// One pool serves both: PostgreSQL runs concurrent writers itself.
	return newDB(dialectPostgres, db, db), nil
}
