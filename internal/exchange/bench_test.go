package exchange_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/exchange"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// Benchmarks of docs/benchmarks.md. Run them with
//
//	go test ./internal/exchange/ -run '^$' -bench . -benchtime 1x
//
// (with CYBERAID_TEST_DATABASE_URL set, PostgreSQL too).

func benchBackends(b *testing.B, fn func(b *testing.B, open func(testing.TB) *store.DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, storetest.OpenSQLite) })
	b.Run("postgres", func(b *testing.B) { fn(b, storetest.OpenPostgres) })
}

// peakMemory samples the heap while fn runs and reports its peak above the
// heap in use before it started, and the peak memory taken from the OS.
type peakMemory struct {
	stop     chan struct{}
	done     sync.WaitGroup
	base     uint64
	heap     uint64
	fromOS   uint64
	interval time.Duration
}

func startPeak() *peakMemory {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	p := &peakMemory{stop: make(chan struct{}), base: ms.HeapInuse, interval: 10 * time.Millisecond}
	p.done.Add(1)
	go func() {
		defer p.done.Done()
		t := time.NewTicker(p.interval)
		defer t.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			p.heap = max(p.heap, ms.HeapInuse)
			p.fromOS = max(p.fromOS, ms.Sys-ms.HeapReleased)
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

func (p *peakMemory) report(b *testing.B) {
	close(p.stop)
	p.done.Wait()
	b.ReportMetric(float64(p.heap-min(p.base, p.heap))/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(p.fromOS)/(1<<20), "peak-sys-MB")
}

// writeIATI writes an IATI 2.03 activity file of at least size bytes, with
// activities of the size donors publish (several transactions, budgets and
// long descriptions), and returns its path and number of activities.
func writeIATI(tb testing.TB, size int64) (string, int) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "activities.xml")
	f, err := os.Create(path)
	must(tb, err)
	defer f.Close()
	w := bufio.NewWriter(f)
	cw := &countWriter{w: w}
	fmt.Fprint(cw, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<iati-activities version="2.03" generated-datetime="2026-05-01T00:00:00Z">`+"\n")
	lorem := strings.Repeat("Hardening of industrial control systems, incident response retainers and training of operators. ", 12)
	n := 0
	for cw.n < size {
		donor := n % 25
		fmt.Fprintf(cw, `<iati-activity last-updated-datetime="2026-05-01T00:00:00Z" xml:lang="en" default-currency="EUR">
 <iati-identifier>XM-BENCH-%d-%07d</iati-identifier>
 <reporting-org ref="XM-BENCH-%d" type="10"><narrative>Benchmark donor %d</narrative></reporting-org>
 <title><narrative>Cyber resilience package %d</narrative><narrative xml:lang="uk">Пакет кіберстійкості %d</narrative></title>
 <description type="1"><narrative>%s</narrative></description>
 <description type="2"><narrative>%s</narrative></description>
 <participating-org ref="XM-BENCH-%d" role="1" type="10"><narrative>Benchmark donor %d</narrative></participating-org>
 <participating-org role="3" type="21"><narrative>Implementing partner</narrative></participating-org>
 <participating-org role="4" type="10"><narrative>Regional Power Distributor</narrative></participating-org>
 <activity-status code="2"/>
 <activity-date iso-date="2026-01-01" type="2"/>
 <activity-date iso-date="2026-12-31" type="3"/>
 <recipient-country code="UA" percentage="100"/>
 <sector vocabulary="1" code="23630" percentage="100"/>
 <sector vocabulary="99" vocabulary-uri="https://cyberaid.example.org/iati/vocabulary/cyber-categories" code="incident_response" percentage="100"/>
`, donor, n, donor, donor, n, n, lorem, lorem[:600], donor, donor)
		for q := 1; q <= 4; q++ {
			fmt.Fprintf(cw, ` <budget type="1" status="2"><period-start iso-date="2026-%02d-01"/><period-end iso-date="2026-%02d-28"/><value currency="EUR" value-date="2026-01-01">%d.50</value></budget>
`, q*3-2, q*3, 10000+n%1000)
		}
		for t := 1; t <= 12; t++ {
			typ := 3
			if t <= 2 {
				typ = 2
			}
			fmt.Fprintf(cw, ` <transaction><transaction-type code="%d"/><transaction-date iso-date="2026-%02d-10"/><value currency="EUR" value-date="2026-%02d-10">%d</value><description><narrative>Tranche %d</narrative></description></transaction>
`, typ, t, t, 5000+t*100, t)
		}
		fmt.Fprint(cw, "</iati-activity>\n")
		n++
	}
	fmt.Fprint(cw, "</iati-activities>\n")
	must(tb, w.Flush())
	return path, n
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// BenchmarkImportIATI50MB imports a 50 MB activity file into an empty
// database: every activity creates a report and its audit event.
func BenchmarkImportIATI50MB(b *testing.B) {
	path, activities := writeIATI(b, 50<<20)
	st, err := os.Stat(path)
	must(b, err)
	benchBackends(b, func(b *testing.B, open func(testing.TB) *store.DB) {
		for range b.N {
			b.StopTimer()
			a, cast := apptest.New(b, open(b), clock)
			f, err := os.Open(path)
			must(b, err)
			peak := startPeak()
			b.StartTimer()
			res, err := a.Exchange.ImportIATI(context.Background(), cast.Viewer("admin"), f, nil)
			b.StopTimer()
			peak.report(b)
			f.Close()
			must(b, err)
			if res.Created != activities {
				b.Fatalf("%d reports created, want %d", res.Created, activities)
			}
		}
		b.SetBytes(st.Size())
		b.ReportMetric(float64(activities), "activities")
	})
}

// BenchmarkExportCSVMillionPledges exports a million pledges as CSV for a
// viewer who may see two thirds of them, deciding each row by the policy.
func BenchmarkExportCSVMillionPledges(b *testing.B) {
	const total = 1_000_000
	benchBackends(b, func(b *testing.B, open func(testing.TB) *store.DB) {
		s := open(b)
		a, cast := apptest.New(b, s, clock)
		p, err := a.Pledges.Create(context.Background(), cast.Viewer("donor"), pledges.Input{
			AmountMinor: ptr(int64(12_345_67)), Currency: ptr("USD"), Channel: ptr(model.ChannelBilateral), TLP: ptr(model.TLPClear),
			Description:      ptr("Satellite terminals, with a \"quoted\" word, a comma and\na line break"),
			BeneficiaryOrgID: ptr(cast.Orgs["power"].ID), Sector: ptr(model.Sector("telecom")), Category: ptr(model.Category("satellite_comms")),
		})
		must(b, err)
		storetest.CopyPledge(b, s, p.ID, total-1)
		v := cast.Viewer("donor_ngo") // sees CLEAR and GREEN, not AMBER
		// Every copy is a bilateral report: the filtered export walks the
		// same million rows through the (channel, id) index.
		for _, filter := range []struct {
			name  string
			query exchange.Filter
		}{
			{"all", exchange.Filter{}},
			{"channel", exchange.Filter{Pledges: model.PledgeFilter{Channel: model.ChannelBilateral}}},
		} {
			b.Run(filter.name, func(b *testing.B) {
				for range b.N {
					peak := startPeak()
					e, err := a.Exchange.Prepare("pledges", "csv", filter.query)
					must(b, err)
					out := &countWriter{w: io.Discard}
					must(b, e.Write(context.Background(), v, out))
					peak.report(b)
					b.SetBytes(out.n)
				}
			})
		}
	})
}
