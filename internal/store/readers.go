package store

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// readers runs the reads of the pool of SQLite readers through statements
// kept compiled from one request to the next. A page of the audit log reads
// each event's record with a few small queries, and compiling them anew
// took a third of its time. A text is kept once it has run twice, up to
// maxSharedStmts. A text holding a list of more than shortList
// placeholders in a row, a list of ids, is compiled for each use, as
// before: such lists come in many lengths, and each length kept would hold
// a slot. database/sql compiles a kept statement once on each reader
// connection that runs it; SQLite holds it outside the Go heap.
type readers struct {
	db   *sql.DB
	mu   sync.Mutex
	m    map[string]*sql.Stmt
	once map[string]bool
}

// maxOnce bounds the texts remembered as used once; past it they are forgotten.
const maxOnce = 4096

// longList is how a list of more than shortList placeholders starts.
var longList = strings.Repeat("?, ", shortList)

func newReaders(db *sql.DB) *readers {
	return &readers{db: db, m: map[string]*sql.Stmt{}, once: map[string]bool{}}
}

// stmt is query's kept statement, nil when it is not (yet) kept.
func (r *readers) stmt(ctx context.Context, query string) *sql.Stmt {
	r.mu.Lock()
	if st, ok := r.m[query]; ok || r.m == nil {
		r.mu.Unlock()
		return st
	}
	if len(r.m) >= maxSharedStmts || strings.Contains(query, longList) {
		r.mu.Unlock()
		return nil
	}
	if !r.once[query] {
		if len(r.once) >= maxOnce {
			clear(r.once)
		}
		r.once[query] = true
		r.mu.Unlock()
		return nil
	}
	delete(r.once, query)
	r.mu.Unlock()
	// Compiled outside the lock. A prepare that fails, or that the
	// request's end cancels, keeps nothing: the query runs unprepared and
	// reports its own error.
	st, err := r.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if kept, ok := r.m[query]; ok || r.m == nil {
		st.Close()
		return kept
	}
	r.m[query] = st
	return st
}

func (r *readers) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return r.db.ExecContext(ctx, query, args...)
}

func (r *readers) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := r.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return r.db.QueryContext(ctx, query, args...)
}

func (r *readers) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := r.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return r.db.QueryRowContext(ctx, query, args...)
}

// close closes the kept statements; later reads run unprepared.
func (r *readers) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, st := range r.m {
		st.Close()
	}
	r.m = nil
}
