package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/cyberaid/cyberaid/internal/governance"
	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

type meetingsData struct {
	Items []model.Meeting
	Orgs  map[string]string
	One   *model.Meeting
	// CanManage offers the new-meeting and edit links; the routes and the
	// service decide again.
	CanManage bool
}

func (s *Server) meetingsPage(w http.ResponseWriter, r *http.Request) error {
	ms, err := s.Governance.Meetings(r.Context(), viewerOf(r))
	if err != nil {
		return err
	}
	orgs, err := s.orgNames(r)
	if err != nil {
		return err
	}
	return s.show(w, r, http.StatusOK, "meetings", "meetings", "meetings.title", meetingsData{Items: ms, Orgs: orgs, CanManage: policy.Allowed(viewerOf(r), policy.MeetingsManage)})
}

func (s *Server) meetingPage(w http.ResponseWriter, r *http.Request) error {
	m, err := s.Governance.Meeting(r.Context(), viewerOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	orgs, err := s.orgNames(r)
	if err != nil {
		return err
	}
	l := s.localizer(r)
	return s.render(w, r, http.StatusOK, "meetings", s.newLayout(r, l, "meetings", m.Title, meetingsData{One: &m, Orgs: orgs,
		CanManage: policy.Authorize(viewerOf(r), policy.MeetingsManage, policy.MeetingResource(m)) == nil}))
}

// meetingFields are the meeting form's fields, top to bottom.
var meetingFields = []string{"title", "date", "tlp", "agenda", "attendee_org_ids", "minutes"}

// agendaRow is one line of the agenda as the form shows it: what it links
// to, as "kind:id" ("other" for none), and its note.
type agendaRow struct {
	Link string
	Note string
}

// agendaChoice is a record an agenda line may link to: only records the
// coordinator may see are offered, so no id is ever typed by hand.
type agendaChoice struct {
	Kind  model.AgendaKind
	Value string
	Label string
}

type meetingForm struct {
	ID        string
	Title     string
	Date      string
	TLP       string
	Agenda    []agendaRow
	Attendees []string
	Minutes   string
	Orgs      map[string]string
	OrgIDs    []string
	Choices   []agendaChoice
	Errors    map[string]string
	Error     string
}

// spareAgendaRows are the empty lines a form offers for new agenda items;
// saving with them filled offers as many again.
const spareAgendaRows = 3

func meetingFormFrom(m model.Meeting) meetingForm {
	f := meetingForm{ID: m.ID, Title: m.Title, Date: m.Date.String(), TLP: string(m.TLP), Minutes: m.Minutes, Attendees: m.Attendees}
	for _, a := range m.Agenda {
		link := string(model.AgendaOther)
		if a.Kind != model.AgendaOther {
			link = string(a.Kind) + ":" + a.RefID
		}
		f.Agenda = append(f.Agenda, agendaRow{Link: link, Note: a.Note})
	}
	return f
}

func meetingFormOf(r *http.Request) meetingForm {
	f := meetingForm{
		ID: r.PathValue("id"), Title: r.PostFormValue("title"), Date: r.PostFormValue("date"),
		TLP: r.PostFormValue("tlp"), Minutes: r.PostFormValue("minutes"), Attendees: r.PostForm["attendee_org_ids"],
	}
	links, notes := r.PostForm["agenda_link"], r.PostForm["agenda_note"]
	for i := range links {
		note := ""
		if i < len(notes) {
			note = notes[i]
		}
		if (links[i] == "" || links[i] == string(model.AgendaOther)) && strings.TrimSpace(note) == "" {
			continue
		}
		f.Agenda = append(f.Agenda, agendaRow{Link: links[i], Note: note})
	}
	return f
}

// input is what the service takes; every field the form cannot read is
// reported at once.
func (f meetingForm) input() (governance.MeetingInput, error) {
	errs := []error{required("title", f.Title, "date", f.Date)}
	var date model.Date
	if strings.TrimSpace(f.Date) != "" {
		var err error
		if date, err = model.ParseDate(strings.TrimSpace(f.Date)); err != nil {
			errs = append(errs, model.Invalid("date", "must be a date in the form YYYY-MM-DD"))
		}
	}
	agenda := []model.AgendaItem{}
	for _, row := range f.Agenda {
		kind, id, _ := strings.Cut(row.Link, ":")
		if row.Link == "" {
			kind = string(model.AgendaOther)
		}
		agenda = append(agenda, model.AgendaItem{Kind: model.AgendaKind(kind), RefID: id, Note: row.Note})
	}
	attendees := slices.Clone(f.Attendees)
	if attendees == nil {
		attendees = []string{}
	}
	if err := model.Collect(errs...); err != nil {
		return governance.MeetingInput{}, err
	}
	tlp := model.TLP(f.TLP)
	return governance.MeetingInput{Title: &f.Title, Date: &date, Agenda: &agenda, Attendees: &attendees, Minutes: &f.Minutes, TLP: &tlp}, nil
}

// agendaChoices lists the records v may see that an agenda may name.
func (s *Server) agendaChoices(r *http.Request) ([]agendaChoice, error) {
	v := viewerOf(r)
	var out []agendaChoice
	if policy.Allowed(v, policy.ProposalsRead) {
		ps, _, err := s.Governance.List(r.Context(), v, model.ProposalFilter{}, "", model.MaxPage)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			out = append(out, agendaChoice{Kind: model.AgendaProposal, Value: "proposal:" + p.ID, Label: p.Title})
		}
	}
	if policy.Allowed(v, policy.RequirementsRead) {
		rs, _, err := s.Requirements.List(r.Context(), v, model.RequirementFilter{}, "", model.MaxPage)
		if err != nil {
			return nil, err
		}
		for _, q := range rs {
			out = append(out, agendaChoice{Kind: model.AgendaRequirement, Value: "requirement:" + q.ID, Label: q.Ref + " · " + q.Title})
		}
	}
	ls, err := s.Lessons.List(r.Context(), v, lessons.Filter{})
	if err != nil {
		return nil, err
	}
	for _, l := range ls {
		out = append(out, agendaChoice{Kind: model.AgendaLesson, Value: "lesson:" + l.ID, Label: l.Title})
	}
	return out, nil
}

// showMeetingForm renders the meeting form, after a refusal with every
// problem beside its field and the values kept.
func (s *Server) showMeetingForm(w http.ResponseWriter, r *http.Request, f meetingForm, err error) error {
	l := s.localizer(r)
	status := http.StatusOK
	if err != nil {
		var rest error
		f.Errors, f.Error, rest = s.formErrors(l, err, meetingFields, map[string]string{"date": "date"})
		if rest != nil {
			return rest
		}
		status = statusOf(err)
	}
	orgs, oerr := s.orgNames(r)
	if oerr != nil {
		return oerr
	}
	f.Orgs = orgs
	f.OrgIDs = make([]string, 0, len(orgs))
	for id := range orgs {
		f.OrgIDs = append(f.OrgIDs, id)
	}
	slices.SortFunc(f.OrgIDs, func(a, b string) int { return strings.Compare(orgs[a], orgs[b]) })
	if f.Choices, oerr = s.agendaChoices(r); oerr != nil {
		return oerr
	}
	for range spareAgendaRows {
		f.Agenda = append(f.Agenda, agendaRow{})
	}
	title := "forms.meeting.new_title"
	if f.ID != "" {
		title = "forms.meeting.edit_title"
	}
	return s.render(w, r, status, "meeting_form", s.newLayout(r, l, "meetings", l.T(title), f))
}

func (s *Server) newMeetingPage(w http.ResponseWriter, r *http.Request) error {
	return s.showMeetingForm(w, r, meetingForm{TLP: string(model.TLPAmber)}, nil)
}

func (s *Server) createMeeting(w http.ResponseWriter, r *http.Request) error {
	f := meetingFormOf(r)
	in, err := f.input()
	if err == nil {
		var m model.Meeting
		if m, err = s.Governance.CreateMeeting(r.Context(), viewerOf(r), in); err == nil {
			return seeOther(w, r, "/meetings/"+m.ID)
		}
	}
	return s.showMeetingForm(w, r, f, err)
}

func (s *Server) editMeetingPage(w http.ResponseWriter, r *http.Request) error {
	v := viewerOf(r)
	m, err := s.Governance.Meeting(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	// One who may read the meeting but not manage it learns only that.
	if err := policy.Authorize(v, policy.MeetingsManage, policy.MeetingResource(m)); err != nil {
		return err
	}
	return s.showMeetingForm(w, r, meetingFormFrom(m), nil)
}

func (s *Server) updateMeeting(w http.ResponseWriter, r *http.Request) error {
	f := meetingFormOf(r)
	in, err := f.input()
	if err == nil {
		var m model.Meeting
		if m, err = s.Governance.UpdateMeeting(r.Context(), viewerOf(r), f.ID, in); err == nil {
			return seeOther(w, r, "/meetings/"+m.ID)
		}
	}
	return s.showMeetingForm(w, r, f, err)
}
