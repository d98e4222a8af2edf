package requirements

import (
	"slices"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
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

// A view shares its requirement's pledges only while its viewer sees them
// all, and never so that appending to one view writes into the next; a
// requirement whose pledges are all hidden shows none, as one without any.
func TestViewOfPledges(t *testing.T) {
	r := model.Requirement{ID: "r", TLP: model.TLPGreen, Status: model.ReqValidated, BeneficiaryOrgID: "ben"}
	pledge := func(id, donor string, tlp model.TLP) model.Pledge {
		return model.Pledge{ID: id, RequirementID: "r", DonorOrgID: donor, TLP: tlp, Status: model.PledgeConfirmed,
			Channel: model.ChannelMechanism, EURMinor: 100}
	}
	hiddenFirst := []model.Pledge{pledge("1", "other", model.TLPRed), pledge("2", "donor", model.TLPGreen)}
	donor := policy.Viewer{UserID: "u", Org: model.Organisation{ID: "donor", Kind: model.KindState, Participation: model.Member},
		Roles: []model.Role{model.RoleDonor}}

	view, ok := viewOf(donor, r, hiddenFirst)
	if !ok || len(view.Pledges) != 1 || view.Pledges[0].ID != "2" || view.PledgedEURMinor != 100 {
		t.Fatalf("donor sees %+v (ok %v), want pledge 2 alone, 100 pledged", view.Pledges, ok)
	}
	view, ok = viewOf(donor, r, hiddenFirst[:1])
	if !ok || view.Pledges != nil || view.PledgedEURMinor != 0 {
		t.Fatalf("every pledge hidden: %#v (ok %v), want no pledges at all", view.Pledges, ok)
	}

	page := []model.Pledge{pledge("1", "donor", model.TLPGreen), pledge("2", "donor", model.TLPGreen), {ID: "3", RequirementID: "s"}}
	groups := byRequirement(page)
	view, _ = viewOf(policy.System(), r, groups["r"])
	if len(view.Pledges) != 2 || &view.Pledges[0] != &page[0] {
		t.Fatalf("a viewer seeing every pledge: %+v, want the page's own two", view.Pledges)
	}
	_ = append(view.Pledges, model.Pledge{ID: "appended"})
	if page[2].ID != "3" {
		t.Fatalf("appending to one view wrote %q over the next requirement's pledge", page[2].ID)
	}
}
