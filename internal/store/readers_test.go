package store

import (
	"context"
	"testing"
)

// TestReadersKeepStatements: a read's statement is kept from its second
// run and answers as the text does, a list of more than shortList ids is
// not kept, a cancelled prepare keeps nothing, and none is handed out after
// Close.
func TestReadersKeepStatements(t *testing.T) {
	ctx := context.Background()
	d, err := openSQLite(ctx, t.TempDir(), false)
	if err != nil {
		t.Fatal(err)
	}
	r := d.readers
	count := func(query string, args ...any) int {
		t.Helper()
		var n int
		if err := d.rd.row(ctx, query, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	kept := func(query string) bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		_, ok := r.m[query]
		return ok
	}
	one := "SELECT ? + 1"
	if count(one, 1) != 2 || kept(one) {
		t.Fatal("kept after one run")
	}
	if count(one, 2) != 3 || !kept(one) {
		t.Fatal("not kept after two runs")
	}
	if count(one, 3) != 4 {
		t.Fatal("the kept statement answers wrong")
	}
	list := func(n int) (string, []any) {
		args := make([]any, n)
		for i := range args {
			args[i] = i
		}
		return "SELECT count(*) FROM (SELECT 0 AS x) WHERE x IN (" + placeholders(n) + ")", args
	}
	short, shortArgs := list(shortList)
	long, longArgs := list(shortList + 1)
	for range 3 {
		if count(short, shortArgs...) != 1 || count(long, longArgs...) != 1 {
			t.Fatal("a list answers wrong")
		}
	}
	if !kept(short) || kept(long) {
		t.Fatalf("a list of %d ids kept: %v; of %d: %v", shortList, kept(short), shortList+1, kept(long))
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	other := "SELECT ? + 2"
	count(other, 1)
	if st := r.stmt(cancelled, other); st != nil || kept(other) {
		t.Fatal("a cancelled prepare kept a statement")
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if st := r.stmt(ctx, one); st != nil {
		t.Fatal("a statement is handed out after Close")
	}
}
