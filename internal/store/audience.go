package store

import (
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
		grant:       grantPledge,
		parent:      requirementShape,
		parentAlias: func(string) string { return "par" },
		parentFrom: func(t string) string {
			return "requirements par WHERE par.id = " + t + ".requirement_id"
		},
		orphan: func(t string) string { return t + ".requirement_id IS NULL" },
	}
}

// offerShape: an offer is its donor's, read by the named users under RED
// (policy.OfferResource).
func offerShape(t string) shape {
	return shape{tlp: t + ".tlp", owner: t + ".donor_org_id", grant: grantOffer}
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
		marks := make([]string, len(ls))
		for i, l := range ls {
			marks[i] = "?"
			args = append(args, string(l))
		}
		return s.tlp + " IN (" + strings.Join(marks, ", ") + ")"
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
	if len(a.SharedLabels) > 0 && s.grant != "" {
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
	pred := "(" + strings.Join(or, " OR ") + ")"
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
