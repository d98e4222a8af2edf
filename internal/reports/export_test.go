package reports

// SetFoldBatch makes the kept folds of the needs read n requirements a
// range until restore is called.
func SetFoldBatch(n int) (restore func()) {
	old := foldBatch
	foldBatch = n
	return func() { foldBatch = old }
}

// FoldedRanges counts the ranges of requirements s has folded.
func FoldedRanges(s *Service) int64 { return s.folds.folded.Load() }
