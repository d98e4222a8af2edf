package reports

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/policy"
)

// SetFoldBatch makes the kept folds of the needs read n requirements a
// range, and the kept corrections hold n requirements a span, until restore
// is called.
func SetFoldBatch(n int) (restore func()) {
	oldFold, oldCorr := foldBatch, corrBatch
	foldBatch, corrBatch = n, n
	return func() { foldBatch, corrBatch = oldFold, oldCorr }
}

// SetFoldRead makes a fold read n requirements at once until restore is
// called.
func SetFoldRead(n int) (restore func()) {
	old := foldRead
	foldRead = n
	return func() { foldRead = old }
}

// FoldedRanges counts the ranges of requirements s has folded.
func FoldedRanges(s *Service) int64 { return s.folds.Folded.Load() }

// CorrectedSpans counts the spans of requirements s has found corrections in.
func CorrectedSpans(s *Service) int64 { return s.corrected.Folded.Load() }

// KeptRanges counts the ranges of v's kept fold of the needs.
func KeptRanges(s *Service, v policy.Viewer) int {
	f := s.folds.Of(v)
	if err := f.mu.Lock(context.Background()); err != nil {
		panic(err)
	}
	defer f.mu.Unlock()
	return len(f.ranges)
}

// SetKeptShared makes a viewer's fold keep at most n pledges shared with
// it until the returned function restores the bound.
func SetKeptShared(n int) (restore func()) {
	old := keptShared
	keptShared = n
	return func() { keptShared = old }
}

// SharedRead counts the pledges shared with a viewer that s read for its
// corrections.
func SharedRead(s *Service) int64 { return s.sharedRead.Load() }
