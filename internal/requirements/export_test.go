package requirements

// SetSummaryBatch makes EachSummary read n requirements at a time until
// the returned function restores it, so that a few records cross batches.
func SetSummaryBatch(n int) (restore func()) {
	old := summaryBatch
	summaryBatch = n
	return func() { summaryBatch = old }
}
