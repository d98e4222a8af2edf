package store

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
)

// MoreStreams iterate over the offers and lessons in constant memory, for
// exports, a bounded page at a time.
type MoreStreams interface {
	// EachOffer calls fn for every offer matching f, newest first.
	EachOffer(ctx context.Context, f model.OfferFilter, fn func(model.Offer) error) error
	// EachLesson calls fn for every lesson, newest first.
	EachLesson(ctx context.Context, fn func(model.Lesson) error) error
}

// streamPage bounds the rows held at once while a stream walks a table.
const streamPage = 500

func (q *queries) EachOffer(ctx context.Context, f model.OfferFilter, fn func(model.Offer) error) error {
	after := ""
	for {
		page, err := q.ListOffers(ctx, f, after, streamPage)
		if err != nil {
			return err
		}
		for _, o := range page {
			if err := fn(o); err != nil {
				return err
			}
		}
		if len(page) < streamPage {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

func (q *queries) EachLesson(ctx context.Context, fn func(model.Lesson) error) error {
	after := ""
	for {
		var conds []string
		var args []any
		if after != "" {
			conds, args = append(conds, "id < ?"), append(args, after)
		}
		lim, args := limitClause(streamPage, args)
		page, err := queryAll(ctx, q.rd, scanLesson, `SELECT `+lessonSelect+` FROM lessons`+where(conds)+` ORDER BY id DESC`+lim, args...)
		if err == nil {
			err = q.loadLessonGrants(ctx, page)
		}
		if err != nil {
			return dbErr(err, "list lessons")
		}
		for _, l := range page {
			if err := fn(l); err != nil {
				return err
			}
		}
		if len(page) < streamPage {
			return nil
		}
		after = page[len(page)-1].ID
	}
}
