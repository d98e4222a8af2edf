package web_test

import (
	"flag"
	"os"
	"runtime"
	"strconv"
	"testing"

	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// parallelBackends runs fn once per backend, as the parallel subtests
// "sqlite" and "postgres". fn gets the opener of that backend, so that it can
// give parallel subtests of its own a fresh database each.
func parallelBackends(t *testing.T, fn func(t *testing.T, open func(testing.TB) *store.DB)) {
	t.Helper()
	for _, b := range []struct {
		name string
		open func(testing.TB) *store.DB
	}{{"sqlite", storetest.OpenSQLite}, {"postgres", storetest.OpenPostgres}} {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			fn(t, b.open)
		})
	}
}

// eachBackend is storetest.Backends with the two backends in parallel.
func eachBackend(t *testing.T, fn func(t *testing.T, s *store.DB)) {
	t.Helper()
	parallelBackends(t, func(t *testing.T, open func(testing.TB) *store.DB) { fn(t, open(t)) })
}

// TestMain lets more tests run at once than there are cores, unless -parallel
// is given: the HTTP tests spend most of their time waiting on the database,
// not computing.
func TestMain(m *testing.M) {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		if err := flag.Set("test.parallel", strconv.Itoa(max(8, 4*runtime.GOMAXPROCS(0)))); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}
