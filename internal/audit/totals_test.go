package audit

import (
	"reflect"
	"testing"
)

func TestRuns(t *testing.T) {
	for _, c := range []struct {
		spans []int64
		want  [][2]int64
	}{
		{nil, nil},
		{[]int64{3}, [][2]int64{{3, 3}}},
		{[]int64{10, 3, 10, 4, 5, 12}, [][2]int64{{3, 5}, {10, 10}, {12, 12}}},
		{[]int64{0, 1, 1, 2}, [][2]int64{{0, 2}}},
	} {
		if got := runs(c.spans); !reflect.DeepEqual(got, c.want) {
			t.Errorf("runs(%v) = %v, want %v", c.spans, got, c.want)
		}
	}
}
