package store

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
)

// eachBatch is how many rows one round trip of an iteration reads. Reading
// in keyset batches rather than holding one cursor open keeps memory constant
// and lets the callback query the database (SQLite has a single writer and a
// small reader pool).
const eachBatch = 1000

// EachPledge calls fn for every pledge matching f, newest first, with its
// access lists; it stops at the first error fn returns.
func (q *queries) EachPledge(ctx context.Context, f model.PledgeFilter, fn func(model.Pledge) error) error {
	after := ""
	for {
		batch, err := q.listPledgeRows(ctx, f, after, eachBatch)
		if err == nil && len(batch) > 0 {
			// A batch is a contiguous range of ids, so its access lists
			// come from one range scan rather than a thousand-id IN list.
			err = q.loadPledgeGrantsBetween(ctx, batch, batch[len(batch)-1].ID, batch[0].ID)
		}
		if err != nil {
			return dbErr(err, "read pledges")
		}
		for _, p := range batch {
			if err := fn(p); err != nil {
				return err
			}
		}
		if len(batch) < eachBatch {
			return nil
		}
		after = batch[len(batch)-1].ID
	}
}

// EachRequirement calls fn for every requirement matching f, newest first,
// with its access lists; it stops at the first error fn returns.
func (q *queries) EachRequirement(ctx context.Context, f model.RequirementFilter, fn func(model.Requirement) error) error {
	after := ""
	for {
		batch, err := q.ListRequirements(ctx, f, after, eachBatch)
		if err != nil {
			return err
		}
		for _, r := range batch {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(batch) < eachBatch {
			return nil
		}
		after = batch[len(batch)-1].ID
	}
}
