package model

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

func TestFillPage(t *testing.T) {
	// Records 1..10; the viewer sees the even ones only.
	var all []int
	for i := 1; i <= 10; i++ {
		all = append(all, i)
	}
	fetch := func(after string, n int) ([]int, error) {
		start := 0
		if after != "" {
			fmt.Sscan(after, &start)
		}
		var out []int
		for _, v := range all {
			if v > start && len(out) < n {
				out = append(out, v)
			}
		}
		return out, nil
	}
	keep := func(v int) (int, bool, error) { return v, v%2 == 0, nil }
	id := func(v int) string { return fmt.Sprint(v) }
	var got []int
	cursor, pages := "", 0
	for {
		page, next, err := FillPage(cursor, 2, fetch, keep, id)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page...)
		pages++
		if next == "" {
			break
		}
		cursor = next
	}
	if !slices.Equal(got, []int{2, 4, 6, 8, 10}) || pages != 3 {
		t.Errorf("got %v in %d pages", got, pages)
	}
}

func TestPageSlice(t *testing.T) {
	items := []string{"a", "b", "c"}
	id := func(s string) string { return s }
	page, next, err := PageSlice(items, "", 2, id)
	if err != nil || !slices.Equal(page, []string{"a", "b"}) || next != "b" {
		t.Fatalf("first page %v %q %v", page, next, err)
	}
	page, next, err = PageSlice(items, next, 2, id)
	if err != nil || !slices.Equal(page, []string{"c"}) || next != "" {
		t.Fatalf("second page %v %q %v", page, next, err)
	}
	if _, _, err := PageSlice(items, "zz", 2, id); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown cursor: %v", err)
	}
}
