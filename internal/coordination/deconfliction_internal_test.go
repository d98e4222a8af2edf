package coordination

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

// The indexed findings must be exactly those of the plain pairwise
// comparison they replace, kept here as the reference.

func pairwisePassThroughOverlap(out *alerts, r requirements.View, mech []model.Pledge) {
	for _, own := range mech {
		if own.PassThrough() {
			continue
		}
		var through []model.Pledge
		for _, p := range mech {
			if p.PassThrough() && p.FunderOrgID == own.DonorOrgID {
				through = append(through, p)
			}
		}
		if len(through) == 0 {
			continue
		}
		a := onReq(Alert{Key: "pass_through_overlap:" + r.ID + ":" + own.ID, Kind: model.AlertPassThroughOverlap, PledgeIDs: []string{own.ID},
			DonorOrgIDs: []string{own.DonorOrgID}, EURMinor: own.EURMinor}, r)
		for _, p := range through {
			a.Key += ":" + p.ID
			a.PledgeIDs = append(a.PledgeIDs, p.ID)
			a.DonorOrgIDs = appendNew(a.DonorOrgIDs, p.DonorOrgID)
			a.EURMinor += p.EURMinor
		}
		out.add(a)
	}
}

func pairwiseBilateralOffRequirement(out *alerts, reqBy map[string]requirements.View, pledges []model.Pledge) {
	var mech []model.Pledge
	for _, m := range pledges {
		if m.Channel != model.ChannelMechanism || !m.Status.Counts() {
			continue
		}
		if _, ok := reqBy[m.RequirementID]; ok {
			mech = append(mech, m)
		}
	}
	for _, b := range pledges {
		if b.Channel != model.ChannelBilateral || b.RequirementID != "" || !b.Status.Counts() {
			continue
		}
		bp := period{b.PeriodStart, b.PeriodEnd}
		byReq := map[string]*Alert{}
		var order []string
		for _, m := range mech {
			if m.BeneficiaryOrgID != b.BeneficiaryOrgID || m.Category != b.Category {
				continue
			}
			r := reqBy[m.RequirementID]
			if !bp.overlaps(period{start: m.PledgeDate, end: r.NeededBy}) {
				continue
			}
			a := byReq[r.ID]
			if a == nil {
				na := onReq(Alert{Key: "bilateral:" + b.ID + ":" + r.ID, Kind: model.AlertBilateral, PledgeIDs: []string{b.ID},
					DonorOrgIDs: []string{b.DonorOrgID}, EURMinor: b.EURMinor}, r)
				a = &na
				byReq[r.ID] = a
				order = append(order, r.ID)
			}
			a.PledgeIDs = append(a.PledgeIDs, m.ID)
			a.DonorOrgIDs = appendNew(a.DonorOrgIDs, m.DonorOrgID)
			a.EURMinor += m.EURMinor
		}
		for _, id := range order {
			out.add(*byReq[id])
		}
	}
}

func TestIndexedFindingsEqualPairwise(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 13))
	day := func() model.Date {
		if rng.IntN(6) == 0 {
			return model.Date{}
		}
		return model.NewDate(2025, 1, 1).AddDays(rng.IntN(120))
	}
	orgs := []string{"o1", "o2", "o3", "o4"}
	cats := []model.Category{"edr", "training"}
	statuses := []model.PledgeStatus{model.PledgeProposed, model.PledgeConfirmed, model.PledgeWithdrawn, model.PledgeSuspended}
	found := 0
	for round := range 300 {
		reqBy := map[string]requirements.View{}
		var all []model.Pledge
		var reqs []requirements.View
		for i := range 1 + rng.IntN(5) {
			r := requirements.View{}
			r.ID, r.NeededBy, r.Priority = fmt.Sprintf("r%d", i), day(), model.PriorityHigh
			reqs = append(reqs, r)
			reqBy[r.ID] = r
		}
		for i := range rng.IntN(40) {
			p := model.Pledge{ID: fmt.Sprintf("p%02d", i), DonorOrgID: orgs[rng.IntN(len(orgs))], EURMinor: int64(1 + rng.IntN(1000)),
				Status: statuses[rng.IntN(len(statuses))], BeneficiaryOrgID: orgs[rng.IntN(2)], Category: cats[rng.IntN(len(cats))],
				Channel: model.ChannelMechanism, PledgeDate: day()}
			if rng.IntN(3) == 0 {
				p.FunderOrgID = orgs[rng.IntN(len(orgs))]
			}
			if rng.IntN(3) == 0 {
				p.Channel, p.PeriodStart, p.PeriodEnd = model.ChannelBilateral, day(), day()
			}
			if p.Channel == model.ChannelMechanism || rng.IntN(2) == 0 {
				p.RequirementID = reqs[rng.IntN(len(reqs))].ID
				if rng.IntN(8) == 0 {
					p.RequirementID = "hidden"
				}
			}
			all = append(all, p)
		}
		var got, want alerts
		pairwiseBilateralOffRequirement(&want, reqBy, all)
		reports := reportsByHelp(all)
		for _, r := range reqs {
			var mech []model.Pledge
			for _, p := range all {
				if p.RequirementID == r.ID && p.Channel == model.ChannelMechanism && p.Status.Counts() {
					mech = append(mech, p)
				}
			}
			ptrs := make([]*model.Pledge, len(mech))
			for i := range mech {
				ptrs[i] = &mech[i]
			}
			got.passThroughOverlap(r, ptrs)
			got.bilateralOffRequirement(r, ptrs, reports)
			pairwisePassThroughOverlap(&want, r, mech)
		}
		slices.SortFunc(got, alertOrder)
		slices.SortFunc(want, alertOrder)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: indexed findings differ from the pairwise ones\n got %+v\nwant %+v", round, got, want)
		}
		found += len(want)
	}
	if found < 300 {
		t.Fatalf("only %d findings over every round: the rounds test too little", found)
	}
}
