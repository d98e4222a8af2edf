package requirements

import "context"

// SetSummaryBatch makes EachSummary read n requirements at a time until
// the returned function restores it, so that a few records cross batches.
func SetSummaryBatch(n int) (restore func()) {
	old := summaryBatch
	summaryBatch = n
	return func() { summaryBatch = old }
}

// ClassesRead counts the requirements whose pledge classes the lists read
// from the store rather than from what they kept.
func ClassesRead(s *Service) int64 { return s.classes.read.Load() }

// ClassesReadNow reads the classes of ids as a list does, and returns what
// keeps them as that list would, to be called later, after other readers
// and changes.
func ClassesReadNow(ctx context.Context, s *Service, ids []string) (keep func(), err error) {
	version, err := s.store.RecordVersion(ctx)
	if err != nil {
		return nil, err
	}
	read, err := s.store.PledgeClassesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	fresh := compactClasses(ids, read)
	return func() { s.classes.keep(version, fresh) }, nil
}
