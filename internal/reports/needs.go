package reports

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

// needFigures are the figures of the needs a viewer sees, for the dashboard
// and the charts, added up one requirement at a time: the front page folds
// the requirements by ranges and never holds them all, keeping each range's
// figures and adding them up (folds.go), and the reference from the records
// folds the same way.
type needFigures struct {
	label      model.TLP
	statuses   map[model.RequirementStatus]int
	validated  int
	covered    int
	need       int64
	coveredEUR int64
	// critical holds the MaxCriticalOpen longest-waiting critical needs
	// not yet covered, in order; criticalN counts them all.
	critical   []requirements.View
	criticalN  int
	priorities map[model.Priority]*PriorityCoverage
	regions    []RegionFigures
	regionAt   map[string]int
}

func newNeedFigures() *needFigures {
	n := &needFigures{
		label:      model.TLPClear,
		statuses:   map[model.RequirementStatus]int{},
		priorities: map[model.Priority]*PriorityCoverage{},
		regions:    make([]RegionFigures, len(model.Regions)),
		regionAt:   make(map[string]int, len(model.Regions)),
	}
	for _, p := range model.Priorities {
		n.priorities[p] = &PriorityCoverage{Priority: p}
	}
	// A row for every region, in the order of model.Regions, so that a
	// map shows the regions without needs too.
	for i, r := range model.Regions {
		n.regions[i].Code = r.Code
		n.regionAt[r.Code] = i
	}
	return n
}

// needsOf folds reqs.
func needsOf(reqs []requirements.View) *needFigures {
	n := newNeedFigures()
	n.add(reqs...)
	return n
}

func (n *needFigures) add(reqs ...requirements.View) {
	for _, r := range reqs {
		n.label = policy.Stricter(n.label, r.TLP)
		n.statuses[r.Status]++
		// Open validated needs: how much of each pledges cover, capped per
		// need so that one over-covered need does not hide another's gap.
		if !r.Status.Validated() || r.Status == model.ReqClosed {
			continue
		}
		covered := min(r.PledgedEURMinor, r.EstimatedEURMinor)
		n.validated++
		n.need += r.EstimatedEURMinor
		n.coveredEUR += covered
		if r.Coverage == model.CoverageCovered || r.Coverage == model.CoverageOver {
			n.covered++
		} else if r.Priority == model.PriorityCritical && r.Status == model.ReqValidated {
			n.addCritical(r)
		}
		if c := n.priorities[r.Priority]; c != nil {
			c.Count++
			c.Need += r.EstimatedEURMinor
			c.Covered += covered
		}
		if i, ok := n.regionAt[r.Region]; ok {
			n.regions[i].Count++
			n.regions[i].Need += r.EstimatedEURMinor
			n.regions[i].Covered += covered
		}
	}
}

// merge adds o's figures, folded over other requirements, to n's.
func (n *needFigures) merge(o *needFigures) {
	n.label = policy.Stricter(n.label, o.label)
	for st, c := range o.statuses {
		n.statuses[st] += c
	}
	n.validated += o.validated
	n.covered += o.covered
	n.need += o.need
	n.coveredEUR += o.coveredEUR
	for _, r := range o.critical {
		n.keepCritical(r)
	}
	n.criticalN += o.criticalN
	for p, c := range o.priorities {
		mine := n.priorities[p]
		mine.Count += c.Count
		mine.Need += c.Need
		mine.Covered += c.Covered
	}
	for i := range o.regions {
		n.regions[i].Count += o.regions[i].Count
		n.regions[i].Need += o.regions[i].Need
		n.regions[i].Covered += o.regions[i].Covered
	}
}

// setOn sets the dashboard's figures of the needs.
func (n *needFigures) setOn(out *Dashboard) {
	out.Label = policy.Stricter(out.Label, n.label)
	out.ValidatedCount, out.CoveredCount = n.validated, n.covered
	out.NeedEURMinor, out.CoveredEURMinor = n.need, n.coveredEUR
	if n.need > 0 {
		out.CoveredPermille = int(n.coveredEUR * 1000 / n.need)
	}
	for _, st := range model.RequirementStatuses {
		if c := n.statuses[st]; c > 0 {
			out.ByStatus = append(out.ByStatus, Row{Key: string(st), Label: string(st), Count: c})
		}
	}
	out.CriticalOpen = slices.Clone(n.critical)
	out.CriticalOpenCount = n.criticalN
}

// MaxCriticalOpen is how many critical needs the dashboard lists: a
// mechanism at scale has thousands, and the list names the longest
// waiting, the rest being a filter of the requirements' list away.
const MaxCriticalOpen = 20

// addCritical counts r and keeps it if it is among the MaxCriticalOpen
// that have waited longest since validation. The folds meet the
// requirements in different orders, so ties go by id.
func (n *needFigures) addCritical(r requirements.View) {
	n.criticalN++
	n.keepCritical(r)
}

// keepCritical keeps r if it is among the MaxCriticalOpen that have waited
// longest, without counting it.
func (n *needFigures) keepCritical(r requirements.View) {
	i, _ := slices.BinarySearchFunc(n.critical, r, waitingLonger)
	if i >= MaxCriticalOpen {
		return
	}
	// What the dashboard lists of a need: the pledges behind its figures
	// are not part of it.
	r.Pledges = nil
	if len(n.critical) == MaxCriticalOpen {
		n.critical = n.critical[:MaxCriticalOpen-1]
	}
	n.critical = slices.Insert(n.critical, i, r)
}

func waitingLonger(a, b requirements.View) int {
	return cmp.Or(waitingSince(a).Compare(waitingSince(b)), strings.Compare(a.ID, b.ID))
}

// priorityCoverage is the validated need of each priority and the part of
// it that pledges cover.
func (n *needFigures) priorityCoverage() []PriorityCoverage {
	out := make([]PriorityCoverage, 0, len(model.Priorities))
	for _, p := range model.Priorities {
		out = append(out, *n.priorities[p])
	}
	return out
}

// RegionFigures is the validated need of one region and the part of it
// that pledges cover, over the open validated requirements the viewer may
// see that name the region. Needs that name no region are in no row.
type RegionFigures struct {
	Code    string `json:"code"` // ISO 3166-2:UA
	Count   int    `json:"count"`
	Need    int64  `json:"need_eur_minor"`
	Covered int64  `json:"covered_eur_minor"`
}

// regionFigures is the need of every region, over the open validated
// requirements that name it.
func (n *needFigures) regionFigures() []RegionFigures {
	return slices.Clone(n.regions)
}

func waitingSince(r requirements.View) time.Time {
	if r.ValidatedAt != nil {
		return *r.ValidatedAt
	}
	return r.CreatedAt
}
