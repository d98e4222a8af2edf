package policy

import (
	"slices"

	"github.com/cyberaid/cyberaid/internal/model"
)

// rank orders the labels from the widest audience to the narrowest; an
// unknown label ranks as the strictest, so that it is never a relaxation
// to leave it.
func rank(t model.TLP) int {
	switch t {
	case model.TLPClear:
		return 0
	case model.TLPGreen:
		return 1
	case model.TLPAmber:
		return 2
	case model.TLPAmberStrict:
		return 3
	}
	return 4
}

// Stricter returns the stricter of two labels.
func Stricter(a, b model.TLP) model.TLP {
	if rank(a) >= rank(b) {
		return a
	}
	return b
}

// Strictest returns the strictest of the labels, CLEAR when there are none:
// the label of a document that gathers records, such as a briefing pack,
// is that of the most restricted record it contains (FIRST TLP 2.0).
func Strictest(labels ...model.TLP) model.TLP {
	out := model.TLPClear
	for _, l := range labels {
		out = Stricter(out, l)
	}
	return out
}

// Relaxes reports whether relabelling from one label (and RED readers) to
// another widens the audience: a laxer label, or more people named on a
// RED record.
func Relaxes(from model.TLP, fromNamed []string, to model.TLP, toNamed []string) bool {
	if rank(to) < rank(from) {
		return true
	}
	if to == model.TLPRed && from == model.TLPRed {
		for _, id := range toNamed {
			if !slices.Contains(fromNamed, id) {
				return true
			}
		}
	}
	return false
}

// Relabel decides whether v may change the label of the record r to to
// (naming toNamed on a RED record). Under FIRST TLP 2.0 the source sets the
// label: only the organisation that made the record relaxes it; anyone else
// who may edit it may only make it stricter. The caller has already
// authorised the edit itself.
func Relabel(v Viewer, r Resource, to model.TLP, toNamed []string) error {
	if !Relaxes(r.TLP, r.NamedUserIDs, to, toNamed) || v.system || v.InOrg(r.OwnerOrgID) {
		return nil
	}
	return model.Broken("tlp", "relabel_not_originator",
		"Only the organisation that made this record may relax its label or name more readers; you may only make it stricter.")
}

// SeesAll reports whether v may see every one of the records a fact was
// computed from: a derived status, a history entry, an audit event, a
// total. A fact is shown only to a viewer who may see all it reveals.
func SeesAll(v Viewer, rs ...Resource) bool {
	for _, r := range rs {
		if !Visible(v, r) {
			return false
		}
	}
	return true
}

// ElectorateSees reports whether a delegate of every organisation of a
// proposal's electorate may read it. A proposal hidden from one of its
// voters could be adopted by that voter's silence, so none is opened.
func ElectorateSees(r Resource, electorate []model.Organisation) bool {
	for _, o := range electorate {
		delegate := Viewer{UserID: "delegate:" + o.ID, Org: o, Roles: []model.Role{model.RoleDelegate}}
		if !Visible(delegate, r) {
			return false
		}
	}
	return true
}
