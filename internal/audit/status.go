package audit

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
)

// Status is the log's size (the events in its Merkle tree) and the outcome
// of its last full verification, for monitoring.
func (l *Log) Status(ctx context.Context) (size uint64, last model.AuditVerification, err error) {
	if size, err = l.store.AuditTreeSize(ctx); err != nil {
		return 0, last, err
	}
	last, err = l.store.LastAuditVerification(ctx)
	return size, last, err
}
