package web

import "github.com/cyberaid/cyberaid/internal/i18n"

// navItem is one entry of the main menu.
type navItem struct {
	Href  string
	Label string
	// Nav is the layout's Nav value of the pages the entry leads to.
	Nav string
}

// navGroup is a titled group of the main menu.
type navGroup struct {
	Key   string // stable, for ids and classes
	Title string
	Items []navItem
}

// Current reports whether the page shown (nav) is one of the group's.
func (g navGroup) Current(nav string) bool {
	for _, it := range g.Items {
		if it.Nav == nav {
			return true
		}
	}
	return false
}

// menu groups the pages a viewer may use. An entry appears only for those
// whom its route's permission lets in (signedIn stands for the permissions
// every participant has), so that no one is shown a link that answers 403;
// a group left empty is not shown.
func menu(l *i18n.Localizer, signedIn bool, can navPerms) []navGroup {
	type entry struct {
		item navItem
		show bool
	}
	groups := []struct {
		key, title string
		entries    []entry
	}{
		{"needs", l.T("nav.group.needs"), []entry{
			{navItem{"/requirements", l.T("nav.requirements"), "requirements"}, true},
			{navItem{"/results", l.T("nav.results"), "results"}, true},
		}},
		{"giving", l.T("nav.group.giving"), []entry{
			{navItem{"/pledges", l.T("nav.pledges"), "pledges"}, true},
			{navItem{"/offers", l.T("nav.offers"), "offers"}, true},
		}},
		{"coordination", l.T("nav.group.coordination"), []entry{
			{navItem{"/matching", l.T("nav.matching"), "matching"}, can.Matching},
			{navItem{"/deconfliction", l.T("nav.deconfliction"), "deconfliction"}, can.Deconfliction},
			{navItem{"/meetings", l.T("nav.meetings"), "meetings"}, signedIn},
			{navItem{"/rotations", l.T("nav.rotations"), "rotations"}, signedIn},
			{navItem{"/lessons", l.T("nav.lessons"), "lessons"}, true},
		}},
		{"governance", l.T("nav.group.governance"), []entry{
			{navItem{"/proposals", l.T("nav.governance"), "governance"}, signedIn},
			{navItem{"/membership", l.T("nav.membership"), "membership"}, signedIn},
			// The directory of participants: every participant reads it.
			{navItem{"/organisations", l.T("nav.organisations"), "organisations"}, can.Organisations},
			{navItem{"/public", l.T("nav.public"), "public"}, true},
		}},
		{"admin", l.T("nav.group.admin"), []entry{
			{navItem{"/users", l.T("nav.users"), "users"}, can.Users},
			{navItem{"/admin/security", l.T("nav.security"), "security"}, can.Users},
			{navItem{"/audit", l.T("nav.audit"), "audit"}, can.Audit},
			{navItem{"/admin/imports", l.T("nav.imports"), "imports"}, can.Imports},
		}},
	}
	var out []navGroup
	for _, g := range groups {
		ng := navGroup{Key: g.key, Title: g.title}
		for _, e := range g.entries {
			if e.show {
				ng.Items = append(ng.Items, e.item)
			}
		}
		if len(ng.Items) > 0 {
			out = append(out, ng)
		}
	}
	return out
}
