package store

import (
	"context"
	"strings"
	"testing"
)

// TestReadersKeepStatements: a read's statement is kept from its second
// run and answers as the text does, a list of many placeholders is not
// kept, a cancelled prepare keeps nothing, and none is handed out after
// Close.
func TestReadersKeepStatements(t *testing.T) {
	ctx := context.Background()
	d, err := openSQLite(ctx, t.TempDir())
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
	long := "SELECT 0" + strings.Repeat(" + ?", maxKeptMarks+1)
	args := make([]any, maxKeptMarks+1)
	for i := range args {
		args[i] = 1
	}
	for range 3 {
		if count(long, args...) != maxKeptMarks+1 {
			t.Fatal("a long list answers wrong")
		}
	}
	if kept(long) {
		t.Fatal("a list of many placeholders was kept")
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
