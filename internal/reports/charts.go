package reports

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/requirements"
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

// LeadTime is the way one requirement's help took, in whole days: from its
// validation to its first pledge, and from that pledge to the latest receipt
// its beneficiary confirmed. Both ends are read from the pledges and
// receipts the viewer may see, so that a hidden pledge moves no figure.
type LeadTime struct {
	RequirementID string    `json:"requirement_id"`
	Ref           string    `json:"ref"`
	Title         string    `json:"title"`
	ToFirstPledge int       `json:"to_first_pledge_days"`
	ToReceipt     int       `json:"to_receipt_days"`
	ReceivedAt    time.Time `json:"received_at"`
}

// Charts are the dashboard's series, all over what the viewer may see.
// Every series counts one Measure, named in Measures by the series' JSON
// name, and adds up to the headline figure of that measure in Totals.
type Charts struct {
	Cumulative          []MonthPoint       `json:"cumulative"`
	ByDonor             []Row              `json:"by_donor"`
	ByLine              []Row              `json:"by_line"`
	BySector            []Row              `json:"by_sector"`
	ByCategory          []Row              `json:"by_category"`
	BilateralBySector   []Row              `json:"bilateral_by_sector"`
	BilateralByCategory []Row              `json:"bilateral_by_category"`
	Coverage            []PriorityCoverage `json:"coverage"`
	LeadTimes           []LeadTime         `json:"lead_times"`
	Regions             []RegionFigures    `json:"regions"`
	Measures            map[string]Measure `json:"measures"`
	Totals              map[Measure]int64  `json:"totals"`
}

// MaxLeadTimes keeps the lead-time chart readable: the latest receipts.
const MaxLeadTimes = 20

// Charts computes the dashboard's series for v: the pledges' series from
// the maintained totals (sums.go), the needs' from the requirements v may
// see and the pledges it sees on them.
func (s *Service) Charts(ctx context.Context, v policy.Viewer) (Charts, error) {
	c, err := keep(ctx, s, "charts", v, func(ctx context.Context) (Charts, error) { return s.chartsFor(ctx, v) })
	return c.clone(), err
}

func (s *Service) chartsFor(ctx context.Context, v policy.Viewer) (Charts, error) {
	in, err := s.read(ctx, v, chartDims...)
	if err != nil {
		return Charts{}, err
	}
	return s.charts(ctx, in)
}

var chartDims = []string{"donor", "line", "month", "place_sector", "place_category"}

func (s *Service) charts(ctx context.Context, in inputs) (Charts, error) {
	f, names := in.f, in.names
	var err error
	out := Charts{Cumulative: cumulativeOf(f["month"]), Regions: in.needs.regionFigures(), Measures: chartMeasures}
	out.ByDonor, _ = f["donor"].rows(names)
	out.ByLine, _ = f["line"].rows(nil)
	out.BySector, out.BilateralBySector = f["place_sector"].rows(nil)
	out.ByCategory, out.BilateralByCategory = f["place_category"].rows(nil)
	out.Coverage = in.needs.priorityCoverage()
	if out.LeadTimes, err = s.leadTimesSeen(ctx, in.v); err != nil {
		return Charts{}, err
	}
	var head Dashboard
	pledgeTotals(&head, f["donor"])
	in.needs.setOn(&head)
	out.Totals = head.totals()
	return out, nil
}

// ChartsFromRecords is Charts computed from every record v may see: the
// reference the maintained series are checked against.
func (s *Service) ChartsFromRecords(ctx context.Context, v policy.Viewer) (Charts, error) {
	d, err := s.load(ctx, v)
	if err != nil {
		return Charts{}, err
	}
	mech, bil := split(d.pledges)
	needs := needsOf(d.reqs)
	out := Charts{
		Cumulative:          cumulative(d.pledges),
		ByDonor:             group(mech, d.keyFunc("donor")),
		ByLine:              group(mech, d.keyFunc("line")),
		BySector:            group(mech, placeKey("sector")),
		ByCategory:          group(mech, placeKey("category")),
		BilateralBySector:   group(bil, placeKey("sector")),
		BilateralByCategory: group(bil, placeKey("category")),
		Regions:             needs.regionFigures(),
		Measures:            chartMeasures,
	}
	out.Coverage = needs.priorityCoverage()
	if out.LeadTimes, err = s.leadTimes(ctx, d); err != nil {
		return Charts{}, err
	}
	out.Totals = dashboard(d).totals()
	return out, nil
}

// cumulativeOf is cumulative read from the totals by month: a month has a
// point when a pledge of it still stands.
func cumulativeOf(t sumTable) []MonthPoint {
	months := map[string]*MonthPoint{}
	for k, sum := range t {
		if sum.N == 0 || k.key == "" {
			continue
		}
		mp := months[k.key]
		if mp == nil {
			mp = &MonthPoint{Month: k.key}
			months[k.key] = mp
		}
		if k.channel == string(model.ChannelBilateral) {
			mp.Bilateral += sum.EUR
		} else {
			mp.Mechanism += sum.EUR
		}
	}
	return accumulate(months)
}

// placeKey groups pledges by where the help goes, which every pledge
// carries, a bilateral report included. Mechanism pledges and bilateral
// reports are grouped apart, each adding up to its own headline.
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
	return accumulate(months)
}

func accumulate(months map[string]*MonthPoint) []MonthPoint {
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

// leadTimesSeen is leadTimes over the requirements v may see that carry a
// confirmed receipt, each with the pledges v sees on it: no other
// requirement has a lead time, so no other is read.
func (s *Service) leadTimesSeen(ctx context.Context, v policy.Viewer) ([]LeadTime, error) {
	receipts, err := s.store.Receipts(ctx, "")
	if err != nil {
		return nil, err
	}
	var pledgeIDs []string
	for _, rc := range receipts {
		if rc.Outcome == model.ReceiptReceived {
			pledgeIDs = append(pledgeIDs, rc.PledgeID)
		}
	}
	if len(pledgeIDs) == 0 {
		return []LeadTime{}, nil
	}
	received, err := s.store.PledgesByID(ctx, pledgeIDs)
	if err != nil {
		return nil, err
	}
	var reqIDs []string
	for _, p := range received {
		if p.RequirementID != "" {
			reqIDs = append(reqIDs, p.RequirementID)
		}
	}
	reqs, err := s.requirements.Those(ctx, v, reqIDs)
	if err != nil {
		return nil, err
	}
	d := data{byID: make(map[string]requirements.View, len(reqs))}
	for _, r := range reqs {
		d.byID[r.ID] = r
		d.pledges = append(d.pledges, r.Pledges...)
	}
	return s.leadTimes(ctx, d)
}

// leadTimes answers one entry per requirement whose help the beneficiary
// confirmed, latest receipt first. The first pledge and the receipts are
// those v may see; a receipt's own copy of the first pledge's time is not
// used, as it may be a pledge v may not see.
func (s *Service) leadTimes(ctx context.Context, d data) ([]LeadTime, error) {
	receipts, err := s.store.Receipts(ctx, "")
	if err != nil {
		return nil, err
	}
	pledgeReq := map[string]string{}
	firstPledge := map[string]time.Time{}
	for _, p := range d.pledges {
		if p.RequirementID == "" || p.Channel == model.ChannelBilateral || !p.Status.Counts() {
			continue
		}
		pledgeReq[p.ID] = p.RequirementID
		if f, ok := firstPledge[p.RequirementID]; !ok || p.CreatedAt.Before(f) {
			firstPledge[p.RequirementID] = p.CreatedAt
		}
	}
	lastReceipt := map[string]time.Time{}
	for _, rc := range receipts {
		reqID, ok := pledgeReq[rc.PledgeID]
		if !ok || rc.Outcome != model.ReceiptReceived {
			continue
		}
		if rc.At.After(lastReceipt[reqID]) {
			lastReceipt[reqID] = rc.At
		}
	}
	out := make([]LeadTime, 0, len(lastReceipt))
	for reqID, at := range lastReceipt {
		r, ok := d.byID[reqID]
		if !ok || r.ValidatedAt == nil {
			continue
		}
		first := firstPledge[reqID]
		out = append(out, LeadTime{
			RequirementID: r.ID, Ref: r.Ref, Title: r.Title, ReceivedAt: at,
			ToFirstPledge: max(model.LeadDays(r.ValidatedAt, first), 0),
			ToReceipt:     max(model.LeadDays(&first, at), 0),
		})
	}
	slices.SortFunc(out, func(a, b LeadTime) int {
		if c := b.ReceivedAt.Compare(a.ReceivedAt); c != 0 {
			return c
		}
		return strings.Compare(a.Ref, b.Ref)
	})
	if len(out) > MaxLeadTimes {
		out = out[:MaxLeadTimes]
	}
	return out, nil
}
