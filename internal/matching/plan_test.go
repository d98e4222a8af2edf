package matching

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var (
	testSectors    = []string{"energy", "telecom", "government", "finance", "health"}
	testCategories = []string{"edr", "training", "restoration", "hardware_software"}
	testLines      = []string{"support", "strengthen", "sustain"}
	testRegions    = []string{"", "UA-30", "UA-46", "UA-63", "UA-51"}
	testWeights    = []int64{8, 4, 2, 1}
)

func subset(r *rand.Rand, from []string, pEmpty float64) []string {
	if r.Float64() < pEmpty {
		return nil
	}
	var out []string
	for _, v := range from {
		if r.IntN(3) == 0 {
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		out = append(out, from[r.IntN(len(from))])
	}
	return out
}

func randomInstance(r *rand.Rand, nOffers, nNeeds int, maxAmount int64) ([]Offer, []Need) {
	return randomInstanceOver(r, nOffers, nNeeds, maxAmount, testSectors, testCategories, testLines, testRegions)
}

// randomInstanceOver draws attributes from the given domains; narrow ones
// make many needs share a class and many offers share constraint sets, so
// that the aggregation and the split back to records are exercised.
func randomInstanceOver(r *rand.Rand, nOffers, nNeeds int, maxAmount int64, testSectors, testCategories, testLines, testRegions []string) ([]Offer, []Need) {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	needs := make([]Need, nNeeds)
	for i := range needs {
		rank := r.IntN(len(testWeights))
		needs[i] = Need{
			ID:        fmt.Sprintf("r%05d", i),
			Sector:    testSectors[r.IntN(len(testSectors))],
			Category:  testCategories[r.IntN(len(testCategories))],
			Line:      testLines[r.IntN(len(testLines))],
			Region:    testRegions[r.IntN(len(testRegions))],
			Weight:    testWeights[rank],
			Rank:      rank,
			Since:     base.AddDate(0, 0, r.IntN(200)),
			Remaining: r.Int64N(maxAmount + 1),
		}
	}
	offers := make([]Offer, nOffers)
	for i := range offers {
		offers[i] = Offer{
			ID:         fmt.Sprintf("o%05d", i),
			Available:  r.Int64N(maxAmount + 1),
			Sectors:    subset(r, testSectors, 0.3),
			Categories: subset(r, testCategories, 0.3),
			Lines:      subset(r, testLines, 0.6),
			Regions:    subset(r, testRegions[1:], 0.7),
		}
	}
	return offers, needs
}

// checkFeasible fails the test if the plan breaks a constraint or its
// reported objective does not add up.
func checkFeasible(t *testing.T, offers []Offer, needs []Need, p Plan) {
	t.Helper()
	offerBy := map[string]Offer{}
	for _, o := range offers {
		offerBy[o.ID] = o
	}
	needBy := map[string]Need{}
	for _, n := range needs {
		needBy[n.ID] = n
	}
	used := map[string]int64{}
	got := map[string]int64{}
	obj := new(big.Int)
	for _, a := range p.Allocations {
		o, n := offerBy[a.OfferID], needBy[a.NeedID]
		if a.EURMinor <= 0 {
			t.Fatalf("non-positive allocation %+v", a)
		}
		if !o.Fits(n) {
			t.Fatalf("offer %s does not fit need %s", o.ID, n.ID)
		}
		used[o.ID] += a.EURMinor
		got[n.ID] += a.EURMinor
		obj.Add(obj, new(big.Int).Mul(big.NewInt(a.EURMinor), big.NewInt(n.Weight)))
	}
	for id, u := range used {
		if u > offerBy[id].Available {
			t.Fatalf("offer %s over-spent: %d > %d", id, u, offerBy[id].Available)
		}
	}
	for id, g := range got {
		if g > needBy[id].Remaining {
			t.Fatalf("need %s over-covered: %d > %d", id, g, needBy[id].Remaining)
		}
	}
	if obj.Cmp(p.Objective) != 0 {
		t.Fatalf("reported objective %s, allocations add up to %s", p.Objective, obj)
	}
}

// glpkOptimum writes the instance as a CPLEX LP file and returns glpsol's
// optimum. The constraint matrix is that of a transportation problem, totally
// unimodular, so the LP optimum is integral and printed exactly at this size.
func glpkOptimum(t *testing.T, dir string, offers []Offer, needs []Need) int64 {
	t.Helper()
	var obj, rows strings.Builder
	obj.WriteString(" obj: 0 z")
	byNeed := make([][]string, len(needs))
	for i, o := range offers {
		var terms []string
		for j, n := range needs {
			if !o.Fits(n) {
				continue
			}
			v := fmt.Sprintf("x_%d_%d", i, j)
			fmt.Fprintf(&obj, " + %d %s", n.Weight, v)
			terms = append(terms, v)
			byNeed[j] = append(byNeed[j], v)
		}
		if len(terms) > 0 {
			fmt.Fprintf(&rows, " o%d: %s <= %d\n", i, strings.Join(terms, " + "), o.Available)
		}
	}
	for j, terms := range byNeed {
		if len(terms) > 0 {
			fmt.Fprintf(&rows, " n%d: %s <= %d\n", j, strings.Join(terms, " + "), needs[j].Remaining)
		}
	}
	lp := "Maximize\n" + obj.String() + "\nSubject To\n" + rows.String() + " zz: z <= 0\nEnd\n"
	in, out := filepath.Join(dir, "plan.lp"), filepath.Join(dir, "plan.sol")
	if err := os.WriteFile(in, []byte(lp), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("glpsol", "--lp", in, "-w", out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("glpsol: %v\n%s\n%s", err, msg, lp)
	}
	sol, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(sol), "c Status:     OPTIMAL") {
		t.Fatalf("glpsol did not find an optimum:\n%s", sol)
	}
	for line := range strings.SplitSeq(string(sol), "\n") {
		if f := strings.Fields(line); len(f) == 7 && f[0] == "s" && f[1] == "bas" {
			v, ok := new(big.Float).SetString(f[6])
			if !ok {
				t.Fatalf("glpsol objective %q", f[6])
			}
			i, acc := v.Int64()
			if acc != big.Exact {
				t.Fatalf("glpsol objective %q is not integral", f[6])
			}
			return i
		}
	}
	t.Fatalf("no objective in glpsol output:\n%s", sol)
	return 0
}

func TestAllocateMatchesGLPK(t *testing.T) {
	if _, err := exec.LookPath("glpsol"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("glpsol (Debian glpk-utils) is required in CI")
		}
		t.Skip("glpsol not installed")
	}
	r := rand.New(rand.NewPCG(4, 2026))
	dir := t.TempDir()
	const instances = 250
	for k := range instances {
		nOffers, nNeeds := 1+r.IntN(15), 1+r.IntN(30)
		maxAmount := []int64{10, 1000, 5_000_000}[k%3]
		offers, needs := randomInstance(r, nOffers, nNeeds, maxAmount)
		if k%4 == 1 {
			offers, needs = randomInstanceOver(r, nOffers, nNeeds, maxAmount,
				testSectors[:2], testCategories[:2], testLines[:1], testRegions[:2])
		}
		// Mixed weight schemes, including equal and non-monotone weights.
		if k%5 == 0 {
			for i := range needs {
				needs[i].Weight = 1 + r.Int64N(10)
			}
		}
		p := Allocate(offers, needs)
		checkFeasible(t, offers, needs, p)
		want := glpkOptimum(t, dir, offers, needs)
		if !p.Objective.IsInt64() || p.Objective.Int64() != want {
			t.Fatalf("instance %d (%d offers, %d needs): objective %s, GLPK optimum %d", k, nOffers, nNeeds, p.Objective, want)
		}
	}
}

func TestAllocateDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	offers, needs := randomInstance(r, 40, 300, 100_000)
	a := Allocate(offers, needs)
	// Shuffled input gives the same plan.
	r.Shuffle(len(offers), func(i, j int) { offers[i], offers[j] = offers[j], offers[i] })
	r.Shuffle(len(needs), func(i, j int) { needs[i], needs[j] = needs[j], needs[i] })
	b := Allocate(offers, needs)
	if fmt.Sprint(a.Allocations) != fmt.Sprint(b.Allocations) {
		t.Fatal("plan depends on input order")
	}
}

func TestAllocateCriticalFirstAndOlderFirst(t *testing.T) {
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	needs := []Need{
		{ID: "low", Sector: "energy", Weight: 1, Rank: 3, Since: base, Remaining: 100},
		{ID: "crit-new", Sector: "energy", Weight: 8, Rank: 0, Since: base.AddDate(0, 0, 5), Remaining: 60},
		{ID: "crit-old", Sector: "energy", Weight: 8, Rank: 0, Since: base, Remaining: 60},
	}
	offers := []Offer{{ID: "o1", Available: 100, Sectors: []string{"energy"}}}
	p := Allocate(offers, needs)
	want := []Allocation{{"o1", "crit-old", 60}, {"o1", "crit-new", 40}}
	if fmt.Sprint(p.Allocations) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", p.Allocations, want)
	}
}

func TestAllocateRespectsFit(t *testing.T) {
	// The greedy choice (critical need takes the flexible offer) would leave
	// the high need uncovered; the optimum routes around it.
	needs := []Need{
		{ID: "a", Sector: "energy", Weight: 8, Remaining: 100},
		{ID: "b", Sector: "water", Weight: 4, Remaining: 100},
	}
	offers := []Offer{
		{ID: "flex", Available: 100},
		{ID: "energy-only", Available: 100, Sectors: []string{"energy"}},
	}
	p := Allocate(offers, needs)
	if p.Objective.Int64() != 1200 {
		t.Fatalf("objective %s, want 1200: %v", p.Objective, p.Allocations)
	}
	if p := Allocate(nil, needs); len(p.Allocations) != 0 || p.Objective.Sign() != 0 {
		t.Fatal("no offers, no plan")
	}
}

func TestSuggestionsRankAndExplain(t *testing.T) {
	now := time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)
	n := Need{ID: "r1", Sector: "energy", Category: "edr", Line: "support", Region: "UA-30", Weight: 8, Since: now.AddDate(0, 0, -10), Remaining: 500}
	offers := []Offer{
		{ID: "any", Available: 1000},
		{ID: "aimed", Available: 1000, Sectors: []string{"energy"}, Regions: []string{"UA-30"}},
		{ID: "small", Available: 100, Sectors: []string{"energy"}},
		{ID: "water", Available: 1000, Sectors: []string{"water"}},
		{ID: "empty", Available: 0},
	}
	got := OffersFor(n, offers, now, 0)
	var ids []string
	for _, s := range got {
		ids = append(ids, s.OfferID)
	}
	if fmt.Sprint(ids) != "[aimed any small]" {
		t.Fatalf("offers for need: %v", ids)
	}
	s := got[0]
	if s.Fit != (Fit{FitSector, FitAny, FitAny, FitRegion}) || s.DaysWaiting != 10 || s.Coverable != 500 {
		t.Fatalf("explanation: %+v", s)
	}
	if len(OffersFor(n, offers, now, 2)) != 2 {
		t.Fatal("limit")
	}

	needs := []Need{
		n,
		{ID: "r0", Sector: "energy", Weight: 1, Rank: 3, Since: now, Remaining: 50},
		{ID: "r2", Sector: "energy", Weight: 8, Since: now.AddDate(0, 0, -20), Remaining: 5},
		{ID: "r3", Sector: "water", Weight: 8, Remaining: 5},
		{ID: "r4", Sector: "energy", Weight: 8, Remaining: 0},
	}
	ids = nil
	for _, s := range NeedsFor(offers[2], needs, now, 0) {
		ids = append(ids, s.NeedID)
	}
	if fmt.Sprint(ids) != "[r2 r1 r0]" {
		t.Fatalf("needs for offer: %v", ids)
	}
	ids = nil
	for _, s := range NeedsFor(offers[2], needs, now, 2) {
		ids = append(ids, s.NeedID)
	}
	if fmt.Sprint(ids) != "[r2 r1]" {
		t.Fatalf("needs for offer, limited: %v", ids)
	}
}

// TestDaysWaitingAreCalendarDays: a need waits a day more at each UTC
// midnight, not at the hour it began to wait, so that an answer kept for
// the day stays true all day.
func TestDaysWaitingAreCalendarDays(t *testing.T) {
	since := time.Date(2026, 3, 10, 23, 0, 0, 0, time.UTC)
	n := Need{ID: "r1", Since: since, Remaining: 500}
	for _, c := range []struct {
		now  time.Time
		want int
	}{
		{since.Add(30 * time.Minute), 0},
		{time.Date(2026, 3, 11, 0, 30, 0, 0, time.UTC), 1},
		{time.Date(2026, 3, 11, 22, 59, 0, 0, time.UTC), 1},
		{time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC), 2},
		{time.Date(2026, 3, 12, 1, 0, 0, 0, time.FixedZone("Kyiv", 2*3600)), 1},
	} {
		if got := OffersFor(n, []Offer{{ID: "o", Available: 100}}, c.now, 0); len(got) != 1 || got[0].DaysWaiting != c.want {
			t.Errorf("at %v: %+v, want %d days waiting", c.now, got, c.want)
		}
	}
}
