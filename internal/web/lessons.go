package web

import (
	"net/http"

	"github.com/cyberaid/cyberaid/internal/lessons"
)

func (s *Server) apiListLessons(w http.ResponseWriter, r *http.Request) error {
	f, err := lessonFilter(r.URL.Query())
	if err != nil {
		return err
	}
	cursor, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	items, next, err := s.Lessons.Page(r.Context(), viewerOf(r), f, cursor, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(items, next))
}

func (s *Server) apiGetLesson(w http.ResponseWriter, r *http.Request) error {
	l, err := s.Lessons.Get(r.Context(), viewerOf(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, l)
}

func (s *Server) apiCreateLesson(w http.ResponseWriter, r *http.Request) error {
	var in lessons.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	l, err := s.Lessons.Create(r.Context(), viewerOf(r), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, l)
}

func (s *Server) apiUpdateLesson(w http.ResponseWriter, r *http.Request) error {
	var in lessons.Input
	if err := decode(r, &in); err != nil {
		return err
	}
	l, err := s.Lessons.Update(r.Context(), viewerOf(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, l)
}
