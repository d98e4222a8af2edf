package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// eachBatch is how many rows one round trip of an iteration reads. Reading
// in keyset batches rather than holding one cursor open keeps memory constant
// and lets the callback query the database (SQLite has a single writer and a
// small reader pool).
const eachBatch = 1000

// table is how a stream reads one kind of record: its columns, its scan,
// and how a batch gets its access lists.
type table[T any] struct {
	name    string
	columns func(q *queries) string
	scan    func(scanner) (T, error)
	id      func(*T) string
	// grant is the object type of its access lists; set stores a record's.
	grant string
	set   func(*T, grants)
}

// each calls fn for every row of t matching conds, newest first, with its
// access lists; it stops at the first error fn returns. Outside a
// transaction, several readers fetch the batches at once: reading and
// decoding rows is what a million-row export spends its time on.
func each[T any](ctx context.Context, q *queries, t table[T], conds []string, args []any, fn func(T) error) error {
	read := func(ctx context.Context, after, last string, dst []T) ([]T, error) {
		c, a := keyRange(conds, args, after, last)
		query := `SELECT ` + t.columns(q) + ` FROM ` + t.name + where(c) + ` ORDER BY id DESC`
		if dst == nil {
			dst = make([]T, 0, eachBatch)
		}
		var batch []T
		var err error
		if q.reader != nil {
			batch, err = bulkAppend(ctx, q.reader, q.dialect, t.scan, dst, query, a...)
		} else {
			batch, err = queryAppend(ctx, q.rd, t.scan, dst, query, a...)
		}
		if err == nil && len(batch) > 0 {
			// A batch is a contiguous range of ids, so its access lists
			// come from one range scan rather than a thousand-id IN list.
			var gs map[string]grants
			gs, err = q.grantsBetween(ctx, t.grant, t.id(&batch[len(batch)-1]), t.id(&batch[0]))
			for i := range batch {
				t.set(&batch[i], gs[t.id(&batch[i])])
			}
		}
		return batch, dbErr(err, "read %s", t.name)
	}
	bound := func(ctx context.Context, after string) (string, error) {
		return q.batchBound(ctx, t.name, conds, args, after)
	}
	readers := parallelReaders
	if q.inTx {
		// A transaction is one connection: its reads cannot overlap.
		readers = 0
	}
	return eachInOrder(ctx, readers, bound, read, fn)
}

// parallelReaders is how many batches an iteration reads at once. Four
// keep two cores busy decoding rows while PostgreSQL prepares the next
// batches, and fit the SQLite reader pool: each reader returns its
// connection after every batch, so other reads are delayed, never starved.
const parallelReaders = 4

// keyRange adds the bounds of one batch to the filter conditions: the ids
// below after (all when empty) down to last (no lower bound when empty).
func keyRange(conds []string, args []any, after, last string) ([]string, []any) {
	conds, args = conds[:len(conds):len(conds)], args[:len(args):len(args)]
	if after != "" {
		conds, args = append(conds, "id < ?"), append(args, after)
	}
	if last != "" {
		conds, args = append(conds, "id >= ?"), append(args, last)
	}
	return conds, args
}

// batchBound returns the id that ends the batch of rows below after, or ""
// when fewer than a batch remain. It reads ids only, from the (column, id)
// index of a filter or the primary key, which costs little beside reading
// the rows themselves.
func (q *queries) batchBound(ctx context.Context, table string, conds []string, args []any, after string) (string, error) {
	c, a := keyRange(conds, args, after, "")
	var last string
	err := q.rd.row(ctx, `SELECT id FROM `+table+where(c)+` ORDER BY id DESC LIMIT 1 OFFSET ?`, append(a, eachBatch-1)...).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return last, dbErr(err, "read %s", table)
}

// eachInOrder walks a list in keyset batches with up to readers batches
// read at once, and hands their rows to fn in order on the caller's
// goroutine. bound finds where the batch below a key ends; read appends to
// dst the rows from after (exclusive) down to last (inclusive). Readers run
// at most twice their number of batches ahead of fn, so memory holds a few
// batches per reader whatever the length of the list, and batch slices are
// reused once fn is done with them: a batch of large records allocated anew
// each time would be most of what the garbage collector has to do (fn
// receives copies, so nothing it keeps points into a reused slice). With no
// readers, everything runs on the caller's goroutine.
func eachInOrder[T any](ctx context.Context, readers int,
	bound func(ctx context.Context, after string) (string, error),
	read func(ctx context.Context, after, last string, dst []T) ([]T, error),
	fn func(T) error,
) error {
	if readers == 0 {
		var rows []T
		for after := ""; ; {
			last, err := bound(ctx, after)
			if err != nil {
				return err
			}
			rows, err = read(ctx, after, last, rows[:0])
			if err != nil {
				return err
			}
			for _, row := range rows {
				if err := fn(row); err != nil {
					return err
				}
			}
			if last == "" {
				return nil
			}
			after = last
		}
	}
	type batch struct {
		after, last string
		rows        []T
		err         error
		done        chan struct{}
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	// order holds the batches in list order; its capacity bounds how far
	// the readers may run ahead of fn.
	order := make(chan *batch, 2*readers)
	work := make(chan *batch)
	free := make(chan []T, 3*readers)
	wg.Go(func() {
		defer close(order)
		defer close(work)
		after := ""
		for {
			last, err := bound(ctx, after)
			b := &batch{after: after, last: last, err: err, done: make(chan struct{})}
			if err != nil {
				close(b.done)
			}
			select {
			case order <- b:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
			select {
			case work <- b:
			case <-ctx.Done():
				return
			}
			if last == "" {
				return
			}
			after = last
		}
	})
	for range readers {
		wg.Go(func() {
			for b := range work {
				var dst []T
				select {
				case dst = <-free:
				default:
				}
				b.rows, b.err = read(ctx, b.after, b.last, dst)
				close(b.done)
			}
		})
	}
	for b := range order {
		select {
		case <-b.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if b.err != nil {
			return b.err
		}
		for _, row := range b.rows {
			if err := fn(row); err != nil {
				return err
			}
		}
		select {
		case free <- b.rows[:0]:
		default:
		}
	}
	// The producer also stops when the caller's context ends.
	return ctx.Err()
}
