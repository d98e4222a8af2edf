package storetest

import (
	"slices"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// testPledgePagesByArms: a page of pledges in id order merges the rows
// each of its viewer's relations opens (its labels, its own pledges, its
// beneficiaries', those shared with it or named to it). Walked a few rows
// at a time, in both directions and under filters, the pages give every
// pledge the policy shows each viewer once, in order, and nothing else,
// with pledges hidden from each viewer newer than those it sees.
func testPledgePagesByArms(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	benOrg := func(name string) model.Organisation {
		o := newOrg(t, s, name)
		o.Kind, o.Participation = model.KindBeneficiaryAgency, model.Beneficiary
		must(t, s.UpdateOrganisation(ctx, &o))
		return o
	}
	ben, other := benOrg("Beneficiary"), benOrg("Other beneficiary")
	state, state2 := newOrg(t, s, "State"), newOrg(t, s, "Second state")
	company := newOrg(t, s, "Company")
	company.Kind, company.Participation = model.KindPrivateCompany, model.Contributor
	must(t, s.UpdateOrganisation(ctx, &company))
	coordOrg := newOrg(t, s, "Secretariat")
	users := []model.User{
		{},
		newUser(t, s, ben.ID, "req@example.org", model.RoleRequester),
		newUser(t, s, state.ID, "donor@example.org", model.RoleDonor),
		newUser(t, s, company.ID, "seller@example.org", model.RoleDonor),
		newUser(t, s, coordOrg.ID, "coord@example.org", model.RoleCoordinator),
	}
	// The second state's delegate holds a grant or two: its shared and
	// named rows are read from its grants whole.
	users = append(users, newUser(t, s, state2.ID, "second@example.org", model.RoleDelegate))
	donor, seller, second := users[2], users[3], users[5]
	orgOf := map[string]model.Organisation{ben.ID: ben, other.ID: other, state.ID: state, state2.ID: state2, company.ID: company, coordOrg.ID: coordOrg}

	var reqs []model.Requirement
	for _, b := range []string{ben.ID, other.ID} {
		for _, tlp := range model.TLPs {
			reqs = append(reqs, newRequirement(t, s, b, func(r *model.Requirement) {
				r.TLP, r.Status = tlp, model.ReqValidated
				if tlp == model.TLPRed {
					r.NamedUserIDs = []string{donor.ID, seller.ID}
				}
			}))
		}
	}
	reqs = append(reqs, newRequirement(t, s, ben.ID, func(r *model.Requirement) { r.TLP = model.TLPClear }))
	// Each donor pledges under every label on every requirement and on none;
	// some are shared with the company and the beneficiary, some name the
	// donors' users. The
	// second state's AMBER pledges, hidden from the company and the
	// requester, come last and outnumber the pages.
	i := 0
	pledge := func(donorID string, r *model.Requirement, tlp model.TLP) {
		i++
		status := []model.PledgeStatus{model.PledgeProposed, model.PledgeConfirmed, model.PledgeDelivered}[i%3]
		reqID, benID := "", ben.ID
		if r != nil {
			reqID, benID = r.ID, ""
		} else if i%2 == 0 {
			benID = other.ID
		}
		newPledge(t, s, donorID, reqID, func(p *model.Pledge) {
			p.TLP, p.Status = tlp, status
			if reqID == "" {
				p.Channel, p.BeneficiaryOrgID, p.Sector, p.Category = model.ChannelBilateral, benID, "energy", "training"
			}
			// Shared with the beneficiary too, which sees most of them
			// already: one pledge opened by two relations.
			if i%4 == 0 && donorID != company.ID {
				p.SharedOrgIDs = []string{company.ID, ben.ID}
			} else if i%4 == 0 {
				p.SharedOrgIDs = []string{ben.ID}
			}
			if tlp == model.TLPRed || i%5 == 0 {
				p.NamedUserIDs = []string{donor.ID, seller.ID}
			}
		})
	}
	for _, d := range []string{state.ID, company.ID, state2.ID} {
		for _, tlp := range model.TLPs {
			pledge(d, nil, tlp)
			for k := range reqs {
				if k%2 == 0 || tlp == model.TLPAmber {
					pledge(d, &reqs[k], tlp)
				}
			}
		}
	}
	for range 3 {
		for k := range reqs {
			pledge(state2.ID, &reqs[k], model.TLPAmber)
		}
	}

	newPledge(t, s, state.ID, reqs[0].ID, func(p *model.Pledge) {
		p.TLP, p.SharedOrgIDs = model.TLPAmberStrict, []string{state2.ID}
	})
	// Its own, shared with itself too: held by one arm.
	newPledge(t, s, state2.ID, reqs[1].ID, func(p *model.Pledge) {
		p.TLP, p.SharedOrgIDs = model.TLPAmberStrict, []string{state2.ID}
	})
	newPledge(t, s, company.ID, "", func(p *model.Pledge) {
		p.TLP, p.NamedUserIDs = model.TLPRed, []string{second.ID}
		p.Channel, p.BeneficiaryOrgID, p.Sector, p.Category = model.ChannelBilateral, other.ID, "energy", "training"
	})

	all, err := s.ListPledges(ctx, model.PledgeFilter{}, "", 0)
	must(t, err)
	filters := []model.PledgeFilter{
		{}, {Status: model.PledgeConfirmed}, {Channel: model.ChannelBilateral},
		{DonorOrgID: state.ID}, {RequirementID: reqs[2].ID}, {Beneficiary: other.ID},
	}
	for _, u := range users {
		v := policy.ViewerFor(u, orgOf[u.OrgID])
		aud := policy.AudienceOf(v)
		resOf := map[string]policy.Resource{}
		for _, r := range reqs {
			var on []model.Pledge
			for _, p := range all {
				if p.RequirementID == r.ID {
					on = append(on, p)
				}
			}
			resOf[r.ID] = policy.RequirementResource(r, on)
		}
		for _, f := range filters {
			var want []string
			for _, p := range all {
				var parent *policy.Resource
				if res, ok := resOf[p.RequirementID]; ok {
					parent = &res
				}
				matches := (f.Status == "" || p.Status == f.Status) && (f.Channel == "" || p.Channel == f.Channel) &&
					(f.DonorOrgID == "" || p.DonorOrgID == f.DonorOrgID) && (f.RequirementID == "" || p.RequirementID == f.RequirementID) &&
					(f.Beneficiary == "" || p.BeneficiaryOrgID == f.Beneficiary)
				if (f.RequirementID != "" || f.Beneficiary != "") && parent != nil && !policy.Visible(v, *parent) {
					matches = false
				}
				if matches && policy.Visible(v, policy.PledgeResource(p, parent)) {
					want = append(want, p.ID)
				}
			}
			for _, desc := range []bool{true, false} {
				var got []string
				after := ""
				for {
					page, err := s.PagePledges(ctx, f, aud, model.Sort{Field: "created", Desc: desc}, after, 3)
					must(t, err)
					got = append(got, pledgeIDs(page)...)
					if len(page) < 3 {
						break
					}
					after = page[len(page)-1].ID
				}
				exp := ascending(want...)
				if desc {
					exp = newestFirst(want...)
				}
				if !slices.Equal(got, exp) {
					t.Errorf("%s, filter %+v, newest first %v: paged %d pledges, want %d\n\tgot  %v\n\twant %v", u.Email, f, desc, len(got), len(exp), got, exp)
				}
			}
		}
	}
}
