package web

import (
	"net/http"
	"strconv"

	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
)

func lessonFilter(r *http.Request) (lessons.Filter, error) {
	q := r.URL.Query()
	f := lessons.Filter{Status: model.LessonStatus(q.Get("status")), LinkID: q.Get("link_id")}
	if d := q.Get("due"); d != "" {
		due, err := strconv.ParseBool(d)
		if err != nil {
			return f, model.Invalid("due", "%q is not true or false", d)
		}
		f.Due = due
	}
	return f, nil
}

func (s *Server) apiListLessons(w http.ResponseWriter, r *http.Request) error {
	f, err := lessonFilter(r)
	if err != nil {
		return err
	}
	items, err := s.Lessons.List(r.Context(), viewerOf(r), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(items, ""))
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
