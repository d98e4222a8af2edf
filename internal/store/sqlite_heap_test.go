package store

import (
	"context"
	"testing"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// TestSQLiteHeapLimited: SQLite counts the memory it holds, a server's
// store holds it to sqliteHeapLimit, and a read through a cache set far
// larger than the limit stays near it rather than caching every page it
// reads.
func TestSQLiteHeapLimited(t *testing.T) {
	if !sqliteHeapCounted {
		t.Fatal("SQLite does not count the memory it holds, so it enforces no soft heap limit")
	}
	ctx := context.Background()
	d, err := openSQLite(ctx, t.TempDir(), false)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var limit int64
	if err := d.writer.QueryRowContext(ctx, "PRAGMA soft_heap_limit").Scan(&limit); err != nil {
		t.Fatal(err)
	}
	if limit != sqliteHeapLimit {
		t.Fatalf("soft heap limit %d, want %d", limit, sqliteHeapLimit)
	}

	// 40 MB of rows, read through a cache of 64 MiB.
	const rows, rowBytes = 10_000, 4_000
	if _, err := d.writer.ExecContext(ctx, `CREATE TABLE big AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?)
		SELECT x, randomblob(?) AS b FROM n`, rows, rowBytes); err != nil {
		t.Fatal(err)
	}
	c, err := d.reader.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "PRAGMA cache_size = -65536"); err != nil {
		t.Fatal(err)
	}
	sqliteMemoryHighWater(true)
	var read int64
	if err := c.QueryRowContext(ctx, "SELECT sum(length(b)) FROM big").Scan(&read); err != nil {
		t.Fatal(err)
	}
	if read != rows*rowBytes {
		t.Fatalf("read %d bytes, want %d", read, rows*rowBytes)
	}
	// The high-water mark is the process's: it counts the schemas and
	// statements of the stores earlier tests left open too, hence a margin
	// of 8 MiB, where a cache that kept every page would hold 40 MB more.
	// (The test is not parallel, so that no other test reads beside it.)
	switch hi := sqliteMemoryHighWater(false); {
	case hi <= 0:
		t.Errorf("SQLite counted no memory held while reading 40 MB")
	case hi > sqliteHeapLimit+8<<20 || hi > rows*rowBytes:
		t.Errorf("SQLite held %d bytes at most reading 40 MB, against a limit of %d", hi, sqliteHeapLimit)
	}
}

// sqliteMemoryHighWater is the most memory SQLite has held since it was
// last reset.
func sqliteMemoryHighWater(reset bool) int64 {
	tls := libc.NewTLS()
	defer tls.Close()
	r := int32(0)
	if reset {
		r = 1
	}
	return sqlite3.Xsqlite3_memory_highwater(tls, r)
}
