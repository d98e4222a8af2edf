package reports

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// PledgeCount is how many pledges matching f v sees, read from the
// maintained totals as every other figure of v's is (sums.go), so that a
// list's total costs the same at any size. ok is false when f filters by
// what the totals are not grouped by (a requirement, a beneficiary, a
// funder, or a donor and a status together): the caller counts the rows.
func (s *Service) PledgeCount(ctx context.Context, v policy.Viewer, f model.PledgeFilter) (n int, ok bool, err error) {
	if f.RequirementID != "" || f.Beneficiary != "" || f.FunderOrgID != "" || (f.DonorOrgID != "" && f.Status != "") {
		return 0, false, nil
	}
	// Every pledge has exactly one key under each grouping; the label's is
	// the smallest table when nothing narrows the key.
	by, key := "label", ""
	switch {
	case f.Status != "":
		by, key = "status", string(f.Status)
	case f.DonorOrgID != "":
		by, key = "implementer", f.DonorOrgID
	}
	t, err := s.figures(ctx, v, by)
	if err != nil {
		return 0, false, err
	}
	var records int64
	for k, sum := range t[by] {
		if (key == "" || k.key == key) && (f.Channel == "" || k.channel == string(f.Channel)) {
			records += sum.Records
		}
	}
	return int(records), true, nil
}
