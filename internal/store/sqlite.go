package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// sqliteFile is the name of the database file in the data directory.
const sqliteFile = "cyberaid.db"

// openSQLite opens one writer connection and a pool of readers. SQLite
// allows one writer at a time: funnelling every write through one
// connection, whose transactions take the write lock at BEGIN, queues
// writers in Go instead of failing them with SQLITE_BUSY, while WAL lets the
// readers run beside it.
func openSQLite(ctx context.Context, dir string, bulk bool) (*DB, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path, err := filepath.Abs(filepath.Join(dir, sqliteFile))
	if err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}

	writer, err := sql.Open("sqlite", sqliteDSN(path, false, bulk))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	writer.SetMaxOpenConns(1)
	// The writer connects first, so that the file is in WAL mode before any
	// reader opens it.
	if err := writer.PingContext(ctx); err != nil {
		writer.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}

	reader, err := sql.Open("sqlite", sqliteDSN(path, true, false))
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	n := max(4, runtime.NumCPU())
	reader.SetMaxOpenConns(n)
	reader.SetMaxIdleConns(n)
	if err := reader.PingContext(ctx); err != nil {
		reader.Close()
		writer.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return newDB(dialectSQLite, reader, writer), nil
}

func sqliteDSN(path string, readOnly, bulk bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "foreign_keys(1)")
	// The caches are small because the lists read only the page they show
	// through indexes, and the operating system's file cache holds the rest
	// of a large database for every connection at once: a page read through
	// it costs a system call, not a disk read. They sit outside the Go heap
	// that --memory-limit bounds, and the driver's allocator holds about
	// two and a half times a cache's nominal size. At 100,000 pledges under
	// 8 clients the readers served as many requests with 512 KiB as with
	// 4 MiB, and the server peaked at 193 MB rather than 236 MB. The writer
	// keeps 4 MiB: it bounds the dirty pages a long transaction such as an
	// import holds before spilling them to the WAL (see Config.Bulk), and
	// keeps the indexes' upper pages of every write at hand. No memory map:
	// its pages count as the server's resident memory, which a million
	// pledges would take past the 200 MB the server is held to.
	switch {
	case bulk:
		q.Add("_pragma", "cache_size(-65536)")
		q.Add("_pragma", "temp_store(MEMORY)")
	case readOnly:
		q.Add("_pragma", "cache_size(-512)")
	default:
		q.Add("_pragma", "cache_size(-4096)")
	}
	if !readOnly && !bulk {
		// For the process, not the connection: set by the one writer of
		// a server, and left unset by a bulk command's.
		q.Add("_pragma", fmt.Sprintf("soft_heap_limit(%d)", sqliteHeapLimit))
	}
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		// NORMAL is durable in WAL mode except for the last commits on power
		// loss, and spares an fsync per transaction.
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Set("_txlock", "immediate")
	}
	// Times are written as "2006-01-02 15:04:05.999999999-07:00", always
	// in UTC (see bindArgs), so their text sorts in time order.
	q.Set("_time_format", "sqlite")
	return (&url.URL{Scheme: "file", Path: path, RawQuery: q.Encode()}).String()
}
