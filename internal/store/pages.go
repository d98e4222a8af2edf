package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/cyberaid/cyberaid/internal/model"
)

// Pages read the lists of the API one page at a time, by keyset: each page
// starts after the row whose id the previous page ended on, in the list's
// own order, so that a page costs the same however deep it is. A cursor
// naming no row of the list is refused with model.ErrInvalid on field
// "cursor" (it cannot be a page this list gave).
type Pages interface {
	// PageRotations returns up to limit periods in calendar order.
	PageRotations(ctx context.Context, after string, limit int) ([]model.Rotation, error)
	// PageMeetings returns up to limit meetings, latest day first.
	PageMeetings(ctx context.Context, after string, limit int) ([]model.Meeting, error)
}

// keyset is one list's order: by column col, then by id, both ascending or
// both descending.
type keyset struct {
	table, col string
	desc       bool
}

// query is the SELECT of one page of cols, and its arguments.
func (k keyset) query(cols, after string, limit int) (string, []any) {
	cmp, dir := ">", ""
	if k.desc {
		cmp, dir = "<", " DESC"
	}
	var conds []string
	var args []any
	if after != "" {
		conds = append(conds, fmt.Sprintf("(%s, id) %s (SELECT %s, id FROM %s WHERE id = ?)", k.col, cmp, k.col, k.table))
		args = append(args, after)
	}
	lim, args := limitClause(limit, args)
	return "SELECT " + cols + " FROM " + k.table + where(conds) + " ORDER BY " + k.col + dir + ", id" + dir + lim, args
}

// checkCursor runs when a page after a cursor came back empty: that is the
// end of the list, or a cursor naming no row of it, which the comparison
// with a missing row cannot tell apart.
func (q *queries) checkCursor(ctx context.Context, k keyset, after string) error {
	if after == "" {
		return nil
	}
	conds := []string{"id = ?"}
	var n int
	if err := q.rd.row(ctx, "SELECT count(*) FROM "+k.table+where(conds), after).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return model.BadCursor()
	}
	return nil
}

func pageOf[T any](ctx context.Context, q *queries, k keyset, cols string, scan func(scanner) (T, error), after string, limit int) ([]T, error) {
	query, args := k.query(cols, after, limit)
	items, err := queryAll(ctx, q.rd, scan, query, args...)
	if err == nil && len(items) == 0 {
		err = q.checkCursor(ctx, k, after)
	}
	return items, err
}

var (
	rotationKeyset = keyset{table: "rotations", col: "starts"}
	meetingKeyset  = keyset{table: "meetings", col: "day", desc: true}
)

func (q *queries) PageRotations(ctx context.Context, after string, limit int) ([]model.Rotation, error) {
	rs, err := pageOf(ctx, q, rotationKeyset, rotationColumns, scanRotation, after, limit)
	return rs, pageErr(err, "page rotations")
}

func (q *queries) PageMeetings(ctx context.Context, after string, limit int) ([]model.Meeting, error) {
	ms, err := pageOf(ctx, q, meetingKeyset, meetingColumns, scanMeeting, after, limit)
	for i := range ms {
		if err != nil {
			break
		}
		err = q.loadMeetingParts(ctx, &ms[i])
	}
	return ms, pageErr(err, "page meetings")
}

// pageErr passes a refused cursor on as it is, for the client to read.
func pageErr(err error, what string) error {
	var fe *model.FieldError
	if errors.As(err, &fe) {
		return err
	}
	return dbErr(err, "%s", what)
}
