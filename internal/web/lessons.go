package web

import (
	"net/http"

	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
)

func (s *Server) apiListLessons(w http.ResponseWriter, r *http.Request) error {
	f, err := lessonFilter(r.URL.Query())
	if err != nil {
		return err
	}
	order, cursor, limit, err := lessonPageParams(r, f)
	if err != nil {
		return err
	}
	l, err := s.Lessons.Page(r.Context(), viewerOf(r), f, order, cursor, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newCounted(l))
}

// lessonPageParams reads the page of the lessons list: the lessons due for
// review come by review date unless another order is asked for.
func lessonPageParams(r *http.Request, f lessons.Filter) (model.Sort, string, int, error) {
	return sortedPageParamsOr(r, model.LessonSorts, lessonDefaultSort(f))
}

func lessonDefaultSort(f lessons.Filter) model.Sort {
	if f.Due {
		return model.Sort{Field: "review"}
	}
	return model.Sort{}
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
