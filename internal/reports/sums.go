package reports

import (
	"context"
	"slices"
	"strings"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// A viewer's totals are read from pledge_sums: the sums of the classes of
// pledges it sees by their label, donor, beneficiary and requirement alone
// (the rows the store selects with the predicate built from
// policy.AudienceOf). A viewer may see more than its classes through a
// per-record relation: a record shared with its organisation, naming it,
// or a requirement its organisation is engaged on. Such relations can only
// add to what it sees, so those records are read one by one: each takes
// back what its class added for the viewer and adds what the viewer truly
// sees of it, both decided by policy.Visible.

type sumKey struct{ key, channel string }

// sumTable is one grouping's totals by key and channel.
type sumTable map[sumKey]*store.PledgeSum

func (t sumTable) add(c store.PledgeSum, sign int64) {
	k := sumKey{c.Key, c.Channel}
	if t[k] == nil {
		t[k] = &store.PledgeSum{Key: c.Key, Channel: c.Channel}
	}
	t[k].Add(c, sign)
}

// figures returns v's totals under each grouping of dims, as group would
// compute them over the pledges v may see; the records v sees through a
// per-record relation are read once for all of them.
func (s *Service) figures(ctx context.Context, v policy.Viewer, dims ...string) (map[string]sumTable, error) {
	aud := policy.AudienceOf(v)
	out := make(map[string]sumTable, len(dims))
	for _, by := range dims {
		rows, err := s.store.PledgeSums(ctx, by, aud)
		if err != nil {
			return nil, err
		}
		t := make(sumTable, len(rows))
		for _, r := range rows {
			t.add(r, +1)
		}
		out[by] = t
	}
	corrections, err := s.corrections(ctx, v, aud)
	if err != nil {
		return nil, err
	}
	for _, by := range dims {
		for _, sum := range corrections[by] {
			out[by].add(*sum, +1)
		}
	}
	for _, by := range dims {
		if by != "place_sector" && by != "place_category" {
			continue
		}
		// A pledge that states no place is grouped as "none", as the
		// records' grouping (placeKey) names it.
		t := out[by]
		for k, sum := range t {
			if k.key == "" {
				delete(t, k)
				sum.Key = "none"
				t.add(*sum, +1)
			}
		}
	}
	return out, nil
}

// corrections are what v's per-record relations change in its class
// totals under every grouping: what exceptions finds. Finding them reads
// every record v sees through a relation, which grows with a company's
// engagement (two seconds at a million pledges), while the class totals
// cost the same at any size. They are found for every grouping at once (the
// records read are the same, and the front page and each summary then
// share them) and kept by spans of requirements, found again after a change
// only in the spans it touched (folds.go). The tables returned are only
// read.
func (s *Service) corrections(ctx context.Context, v policy.Viewer, aud policy.Audience) (map[string]sumTable, error) {
	if aud.All || (aud.OrgID == "" && aud.UserID == "") {
		return nil, nil
	}
	return s.keptCorrections(ctx, v, aud)
}

// correctionsIn are v's corrections from the requirements of sp and the
// pledges on them, and, when bilateral, from the pledges on no requirement;
// with the ids of the requirements whose records were read.
func (s *Service) correctionsIn(ctx context.Context, v policy.Viewer, aud policy.Audience, rel relations, sp span, bilateral bool) (map[string]sumTable, []string, error) {
	dims := store.PledgeSumDims
	out := make(map[string]sumTable, len(dims))
	for _, by := range dims {
		out[by] = sumTable{}
	}
	ids, err := s.exceptions(ctx, v, aud, dims, rel, sp, bilateral, func(p model.Pledge, parent *model.Requirement, parentSeen bool, sign int64) {
		for _, by := range dims {
			out[by].add(contribution(p, parent, parentSeen, by), sign)
		}
	}, func(by string, e store.EngagedSum) {
		// Seen now under its requirement's group; the organisation's own
		// pledges were counted by their class without it.
		out[by].add(e.PledgeSum, +1)
		if e.Own {
			old := e.PledgeSum
			if slices.Contains(store.RequirementDims, by) {
				old.Key = "none"
			}
			out[by].add(old, -1)
		}
	})
	return out, ids, err
}

// summed returns v's rows by the grouping by, mechanism and bilateral
// apart, as group would compute them over the pledges v may see.
func (s *Service) summed(ctx context.Context, v policy.Viewer, by string) (mech, bil []Row, err error) {
	f, err := s.figures(ctx, v, by)
	if err != nil {
		return nil, nil, err
	}
	var names map[string]string
	if by == "donor" || by == "implementer" {
		if names, err = s.orgNames(ctx); err != nil {
			return nil, nil, err
		}
	}
	mech, bil = f[by].rows(names)
	return mech, bil, nil
}

func (s *Service) orgNames(ctx context.Context) (map[string]string, error) {
	orgs, err := s.store.ListOrganisations(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(orgs))
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	return names, nil
}

// rows are t's groups, mechanism and bilateral apart, named from names
// when given, largest first.
func (t sumTable) rows(names map[string]string) (mech, bil []Row) {
	for k, sum := range t {
		// A group is shown when a pledge in it counts in any total: one
		// standing, or money paid out on it.
		if sum.N == 0 && sum.Disbursed == 0 {
			continue
		}
		label := k.key
		if names != nil {
			label = names[k.key]
		}
		row := Row{Key: k.key, Label: label, EURMinor: sum.EUR, Count: int(sum.N), Stages: Stages{
			PledgedEURMinor: sum.EUR, CommittedEURMinor: sum.Committed, DisbursedEURMinor: sum.Disbursed, DeliveredEURMinor: sum.Delivered,
		}}
		if k.channel == string(model.ChannelBilateral) {
			bil = append(bil, row)
		} else {
			mech = append(mech, row)
		}
	}
	if mech == nil {
		mech = []Row{}
	}
	if bil == nil {
		bil = []Row{}
	}
	sortRows(mech)
	sortRows(bil)
	return mech, bil
}

// contribution is what one pledge adds to pledge_sums under the grouping
// by, its requirement seen or not: the formula of migration 00030.
func contribution(p model.Pledge, parent *model.Requirement, parentSeen bool, by string) store.PledgeSum {
	c := store.PledgeSum{Channel: string(p.Channel)}
	onReq := func(f func(r *model.Requirement) string) string {
		if parent == nil || !parentSeen {
			return "none"
		}
		return f(parent)
	}
	switch by {
	case "donor":
		c.Key = p.Funder()
	case "implementer":
		c.Key = p.DonorOrgID
	case "line":
		c.Key = onReq(func(r *model.Requirement) string { return string(r.LineOfEffort) })
	case "sector":
		c.Key = onReq(func(r *model.Requirement) string { return string(r.Sector) })
	case "category":
		c.Key = onReq(func(r *model.Requirement) string { return string(r.Category) })
	case "status":
		c.Key = string(p.Status)
	case "month":
		if !p.PledgeDate.IsZero() {
			c.Key = p.PledgeDate.String()[:7]
		}
	case "place_sector":
		c.Key = string(p.Sector)
	case "place_category":
		c.Key = string(p.Category)
	case "label":
		c.Key = string(p.TLP)
	}
	c.Records = 1
	if p.Status.Counts() {
		c.N, c.EUR = 1, p.EURMinor
		if p.NoEURValue {
			c.Unvalued = 1
		}
	}
	if p.Status.Committed() {
		c.Committed = p.EURMinor
	}
	if p.Status.Delivered() {
		c.Delivered = p.EURMinor
	}
	if p.Status != model.PledgeRejected {
		c.Disbursed = p.DisbursedEURMinor
	}
	return c
}

// classOnly is what a class of records tells the policy: the record
// without its per-record relations.
func classOnly(r policy.Resource) policy.Resource {
	r.EngagedOrgIDs, r.SharedOrgIDs, r.NamedUserIDs = nil, nil, nil
	if r.Parent != nil {
		p := classOnly(*r.Parent)
		r.Parent = &p
	}
	return r
}

// exceptions calls fn for each pledge v may see otherwise than its class
// says: with sign -1 for what the class counted of it (when the class is
// seen), with sign +1 for what v sees of it (when v sees it). Only the
// records a per-record relation reaches are read: those shared with v's
// organisation or naming v, and the requirements v's organisation is
// engaged on under a label it would not see otherwise. The pledges of the
// latter are many for a company that pledges widely, so they are summed by
// the database (engaged) rather than read, unless a share or a named
// reader reaches them too.
//
// Only the requirements of sp and the pledges on them are read, and the
// pledges on no requirement when bilateral: the corrections of spans that
// cover every id, one of them with bilateral, add up to all of v's. It
// returns the ids of the requirements it read records of.
func (s *Service) exceptions(ctx context.Context, v policy.Viewer, aud policy.Audience, dims []string, rel relations, sp span, bilateral bool,
	fn func(p model.Pledge, parent *model.Requirement, parentSeen bool, sign int64), engaged func(string, store.EngagedSum)) ([]string, error) {
	if aud.All || (aud.OrgID == "" && aud.UserID == "") {
		return nil, nil
	}
	reqIDs := slices.DeleteFunc(slices.Clone(rel.requirements), func(id string) bool { return !sp.holds(id) })
	var engagedIDs []string
	switch {
	case sp.none:
	case rel.engaged != nil:
		engagedIDs = slices.DeleteFunc(slices.Clone(rel.engaged), func(id string) bool { return !sp.holds(id) })
	default:
		var err error
		if engagedIDs, err = s.store.EngagedRequirementIDs(ctx, aud.OrgID, rel.engagedOnly, sp.below, sp.from); err != nil {
			return nil, err
		}
	}
	granted := slices.Clone(rel.pledges)
	granted = slices.DeleteFunc(granted, func(p model.Pledge) bool {
		if p.RequirementID == "" {
			return !bilateral
		}
		return !sp.holds(p.RequirementID)
	})
	if len(reqIDs) == 0 && len(engagedIDs) == 0 && len(granted) == 0 {
		return nil, nil
	}
	for _, p := range granted {
		if p.RequirementID != "" {
			reqIDs = append(reqIDs, p.RequirementID)
		}
	}
	slices.Sort(reqIDs)
	reqIDs = slices.Compact(reqIDs)
	if err := s.engaged(ctx, v, aud, dims, engagedIDs, reqIDs, engaged); err != nil {
		return nil, err
	}
	read := slices.Compact(slices.Sorted(slices.Values(slices.Concat(reqIDs, engagedIDs))))
	reqs, err := s.store.RequirementsByID(ctx, reqIDs)
	if err != nil {
		return nil, err
	}
	// Who is engaged on a requirement is read from its classes, not its
	// pledges: a donor named on thousands of pledges reaches thousands of
	// requirements, whose pledges are read only where v sees the
	// requirement otherwise than its class says.
	engagedOn, err := s.store.EngagedDonors(ctx, reqIDs)
	if err != nil {
		return nil, err
	}
	type parent struct {
		r           *model.Requirement
		res         policy.Resource
		seen, class bool
	}
	parents := make(map[string]*parent, len(reqs))
	var apartIDs []string
	for i := range reqs {
		r := &reqs[i]
		res := policy.RequirementEngaged(*r, engagedOn[r.ID])
		par := &parent{r: r, res: res, seen: policy.Visible(v, res), class: policy.Visible(v, classOnly(res))}
		parents[r.ID] = par
		if par.seen != par.class {
			apartIDs = append(apartIDs, r.ID)
		}
	}
	onReqs, err := s.store.PledgesForRequirements(ctx, apartIDs)
	if err != nil {
		return nil, err
	}
	byReq := map[string][]model.Pledge{}
	for _, p := range onReqs {
		byReq[p.RequirementID] = append(byReq[p.RequirementID], p)
	}
	done := map[string]bool{}
	visit := func(p model.Pledge) {
		if done[p.ID] {
			return
		}
		done[p.ID] = true
		var par *parent
		var res policy.Resource
		if p.RequirementID != "" {
			if par = parents[p.RequirementID]; par == nil {
				// A requirement gone between two reads: the class figures
				// stand as they are.
				return
			}
			res = policy.PledgeResource(p, &par.res)
		} else {
			res = policy.PledgeResource(p, nil)
		}
		var r *model.Requirement
		classParent, seenParent := false, false
		if par != nil {
			r, classParent, seenParent = par.r, par.class, par.seen
		}
		if policy.Visible(v, classOnly(res)) {
			fn(p, r, classParent, -1)
		}
		if policy.Visible(v, res) {
			fn(p, r, seenParent, +1)
		}
	}
	for _, p := range granted {
		visit(p)
	}
	for id, par := range parents {
		if par.seen == par.class {
			continue
		}
		for _, p := range byReq[id] {
			visit(p)
		}
	}
	return read, nil
}

// relations are the records v reaches through a per-record relation
// wherever they are: the requirements and the pledges shared with its
// organisation or naming it, and the labels under which its organisation
// sees a requirement only when engaged on it.
type relations struct {
	requirements []string
	pledges      []model.Pledge
	engagedOnly  []model.TLP
	// engaged, when read, are the requirements its organisation is engaged
	// on under those labels, every one of them: read once for a reading of
	// every span, rather than by span.
	engaged []string
}

// relationsOf reads v's relations. Of the pledges shared with v or naming
// it, those in kept are taken from there rather than read again unless
// they serve no requirement (no change marks them) or their requirement is
// in changed: kept and changed are relationsAgain's, nil to read them all.
func (s *Service) relationsOf(ctx context.Context, aud policy.Audience, kept []model.Pledge, changed map[string]bool) (relations, error) {
	rel := relations{engagedOnly: aud.EngagedOnly()}
	var err error
	if rel.requirements, err = s.store.GrantedIDs(ctx, "requirement", aud.OrgID, aud.UserID); err != nil {
		return relations{}, err
	}
	pledgeIDs, err := s.store.GrantedIDs(ctx, "pledge", aud.OrgID, aud.UserID)
	if err != nil {
		return relations{}, err
	}
	had := make(map[string]model.Pledge, len(kept))
	for _, p := range kept {
		had[p.ID] = p
	}
	var again []string
	for _, id := range pledgeIDs {
		if p, ok := had[id]; ok && p.RequirementID != "" && !changed[p.RequirementID] {
			rel.pledges = append(rel.pledges, p)
		} else {
			again = append(again, id)
		}
	}
	read, err := s.store.PledgesByID(ctx, again)
	if err != nil {
		return relations{}, err
	}
	s.sharedRead.Add(int64(len(again)))
	rel.pledges = append(rel.pledges, read...)
	slices.SortFunc(rel.pledges, func(a, b model.Pledge) int { return strings.Compare(a.ID, b.ID) })
	return rel, nil
}

// engaged passes to fn the sums of the pledges on the requirements of ids
// (those v's organisation is engaged on) that v sees only through that
// engagement, leaving out the requirements of apart (sorted), which are
// read one by one: those shared with v or naming v, and those of the
// pledges shared with v or naming v. On the others no share or named
// reader concerns v, so the class of each pledge decides alone whether v
// sees it, now under its requirement's group.
func (s *Service) engaged(ctx context.Context, v policy.Viewer, aud policy.Audience, dims []string, ids, apart []string, fn func(string, store.EngagedSum)) error {
	var rest []string
	for _, id := range ids {
		if _, found := slices.BinarySearch(apart, id); !found {
			rest = append(rest, id)
		}
	}
	if len(rest) == 0 {
		return nil
	}
	reqs, err := s.store.RequirementsByID(ctx, rest)
	if err != nil {
		return err
	}
	var opened []string
	for _, r := range reqs {
		class := classOnly(policy.RequirementResource(r, nil))
		seen := class
		seen.EngagedOrgIDs = []string{aud.OrgID}
		if policy.Visible(v, seen) && !policy.Visible(v, class) {
			opened = append(opened, r.ID)
		}
	}
	if len(opened) == 0 {
		return nil
	}
	sums, err := s.store.EngagedPledgeSums(ctx, dims, aud, opened)
	if err != nil {
		return err
	}
	for _, by := range dims {
		for _, sum := range sums[by] {
			fn(by, sum)
		}
	}
	return nil
}
