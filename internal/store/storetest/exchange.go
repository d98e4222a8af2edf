package storetest

import (
	"errors"
	"slices"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Streams checks the row iterators of exports: every matching row once,
// newest first, across batch boundaries, with access lists, stopping at the
// callback's first error.
func Streams(t *testing.T, s *store.DB) {
	donor := newOrg(t, s, "Estonia")
	other := newOrg(t, s, "Latvia")
	ben := newOrg(t, s, "Ukrenergo")
	req := newRequirement(t, s, ben.ID, func(r *model.Requirement) { r.SharedOrgIDs = []string{other.ID} })
	var want []string
	const n = 2100 // more than two batches
	must(t, s.InTx(ctxOf(t), func(q store.Queries) error {
		for i := range n {
			org := donor.ID
			if i%3 == 0 {
				org = other.ID
			}
			p := newPledge(t, q, org, req.ID, func(p *model.Pledge) {
				if i == 7 {
					p.SharedOrgIDs = []string{ben.ID}
				}
				if i == 8 {
					// Every kind of column, to compare with an ordinary read.
					p.RateDate, p.PledgeDate = model.NewDate(2026, 2, 27), model.NewDate(2026, 3, 1)
					p.PeriodStart, p.PeriodEnd = model.NewDate(2026, 4, 1), model.NewDate(2027, 3, 31)
					p.Sector, p.Category, p.BeneficiaryOrgID = model.Sector("water"), model.Category("edr"), ben.ID
					p.Channel, p.IATIIdentifier, p.Description = model.ChannelBilateral, "XM-1", "Pompes «à eau»\nand a comma, too"
				}
			})
			if org == donor.ID {
				want = append(want, p.ID)
			}
		}
		return nil
	}))
	slices.Reverse(want)
	var got []string
	shared := 0
	var full []model.Pledge
	must(t, s.EachPledge(ctxOf(t), model.PledgeFilter{DonorOrgID: donor.ID}, func(p model.Pledge) error {
		got = append(got, p.ID)
		if p.IATIIdentifier != "" || len(p.SharedOrgIDs) > 0 {
			full = append(full, p)
		}
		if len(p.SharedOrgIDs) == 1 && p.SharedOrgIDs[0] == ben.ID {
			shared++
		}
		return nil
	}))
	same(t, got, want)
	same(t, shared, 1)
	same(t, len(full), 2)
	for _, p := range full {
		byID, err := s.PledgeByID(ctxOf(t), p.ID)
		must(t, err)
		same(t, p, byID)
	}

	// Inside a transaction the batches are read one after another on its
	// connection, with the same result.
	got = got[:0]
	must(t, s.InTx(ctxOf(t), func(q store.Queries) error {
		return q.EachPledge(ctxOf(t), model.PledgeFilter{DonorOrgID: donor.ID}, func(p model.Pledge) error {
			got = append(got, p.ID)
			return nil
		})
	}))
	same(t, got, want)

	stop := errors.New("stop")
	calls := 0
	err := s.EachPledge(ctxOf(t), model.PledgeFilter{}, func(model.Pledge) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	})
	wantErr(t, err, stop)
	same(t, calls, 3)

	var reqs []model.Requirement
	must(t, s.EachRequirement(ctxOf(t), model.RequirementFilter{Beneficiary: ben.ID}, func(r model.Requirement) error {
		reqs = append(reqs, r)
		return nil
	}))
	same(t, len(reqs), 1)
	same(t, reqs[0].SharedOrgIDs, []string{other.ID})
	must(t, s.EachRequirement(ctxOf(t), model.RequirementFilter{Beneficiary: donor.ID}, func(model.Requirement) error {
		t.Error("a requirement of another beneficiary was iterated")
		return nil
	}))
}
