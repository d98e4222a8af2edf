package documents

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Store is the part of the database the service uses. Changes run in
// InTx on the whole of store.Queries: a document, its bytes and its audit
// event commit together.
type Store interface {
	InTx(ctx context.Context, fn func(q store.Queries) error) error
	DocumentByID(ctx context.Context, id string) (model.Document, error)
	DocumentsFor(ctx context.Context, recordType model.DocumentRecord, recordID string) ([]model.Document, error)
	DocumentChunk(ctx context.Context, documentID string, seq int) ([]byte, error)
	DocumentReads(ctx context.Context, documentID string) ([]model.DocumentRead, error)
}
