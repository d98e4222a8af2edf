package offers

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Store is the part of the database the service uses. Changes run in
// InTx on the whole of store.Queries: a command writes records of several
// kinds and its audit event in one transaction.
type Store interface {
	// InTx runs fn in one read-write transaction, committed if fn returns nil.
	InTx(ctx context.Context, fn func(q store.Queries) error) error
	// ListOffers returns up to limit offers matching f, newest first, after
	// the cursor ("" starts at the newest; limit <= 0 means all).
	ListOffers(ctx context.Context, f model.OfferFilter, after string, limit int) ([]model.Offer, error)
	// OfferByID locks the row for update inside a PostgreSQL transaction.
	OfferByID(ctx context.Context, id string) (model.Offer, error)
	// OffersByID returns the offers of the given ids that exist.
	OffersByID(ctx context.Context, ids []string) ([]model.Offer, error)
	// OfferPledges returns the links of the given offers; nil ids means all.
	OfferPledges(ctx context.Context, offerIDs []string) ([]model.OfferPledge, error)
	sortedReads
}
