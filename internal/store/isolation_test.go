package store_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"testing"

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
	// A first statement fixes a REPEATABLE READ transaction's snapshot
	// before the lock is waited for.
	storetest.AppendConcurrently(t, s, func(ctx context.Context, q store.Queries) error {
		if _, err := q.OrganisationByID(ctx, "none"); !errors.Is(err, model.ErrNotFound) {
			return fmt.Errorf("read before the head: %v", err)
		}
		return nil
	})
}
