package storetest

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// testPledgeClasses checks the grouped read of a requirement's pledges
// against the pledges themselves: the same sums per donor, label, channel
// and status, and each pledge with an access list on its own with it.
func testPledgeClasses(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	ben := newOrg(t, s, "Ukrenergo")
	donors := []model.Organisation{newOrg(t, s, "Japan"), newOrg(t, s, "Germany"), newOrg(t, s, "Kestrel")}
	u := newUser(t, s, donors[0].ID, "named@example.jp", model.RoleDonor)
	r, other, empty := newRequirement(t, s, ben.ID, nil), newRequirement(t, s, ben.ID, nil), newRequirement(t, s, ben.ID, nil)
	newPledge(t, s, donors[0].ID, other.ID, nil)
	rnd := rand.New(rand.NewPCG(1, 2))
	labels := []model.TLP{model.TLPClear, model.TLPGreen, model.TLPAmber, model.TLPAmberStrict, model.TLPRed}
	statuses := []model.PledgeStatus{model.PledgeProposed, model.PledgeConfirmed, model.PledgeWithdrawn, model.PledgeSuspended, model.PledgeDelivered}
	for i := range 60 {
		newPledge(t, s, donors[rnd.IntN(len(donors))].ID, r.ID, func(p *model.Pledge) {
			p.TLP, p.EURMinor = labels[rnd.IntN(len(labels))], int64(1000+i)
			if rnd.IntN(4) == 0 {
				p.Channel = model.ChannelBilateral
			}
			if p.Status = statuses[rnd.IntN(len(statuses))]; p.Status == model.PledgeSuspended {
				p.SuspendedFrom, p.SuspendedOn, p.SuspendReason = model.PledgeConfirmed, model.NewDate(2025, 3, 1), "frozen"
			}
			switch rnd.IntN(9) {
			case 0:
				p.SharedOrgIDs = []string{donors[1].ID}
			case 2:
				// Several entries written in one statement: PostgreSQL
				// fires their row triggers once all are in.
				p.SharedOrgIDs, p.NamedUserIDs = []string{donors[1].ID, donors[2].ID}, []string{u.ID}
			case 1:
				p.NamedUserIDs = []string{u.ID}
			}
		})
	}
	check := func(when string) {
		t.Helper()
		all, err := s.PledgesForRequirements(ctx, []string{r.ID})
		must(t, err)
		type key struct {
			donor   string
			tlp     model.TLP
			channel model.Channel
			status  model.PledgeStatus
			from    model.PledgeStatus
		}
		want := map[key]int64{}
		wantOwn := map[string]model.Pledge{}
		for _, p := range all {
			if len(p.SharedOrgIDs)+len(p.NamedUserIDs) > 0 {
				wantOwn[p.ID] = p
				continue
			}
			want[key{p.DonorOrgID, p.TLP, p.Channel, p.Status, p.SuspendedFrom}] += p.EURMinor
		}
		classes, err := s.PledgeClasses(ctx, r.ID)
		must(t, err)
		got := map[key]int64{}
		for _, c := range classes {
			if c.RequirementID != r.ID {
				t.Fatalf("%s: class %+v is not on requirement %s", when, c, r.ID)
			}
			if c.ID != "" {
				p, ok := wantOwn[c.ID]
				if !ok || p.EURMinor != c.EURMinor || p.DonorOrgID != c.DonorOrgID || p.TLP != c.TLP || p.Status != c.Status ||
					p.Channel != c.Channel || !slices.Equal(p.SharedOrgIDs, c.SharedOrgIDs) || !slices.Equal(p.NamedUserIDs, c.NamedUserIDs) {
					t.Fatalf("%s: pledge with an access list read as %+v, want %+v", when, c, p)
				}
				delete(wantOwn, c.ID)
				continue
			}
			k := key{c.DonorOrgID, c.TLP, c.Channel, c.Status, c.SuspendedFrom}
			if _, twice := got[k]; twice {
				t.Fatalf("%s: class %+v read twice", when, k)
			}
			got[k] = c.EURMinor
		}
		if len(wantOwn) > 0 {
			t.Fatalf("%s: pledges with access lists missing: %v", when, wantOwn)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: classes\n\t%v\nwant\n\t%v", when, got, want)
		}
		// The organisations engaged on each requirement, read from the
		// classes, are those with a pledge on it, whatever its status.
		var wantDonors []string
		for _, p := range all {
			wantDonors = append(wantDonors, p.DonorOrgID)
		}
		slices.Sort(wantDonors)
		engaged, err := s.EngagedDonors(ctx, []string{r.ID, other.ID, empty.ID})
		must(t, err)
		if !slices.Equal(engaged[r.ID], slices.Compact(wantDonors)) || !slices.Equal(engaged[other.ID], []string{donors[0].ID}) || len(engaged[empty.ID]) != 0 {
			t.Fatalf("%s: engaged %v, want %v on the requirement, %s on the other and none on the empty one", when, engaged, slices.Compact(wantDonors), donors[0].ID)
		}
	}
	check("created")

	// Every change the triggers follow: status, suspension, label, amount,
	// access lists given and taken back, a pledge deleted.
	all, err := s.PledgesForRequirements(ctx, []string{r.ID})
	must(t, err)
	for i, p := range all {
		switch i % 6 {
		case 0:
			p.Status, p.SuspendedOn, p.SuspendedFrom, p.SuspendReason = model.PledgeWithdrawn, model.Date{}, "", ""
		case 1:
			p.TLP = labels[(slices.Index(labels, p.TLP)+1)%len(labels)]
		case 2:
			p.EURMinor += 7
		case 3:
			p.SharedOrgIDs = []string{donors[2].ID}
		case 4:
			p.SharedOrgIDs, p.NamedUserIDs = nil, nil
		case 5:
			if p.Status != model.PledgeSuspended {
				p.SuspendedFrom, p.Status, p.SuspendedOn, p.SuspendReason = p.Status, model.PledgeSuspended, model.NewDate(2025, 4, 1), "frozen"
			}
		}
		must(t, s.UpdatePledge(ctx, &p))
	}
	check("updated")
	del := `DELETE FROM pledges WHERE id = ?`
	if s.Dialect() == "postgres" {
		del = `DELETE FROM pledges WHERE id = $1`
	}
	for _, p := range all[:5] {
		if _, err := s.SQLDB().ExecContext(ctx, del, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	check("deleted")
	none, err := s.PledgeClasses(ctx, "missing")
	must(t, err)
	if len(none) != 0 {
		t.Fatalf("PledgeClasses of no requirement = %v", none)
	}
}
