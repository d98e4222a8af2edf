package reports

// SetFoldBatch makes the kept folds of the needs read n requirements a
// range, and the kept corrections hold n requirements a span, until restore
// is called.
func SetFoldBatch(n int) (restore func()) {
	oldFold, oldCorr := foldBatch, corrBatch
	foldBatch, corrBatch = n, n
	return func() { foldBatch, corrBatch = oldFold, oldCorr }
}

// FoldedRanges counts the ranges of requirements s has folded.
func FoldedRanges(s *Service) int64 { return s.folds.folded.Load() }

// CorrectedSpans counts the spans of requirements s has found corrections in.
func CorrectedSpans(s *Service) int64 { return s.corrected.folded.Load() }
