package store_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestTransactionsReadCommitted: a PostgreSQL server, role or URL may make
// REPEATABLE READ the default. A transaction there reads every statement
// from the snapshot of its first, so the audit log's head read after
// waiting for the lock would be the one before the last holder appended,
// and appenders would chain onto the same head. The store's transactions
// ask for READ COMMITTED, which its locks expect.
func TestTransactionsReadCommitted(t *testing.T) {
	u, err := url.Parse(storetest.NewPostgresSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	// Written by hand: pgx reads a "+" in the URL's query as itself.
	u.RawQuery += "&default_transaction_isolation=repeatable%20read"
	s := storetest.OpenPostgresURL(t, u.String())
	ctx := context.Background()

	const writers, each = 6, 4
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				errs <- s.InTx(ctx, func(q store.Queries) error {
					// A first statement fixes a REPEATABLE READ
					// transaction's snapshot before the lock is waited for.
					if _, err := q.OrganisationByID(ctx, "none"); !errors.Is(err, model.ErrNotFound) {
						return fmt.Errorf("read before the head: %v", err)
					}
					seq, prev := int64(1), "genesis"
					head, err := q.LastAuditEvent(ctx)
					switch {
					case err == nil:
						seq, prev = head.Seq+1, head.Hash
					case !errors.Is(err, model.ErrNotFound):
						return err
					}
					time.Sleep(time.Millisecond)
					return q.AppendAuditEvent(ctx, model.AuditEvent{
						Seq: seq, At: time.Now().UTC(), Action: "test.append", ObjectType: "test", ObjectID: fmt.Sprintf("w%d-%d", w, i),
						PayloadHash: fmt.Sprintf("payload-%d", seq), PrevHash: prev, Hash: fmt.Sprintf("hash-%d", seq),
					})
				})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.ListAuditEvents(ctx, model.AuditFilter{}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != writers*each {
		t.Fatalf("%d events, want %d", len(all), writers*each)
	}
	for i, e := range all {
		if e.Seq != int64(i+1) || (i > 0 && e.PrevHash != all[i-1].Hash) {
			t.Fatalf("event %d (seq %d) does not chain onto its predecessor", i, e.Seq)
		}
	}
}
