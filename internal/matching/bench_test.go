package matching

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
)

// realisticInstance draws attributes from the platform's real code lists:
// 8 sectors, 8 categories, 3 lines of effort, 27 regions (and none).
func realisticInstance(r *rand.Rand, nOffers, nNeeds int) ([]Offer, []Need) {
	var sectors, categories, lines []string
	for _, s := range model.Sectors {
		sectors = append(sectors, string(s))
	}
	for _, c := range model.Categories {
		categories = append(categories, string(c))
	}
	for _, l := range model.Lines {
		lines = append(lines, string(l))
	}
	regions := []string{""}
	for _, g := range model.Regions {
		regions = append(regions, g.Code)
	}
	weights := []int64{8, 4, 2, 1}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	needs := make([]Need, nNeeds)
	for i := range needs {
		rank := r.IntN(4)
		needs[i] = Need{
			ID: fmt.Sprintf("r%06d", i), Sector: sectors[r.IntN(len(sectors))],
			Category: categories[r.IntN(len(categories))], Line: lines[r.IntN(len(lines))],
			Region: regions[r.IntN(len(regions))], Weight: weights[rank], Rank: rank,
			Since: base.AddDate(0, 0, r.IntN(300)), Remaining: 100_00 + r.Int64N(2_000_000_00),
		}
	}
	offers := make([]Offer, nOffers)
	for i := range offers {
		offers[i] = Offer{
			ID: fmt.Sprintf("o%06d", i), Available: 1000_00 + r.Int64N(5_000_000_00),
			Sectors: subset(r, sectors, 0.2), Categories: subset(r, categories, 0.2),
			Lines: subset(r, lines, 0.5), Regions: subset(r, regions[1:], 0.8),
		}
	}
	return offers, needs
}

// BenchmarkPlan: 10,000 open requirements, 2,000 offers (target < 2 s).
func BenchmarkPlan(b *testing.B) {
	offers, needs := realisticInstance(rand.New(rand.NewPCG(1, 2)), 2000, 10000)
	b.ResetTimer()
	for b.Loop() {
		Allocate(offers, needs)
	}
}

// BenchmarkOffersForNeed: one requirement against 100,000 offers (target < 20 ms).
func BenchmarkOffersForNeed(b *testing.B) {
	offers, needs := realisticInstance(rand.New(rand.NewPCG(3, 4)), 100000, 1)
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	b.ResetTimer()
	for b.Loop() {
		OffersFor(needs[0], offers, now, 20)
	}
}

// BenchmarkNeedsForOffer: one offer against 100,000 requirements (target < 20 ms).
func BenchmarkNeedsForOffer(b *testing.B) {
	offers, needs := realisticInstance(rand.New(rand.NewPCG(5, 6)), 1, 100000)
	offers[0].Sectors, offers[0].Categories, offers[0].Lines, offers[0].Regions = nil, nil, nil, nil
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	b.ResetTimer()
	for b.Loop() {
		NeedsFor(offers[0], needs, now, 20)
	}
}
