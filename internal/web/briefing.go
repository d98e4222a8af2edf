package web

import (
	"maps"
	"net/http"
	"net/url"
	"slices"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/reports"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

// briefingLists are the pages a briefing pack prints, by the value of its
// list parameter, and the path of the page each one prints.
var briefingLists = map[string]string{
	"dashboard":    "/",
	"requirements": "/requirements",
	"pledges":      "/pledges",
	"offers":       "/offers",
	"lessons":      "/lessons",
}

// briefingData is a briefing pack: one list, under the filters of its page,
// or the dashboard, every record the viewer may see, for printing.
type briefingData struct {
	List string
	// Label is the strictest label of the records the pack contains,
	// printed in the header and footer of every page (FIRST TLP 2.0).
	Label  model.TLP
	Date   string // the day it was printed, UTC
	Viewer string // who printed it
	Org    string
	// Filters are the list's filters as the page was asked, shown so that
	// a reader knows what the pack leaves out.
	Filters []briefingFilter
	Back    string // the page the pack prints

	Dashboard    reports.Dashboard
	Requirements []requirements.View
	Pledges      []model.Pledge
	Offers       []offers.View
	Lessons      []model.Lesson
	Orgs         map[string]string
}

type briefingFilter struct{ Name, Value string }

// briefingPage prints a list, under its page's filters, or the dashboard.
// Every record comes through its service, so the pack holds exactly what
// the viewer may see, and its label is computed over those records alone.
func (s *Server) briefingPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	list := q.Get("list")
	back, ok := briefingLists[list]
	if !ok {
		return model.Invalid("list", "must be one of dashboard, requirements, pledges, offers, lessons")
	}
	v := viewerOf(r)
	ctx := r.Context()
	d := briefingData{List: list, Date: model.DateOf(s.Now().UTC()).String()}
	var labels []model.TLP
	var err error
	switch list {
	case "dashboard":
		if d.Dashboard, err = s.dashboardIn(r, v); err != nil {
			return err
		}
		labels = append(labels, d.Dashboard.Label)
	case "requirements":
		f, err := requirementFilter(q)
		if err != nil {
			return err
		}
		if d.Requirements, err = s.Requirements.All(ctx, v, f); err != nil {
			return err
		}
		for _, x := range d.Requirements {
			labels = append(labels, x.TLP)
		}
	case "pledges":
		f, err := pledgeFilter(q)
		if err != nil {
			return err
		}
		if d.Pledges, err = s.Pledges.All(ctx, v, f); err != nil {
			return err
		}
		for _, x := range d.Pledges {
			labels = append(labels, x.TLP)
		}
	case "offers":
		f, err := offerFilter(q)
		if err != nil {
			return err
		}
		if d.Offers, err = s.Offers.All(ctx, v, f); err != nil {
			return err
		}
		for _, x := range d.Offers {
			labels = append(labels, x.TLP)
		}
	case "lessons":
		f, err := lessonFilter(q)
		if err != nil {
			return err
		}
		if d.Lessons, err = s.Lessons.List(ctx, v, f); err != nil {
			return err
		}
		for _, x := range d.Lessons {
			labels = append(labels, x.TLP)
		}
	}
	d.Label = policy.Strictest(labels...)
	if d.Orgs, err = s.orgNames(r); err != nil {
		return err
	}
	// The filters echoed are the list's own; the pack's parameter and a
	// page cursor are not filters.
	filters := url.Values{}
	for _, k := range slices.Sorted(maps.Keys(q)) {
		if k == "list" || k == "cursor" || q.Get(k) == "" {
			continue
		}
		d.Filters = append(d.Filters, briefingFilter{Name: k, Value: q.Get(k)})
		filters.Set(k, q.Get(k))
	}
	d.Back = back
	if len(filters) > 0 {
		d.Back += "?" + filters.Encode()
	}
	l := s.localizer(r)
	title := map[string]string{
		"dashboard": l.T("briefing.title.dashboard"), "requirements": l.T("briefing.title.requirements"),
		"pledges": l.T("briefing.title.pledges"), "offers": l.T("briefing.title.offers"), "lessons": l.T("briefing.title.lessons"),
	}[list]
	lay := s.newLayout(r, l, "", title, d)
	if lay.SignedIn {
		d.Viewer, d.Org = lay.User.Name, lay.Org.Name
		if d.Viewer == "" {
			d.Viewer = lay.User.Email
		}
	} else {
		d.Viewer = l.T("briefing.visitor")
	}
	lay.Data = d
	return s.render(w, r, http.StatusOK, "briefing", lay)
}

// briefingLink is the "Print briefing" link of a list or the dashboard:
// the pack of the page as it is filtered, or "" for any other page.
func briefingLink(r *http.Request) string {
	if r.Method != http.MethodGet {
		return ""
	}
	for list, path := range briefingLists {
		if r.URL.Path != path {
			continue
		}
		q := r.URL.Query()
		q.Del("cursor")
		q.Del("done")
		q.Set("list", list)
		return "/briefing?" + q.Encode()
	}
	return ""
}
