package store

import (
	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// sqliteHeapLimit is the soft limit on the memory SQLite holds in a
// server, every connection together. The page caches are one pool for the
// process (the driver builds SQLite with SQLITE_ENABLE_MEMORY_MANAGEMENT),
// bounded by the sum of every connection's cache_size and 2 MB more for
// each temporary b-tree a statement opens. Under the four-account load on
// a million pledges that pool reached 14 MB beside the connections' schemas
// and statements (about 10 MB), each cached page took an 8 KiB slot of the
// driver's allocator, which gives a region back only when every slot in
// it is free: SQLite's share of the server's memory was about 40 MB for 15
// to 24 MB in use. Past this
// limit SQLite reuses the pages it holds rather than allocating more; it
// never fails a statement for it. 16 MiB leaves the caches their nominal
// size beside the schemas and statements, and took the server's peak from
// 201-203 MB to 191 MB at the same throughput (docs/benchmarks.md).
const sqliteHeapLimit = 16 << 20

// sqliteHeapCounted says whether SQLite counts the memory it holds,
// without which it does not enforce a soft heap limit
// (SQLITE_CONFIG_MEMSTATUS, off in the driver's build). SQLite takes that
// only before the process's first connection, hence at init; were it
// refused, the caches would hold what their cache_size lets them, as they
// did before the limit.
var sqliteHeapCounted = countSQLiteHeap()

func countSQLiteHeap() bool {
	tls := libc.NewTLS()
	defer tls.Close()
	va := libc.Xmalloc(tls, 8)
	if va == 0 {
		return false
	}
	defer libc.Xfree(tls, va)
	return sqlite3.Xsqlite3_config(tls, sqlite3.SQLITE_CONFIG_MEMSTATUS, libc.VaList(va, int32(1))) == sqlite3.SQLITE_OK
}
