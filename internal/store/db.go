package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cyberaid/cyberaid/internal/model"
)

// Config says where the data lives.
type Config struct {
	// DataDir holds the SQLite database file, cyberaid.db. It is created
	// when missing.
	DataDir string
	// DatabaseURL selects PostgreSQL instead when it is a postgres:// or
	// postgresql:// URL. A search_path query parameter selects the schema.
	DatabaseURL string
	// Bulk is for a command that writes many rows and then exits, such as
	// an import or the generator: on SQLite, its writer keeps 64 MiB of
	// pages rather than the server's 4 MiB, so that a transaction of
	// thousands of rows and their indexes neither spills pages to the
	// log before it commits nor reads the same pages again and again. It
	// made generating 100,000 pledges take 33 s rather than 47 s in a
	// profiling run. Its statement journals stay in memory: a statement
	// inserting 200 pledges copies each index page it changes there first;
	// written to a temporary file, the copies made generating 100,000
	// pledges take 57 s rather than 53 s. Their sorts stay in memory too:
	// a migration building an index over a million pledges holds its keys,
	// tens of MB, while it runs. The server keeps temporary files on disk,
	// where a sort too large for its memory belongs.
	Bulk bool
}

// DB is a Store over SQLite or PostgreSQL. Its own methods run outside any
// transaction: reads on the reader pool, and each write on the writer as a
// transaction of its own.
type DB struct {
	*queries
	reader *sql.DB
	writer *sql.DB
	group  *groupCommit
	// readers keeps SQLite's read statements compiled; nil on PostgreSQL,
	// whose driver keeps its own.
	readers *readers
}

var _ Store = (*DB)(nil)

// Open connects to the database cfg names. It does not migrate: call
// Migrate before use.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if u := cfg.DatabaseURL; strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://") {
		return openPostgres(ctx, u)
	}
	if cfg.DatabaseURL != "" {
		return nil, errors.New("database URL: only postgres:// and postgresql:// URLs are supported")
	}
	if cfg.DataDir == "" {
		return nil, errors.New("a data directory or a database URL is required")
	}
	return openSQLite(ctx, cfg.DataDir, cfg.Bulk)
}

func newDB(d dialect, reader, writer *sql.DB) *DB {
	var stmts *stmtCache
	var rd execer = reader
	var kept *readers
	if d == dialectSQLite {
		stmts = &stmtCache{db: writer, m: map[string]*sql.Stmt{}}
		kept = newReaders(reader)
		rd = kept
	}
	held := &heldRates{}
	// Only SQLite's commands are grouped. A group runs its commands one
	// after the other on one connection, and a PostgreSQL command is a
	// dozen round trips to the server: 64 clients grouped made 38 pledges
	// a second where 52 committed alone, whose work before the audit
	// log's lock runs in parallel on the pool.
	var group *groupCommit
	if d == dialectSQLite {
		group = &groupCommit{d: d, db: writer, held: held, stmts: stmts}
	}
	return &DB{
		queries: &queries{dialect: d, rd: conn{db: rd, dialect: d, retry: d == dialectPostgres}, wr: conn{writer, d, false}, reader: reader, writer: writer, held: held, stmts: stmts},
		readers: kept,
		reader:  reader,
		writer:  writer,
		group:   group,
	}
}

// Dialect names the backend: "sqlite" or "postgres".
func (d *DB) Dialect() string { return string(d.dialect) }

// SQLDB returns the connection pool that writes. It is for tests and
// maintenance tools, which need SQL the Store interfaces do not offer.
func (d *DB) SQLDB() *sql.DB { return d.writer }

func (d *DB) Close() error {
	if d.readers != nil {
		d.readers.close()
	}
	if d.stmts != nil {
		d.stmts.mu.Lock()
		for _, st := range d.stmts.m {
			st.Close()
		}
		d.stmts.m = nil
		d.stmts.mu.Unlock()
	}
	err := d.writer.Close()
	if d.reader != d.writer {
		err = errors.Join(err, d.reader.Close())
	}
	return err
}

// InTx runs fn as one read-write transaction, committed if fn returns nil
// and rolled back otherwise, and returns once it has committed. On SQLite
// concurrent calls are committed in groups (groupCommit), each fn but a
// group's first in a savepoint of its own. Inside fn, use only q: the
// transaction holds a writer connection (on SQLite the only one), so a
// write through d would wait for it forever.
func (d *DB) InTx(ctx context.Context, fn func(q Queries) error) error {
	if d.group == nil {
		return runTx(ctx, d.dialect, d.writer, d.held, d.stmts, func(q *queries) error { return fn(q) })
	}
	return d.group.run(ctx, func(q *queries) error { return fn(q) })
}

func runTx(ctx context.Context, d dialect, db *sql.DB, held *heldRates, stmts *stmtCache, fn func(q *queries) error) error {
	var opts *sql.TxOptions
	if d == dialectPostgres {
		// Asked for, not left to the server's, role's or URL's default:
		// the audit log's head and the rows read for update must be read
		// as committed when the statement reading them began, after the
		// lock it waited for. REPEATABLE READ would read them as the
		// transaction's first statement found them.
		opts = &sql.TxOptions{Isolation: sql.LevelReadCommitted}
	}
	tx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", translate(err))
	}
	// Rolls back when fn fails, panics or exits the goroutine (t.Fatal);
	// after Commit it does nothing.
	defer tx.Rollback()
	ctx2 := &cachedTx{tx: tx, stmts: map[string]*sql.Stmt{}, prepare: d == dialectSQLite, shared: stmts}
	c := conn{ctx2, d, false}
	if err := fn(&queries{dialect: d, rd: c, wr: c, inTx: true, head: &auditHead{}, held: held, stmts: stmts}); err != nil {
		return err
	}
	// A caller that gave up meanwhile has had its transaction rolled back
	// by database/sql, or is about to: it is told why, as a grouped
	// command is, not that the transaction was done.
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", translate(err))
	}
	// Once the connection is free again: on SQLite it is the only writer.
	stmts.add(ctx, ctx2.fresh)
	return nil
}

// queries implements Queries, either on the pools or on one transaction.
type queries struct {
	dialect dialect
	rd, wr  conn
	inTx    bool
	reader  *sql.DB    // nil inside a transaction
	writer  *sql.DB    // nil inside a transaction
	head    *auditHead // inside a transaction only
	// held is shared by the DB and every transaction it begins.
	held *heldRates
	// stmts is shared likewise; nil on PostgreSQL.
	stmts *stmtCache
}

// atomic runs fn in q's transaction, or in a new one when q has none, so
// that a change spanning several statements is never half made.
func (q *queries) atomic(ctx context.Context, fn func(q *queries) error) error {
	if q.inTx {
		return fn(q)
	}
	return runTx(ctx, q.dialect, q.writer, q.held, q.stmts, fn)
}

// forUpdate locks the rows a transaction reads before changing them.
// SQLite needs no lock: its write transactions are serialised already.
func (q *queries) forUpdate() string {
	if q.inTx && q.dialect == dialectPostgres {
		return " FOR UPDATE"
	}
	return ""
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// cachedTx prepares each statement of a transaction once. A long
// transaction, such as an import, runs the same few statements thousands of
// times, and SQLite would otherwise compile each one anew. The statements die
// with the transaction. On PostgreSQL pgx keeps each connection's statements
// prepared already, across transactions: preparing them again per
// transaction would only add a round trip to each statement's first use and
// one to close it.
type cachedTx struct {
	tx      *sql.Tx
	stmts   map[string]*sql.Stmt
	prepare bool
	// shared are the statements prepared on the writer connection before
	// this transaction; fresh those this one had to prepare itself.
	shared *stmtCache
	fresh  []string
}

// stmtCache keeps SQLite's statements compiled on its one writer connection
// from one transaction to the next. A request's transaction runs a dozen
// statements once each, and compiling them was a third of the time it held
// the writer, which every other write waits for.
type stmtCache struct {
	db *sql.DB
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// maxSharedStmts bounds the statements kept: those of a fixed text are a
// few hundred; batches of a varying size may make more, which are not kept.
const maxSharedStmts = 1024

func (c *stmtCache) get(query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[query]
}

// add prepares queries on the pool, outside any transaction: the statement
// is then compiled on the writer connection, where Tx.StmtContext finds it.
// A failure only leaves the query to be compiled per transaction.
func (c *stmtCache) add(ctx context.Context, queries []string) {
	if c == nil || len(queries) == 0 {
		return
	}
	ctx = context.WithoutCancel(ctx)
	for _, query := range queries {
		c.mu.Lock()
		_, known := c.m[query]
		full := c.m == nil || len(c.m) >= maxSharedStmts
		c.mu.Unlock()
		if known || full {
			continue
		}
		st, err := c.db.PrepareContext(ctx, query)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if _, known := c.m[query]; known || c.m == nil {
			c.mu.Unlock()
			st.Close()
			continue
		}
		c.m[query] = st
		c.mu.Unlock()
	}
}

// maxCachedStmts bounds the cache: statements built with a variable number
// of placeholders are many and each used rarely.
const maxCachedStmts = 128

func (c *cachedTx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if !c.prepare {
		return nil, nil
	}
	if st, ok := c.stmts[query]; ok {
		return st, nil
	}
	if len(c.stmts) >= maxCachedStmts {
		return nil, nil
	}
	if shared := c.shared.get(query); shared != nil {
		st := c.tx.StmtContext(ctx, shared)
		c.stmts[query] = st
		return st, nil
	}
	st, err := c.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.stmts[query] = st
	c.fresh = append(c.fresh, query)
	return st, nil
}

func (c *cachedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := c.stmt(ctx, query)
	if err != nil || st == nil {
		return c.tx.ExecContext(ctx, query, args...)
	}
	return st.ExecContext(ctx, args...)
}

func (c *cachedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := c.stmt(ctx, query)
	if err != nil || st == nil {
		return c.tx.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

func (c *cachedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := c.stmt(ctx, query)
	if err != nil || st == nil {
		// Running it unprepared reports the same error through the Row.
		return c.tx.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// conn runs SQL written once with ? placeholders on either backend.
type conn struct {
	db      execer
	dialect dialect
	// retry runs a read again, once, when its connection turns out to be
	// broken: only on the pool of readers, outside any transaction, where
	// every statement is a read and so may run twice.
	retry bool
}

func (c conn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.db.ExecContext(ctx, c.dialect.rebind(query), bindArgs(args)...)
}

func (c conn) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	query, args = c.dialect.rebind(query), bindArgs(args)
	rows, err := c.db.QueryContext(ctx, query, args...)
	if err != nil && c.retry && brokenConn(ctx, err) {
		rows, err = c.db.QueryContext(ctx, query, args...)
	}
	return rows, err
}

func (c conn) row(ctx context.Context, query string, args ...any) *sql.Row {
	query, args = c.dialect.rebind(query), bindArgs(args)
	row := c.db.QueryRowContext(ctx, query, args...)
	if c.retry && brokenConn(ctx, row.Err()) {
		row = c.db.QueryRowContext(ctx, query, args...)
	}
	return row
}

// execOne runs a statement that must change exactly one row; none means the
// row does not exist.
func (c conn) execOne(ctx context.Context, query string, args ...any) error {
	res, err := c.exec(ctx, query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return sql.ErrNoRows
	}
	return nil
}

type dialect string

const (
	dialectSQLite   dialect = "sqlite"
	dialectPostgres dialect = "postgres"
)

// rebind turns ? placeholders into PostgreSQL's $n. Question marks inside
// quoted literals are left alone.
func (d dialect) rebind(query string) string {
	if d != dialectPostgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n, quoted := 0, false
	for i := 0; i < len(query); i++ {
		ch := query[i]
		switch {
		case ch == '\'':
			quoted = !quoted
		case ch == '?' && !quoted:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(ch)
	}
	return b.String()
}

// bindArgs stores every instant in UTC with microseconds, as PostgreSQL
// keeps them, so that both backends hold the same value and SQLite's text
// timestamps compare in time order.
func bindArgs(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case time.Time:
			out[i] = instantOf(v)
		case *time.Time:
			if v != nil {
				out[i] = instantOf(*v)
			}
		default:
			out[i] = a
		}
	}
	return out
}

func instantOf(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// stampCreate fills the times of a new record the caller left zero and
// normalises them, so the caller's copy equals what a read returns.
func stampCreate(created, updated *time.Time) {
	if created.IsZero() {
		*created = time.Now()
	}
	*created = instantOf(*created)
	if updated.IsZero() {
		*updated = *created
	}
	*updated = instantOf(*updated)
}

// stampUpdate keeps the caller's UpdatedAt (a service with a clock sets it)
// and fills it when left zero.
func stampUpdate(updated *time.Time) {
	if updated.IsZero() {
		*updated = time.Now()
	}
	*updated = instantOf(*updated)
}

// NewID returns a UUIDv7: its text sorts by creation time, so lists ordered
// by id are newest first and an id is a stable cursor. The store gives a
// record without one its id; a service that must name a record before
// writing it takes one here, so that every id has the same form.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

type scanner interface {
	Scan(dest ...any) error
}

// instant scans a timestamp into UTC, whatever zone the driver returns.
type instant struct{ t *time.Time }

func (i instant) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*i.t = v.UTC()
		return nil
	case string:
		t, err := parseStoredInstant(v)
		if err != nil {
			return err
		}
		*i.t = t
		return nil
	}
	return fmt.Errorf("cannot scan %T into a time", src)
}

// readColumns is a select list as each backend reads it best.
type readColumns struct{ sqlite, other string }

// instantsAsText is columns, a comma-separated select list, with the
// instants named read as text on SQLite, which parseStoredInstant reads
// digit by digit: the driver tries several layouts before the one that
// fits. A name not in the list panics, at the program's start, rather than
// leave a renamed column read the slow way unnoticed.
func instantsAsText(columns string, instants ...string) readColumns {
	parts := strings.Split(columns, ",")
	found := 0
	for i, part := range parts {
		if name := strings.TrimSpace(part); slices.Contains(instants, name) {
			parts[i] = strings.Replace(part, name, "CAST("+name+" AS TEXT)", 1)
			found++
		}
	}
	if found != len(instants) {
		panic(fmt.Sprintf("store: instants %q are not all columns of %q", instants, columns))
	}
	return readColumns{sqlite: strings.Join(parts, ","), other: columns}
}

func (c readColumns) of(q *queries) string {
	if q.dialect == dialectSQLite {
		return c.sqlite
	}
	return c.other
}

// parseStoredInstant reads an instant as the store writes it on SQLite,
// "2006-01-02 15:04:05.999999-07:00" in UTC, digit by digit: time.Parse
// tries layouts and costs more than the rest of reading a row. Any other
// form falls back to time.Parse.
func parseStoredInstant(s string) (time.Time, error) {
	num := func(from, to int) (int, bool) {
		n := 0
		for _, c := range s[from:to] {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	if len(s) >= 25 && s[4] == '-' && s[7] == '-' && s[10] == ' ' && s[13] == ':' && s[16] == ':' && strings.HasSuffix(s, "+00:00") {
		y, ok1 := num(0, 4)
		mo, ok2 := num(5, 7)
		d, ok3 := num(8, 10)
		h, ok4 := num(11, 13)
		mi, ok5 := num(14, 16)
		se, ok6 := num(17, 19)
		frac := s[19 : len(s)-6]
		ns := 0
		ok7 := true
		if frac != "" {
			if frac[0] != '.' || len(frac) > 10 {
				ok7 = false
			} else if ns, ok7 = num(20, 19+len(frac)); ok7 {
				for range 9 - (len(frac) - 1) {
					ns *= 10
				}
			}
		}
		if ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7 {
			return time.Date(y, time.Month(mo), d, h, mi, se, ns, time.UTC), nil
		}
	}
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("cannot read %q as a time", s)
}

// ScanTimestamptz lets pgx hand a timestamp over as it is: through
// sql.Scanner it would box each one in an interface first.
func (i instant) ScanTimestamptz(v pgtype.Timestamptz) error {
	if !v.Valid || v.InfinityModifier != pgtype.Finite {
		return fmt.Errorf("cannot scan %v into a time", v)
	}
	*i.t = v.Time.UTC()
	return nil
}

// day scans a date column: through model.Date's sql.Scanner, or straight
// from pgx.
type day struct{ d *model.Date }

func (d day) Scan(src any) error { return d.d.Scan(src) }

func (d day) ScanDate(v pgtype.Date) error {
	switch {
	case !v.Valid:
		*d.d = model.Date{}
	case v.InfinityModifier != pgtype.Finite:
		return fmt.Errorf("cannot scan %v into a date", v)
	default:
		*d.d = model.DateOf(v.Time)
	}
	return nil
}

// nullInstant scans a nullable timestamp.
type nullInstant struct{ t **time.Time }

func (i nullInstant) Scan(src any) error {
	if src == nil {
		*i.t = nil
		return nil
	}
	var t time.Time
	if err := (instant{&t}).Scan(src); err != nil {
		return err
	}
	*i.t = &t
	return nil
}

// nullIfEmpty stores an absent optional reference as NULL, which foreign
// keys and unique indexes treat as "none".
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// chunkSize keeps IN lists well under both backends' limits on parameters.
const chunkSize = 500

// shortList is the longest list PostgreSQL is given as placeholders.
const shortList = 16

// inChunks calls fn with a list for "col IN (…)" and its arguments for
// each slice of ids. On PostgreSQL a list longer than shortList is one
// array parameter, all ids at once: a placeholder per id made a new
// statement for each length, and binding two hundred cost a millisecond
// on every page of pledges. A short list keeps its placeholders: the
// array made PostgreSQL plan the statement again at each execution (0.12
// ms), where a statement of a few placeholders reuses its plan (0.01 ms),
// and reading one record's list is the common case.
func (q *queries) inChunks(ids []string, fn func(list string, args []any) error) error {
	if q.dialect == dialectPostgres && len(ids) > shortList {
		return fn("SELECT unnest(?::text[])", []any{ids})
	}
	for len(ids) > 0 {
		n := min(len(ids), chunkSize)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		if err := fn(placeholders(n), args); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// valueRows is the VALUES list of a many-row INSERT: rows groups of
// columns placeholders.
func valueRows(rows, columns int) string {
	row := "(" + placeholders(columns) + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", rows), ", ")
}

// where joins filter conditions into a WHERE clause.
func where(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// limitClause adds a LIMIT when limit is positive; otherwise all rows.
func limitClause(limit int, args []any) (string, []any) {
	if limit <= 0 {
		return "", args
	}
	return " LIMIT ?", append(args, limit)
}

// queryAll runs a query and scans every row.
func queryAll[T any](ctx context.Context, c conn, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	return queryAppend(ctx, c, scan, nil, query, args...)
}

// queryAppend is queryAll appending to dst, which a caller that knows how
// many rows to expect allocates once: growing a slice of large records row
// by row copies it again and again.
func queryAppend[T any](ctx context.Context, c conn, scan func(scanner) (T, error), dst []T, query string, args ...any) ([]T, error) {
	rows, err := c.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		dst = append(dst, v)
	}
	return dst, rows.Err()
}
