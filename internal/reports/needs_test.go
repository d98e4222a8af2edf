package reports

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

// TestCriticalOpenKeepsTheLongestWaiting: the dashboard lists the
// MaxCriticalOpen critical needs that have waited longest, the same ones
// in the same order whatever order the fold meets them in, and counts them
// all; covered needs and other priorities are neither listed nor counted.
func TestCriticalOpenKeepsTheLongestWaiting(t *testing.T) {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rnd := rand.New(rand.NewPCG(1, 2))
	var reqs, open []requirements.View
	for i := range 200 {
		// Few distinct days, so that many needs tie on their waiting time.
		at := base.Add(time.Duration(rnd.IntN(15)) * 24 * time.Hour)
		r := requirements.View{}
		r.ID = fmt.Sprintf("req-%03d", i)
		r.Status = model.ReqValidated
		r.Priority = model.PriorityCritical
		r.ValidatedAt = &at
		r.Coverage = model.CoverageNone
		switch i % 5 {
		case 0:
			r.Coverage = model.CoverageCovered
		case 1:
			r.Priority = model.PriorityHigh
		case 2:
			r.Pledges = []model.Pledge{{ID: "p"}}
			open = append(open, r)
		default:
			open = append(open, r)
		}
		reqs = append(reqs, r)
	}
	slices.SortFunc(open, waitingLonger)
	want := open[:MaxCriticalOpen]
	for round := range 5 {
		rnd.Shuffle(len(reqs), func(i, j int) { reqs[i], reqs[j] = reqs[j], reqs[i] })
		n := newNeedFigures()
		// In batches, as the front page folds them.
		for b := 0; b < len(reqs); b += 37 {
			n.add(reqs[b:min(b+37, len(reqs))]...)
		}
		var d Dashboard
		n.setOn(&d)
		if d.CriticalOpenCount != len(open) {
			t.Fatalf("round %d: counted %d critical needs open, want %d", round, d.CriticalOpenCount, len(open))
		}
		got := make([]string, len(d.CriticalOpen))
		for i, r := range d.CriticalOpen {
			got[i] = r.ID
			if r.Pledges != nil {
				t.Errorf("round %d: %s is listed with its pledges", round, r.ID)
			}
		}
		wantIDs := make([]string, len(want))
		for i, r := range want {
			wantIDs[i] = r.ID
		}
		if !slices.Equal(got, wantIDs) {
			t.Fatalf("round %d: listed %v, want %v", round, got, wantIDs)
		}
	}
}
