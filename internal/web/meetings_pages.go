package web

import (
	"net/http"

	"github.com/cyberaid/cyberaid/internal/model"
)

type meetingsData struct {
	Items []model.Meeting
	Orgs  map[string]string
	One   *model.Meeting
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
	return s.show(w, r, http.StatusOK, "meetings", "meetings", "meetings.title", meetingsData{Items: ms, Orgs: orgs})
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
	return s.render(w, r, http.StatusOK, "meetings", s.newLayout(r, l, "meetings", m.Title, meetingsData{One: &m, Orgs: orgs}))
}

// meetingFields are the meeting form's fields, top to bottom.
var meetingFields = []string{"title", "date", "tlp", "agenda", "attendee_org_ids", "minutes"}
