package exchange

import (
	"bytes"
	"testing"
)

// FuzzImportIATI fuzzes the importer's reading of a file: the decoder that
// turns it into the root element, the activities and at most one fault,
// which the importer then checks and saves. It needs no database (a database
// under the fuzzer's coverage instrumentation runs a few inputs a second).
// Whatever the bytes, the decoder names lines of the file, sends the
// root before any activity and stops at its fault.
func FuzzImportIATI(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := bytes.Count(data, []byte("\n")) + 1
		// Every step but the last starts at an element: with room for all,
		// the decoder runs to its end here, without a goroutine.
		steps := make(chan decoded, bytes.Count(data, []byte("<"))+2)
		decodeActivities(&boundedReader{r: bytes.NewReader(data), maxFile: 1 << 20}, steps, make(chan struct{}))
		sawRoot, ended := false, false
		for st := range steps {
			if ended {
				t.Fatalf("a step after the fault or the end: %+v", st)
			}
			if (st.line < 1 && !st.noRoot) || st.line > lines {
				t.Fatalf("step %+v is not at a line of the file's %d", st, lines)
			}
			switch {
			case st.fault != "":
				ended = true
			case st.noRoot:
				ended = true
				if sawRoot {
					t.Fatal("no root reported after the root")
				}
			case st.root != nil:
				if sawRoot || st.root.Name.Local != "iati-activities" {
					t.Fatalf("root %+v sent twice or misnamed", st.root.Name)
				}
				sawRoot = true
			case st.act != nil:
				if !sawRoot {
					t.Fatal("an activity before the root")
				}
			default:
				t.Fatalf("an empty step %+v", st)
			}
		}
	})
}
