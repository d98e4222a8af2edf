package policy

import (
	"slices"

	"github.com/cyberaid/cyberaid/internal/model"
)

// Audience is Visible's decision for one viewer over every record of a
// list, as data: the store turns it into a predicate so that a page and its
// total are computed in the database instead of by reading the whole table.
// The store adds nothing of its own; the lists still pass every row through
// Visible afterwards, and TestAudienceMatchesVisible holds the two together.
//
// A record without a parent is visible when its label is in Labels, or the
// viewer's organisation (OrgID) is its owner and the label is in
// OwnerLabels, its beneficiary (BeneficiaryLabels), engaged on it
// (EngagedLabels), shared it (SharedLabels), or the viewer (UserID) is named
// on it (NamedLabels); and, when it awaits validation, the viewer sees such
// records (Unvalidated) or only those its organisation is beneficiary of
// (OwnUnvalidated). A record with a parent is visible when it is visible by
// itself and either its parent is visible or its owner is OrgID and
// OwnChildren holds.
type Audience struct {
	// All: the platform, which sees everything.
	All                                      bool
	OrgID, UserID                            string
	Labels                                   []model.TLP
	OwnerLabels, BeneficiaryLabels           []model.TLP
	EngagedLabels, SharedLabels              []model.TLP
	NamedLabels                              []model.TLP
	Unvalidated, OwnUnvalidated, OwnChildren bool
}

// AudienceOf asks Visible about one record standing for each relation a
// viewer can have with a record, label by label. Visible grants by a union
// of such relations, so the answers describe it whole; the policy stays the
// one place that decides.
func AudienceOf(v Viewer) Audience {
	if v.system {
		return Audience{All: true}
	}
	org, user := v.Org.ID, v.UserID
	a := Audience{OrgID: org, UserID: user}
	with := func(dst *[]model.TLP, l model.TLP, r Resource, possible bool) {
		r.TLP = l
		if possible && Visible(v, r) {
			*dst = append(*dst, l)
		}
	}
	for _, l := range model.TLPs {
		with(&a.Labels, l, Resource{}, true)
		with(&a.OwnerLabels, l, Resource{OwnerOrgID: org}, org != "")
		with(&a.BeneficiaryLabels, l, Resource{BeneficiaryOrgID: org}, org != "")
		with(&a.EngagedLabels, l, Resource{EngagedOrgIDs: []string{org}}, org != "")
		with(&a.SharedLabels, l, Resource{SharedOrgIDs: []string{org}}, org != "")
		with(&a.NamedLabels, l, Resource{NamedUserIDs: []string{user}}, user != "")
	}
	a.Unvalidated = Visible(v, Resource{TLP: model.TLPClear, Unvalidated: true})
	a.OwnUnvalidated = org != "" && Visible(v, Resource{TLP: model.TLPClear, Unvalidated: true, BeneficiaryOrgID: org})
	// A parent no one may see (an unknown label hides a record) leaves only
	// the child's own organisation.
	a.OwnChildren = org != "" && Visible(v, Resource{TLP: model.TLPClear, OwnerOrgID: org, Parent: &Resource{}})
	return a
}

// Nothing reports an audience that sees no record at all.
func (a Audience) Nothing() bool {
	return !a.All && len(a.Labels)+len(a.OwnerLabels)+len(a.BeneficiaryLabels)+len(a.EngagedLabels)+len(a.SharedLabels)+len(a.NamedLabels) == 0
}

// EngagedOnly are the labels under which the viewer sees a record only
// when its organisation is engaged on it.
func (a Audience) EngagedOnly() []model.TLP {
	if a.All {
		return nil
	}
	var only []model.TLP
	for _, l := range a.EngagedLabels {
		if !slices.Contains(a.Labels, l) {
			only = append(only, l)
		}
	}
	return only
}

// EngagementOpens reports whether an organisation's engagement on a record
// shows the viewer a record it would not see for its label alone: only
// then does a pledge made or moved change which records the viewer sees.
func (a Audience) EngagementOpens() bool { return len(a.EngagedOnly()) > 0 }
