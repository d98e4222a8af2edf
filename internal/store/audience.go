package store

import (
	"slices"
	"strings"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// The store decides no visibility: it receives policy.AudienceOf's decision
// and writes it as SQL over the columns that hold each relation, so that a
// list's page and its total are computed by the database.

// shape names, for rows of one table under the name t, the SQL of what the
// policy reads of a record (policy.Resource).
type shape struct {
	tlp, owner, beneficiary string
	// engaged is a probe of the organisations engaged on the row; one
	// ? stands for the organisation.
	engaged string
	// grant is the access_grants object type of the row's access lists.
	grant string
	// namedOnly marks access lists that name users only (offers,
	// lessons): the policy reads no organisation's grant of such a
	// record, so none opens a row here either.
	namedOnly bool
	// beneficiaryOf is true when the organisation (each ? of it) is the
	// beneficiary of some row (see visibleArms). It may be true of one
	// that is not, which costs a walk; never false of one that is, which
	// would hide its rows.
	beneficiaryOf string
	// validated is true for a row past the validation gate; "" for a kind
	// of record without one.
	validated string
	// parent is the shape of the row's parent, found by parentFrom (FROM …
	// WHERE … naming the parent under the alias of parentAlias), or held in
	// the row's own columns when parentFrom is nil; orphan is true for a
	// row that has none.
	parent                          func(t string) shape
	parentAlias, parentFrom, orphan func(t string) string
}

func requirementShape(t string) shape {
	return shape{
		tlp: t + ".tlp", owner: t + ".beneficiary_org_id", beneficiary: t + ".beneficiary_org_id",
		engaged: probe("pledges eng WHERE eng.requirement_id = " + t + ".id AND eng.donor_org_id = ?"),
		grant:   grantRequirement,
		// A CASE, not an OR of status tests: each test alone looks
		// selective to SQLite, which then read every validated requirement
		// through the status index and sorted them for each page, instead
		// of walking the list's order and stopping at the page's end.
		validated: "(CASE WHEN " + t + ".status IN ('validated', 'in_delivery', 'delivered', 'closed') THEN 1 WHEN " +
			t + ".status = 'withdrawn' AND " + t + ".validated_at IS NOT NULL THEN 1 ELSE 0 END) = 1",
	}
}

func pledgeShape(t string) shape {
	return shape{
		tlp: t + ".tlp", owner: t + ".donor_org_id",
		beneficiary: "(CASE WHEN " + t + ".requirement_id IS NULL THEN " + t + ".beneficiary_org_id ELSE " +
			"(SELECT ben.beneficiary_org_id FROM requirements ben WHERE ben.id = " + t + ".requirement_id) END)",
		grant: grantPledge,
		// From the maintained totals, which group every pledge by its
		// beneficiary, as this shape names it, in a few hundred rows: the
		// requirements and the pledges are indexed by beneficiary too, but
		// PostgreSQL plans a query once for any organisation and, expecting
		// a few beneficiaries to hold every row, scans them.
		beneficiaryOf: "EXISTS (SELECT 1 FROM pledge_sums bx WHERE bx.dim = 'label' AND bx.beneficiary_org_id = ? AND bx.records > 0)",
		parent:        requirementShape,
		parentAlias:   func(string) string { return "par" },
		parentFrom: func(t string) string {
			return "requirements par WHERE par.id = " + t + ".requirement_id"
		},
		orphan: func(t string) string { return t + ".requirement_id IS NULL" },
	}
}

// offerShape: an offer is its donor's, read by the named users under RED
// (policy.OfferResource).
func offerShape(t string) shape {
	return shape{tlp: t + ".tlp", owner: t + ".donor_org_id", grant: grantOffer, namedOnly: true}
}

// probe is "a row of from (FROM … WHERE …) exists", written so that each
// row the query reads asks it by one index probe. PostgreSQL turns an
// EXISTS inside an OR into a hashed subplan: it builds, for every page, the
// set of every requirement the viewer sees (a scan of the table) or of every
// pledge of an engaged organisation, when a page needs a few hundred probes.
// A scalar subquery it cannot hash; SQLite runs both alike.
func probe(from string) string {
	return "COALESCE((SELECT 1 = 1 FROM " + from + " LIMIT 1), 1 = 0)"
}

// visibleSQL is the predicate "a viewer with audience a sees the row t".
func visibleSQL(a policy.Audience, t string, s shape) (string, []any) {
	return visible(a, t, s, false)
}

// visible is visibleSQL; whole marks a query that reads every row, such as
// a total: there PostgreSQL does better to hash the parents the viewer sees
// once than to probe the parent of every row, so the parent's test is an
// EXISTS it may hash.
func visible(a policy.Audience, t string, s shape, whole bool) (string, []any) {
	if a.All {
		return "1 = 1", nil
	}
	if a.Nothing() {
		return "1 = 0", nil
	}
	var or []string
	var args []any
	labels := func(ls []model.TLP) string {
		in, inArgs := labelsIn(s.tlp, ls)
		args = append(args, inArgs...)
		return in
	}
	if len(a.Labels) > 0 {
		or = append(or, labels(a.Labels))
	}
	if len(a.OwnerLabels) > 0 && s.owner != "" {
		cond := labels(a.OwnerLabels)
		or, args = append(or, "("+cond+" AND "+s.owner+" = ?)"), append(args, a.OrgID)
	}
	if len(a.BeneficiaryLabels) > 0 && s.beneficiary != "" {
		cond := labels(a.BeneficiaryLabels)
		or, args = append(or, "("+cond+" AND "+s.beneficiary+" = ?)"), append(args, a.OrgID)
	}
	if len(a.EngagedLabels) > 0 && s.engaged != "" {
		cond := labels(a.EngagedLabels)
		or, args = append(or, "("+cond+" AND "+s.engaged+")"), append(args, a.OrgID)
	}
	if len(a.SharedLabels) > 0 && s.grant != "" && !s.namedOnly {
		cond := labels(a.SharedLabels)
		or = append(or, "("+cond+" AND EXISTS (SELECT 1 FROM access_grants sg WHERE sg.object_type = ? AND sg.object_id = "+
			t+".id AND sg.org_id = ?))")
		args = append(args, s.grant, a.OrgID)
	}
	if len(a.NamedLabels) > 0 && s.grant != "" {
		cond := labels(a.NamedLabels)
		or = append(or, "("+cond+" AND EXISTS (SELECT 1 FROM access_grants ng WHERE ng.object_type = ? AND ng.object_id = "+
			t+".id AND ng.user_id = ?))")
		args = append(args, s.grant, a.UserID)
	}
	if len(or) == 0 {
		return "1 = 0", nil
	}
	tail, targs := visibleTail(a, t, s, whole)
	return "(" + strings.Join(or, " OR ") + ")" + tail, append(args, targs...)
}

// visibleTail is what a row must also satisfy, whatever relation opens it
// to the viewer: the validation gate and its parent's visibility, as
// " AND …" conditions.
func visibleTail(a policy.Audience, t string, s shape, whole bool) (string, []any) {
	var pred string
	var args []any
	if s.validated != "" && !a.Unvalidated {
		gate := s.validated
		if a.OwnUnvalidated {
			gate = "(" + gate + " OR " + s.beneficiary + " = ?)"
			args = append(args, a.OrgID)
		}
		pred += " AND " + gate
	}
	if s.parent != nil {
		alias := s.parentAlias(t)
		parentPred, parentArgs := visible(a, alias, s.parent(alias), whole)
		alt := []string{s.orphan(t), "(" + parentPred + ")"}
		switch {
		case s.parentFrom != nil && whole:
			alt[1] = "EXISTS (SELECT 1 FROM " + s.parentFrom(t) + " AND " + parentPred + ")"
		case s.parentFrom != nil:
			alt[1] = "COALESCE((SELECT (" + parentPred + ") FROM " + s.parentFrom(t) + " LIMIT 1), 1 = 0)"
		}
		if a.OwnChildren {
			alt = append(alt, s.owner+" = ?")
		}
		pred += " AND (" + strings.Join(alt, " OR ") + ")"
		args = append(args, parentArgs...)
		if a.OwnChildren {
			args = append(args, a.OrgID)
		}
	}
	return pred, args
}

// arm is one part of what a viewer sees of a table, disjoint from the
// other parts, that an index walks in the order of the rows' ids.
type arm struct {
	cond string
	args []any
}

// visibleArms splits visibleSQL(a, t, s), for a page in id order, into
// arms whose union under visibleTail is the same rows: one arm per label the viewer
// sees on every row, walked through the label's index (tlpRank, id), and
// arms for each relation that opens further labels to the viewer (its own
// rows, through the owner's index by label; its beneficiaries'; those
// shared with its organisation or named to its user). A single walk of the ids
// tests every row above the page's last, those the viewer may not see
// too, and slows as hidden rows accumulate above it; an arm tests only
// rows of its own label or relation. Each arm holds the rows no earlier
// arm holds, so that the arms' union needs no removal of duplicates and a
// merge of the arms can stop at the page's end.
//
// has tells which of the viewer's relations hold rows, and how many: the
// beneficiary's rows are walked only when its organisation is the
// beneficiary of some (a walk of a label's index tests its every row, and
// for an organisation that is no beneficiary, finds none), and a holder's
// grants are read whole only when they are few.
//
// t must be the table's own name, unaliased, for the label's index to
// serve. false: the shape has a relation no index drives (an engaged
// organisation, or a beneficiary it cannot tell, see beneficiaryOf), or
// a is no viewer for arms (the platform, or one who sees nothing).
func visibleArms(a policy.Audience, t string, s shape, has relations) ([]arm, bool) {
	if a.All || a.Nothing() || (s.engaged != "" && a.EngagementOpens()) {
		return nil, false
	}
	var arms []arm
	add := func(cond string, args []any) {
		arms = append(arms, arm{cond: cond, args: args})
	}
	for _, l := range a.Labels {
		add(byRank(s.tlp, l))
	}
	// claimed are the earlier relations' arms, which the later ones leave
	// out: a row of its viewer's own that is also shared with it is held
	// by one arm only.
	var claimed []string
	var claimedArgs []any
	// relation adds the arms of the rows rel opens under the labels ls
	// beyond those the viewer sees on every row. byLabel: an arm per label,
	// each walked through an index of the label (and of rel's column, when
	// one leads with it); otherwise one arm, driven by rel.
	relation := func(ls []model.TLP, rel string, relArgs []any, byLabel bool) {
		ls = minus(ls, a.Labels)
		if len(ls) == 0 {
			return
		}
		in, inArgs := labelsIn(s.tlp, ls)
		var not string
		for _, c := range claimed {
			not += " AND NOT " + c
		}
		if !byLabel {
			add(in+" AND "+rel+not, slices.Concat(inArgs, relArgs, claimedArgs))
		} else {
			for _, l := range ls {
				label, largs := byRank(s.tlp, l)
				add(label+" AND "+rel+not, slices.Concat(largs, relArgs, claimedArgs))
			}
		}
		claimed = append(claimed, "COALESCE(("+in+" AND "+rel+"), 1 = 0)")
		claimedArgs = slices.Concat(claimedArgs, inArgs, relArgs)
	}
	if s.owner != "" {
		relation(a.OwnerLabels, s.owner+" = ?", []any{a.OrgID}, true)
	}
	switch {
	case s.beneficiary == "":
	case s.beneficiaryOf == "":
		if len(minus(a.BeneficiaryLabels, a.Labels)) > 0 {
			return nil, false
		}
	case has.beneficiary:
		relation(a.BeneficiaryLabels, s.beneficiary+" = ?", []any{a.OrgID}, true)
	}
	if s.grant != "" {
		// A holder's few grants are read whole, in the objects' order; among
		// many, the rows of each label are walked and their grants probed,
		// one index probe a row (see probe).
		shared, sargs := t+".id IN (SELECT sg.object_id FROM access_grants sg WHERE sg.org_id = ? AND sg.object_type = ?)", []any{a.OrgID, s.grant}
		if has.manyShared {
			shared, sargs = probe("access_grants sg WHERE sg.object_type = ? AND sg.object_id = "+t+".id AND sg.org_id = ?"), []any{s.grant, a.OrgID}
		}
		if !s.namedOnly {
			relation(a.SharedLabels, shared, sargs, has.manyShared)
		}
		named, nargs := t+".id IN (SELECT ng.object_id FROM access_grants ng WHERE ng.user_id = ? AND ng.object_type = ?)", []any{a.UserID, s.grant}
		if has.manyNamed {
			named, nargs = probe("access_grants ng WHERE ng.object_type = ? AND ng.object_id = "+t+".id AND ng.user_id = ?"), []any{s.grant, a.UserID}
		}
		relation(a.NamedLabels, named, nargs, has.manyNamed)
	}
	return arms, len(arms) > 0
}

// relations is what visibleArms needs to know of a viewer's relations to
// plan its arms (queries.relationsOf).
type relations struct {
	beneficiary           bool
	manyShared, manyNamed bool
}

// byRank is "the row's label is l" as the indexes of tlpRank read it,
// with col the label's column: RED shares its rank with unknown labels.
func byRank(col string, l model.TLP) (string, []any) {
	rank := "(" + tlpRank + ") = "
	switch l {
	case model.TLPClear:
		return rank + "0", nil
	case model.TLPGreen:
		return rank + "1", nil
	case model.TLPAmber:
		return rank + "2", nil
	case model.TLPAmberStrict:
		return rank + "3", nil
	}
	return rank + "4 AND " + col + " = ?", []any{string(l)}
}

// labelsIn is "col IN (…)" of the labels ls, with its arguments.
func labelsIn(col string, ls []model.TLP) (string, []any) {
	marks := make([]string, len(ls))
	args := make([]any, len(ls))
	for i, l := range ls {
		marks[i], args[i] = "?", string(l)
	}
	return col + " IN (" + strings.Join(marks, ", ") + ")", args
}

// minus is the labels of ls not in drop.
func minus(ls, drop []model.TLP) []model.TLP {
	var out []model.TLP
	for _, l := range ls {
		if !slices.Contains(drop, l) {
			out = append(out, l)
		}
	}
	return out
}

// pledgeSumShape is a row of pledge_sums as the policy reads a pledge of
// its class: its label, donor and beneficiary, and its requirement's label
// and validation held in the row. The relations a class cannot hold (a
// share, a named reader, an engaged organisation) are absent: the rows
// select what a viewer sees without them, and the service adds the few
// pledges seen through them one by one.
func pledgeSumShape(t string) shape {
	return shape{
		tlp: t + ".tlp", owner: t + ".donor_org_id", beneficiary: t + ".beneficiary_org_id",
		parent:      pledgeSumParentShape,
		parentAlias: func(string) string { return t },
		orphan:      func(t string) string { return t + ".req_tlp = ''" },
	}
}

// pledgeSumParentShape is the requirement of a pledge_sums row.
func pledgeSumParentShape(t string) shape {
	return shape{
		tlp: t + ".req_tlp", owner: t + ".beneficiary_org_id", beneficiary: t + ".beneficiary_org_id",
		validated: t + ".req_validated = 1",
	}
}
