package matching

import (
	"slices"
	"time"
)

// Reason codes explain a suggestion; the web layer translates them.
const (
	FitSector   = "sector"   // the offer names the need's sector
	FitCategory = "category" // … its category
	FitLine     = "line"     // … its line of effort
	FitRegion   = "region"   // … its region
	FitAny      = "any"      // the offer does not constrain the attribute
)

// Fit says, per attribute, why an offer fits a need: FitAny when the offer
// leaves it open, the attribute name when the offer names the need's value.
type Fit struct {
	Sector   string `json:"sector"`
	Category string `json:"category"`
	Line     string `json:"line"`
	Region   string `json:"region"`
}

func fitOf(o *Offer, n *Need) Fit {
	pick := func(set []string, name string) string {
		if len(set) == 0 {
			return FitAny
		}
		return name
	}
	return Fit{
		Sector:   pick(o.Sectors, FitSector),
		Category: pick(o.Categories, FitCategory),
		Line:     pick(o.Lines, FitLine),
		Region:   pick(o.Regions, FitRegion),
	}
}

// specificity counts the attributes the offer names: an offer aimed at the
// need is a better suggestion than one that would fund anything.
func (f Fit) specificity() int {
	s := 0
	for _, v := range []string{f.Sector, f.Category, f.Line, f.Region} {
		if v != FitAny {
			s++
		}
	}
	return s
}

// Suggestion pairs a need and an offer with the reasons they match.
type Suggestion struct {
	OfferID     string `json:"offer_id"`
	NeedID      string `json:"need_id"`
	Fit         Fit    `json:"fit"`
	Rank        int    `json:"priority_rank"`
	DaysWaiting int    `json:"days_waiting"`
	Remaining   int64  `json:"remaining_eur_minor"`
	Available   int64  `json:"available_eur_minor"`
	// Coverable is what the offer could put toward the need on its own.
	Coverable int64 `json:"coverable_eur_minor"`
}

func suggestion(o *Offer, n *Need, now time.Time) Suggestion {
	// Calendar days, as deconfliction counts them: the figure changes at
	// midnight (UTC), not at the hour the need began to wait, so that an
	// answer kept for the day (web/kept.go) stays true all day.
	days := 0
	if !n.Since.IsZero() && now.After(n.Since) {
		const day = 24 * time.Hour
		days = int(now.UTC().Truncate(day).Sub(n.Since.UTC().Truncate(day)) / day)
	}
	return Suggestion{
		OfferID: o.ID, NeedID: n.ID, Fit: fitOf(o, n), Rank: n.Rank, DaysWaiting: days,
		Remaining: n.Remaining, Available: o.Available, Coverable: min(o.Available, n.Remaining),
	}
}

// OffersFor ranks the offers that can serve the need: the most it could
// cover first, then the most targeted, then by ID. At most limit results
// (all when limit <= 0).
func OffersFor(n Need, offers []Offer, now time.Time, limit int) []Suggestion {
	var out []Suggestion
	if n.Remaining <= 0 {
		return out
	}
	// Rank on a small key and build the explanation for the winners only.
	type cand struct {
		o         *Offer
		coverable int64
		spec      int
	}
	best := topK[cand]{limit: limit, less: func(a, b cand) bool {
		if a.coverable != b.coverable {
			return a.coverable > b.coverable
		}
		if a.spec != b.spec {
			return a.spec > b.spec
		}
		return a.o.ID < b.o.ID
	}}
	for i := range offers {
		o := &offers[i]
		if o.Available > 0 && o.fits(&n) {
			best.push(cand{o, min(o.Available, n.Remaining), fitOf(o, &n).specificity()})
		}
	}
	for _, c := range best.sorted() {
		out = append(out, suggestion(c.o, &n, now))
	}
	return out
}

// NeedsFor ranks the needs the offer can serve in the plan's order: heaviest
// first, then by priority, longest waiting, ID.
func NeedsFor(o Offer, needs []Need, now time.Time, limit int) []Suggestion {
	var out []Suggestion
	if o.Available <= 0 {
		return out
	}
	best := topK[*Need]{limit: limit, less: func(a, b *Need) bool { return needOrder(a, b) < 0 }}
	for i := range needs {
		n := &needs[i]
		if n.Remaining > 0 && o.fits(n) {
			best.push(n)
		}
	}
	for _, n := range best.sorted() {
		out = append(out, suggestion(&o, n, now))
	}
	return out
}

// topK keeps the limit best items seen (all when limit <= 0) in a heap
// whose root is the worst kept, so ranking 100,000 candidates costs one
// comparison for most of them rather than a full sort.
type topK[T any] struct {
	limit int
	less  func(a, b T) bool // a ranks before b
	items []T
}

func (h *topK[T]) push(x T) {
	if h.limit <= 0 || len(h.items) < h.limit {
		h.items = append(h.items, x)
		if h.limit > 0 {
			h.up(len(h.items) - 1)
		}
		return
	}
	if !h.less(x, h.items[0]) {
		return
	}
	h.items[0] = x
	h.down(0)
}

// worse orders the heap: the worst-ranked item at the root.
func (h *topK[T]) worse(i, j int) bool { return h.less(h.items[j], h.items[i]) }

func (h *topK[T]) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.worse(i, p) {
			return
		}
		h.items[i], h.items[p] = h.items[p], h.items[i]
		i = p
	}
}

func (h *topK[T]) down(i int) {
	for {
		l, w := 2*i+1, i
		if l < len(h.items) && h.worse(l, w) {
			w = l
		}
		if r := l + 1; r < len(h.items) && h.worse(r, w) {
			w = r
		}
		if w == i {
			return
		}
		h.items[i], h.items[w] = h.items[w], h.items[i]
		i = w
	}
}

func (h *topK[T]) sorted() []T {
	out := slices.Clone(h.items)
	slices.SortFunc(out, func(a, b T) int {
		if h.less(a, b) {
			return -1
		}
		if h.less(b, a) {
			return 1
		}
		return 0
	})
	return out
}
