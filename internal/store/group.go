package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// maxGroup bounds how many commands one group commits: a caller waits for
// its acknowledgement at most this many commands, and a write outside
// InTx (on the DB's own methods) waits for the writer at most as long.
const maxGroup = 64

// groupCommit runs the commands given to InTx by concurrent callers in one
// database transaction, each after the first in a savepoint of its own
// (the first fails alone: the transaction is rolled back), and commits once
// for the group. It serves SQLite, whose one writer connection runs the
// commands one at a time anyway: each commit there begins, appends to and
// locks the write-ahead log anew while every other writer waits. (On
// PostgreSQL it was slower: see newDB.)
//
// Callers keep their own transaction's semantics: a command's writes and
// audit event are kept or discarded together (a failing command rolls back
// to its savepoint, or the group's first the whole transaction, and gets
// its own error; the others go on), a command never sees what a failed
// one wrote, and InTx returns nil only once the group's COMMIT has
// returned, so an acknowledged command is as durable as the database's
// commit makes it. What a command sees of the others in its group is what
// it would have seen had they committed just before it.
//
// The commands run one at a time, each in its caller's goroutine (so a
// panic or t.Fatal stays where it happened), taking turns on the open
// transaction: a command that finishes passes it on while others wait for
// their turn, and the last one commits.
type groupCommit struct {
	d     dialect
	db    *sql.DB
	held  *heldRates
	stmts *stmtCache

	// turn is held by the one command running on the open group.
	turn sync.Mutex
	// waiting counts the callers blocked on turn: while there are some,
	// the group stays open for them.
	waiting atomic.Int32
	// open is the group under way, nil between groups; only the holder of
	// turn reads or changes it.
	open *group
}

type group struct {
	tx   *sql.Tx
	ctx  *cachedTx
	c    conn
	size int
	done chan struct{}
	err  error // the group's outcome, set before done closes
}

func (g *groupCommit) run(ctx context.Context, fn func(q *queries) error) (err error) {
	g.waiting.Add(1)
	g.turn.Lock()
	g.waiting.Add(-1)

	grp, err := g.begin(ctx)
	if err != nil {
		g.turn.Unlock()
		return err
	}
	if err := ctx.Err(); err != nil {
		g.pass(grp)
		return err
	}
	// The group's first command needs no savepoint: should it fail, the
	// transaction holds nothing else and is rolled back whole. A savepoint
	// makes SQLite copy every page the command changes to a journal first,
	// a third of the time of a command that writes thousands of rows.
	// A command must return every error of the database: after some, such
	// as a full disk, SQLite has rolled the whole transaction back and runs
	// the next statements each on its own. One that ignored such an error
	// would be found out at the group's COMMIT rather than at its own
	// RELEASE, and every command of the group told it failed, though what
	// ran after the rollback was kept.
	first := grp.size == 0
	if !first {
		if _, err := grp.c.exec(context.WithoutCancel(ctx), `SAVEPOINT command`); err != nil {
			g.fail(grp, err)
			return fmt.Errorf("begin transaction: %w", translate(err))
		}
	}

	returned := false
	defer func() {
		if returned {
			return
		}
		// fn panicked or exited its goroutine: discard its writes, let the
		// group go on, and let the panic go on up the caller's stack.
		if first {
			g.drop(grp)
			return
		}
		if !g.undo(grp) {
			g.fail(grp, errors.New("a command of the group did not finish"))
			return
		}
		g.pass(grp)
	}()
	// Cancelling a statement could end the whole transaction (SQLite rolls
	// back a transaction whose write is interrupted; pgx closes the
	// connection of a cancelled query), and with it the other commands of
	// the group. The command runs to its end, and is discarded if its
	// caller has given up meanwhile.
	q := &queries{dialect: g.d, rd: grp.c, wr: grp.c, inTx: true, head: &auditHead{}, held: g.held, stmts: g.stmts}
	ferr := fn(q)
	returned = true
	if ferr == nil {
		ferr = ctx.Err()
	}
	if ferr != nil {
		if first {
			g.drop(grp)
			return ferr
		}
		if !g.undo(grp) {
			g.fail(grp, ferr)
			return ferr
		}
		g.pass(grp)
		return ferr
	}
	if !first {
		if _, err := grp.c.exec(context.WithoutCancel(ctx), `RELEASE SAVEPOINT command`); err != nil {
			g.fail(grp, err)
			return fmt.Errorf("commit: %w", translate(err))
		}
	}
	grp.size++
	done := grp.done
	g.pass(grp)
	<-done
	return grp.err
}

// begin returns the open group, or begins one.
func (g *groupCommit) begin(ctx context.Context) (*group, error) {
	if g.open != nil {
		return g.open, nil
	}
	// The transaction outlives the caller that begins it: it carries the
	// commands of the others too.
	tx, err := g.db.BeginTx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return nil, fmt.Errorf("begin transaction: %w", translate(err))
	}
	ctx2 := &cachedTx{tx: tx, stmts: map[string]*sql.Stmt{}, prepare: g.d == dialectSQLite, shared: g.stmts}
	g.open = &group{tx: tx, ctx: ctx2, c: conn{detached{ctx2}, g.d, false}, done: make(chan struct{})}
	return g.open, nil
}

// detached runs statements whatever becomes of their caller's context (see
// run): the caller passes its own to every statement.
type detached struct{ e execer }

func (d detached) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return d.e.ExecContext(context.WithoutCancel(ctx), query, args...)
}

func (d detached) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return d.e.QueryContext(context.WithoutCancel(ctx), query, args...)
}

func (d detached) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return d.e.QueryRowContext(context.WithoutCancel(ctx), query, args...)
}

// undo discards the current command's writes; false means the transaction
// itself is lost (SQLite rolls back the whole of it on some errors, such as
// a full disk).
func (g *groupCommit) undo(grp *group) bool {
	ctx := context.Background()
	if _, err := grp.c.exec(ctx, `ROLLBACK TO SAVEPOINT command`); err != nil {
		return false
	}
	_, err := grp.c.exec(ctx, `RELEASE SAVEPOINT command`)
	return err == nil
}

// pass leaves the group open to a caller waiting for its turn, or commits
// it when none is or it is full, and ends the turn.
func (g *groupCommit) pass(grp *group) {
	if g.waiting.Load() > 0 && grp.size < maxGroup {
		g.turn.Unlock()
		return
	}
	g.open = nil
	var err error
	if grp.size == 0 {
		err = grp.tx.Rollback()
	} else if err = grp.tx.Commit(); err != nil {
		err = fmt.Errorf("commit: %w", translate(err))
	}
	if err == nil {
		// Once the connection is free again: on SQLite it is the only
		// writer.
		g.stmts.add(context.Background(), grp.ctx.fresh)
	}
	if grp.size > 0 {
		grp.err = err
	}
	close(grp.done)
	g.turn.Unlock()
}

// drop ends a group whose only command failed: the transaction holds
// nothing anyone waits for, and a caller waiting for its turn begins anew.
func (g *groupCommit) drop(grp *group) {
	g.open = nil
	if grp.tx.Rollback() == nil {
		g.stmts.add(context.Background(), grp.ctx.fresh)
	}
	close(grp.done)
	g.turn.Unlock()
}

// fail ends a group whose transaction is lost: every command it held, none
// of them acknowledged yet, gets err.
func (g *groupCommit) fail(grp *group, err error) {
	g.open = nil
	grp.tx.Rollback()
	grp.err = fmt.Errorf("transaction lost with another command of its group: %w", translate(err))
	close(grp.done)
	g.turn.Unlock()
}
