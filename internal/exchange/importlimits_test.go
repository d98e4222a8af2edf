package exchange_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/exchange"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// repeat is an endless stream of one byte.
type repeat byte

func (r repeat) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// countingReader counts what the import read of its source.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// hugeActivity streams a file whose second activity holds a description of
// size bytes, without ever holding it.
func hugeActivity(size int64) io.Reader {
	head := manyActivities(1, func(int) string { return "XM-SMALL-1" }, func(int) string { return "XM-PUB-1" })
	head = strings.TrimSuffix(head, "</iati-activities>\n")
	return io.MultiReader(
		strings.NewReader(head+"<iati-activity default-currency=\"EUR\">\n <iati-identifier>XM-HUGE-1</iati-identifier>\n <description><narrative>"),
		io.LimitReader(repeat('x'), size),
		strings.NewReader("</narrative></description>\n</iati-activity>\n</iati-activities>\n"),
	)
}

func TestIATIImportLimits(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		w := newWorld(t, s)
		ctx := context.Background()

		t.Run("an oversized activity is refused at its line, unread", func(t *testing.T) {
			src := &countingReader{r: hugeActivity(300 << 20)}
			_, err := w.a.Exchange.ImportIATI(ctx, w.cast.Viewer("admin"), src, nil)
			var fe *exchange.FileError
			if !errors.As(err, &fe) || len(fe.Errors) != 1 {
				t.Fatalf("error %v, want the file refused for one activity", err)
			}
			le := fe.Errors[0]
			if le.Line != 12 || !strings.Contains(le.Message, "larger than 8 MiB") {
				t.Errorf("fault %+v, want line 12 and the activity's limit", le)
			}
			if src.n > exchange.MaxActivitySize+1<<20 {
				t.Errorf("read %d bytes of a 300 MiB activity before refusing it", src.n)
			}
			if got := imported(t, w); len(got) != 0 {
				t.Errorf("a refused file imported %d reports", len(got))
			}
		})

		t.Run("an activity just under the limit is read", func(t *testing.T) {
			_, err := w.a.Exchange.ImportIATI(ctx, w.cast.Viewer("admin"), hugeActivity(exchange.MaxActivitySize-1<<10), nil)
			if err != nil && strings.Contains(err.Error(), "larger than") {
				t.Fatalf("refused by size: %v", err)
			}
		})

		t.Run("a file over the import limit is refused", func(t *testing.T) {
			file := manyActivities(50, func(i int) string { return "XM-LIMIT-" + string(rune('A'+i%26)) + string(rune('a'+i/26)) }, func(int) string { return "XM-PUB-1" })
			w.a.Exchange.SetMaxImportSize(int64(len(file) / 2))
			defer w.a.Exchange.SetMaxImportSize(0)
			_, err := w.a.Exchange.ImportIATI(ctx, w.cast.Viewer("admin"), strings.NewReader(file), nil)
			var fe *exchange.FileError
			if !errors.As(err, &fe) || !strings.Contains(fe.Errors[len(fe.Errors)-1].Message, "larger than the import limit") {
				t.Fatalf("error %v, want the file refused for its size", err)
			}
			// Exactly at the limit is still taken.
			w.a.Exchange.SetMaxImportSize(int64(len(file)))
			if _, err := w.a.Exchange.ImportIATI(ctx, w.cast.Viewer("admin"), strings.NewReader(file), nil); err != nil {
				t.Fatalf("a file exactly at the limit: %v", err)
			}
		})
	})
}
