package coordination

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Alert is one deconfliction finding, built only from records the viewer
// may see, with links to them.
type Alert struct {
	Key  string          `json:"key"`
	Kind model.AlertKind `json:"kind"`
	// Requirement is the need concerned, when there is one.
	RequirementID string         `json:"requirement_id,omitempty"`
	Ref           string         `json:"requirement_ref,omitempty"`
	Title         string         `json:"requirement_title,omitempty"`
	Priority      model.Priority `json:"priority,omitempty"`
	PledgeIDs     []string       `json:"pledge_ids"`
	DonorOrgIDs   []string       `json:"donor_org_ids"`
	// EURMinor: the excess (over-coverage), the remaining need (gap), the
	// pledged amounts concerned (duplicates, stale pledges).
	EURMinor     int64                  `json:"eur_minor"`
	DaysWaiting  int                    `json:"days_waiting"`
	Acknowledged *model.Acknowledgement `json:"acknowledged,omitempty"`
}

// AlertFilter selects alerts; empty fields match all.
type AlertFilter struct {
	Kind model.AlertKind
	// Open: only alerts nobody has acknowledged.
	Open bool
}

func daysBetween(from, to model.Date) int {
	if from.IsZero() || to.Before(from) {
		return 0
	}
	return from.DaysUntil(to)
}

// period is when a pledge's help is given: a bilateral report says so; a
// mechanism pledge runs from its date to its requirement's needed-by date.
type period struct{ start, end model.Date }

func (p period) overlaps(o period) bool {
	// A missing bound is open.
	if !p.end.IsZero() && !o.start.IsZero() && p.end.Before(o.start) {
		return false
	}
	if !o.end.IsZero() && !p.start.IsZero() && o.end.Before(p.start) {
		return false
	}
	return true
}

// Alerts lists the deconfliction findings over the records v may see.
func (s *Service) Alerts(ctx context.Context, v policy.Viewer, f AlertFilter) ([]Alert, error) {
	return s.alerts(ctx, v, f, func(ctx context.Context, today model.Date) (*findingsList, error) {
		return s.keptFindings(ctx, v, today)
	})
}

// AlertsPage is one page of what Alerts lists: up to limit alerts after the
// one whose key is after ("" from the first), and the key to ask the next
// page after ("" at the end). A key that is not in the list is a bad
// cursor. Only the page is copied out of the list kept between requests.
func (s *Service) AlertsPage(ctx context.Context, v policy.Viewer, f AlertFilter, after string, limit int) ([]Alert, string, error) {
	if limit <= 0 || limit > model.MaxPage {
		limit = model.MaxPage
	}
	w, err := s.window(ctx, v, f, after, limit, false)
	if err != nil {
		return nil, "", err
	}
	if after != "" && !w.found {
		return nil, "", model.BadCursor()
	}
	return w.Alerts, w.Next, nil
}

// AlertWindow is a page of the alerts a filter selects, as the board shows
// them: From is the position of its first alert in the whole list (from
// 0), Total the list's length, Next the key to ask the next page after (""
// at the end).
type AlertWindow struct {
	Alerts      []Alert
	From, Total int
	Next        string
	// found: the alert asked to start after is in the list.
	found bool
}

// AlertsWindow is up to limit of the alerts f selects, after the one whose
// key is after, or from the first when there is none such (it has gone
// since: resolved, or no longer open). At 100,000 requirements a viewer's
// findings are tens of thousands of alerts, kept between requests: only
// the page is copied out of them.
func (s *Service) AlertsWindow(ctx context.Context, v policy.Viewer, f AlertFilter, after string, limit int) (AlertWindow, error) {
	w, err := s.window(ctx, v, f, after, limit, true)
	if err != nil || after == "" || w.found {
		return w, err
	}
	return s.window(ctx, v, f, "", limit, true)
}

// window is AlertsWindow's page; without total it stops at the page's end,
// leaving Total short.
func (s *Service) window(ctx context.Context, v policy.Viewer, f AlertFilter, after string, limit int, total bool) (AlertWindow, error) {
	if err := checkAlertRead(v, f); err != nil {
		return AlertWindow{}, err
	}
	found, err := s.keptFindings(ctx, v, model.DateOf(s.now()))
	if err != nil {
		return AlertWindow{}, err
	}
	acks, err := s.store.Acknowledgements(ctx)
	if err != nil {
		return AlertWindow{}, err
	}
	w := AlertWindow{Alerts: []Alert{}, found: after == ""}
	var key []byte
	for i := range found.Len() {
		// The keys are read only where they are needed, and once: at a
		// million pledges the list holds hundreds of thousands of alerts,
		// and a key is rebuilt from the ids it names (findingsList).
		if f.Kind != "" && found.kind(i) != f.Kind {
			continue
		}
		read := false
		if f.Open && len(acks) > 0 {
			key, read = found.key(key[:0], i), true
			if _, acked := acks[string(key)]; acked {
				continue
			}
		}
		w.Total++
		switch {
		case !w.found:
			if !read {
				key = found.key(key[:0], i)
			}
			if string(key) == after {
				w.found, w.From = true, w.Total
			}
		case len(w.Alerts) < limit:
			a := found.alert(i)
			if ack, ok := acks[a.Key]; ok {
				a.Acknowledged = &ack
			}
			w.Alerts = append(w.Alerts, a)
		case w.Next == "":
			w.Next = w.Alerts[limit-1].Key
			if !total {
				return w, nil
			}
			if f == (AlertFilter{}) {
				// Every alert counts: the total is the list's length.
				w.Total = found.Len()
				return w, nil
			}
		}
	}
	return w, nil
}

// seenNow are the alerts of keys as v sees them now, with their
// acknowledgements; a key v sees no alert of is not found. Only those
// alerts are copied out of the findings kept between requests.
func (s *Service) seenNow(ctx context.Context, v policy.Viewer, keys []string) ([]Alert, error) {
	if err := checkAlertRead(v, AlertFilter{}); err != nil {
		return nil, err
	}
	found, err := s.keptFindings(ctx, v, model.DateOf(s.now()))
	if err != nil {
		return nil, err
	}
	acks, err := s.store.Acknowledgements(ctx)
	if err != nil {
		return nil, err
	}
	at := make(map[string]int, len(keys))
	for i, k := range keys {
		at[k] = i
	}
	out := make([]Alert, len(keys))
	seen := 0
	var key []byte
	for j := range found.Len() {
		key = found.key(key[:0], j)
		i, ok := at[string(key)]
		if !ok {
			continue
		}
		a := found.alert(j)
		if ack, ok := acks[a.Key]; ok {
			a.Acknowledged = &ack
		}
		out[i] = a
		seen++
	}
	if seen < len(keys) {
		return nil, model.ErrNotFound
	}
	return out, nil
}

func checkAlertRead(v policy.Viewer, f AlertFilter) error {
	if err := policy.Require(v, policy.DeconflictionRead); err != nil {
		return err
	}
	if f.Kind != "" && !f.Kind.Valid() {
		return model.Invalid("kind", "%q is not an alert kind; use one of %v", f.Kind, model.AlertKinds)
	}
	return nil
}

// alerts lists the findings found lists, ranked, with their
// acknowledgements, as f selects them. found's list is shared: it is
// copied, never changed.
func (s *Service) alerts(ctx context.Context, v policy.Viewer, f AlertFilter, found func(context.Context, model.Date) (*findingsList, error)) ([]Alert, error) {
	if err := checkAlertRead(v, f); err != nil {
		return nil, err
	}
	all, err := found(ctx, model.DateOf(s.now()))
	if err != nil {
		return nil, err
	}
	acks, err := s.store.Acknowledgements(ctx)
	if err != nil {
		return nil, err
	}
	var kept []Alert
	if all.Len() > 0 {
		kept = make([]Alert, 0, all.Len())
	}
	for i := range all.Len() {
		a := all.alert(i)
		if ack, ok := acks[a.Key]; ok {
			a.Acknowledged = &ack
		}
		if (f.Kind == "" || a.Kind == f.Kind) && (!f.Open || a.Acknowledged == nil) {
			kept = append(kept, a)
		}
	}
	return kept, nil
}

// ownProposed are the mechanism pledges still proposed of v's
// organisation, their ids by requirement: stale ones on a requirement v
// does not see are findings. The policy shows a pledge on a requirement
// hidden from v only to its donor's organisation, so they are looked for
// among v's organisation's alone; the reading strikes off the
// requirements v sees, and proposedOffRequirements asks the policy about
// the rest.
func (s *Service) ownProposed(ctx context.Context, v policy.Viewer) (map[string][]string, error) {
	own := map[string][]string{}
	if v.Org.ID == "" {
		return own, nil
	}
	// By donor alone: SQLite, without statistics, would otherwise read the
	// pledges by channel, nearly all of them. Read a batch at a time: an
	// organisation may have pledged a tenth of a million pledges.
	err := s.store.EachPledge(ctx, model.PledgeFilter{DonorOrgID: v.Org.ID}, func(p model.Pledge) error {
		if p.Channel == model.ChannelMechanism && p.Status == model.PledgeProposed {
			own[p.RequirementID] = append(own[p.RequirementID], p.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return detached(own), nil
}

// detached is a copy of ids, made after the reading: the map is kept with
// the findings, and the strings the rows were read into each lie in a span
// of the collector's among the rows' other strings, so that a few thousand
// of them kept those spans from being freed (12 MB at a million pledges).
// Copied together after the reading, the copies fill spans of their own.
func detached(ids map[string][]string) map[string][]string {
	n := 0
	for _, some := range ids {
		n += len(some)
	}
	all := make([]string, 0, n)
	out := make(map[string][]string, len(ids))
	for req, some := range ids {
		at := len(all)
		for _, id := range some {
			all = append(all, strings.Clone(id))
		}
		// Capped, so that an append to one requirement's ids copies them
		// rather than writing over the next one's.
		out[strings.Clone(req)] = all[at:len(all):len(all)]
	}
	return out
}

// proposedOffRequirements are the pledges of ownProposed left on
// requirements v does not see, those of them v sees, newest first.
func (s *Service) proposedOffRequirements(ctx context.Context, v policy.Viewer, left map[string][]string) ([]model.Pledge, error) {
	var ids []string
	for _, some := range left {
		ids = append(ids, some...)
	}
	slices.Sort(ids)
	slices.Reverse(ids)
	var out []model.Pledge
	for _, id := range ids {
		view, err := s.pledges.Get(ctx, v, id)
		if errors.Is(err, model.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, view)
	}
	return out, nil
}

// alerts collects findings; every list in an alert is non-nil, so that
// JSON shows an empty list rather than null.
type alerts []Alert

func (out *alerts) add(a Alert) {
	if a.PledgeIDs == nil {
		a.PledgeIDs = []string{}
	}
	if a.DonorOrgIDs == nil {
		a.DonorOrgIDs = []string{}
	}
	*out = append(*out, a)
}

func onReq(a Alert, r requirements.View) Alert {
	a.RequirementID, a.Ref, a.Title, a.Priority = r.ID, r.Ref, r.Title, r.Priority
	return a
}

// onRequirement adds the findings about one requirement: over-coverage,
// duplicate pledges of one donor, mechanism and bilateral help together,
// a gap, and its stale pledges. Its figures count only the pledges v may
// see.
func (out *alerts) onRequirement(r requirements.View, reports offRequirementReports, today model.Date, staleAfterDays int) {
	// Pointers into r.Pledges: a pledge is 568 bytes, and copying each into
	// these lists, then into duplicates' by donor, allocated 2 GB in the
	// first reading at a million pledges.
	var mech, bilat []*model.Pledge
	for i := range r.Pledges {
		p := &r.Pledges[i]
		if !p.Status.Counts() {
			continue
		}
		if p.Channel == model.ChannelBilateral {
			bilat = append(bilat, p)
		} else {
			mech = append(mech, p)
		}
	}
	out.overCoverage(r, mech)
	out.duplicates(r, mech)
	out.passThroughOverlap(r, mech)
	out.suspended(r, today)
	out.bilateralOnRequirement(r, mech, bilat)
	out.bilateralOffRequirement(r, mech, reports)
	out.gap(r, today)
	for i := range r.Pledges {
		if days, ok := stale(&r.Pledges[i], today, staleAfterDays); ok {
			out.add(onReq(staleAlert(&r.Pledges[i], days), r))
		}
	}
}

func (out *alerts) overCoverage(r requirements.View, mech []*model.Pledge) {
	if r.PledgedEURMinor <= r.EstimatedEURMinor || !r.Status.Validated() {
		return
	}
	a := onReq(Alert{Key: "over_coverage:" + r.ID, Kind: model.AlertOverCoverage, EURMinor: r.PledgedEURMinor - r.EstimatedEURMinor}, r)
	for _, p := range mech {
		a.PledgeIDs = append(a.PledgeIDs, p.ID)
		a.DonorOrgIDs = appendNew(a.DonorOrgIDs, p.DonorOrgID)
	}
	out.add(a)
}

// duplicates: one donor with several pledges on one requirement.
func (out *alerts) duplicates(r requirements.View, mech []*model.Pledge) {
	byDonor := map[string][]*model.Pledge{}
	for _, p := range mech {
		byDonor[p.DonorOrgID] = append(byDonor[p.DonorOrgID], p)
	}
	for donor, ps := range byDonor {
		if len(ps) < 2 {
			continue
		}
		a := onReq(Alert{Key: "duplicate:" + r.ID + ":" + donor, Kind: model.AlertDuplicate, DonorOrgIDs: []string{donor}}, r)
		for _, p := range ps {
			a.PledgeIDs = append(a.PledgeIDs, p.ID)
			a.EURMinor += p.EURMinor
		}
		out.add(a)
	}
}

// suspended: a pledge suspended on a requirement; the gap it leaves is
// open again (and listed as a gap too).
func (out *alerts) suspended(r requirements.View, today model.Date) {
	for _, p := range r.Pledges {
		if p.Status != model.PledgeSuspended {
			continue
		}
		out.add(onReq(Alert{Key: "suspended:" + r.ID + ":" + p.ID, Kind: model.AlertSuspended, PledgeIDs: []string{p.ID}, DonorOrgIDs: []string{p.DonorOrgID},
			EURMinor: p.EURMinor, DaysWaiting: daysBetween(p.SuspendedOn, today)}, r))
	}
}

// passThroughOverlap: a funder's own pledge and a pass-through pledge it
// funds, on the same requirement: perhaps one grant reported twice. The
// pass-through pledges are grouped by funder first, so that each own pledge
// meets only those it funds rather than every pledge on the requirement.
func (out *alerts) passThroughOverlap(r requirements.View, mech []*model.Pledge) {
	var byFunder map[string][]*model.Pledge
	for _, p := range mech {
		if p.PassThrough() {
			if byFunder == nil {
				byFunder = map[string][]*model.Pledge{}
			}
			byFunder[p.FunderOrgID] = append(byFunder[p.FunderOrgID], p)
		}
	}
	if byFunder == nil {
		return
	}
	for _, own := range mech {
		if own.PassThrough() {
			continue
		}
		through := byFunder[own.DonorOrgID]
		if len(through) == 0 {
			continue
		}
		// The key names every pledge the alert reveals, so that its
		// acknowledgement is read only by who sees them all.
		a := onReq(Alert{Key: "pass_through_overlap:" + r.ID + ":" + own.ID, Kind: model.AlertPassThroughOverlap, PledgeIDs: []string{own.ID},
			DonorOrgIDs: []string{own.DonorOrgID}, EURMinor: own.EURMinor}, r)
		for _, p := range through {
			a.Key += ":" + p.ID
			a.PledgeIDs = append(a.PledgeIDs, p.ID)
			a.DonorOrgIDs = appendNew(a.DonorOrgIDs, p.DonorOrgID)
			a.EURMinor += p.EURMinor
		}
		out.add(a)
	}
}

// bilateralOnRequirement: help through the mechanism and bilaterally on
// the same requirement.
func (out *alerts) bilateralOnRequirement(r requirements.View, mech, bilat []*model.Pledge) {
	if len(mech) == 0 || len(bilat) == 0 {
		return
	}
	a := onReq(Alert{Key: "bilateral:" + r.ID, Kind: model.AlertBilateral}, r)
	for _, p := range append(slices.Clone(mech), bilat...) {
		a.PledgeIDs = append(a.PledgeIDs, p.ID)
		a.DonorOrgIDs = appendNew(a.DonorOrgIDs, p.DonorOrgID)
		a.EURMinor += p.EURMinor
	}
	out.add(a)
}

// gap: a requirement open to pledges and not yet covered.
func (out *alerts) gap(r requirements.View, today model.Date) {
	if !r.Status.OpenToPledges() || r.PledgedEURMinor >= r.EstimatedEURMinor {
		return
	}
	since := model.DateOf(r.CreatedAt)
	if r.ValidatedAt != nil {
		since = model.DateOf(*r.ValidatedAt)
	}
	out.add(onReq(Alert{Key: "gap:" + r.ID, Kind: model.AlertGap, EURMinor: r.EstimatedEURMinor - r.PledgedEURMinor, DaysWaiting: daysBetween(since, today)}, r))
}

// helpKey is what a bilateral report and a mechanism pledge must share to
// be help of the same kind to the same beneficiary.
type helpKey struct {
	beneficiary string
	category    model.Category
}

// offRequirementReports are the bilateral reports on no requirement that
// count, by beneficiary and category, each list sorted by the start of its
// period (reports without a start first), so that the reports that may
// overlap a requirement's pledges are a prefix.
type offRequirementReports map[helpKey][]model.Pledge

func reportsByHelp(bilat []model.Pledge) offRequirementReports {
	out := offRequirementReports{}
	for _, b := range bilat {
		if b.Channel == model.ChannelBilateral && b.RequirementID == "" && b.Status.Counts() {
			k := helpKey{b.BeneficiaryOrgID, b.Category}
			out[k] = append(out[k], b)
		}
	}
	for _, reports := range out {
		slices.SortStableFunc(reports, func(a, b model.Pledge) int {
			switch {
			case a.PeriodStart.Before(b.PeriodStart):
				return -1
			case b.PeriodStart.Before(a.PeriodStart):
				return 1
			}
			return 0
		})
	}
	return out
}

// bilateralOffRequirement: a bilateral report on no requirement duplicates
// the mechanism pledges on the same beneficiary and category in an
// overlapping period; one alert per report and requirement. A mechanism
// pledge's period runs from its date to its requirement's needed-by date,
// so a report that starts after that date overlaps none of r's pledges.
// mech lists the pledges in the order the alert names them.
func (out *alerts) bilateralOffRequirement(r requirements.View, mech []*model.Pledge, reports offRequirementReports) {
	if len(reports) == 0 {
		return
	}
	var keys []helpKey
	for _, m := range mech {
		k := helpKey{m.BeneficiaryOrgID, m.Category}
		if m.Channel == model.ChannelMechanism && len(reports[k]) > 0 && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		some := reports[k]
		if !r.NeededBy.IsZero() {
			// The reports that start on or before the needed-by date.
			n, _ := slices.BinarySearchFunc(some, r.NeededBy, func(b model.Pledge, end model.Date) int {
				if end.Before(b.PeriodStart) {
					return 1
				}
				return -1
			})
			some = some[:n]
		}
		for i := range some {
			b := &some[i]
			reported := period{b.PeriodStart, b.PeriodEnd}
			var a Alert
			for _, m := range mech {
				if m.Channel != model.ChannelMechanism || (helpKey{m.BeneficiaryOrgID, m.Category}) != k ||
					!reported.overlaps(period{m.PledgeDate, r.NeededBy}) {
					continue
				}
				if a.Key == "" {
					a = onReq(Alert{Key: "bilateral:" + b.ID + ":" + r.ID, Kind: model.AlertBilateral, PledgeIDs: []string{b.ID},
						DonorOrgIDs: []string{b.DonorOrgID}, EURMinor: b.EURMinor}, r)
				}
				a.PledgeIDs = append(a.PledgeIDs, m.ID)
				a.DonorOrgIDs = appendNew(a.DonorOrgIDs, m.DonorOrgID)
				a.EURMinor += m.EURMinor
			}
			if a.Key != "" {
				out.add(a)
			}
		}
	}
}

// stale tells whether p is a mechanism pledge proposed long ago and still
// unanswered, and for how many days.
func stale(p *model.Pledge, today model.Date, staleAfterDays int) (days int, ok bool) {
	if p.Status != model.PledgeProposed || p.Channel != model.ChannelMechanism {
		return 0, false
	}
	days = daysBetween(model.DateOf(p.CreatedAt), today)
	return days, days >= staleAfterDays
}

// stalePledges: mechanism pledges proposed long ago and still unanswered,
// of off, the pledges v sees on requirements v does not see; onRequirement
// finds the others.
func (out *alerts) stalePledges(off []model.Pledge, today model.Date, staleAfterDays int) {
	for i := range off {
		if days, ok := stale(&off[i], today, staleAfterDays); ok {
			out.add(staleAlert(&off[i], days))
		}
	}
}

func staleAlert(p *model.Pledge, days int) Alert {
	return Alert{Key: "stale:" + p.ID, Kind: model.AlertStalePledge, PledgeIDs: []string{p.ID}, DonorOrgIDs: []string{p.DonorOrgID}, EURMinor: p.EURMinor, DaysWaiting: days}
}

// kindsInOrder ranks the kinds of alert, gaps first.
var kindsInOrder = []model.AlertKind{model.AlertGap, model.AlertOverCoverage, model.AlertDuplicate, model.AlertBilateral, model.AlertStalePledge,
	model.AlertSuspended, model.AlertPassThroughOverlap}

// alertOrder: by kind, then by priority (critical first), then the longest
// waiting, then by key, so that gaps read as a ranked list.
func alertOrder(a, b Alert) int {
	if c := rankingOf(a).compare(rankingOf(b)); c != 0 {
		return c
	}
	return strings.Compare(a.Key, b.Key)
}

// ranking is what alertOrder reads of an alert before its key.
type ranking struct {
	order uint8 // its kind's place in kindsInOrder
	rank  uint8 // rankOf its priority
	days  int32
}

func rankingOf(a Alert) ranking {
	return ranking{order: uint8(slices.Index(kindsInOrder, a.Kind)), rank: uint8(rankOf(a.Priority)), days: int32(a.DaysWaiting)}
}

func (x ranking) compare(y ranking) int {
	if c := cmp.Compare(x.order, y.order); c != 0 {
		return c
	}
	if c := cmp.Compare(x.rank, y.rank); c != 0 {
		return c
	}
	return cmp.Compare(y.days, x.days)
}

func rankOf(p model.Priority) int {
	if p == "" {
		return len(model.Priorities)
	}
	return p.Rank()
}

func appendNew(ids []string, id string) []string {
	if slices.Contains(ids, id) {
		return ids
	}
	return append(ids, id)
}

// Acknowledge records a coordinator's comment on an alert v can see now.
func (s *Service) Acknowledge(ctx context.Context, v policy.Viewer, key, comment string) (Alert, error) {
	if err := policy.Require(v, policy.DeconflictionAcknowledge); err != nil {
		return Alert{}, err
	}
	if strings.TrimSpace(key) == "" {
		return Alert{}, model.Invalid("key", "is required")
	}
	comment, err := model.CleanText("comment", comment, 1, model.MaxComment)
	if err != nil {
		return Alert{}, err
	}
	seen, err := s.seenNow(ctx, v, []string{key})
	if err != nil {
		return Alert{}, err
	}
	a := seen[0]
	ack := model.Acknowledgement{Key: key, Comment: comment, UserID: v.UserID, OrgID: v.Org.ID, At: s.now().UTC()}
	err = s.store.InTx(ctx, func(q store.Queries) error {
		if err := q.PutAcknowledgement(ctx, ack); err != nil {
			return err
		}
		c := audit.Change{Action: "alert.acknowledge", ObjectType: "alert", ObjectID: key, After: ack}
		if a.Acknowledged != nil {
			c.Before = a.Acknowledged
		}
		_, err := audit.Record(ctx, q, s.now(), audit.By(v), c)
		return err
	})
	if err != nil {
		return Alert{}, err
	}
	a.Acknowledged = &ack
	return a, nil
}

// MaxBulkAcknowledge bounds one bulk acknowledgement, which is one
// transaction.
const MaxBulkAcknowledge = 200

// AcknowledgeAll acknowledges several alerts with one comment, in one
// transaction, each with its own audit event. Every key must name an alert
// v can see now: one that does not fails the whole, as not found, so that
// nothing is half done.
func (s *Service) AcknowledgeAll(ctx context.Context, v policy.Viewer, keys []string, comment string) ([]Alert, error) {
	if err := policy.Require(v, policy.DeconflictionAcknowledge); err != nil {
		return nil, err
	}
	var wanted []string
	for _, k := range keys {
		if k = strings.TrimSpace(k); k != "" && !slices.Contains(wanted, k) {
			wanted = append(wanted, k)
		}
	}
	switch {
	case len(wanted) == 0:
		return nil, model.Invalid("keys", "choose at least one alert")
	case len(wanted) > MaxBulkAcknowledge:
		return nil, model.Invalid("keys", "at most %d alerts at once", MaxBulkAcknowledge)
	}
	comment, err := model.CleanText("comment", comment, 1, model.MaxComment)
	if err != nil {
		return nil, err
	}
	out, err := s.seenNow(ctx, v, wanted)
	if err != nil {
		return nil, err
	}
	at := s.now().UTC()
	err = s.store.InTx(ctx, func(q store.Queries) error {
		for i := range out {
			a := &out[i]
			ack := model.Acknowledgement{Key: a.Key, Comment: comment, UserID: v.UserID, OrgID: v.Org.ID, At: at}
			if err := q.PutAcknowledgement(ctx, ack); err != nil {
				return err
			}
			c := audit.Change{Action: "alert.acknowledge", ObjectType: "alert", ObjectID: a.Key, After: ack}
			if a.Acknowledged != nil {
				c.Before = a.Acknowledged
			}
			if _, err := audit.Record(ctx, q, s.now(), audit.By(v), c); err != nil {
				return err
			}
			a.Acknowledged = &ack
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AlertAuditObject describes an acknowledged alert to the audit log. An
// alert is computed from a requirement and the pledges on it (or from one
// stale pledge), so its acknowledgement and comment are read only by who
// may see all of them. Its key names them: kind, then record ids.
func AlertAuditObject(s store.Queries) audit.Lookup {
	return func(ctx context.Context, key string) (audit.Object, error) {
		return alertAuditObject(ctx, s, key)
	}
}

func alertAuditObject(ctx context.Context, s store.Queries, key string) (audit.Object, error) {
	parts := strings.Split(key, ":")
	if len(parts) < 2 {
		return audit.Object{}, model.ErrNotFound
	}
	var res []policy.Resource
	for _, id := range parts[1:] {
		rs, err := recordResources(ctx, s, id)
		if err != nil {
			return audit.Object{}, err
		}
		res = append(res, rs...)
	}
	if len(res) == 0 {
		return audit.Object{}, model.ErrNotFound
	}
	rest := res[1:]
	return audit.Object{
		Now: res[0],
		Derived: func(context.Context, model.AuditEvent) ([]policy.Resource, error) {
			return rest, nil
		},
	}, nil
}

// recordResources describes the record an alert key names: a requirement
// with every pledge on it, or a pledge. An organisation id (a duplicate's
// donor) describes nothing of its own.
func recordResources(ctx context.Context, s store.Queries, id string) ([]policy.Resource, error) {
	r, err := s.RequirementByID(ctx, id)
	if err == nil {
		ps, err := s.PledgesForRequirements(ctx, []string{r.ID})
		if err != nil {
			return nil, err
		}
		rr := policy.RequirementResource(r, ps)
		out := []policy.Resource{rr}
		for _, p := range ps {
			out = append(out, policy.PledgeResource(p, &rr))
		}
		return out, nil
	}
	if !errors.Is(err, model.ErrNotFound) {
		return nil, err
	}
	p, err := s.PledgeByID(ctx, id)
	if err == nil {
		var parent *policy.Resource
		if p.RequirementID != "" {
			r, err := s.RequirementByID(ctx, p.RequirementID)
			if err != nil {
				return nil, err
			}
			ps, err := s.PledgesForRequirements(ctx, []string{r.ID})
			if err != nil {
				return nil, err
			}
			rr := policy.RequirementResource(r, ps)
			parent = &rr
		}
		return []policy.Resource{policy.PledgeResource(p, parent)}, nil
	}
	if !errors.Is(err, model.ErrNotFound) {
		return nil, err
	}
	if _, err := s.OrganisationByID(ctx, id); err == nil {
		return nil, nil
	} else if !errors.Is(err, model.ErrNotFound) {
		return nil, err
	}
	return []policy.Resource{{TLP: "unreadable"}}, nil
}
