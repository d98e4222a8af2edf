package requirements

import "context"

// SetSummaryBatch makes EachSummary read n requirements at a time until
// the returned function restores it, so that a few records cross batches.
func SetSummaryBatch(n int) (restore func()) {
	old := summaryBatch
	summaryBatch = n
	return func() { summaryBatch = old }
}

// RecordsRead counts the requirements the lists read from the store
// rather than from what they kept.
func RecordsRead(s *Service) int64 { return s.kept.read.Load() }

// RecordsReadNow reads the requirements of ids as a list does, and returns
// what keeps them as that list would, to be called later, after other
// readers and changes.
func RecordsReadNow(ctx context.Context, s *Service, ids []string) (keep func(), err error) {
	version, err := s.store.RecordVersion(ctx)
	if err != nil {
		return nil, err
	}
	fresh, err := readKept(ctx, s.store, ids)
	if err != nil {
		return nil, err
	}
	return func() { s.kept.keep(version, fresh) }, nil
}

// SetKeptBounds bounds what the lists keep to max requirements and about
// bytes, as a server keeps keptRequirements in keptBytes.
func SetKeptBounds(s *Service, max, bytes int) {
	s.kept = newKeptRecords(max, bytes)
}

// KeptSize is how many requirements the lists keep, and about how many
// bytes they hold.
func KeptSize(s *Service) (n, bytes int) {
	s.kept.mu.Lock()
	defer s.kept.mu.Unlock()
	return s.kept.lru.Len(), s.kept.bytes
}

// TotalsCounted counts the lists' totals counted rather than found kept.
func TotalsCounted(s *Service) int64 { return s.counts.Load() }
