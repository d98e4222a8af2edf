package requirements

import (
	"slices"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
)

// Pledges grouped by requirement come out whole whichever order the store
// read them in, and a group can never grow into its neighbour's.
func TestByRequirement(t *testing.T) {
	p := func(req, id string) model.Pledge { return model.Pledge{RequirementID: req, ID: id} }
	ids := func(ps []model.Pledge) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	for name, in := range map[string][]model.Pledge{
		"together":    {p("a", "1"), p("a", "2"), p("b", "3"), p("c", "4"), p("c", "5")},
		"interleaved": {p("a", "1"), p("b", "3"), p("a", "2"), p("c", "4"), p("b", "6"), p("c", "5")},
	} {
		t.Run(name, func(t *testing.T) {
			got := byRequirement(in)
			want := map[string][]string{}
			for _, p := range in {
				want[p.RequirementID] = append(want[p.RequirementID], p.ID)
			}
			if len(got) != len(want) {
				t.Fatalf("%d groups, want %d", len(got), len(want))
			}
			for req, w := range want {
				if g := ids(got[req]); !slices.Equal(g, w) {
					t.Errorf("requirement %s: %v, want %v", req, g, w)
				}
				if cap(got[req]) != len(got[req]) {
					t.Errorf("requirement %s: room for %d more pledges over its neighbour", req, cap(got[req])-len(got[req]))
				}
			}
		})
	}
	if got := byRequirement(nil); len(got) != 0 {
		t.Errorf("no pledges: %d groups", len(got))
	}
}
