package exchange

import (
	"errors"
	"fmt"
	"io"
)

// DefaultMaxImportSize bounds an imported IATI file unless the operator
// raises it: the IATI registry's largest publishers' files are a tenth of it.
const DefaultMaxImportSize int64 = 512 << 20

// MaxActivitySize bounds the XML of one <iati-activity>. Each activity is
// decoded whole into memory, several times its size; real ones are a few
// kilobytes, so a larger one is refused as soon as its bytes pass this,
// before it is held.
const MaxActivitySize int64 = 8 << 20

// SetMaxImportSize sets the largest IATI file an import reads (n <= 0: the
// default).
func (s *Service) SetMaxImportSize(n int64) {
	if n <= 0 {
		n = DefaultMaxImportSize
	}
	s.maxImport = n
}

func (s *Service) maxImportSize() int64 {
	if s.maxImport <= 0 {
		return DefaultMaxImportSize
	}
	return s.maxImport
}

var (
	errFileTooLarge     = errors.New("file too large")
	errActivityTooLarge = errors.New("activity too large")
)

// boundedReader stops reading at the file's limit and, while an activity is
// being decoded, at the activity's, so that neither is ever read whole.
type boundedReader struct {
	r       io.Reader
	n       int64 // bytes read
	maxFile int64
	// activityEnd is the offset past which the activity being decoded is
	// too large; 0 when none is.
	activityEnd int64
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.activityEnd > 0 && b.n >= b.activityEnd {
		return 0, errActivityTooLarge
	}
	if b.n >= b.maxFile {
		// A file exactly at the limit ends here; a larger one has more.
		var one [1]byte
		if n, err := io.ReadFull(b.r, one[:]); n == 0 && err != nil {
			return 0, err
		}
		return 0, errFileTooLarge
	}
	limit := b.maxFile - b.n
	if b.activityEnd > 0 {
		limit = min(limit, b.activityEnd-b.n)
	}
	if int64(len(p)) > limit {
		p = p[:limit]
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	return n, err
}

// startActivity arms the activity limit for one that begins at offset.
func (b *boundedReader) startActivity(offset int64) { b.activityEnd = offset + MaxActivitySize }

func (b *boundedReader) endActivity() { b.activityEnd = 0 }

// limitFault says which limit a read stopped at, or "" for another error.
func limitFault(err error, maxFile int64) string {
	switch {
	case errors.Is(err, errActivityTooLarge):
		return fmt.Sprintf("this activity is larger than %d MiB of XML, more than any real activity; it was not read", MaxActivitySize>>20)
	case errors.Is(err, errFileTooLarge):
		return fmt.Sprintf("the file is larger than the import limit of %s", sizeText(maxFile))
	}
	return ""
}

func sizeText(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
