package web

import (
	"net/http"

	"github.com/cyberaid/cyberaid/internal/governance"
)

func (s *Server) apiListMeetings(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	ms, next, err := s.Governance.MeetingsPage(r.Context(), viewerOf(r), cursor, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(ms, next))
}

func (s *Server) apiCreateMeeting(w http.ResponseWriter, r *http.Request) error {
	var in governance.MeetingInput
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := s.Governance.CreateMeeting(r.Context(), viewerOf(r), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, m)
}

func (s *Server) apiGetMeeting(w http.ResponseWriter, r *http.Request) error {
	m, err := s.Governance.Meeting(r.Context(), viewerOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m)
}

func (s *Server) apiUpdateMeeting(w http.ResponseWriter, r *http.Request) error {
	var in governance.MeetingInput
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := s.Governance.UpdateMeeting(r.Context(), viewerOf(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, m)
}
