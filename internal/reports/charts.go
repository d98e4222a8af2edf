package reports

import (
	"context"
	"slices"
	"strings"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// MonthPoint is the euros pledged up to the end of a month, mechanism and
// bilateral apart.
type MonthPoint struct {
	Month     string `json:"month"` // YYYY-MM
	Mechanism int64  `json:"mechanism_eur_minor"`
	Bilateral int64  `json:"bilateral_eur_minor"`
}

// PriorityCoverage is how much of the validated need of one priority the
// pledges cover, capped per need as on the dashboard's headline figure.
type PriorityCoverage struct {
	Priority model.Priority `json:"priority"`
	Count    int            `json:"count"`
	Need     int64          `json:"need_eur_minor"`
	Covered  int64          `json:"covered_eur_minor"`
}

// LeadTime is the way one received pledge took, in whole days: from the
// requirement's validation to its first pledge, and from that to receipt.
type LeadTime struct {
	RequirementID string `json:"requirement_id"`
	Ref           string `json:"ref"`
	Title         string `json:"title"`
	ToFirstPledge int    `json:"to_first_pledge_days"`
	ToReceipt     int    `json:"to_receipt_days"`
}

// Charts are the dashboard's series, all over what the viewer may see.
type Charts struct {
	Cumulative []MonthPoint       `json:"cumulative"`
	ByDonor    []Row              `json:"by_donor"`
	ByLine     []Row              `json:"by_line"`
	BySector   []Row              `json:"by_sector"`
	ByCategory []Row              `json:"by_category"`
	Coverage   []PriorityCoverage `json:"coverage"`
	LeadTimes  []LeadTime         `json:"lead_times"`
}

// MaxLeadTimes keeps the lead-time chart readable: the latest receipts.
const MaxLeadTimes = 20

// Charts computes the dashboard's series for v.
func (s *Service) Charts(ctx context.Context, v policy.Viewer) (Charts, error) {
	d, err := s.load(ctx, v)
	if err != nil {
		return Charts{}, err
	}
	mech, _ := split(d.pledges)
	out := Charts{
		Cumulative: cumulative(d.pledges),
		ByDonor:    group(mech, d.keyFunc("donor")),
		ByLine:     group(mech, d.keyFunc("line")),
		BySector:   group(d.pledges, placeKey("sector")),
		ByCategory: group(d.pledges, placeKey("category")),
	}
	byPriority := map[model.Priority]*PriorityCoverage{}
	for _, p := range model.Priorities {
		byPriority[p] = &PriorityCoverage{Priority: p}
	}
	for _, r := range d.reqs {
		if !r.Status.Validated() || r.Status == model.ReqClosed {
			continue
		}
		c := byPriority[r.Priority]
		if c == nil {
			continue
		}
		c.Count++
		c.Need += r.EstimatedEURMinor
		c.Covered += min(r.PledgedEURMinor, r.EstimatedEURMinor)
	}
	for _, p := range model.Priorities {
		out.Coverage = append(out.Coverage, *byPriority[p])
	}
	if out.LeadTimes, err = s.leadTimes(ctx, d); err != nil {
		return Charts{}, err
	}
	return out, nil
}

// placeKey groups mechanism pledges and bilateral reports together by
// where the help goes, which every pledge carries: the sector and category
// figures are about needs served, whichever way the help came.
func placeKey(by string) func(model.Pledge) (string, string) {
	return func(p model.Pledge) (string, string) {
		k := string(p.Sector)
		if by == "category" {
			k = string(p.Category)
		}
		if k == "" {
			k = "none"
		}
		return k, k
	}
}

func cumulative(pl []model.Pledge) []MonthPoint {
	months := map[string]*MonthPoint{}
	for _, p := range pl {
		if !p.Status.Counts() || p.PledgeDate.IsZero() {
			continue
		}
		m := p.PledgeDate.String()[:7]
		mp := months[m]
		if mp == nil {
			mp = &MonthPoint{Month: m}
			months[m] = mp
		}
		if p.Channel == model.ChannelBilateral {
			mp.Bilateral += p.EURMinor
		} else {
			mp.Mechanism += p.EURMinor
		}
	}
	out := make([]MonthPoint, 0, len(months))
	for _, mp := range months {
		out = append(out, *mp)
	}
	slices.SortFunc(out, func(a, b MonthPoint) int { return strings.Compare(a.Month, b.Month) })
	for i := 1; i < len(out); i++ {
		out[i].Mechanism += out[i-1].Mechanism
		out[i].Bilateral += out[i-1].Bilateral
	}
	return out
}

// leadTimes reads the receipts that confirmed a pledge v may see on a
// requirement v may see, latest first.
func (s *Service) leadTimes(ctx context.Context, d data) ([]LeadTime, error) {
	receipts, err := s.store.Receipts(ctx, "")
	if err != nil {
		return nil, err
	}
	visible := map[string]bool{}
	for _, p := range d.pledges {
		visible[p.ID] = true
	}
	var out []LeadTime
	for i := len(receipts) - 1; i >= 0 && len(out) < MaxLeadTimes; i-- {
		rc := receipts[i]
		if rc.Outcome != model.ReceiptReceived || !visible[rc.PledgeID] || rc.FirstPledgeAt == nil {
			continue
		}
		r, ok := d.byID[rc.RequirementID]
		if !ok {
			continue
		}
		out = append(out, LeadTime{
			RequirementID: r.ID, Ref: r.Ref, Title: r.Title,
			ToFirstPledge: max(model.LeadDays(rc.ValidatedAt, *rc.FirstPledgeAt), 0),
			ToReceipt:     max(model.LeadDays(rc.FirstPledgeAt, rc.At), 0),
		})
	}
	return out, nil
}
