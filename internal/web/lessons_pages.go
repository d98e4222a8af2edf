package web

import (
	"net/http"
	"strings"

	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

type lessonsData struct {
	Items     []model.Lesson
	Due       bool
	Status    string
	LinkID    string
	Sort      string
	Statuses  []model.LessonStatus
	CanCreate bool
	Nav       listNav
}

func (s *Server) lessonsPage(w http.ResponseWriter, r *http.Request) error {
	v := viewerOf(r)
	q := r.URL.Query()
	f := lessons.Filter{Status: model.LessonStatus(q.Get("status")), LinkID: q.Get("link_id"), Due: q.Get("due") == "1" || q.Get("due") == "true"}
	if f.Status != "" && !f.Status.Valid() {
		f.Status = ""
	}
	order, err := readSort(r, model.LessonSorts, lessonDefaultSort(f))
	if err != nil {
		return err
	}
	page, err := s.Lessons.Page(r.Context(), v, f, order, q.Get("cursor"), listPage)
	if err != nil {
		return err
	}
	data := lessonsData{Items: page.Items, Due: f.Due, Status: string(f.Status), LinkID: f.LinkID, Statuses: model.LessonStatuses,
		CanCreate: policy.Require(v, policy.LessonsCreate) == nil,
		Nav:       navFor(r, model.LessonSorts, order, len(page.Items), page.Next, page.Total)}
	if q.Get("sort") != "" {
		data.Sort = order.String()
	}
	l := s.localizer(r)
	lay := s.newLayout(r, l, "lessons", l.T("lessons.title"), data)
	if r.URL.Query().Get("done") == "created" {
		lay.Notice = l.T("notice.lesson.created")
	}
	return s.render(w, r, http.StatusOK, "lessons", lay)
}

// lessonForm is a lesson as typed, kept as text so that a refused form
// comes back as the user left it.
type lessonForm struct {
	ID                                        string
	Title, Link, LinkID, Find                 string
	WhatHappened, WhatLearned, Recommendation string
	Status, ReviewOn, TLP                     string
	Own                                       bool
	Links                                     []model.LessonLink
	Statuses                                  []model.LessonStatus
	Errors                                    map[string]string
	// Pick lists the records the words of Find match, to choose LinkID from.
	Pick picker
}

func lessonFormOf(r *http.Request) lessonForm {
	return lessonForm{
		Title: r.PostFormValue("title"), Link: r.PostFormValue("link"), LinkID: strings.TrimSpace(r.PostFormValue("link_id")),
		Find:         r.PostFormValue("find"),
		WhatHappened: r.PostFormValue("what_happened"), WhatLearned: r.PostFormValue("what_learned"),
		Recommendation: r.PostFormValue("recommendation"), Status: r.PostFormValue("status"),
		ReviewOn: r.PostFormValue("review_on"), TLP: r.PostFormValue("tlp"), Own: r.PostFormValue("own") == "1",
	}
}

func (f lessonForm) input(v policy.Viewer) (lessons.Input, error) {
	in := lessons.Input{
		Title: &f.Title, WhatHappened: &f.WhatHappened, WhatLearned: &f.WhatLearned, Recommendation: &f.Recommendation,
	}
	if f.TLP != "" {
		t := model.TLP(f.TLP)
		in.TLP = &t
	}
	if f.Status != "" {
		st := model.LessonStatus(f.Status)
		in.Status = &st
	}
	var d model.Date
	var bad error
	if f.ReviewOn != "" {
		p, err := model.ParseDate(f.ReviewOn)
		if err != nil {
			bad = model.Invalid("review_on", "%v", err)
		}
		d = p
	}
	in.ReviewOn = &d
	if f.Own {
		in.OwnerUserID = &v.UserID
	}
	// The input is whole even when the date is refused, so that the
	// service can name the other faults with it.
	return in, bad
}

var lessonFields = []string{"title", "link", "link_id", "what_happened", "what_learned", "recommendation", "status", "review_on", "tlp", "owner_user_id"}

func (s *Server) showLessonForm(w http.ResponseWriter, r *http.Request, status int, f lessonForm, err error) error {
	l := s.localizer(r)
	var text string
	if err != nil {
		var rest error
		f.Errors, text, rest = s.formErrors(l, err, lessonFields, nil)
		if rest != nil {
			return rest
		}
	}
	f.Links, f.Statuses = model.LessonLinks, model.LessonStatuses
	pk, perr := s.pickerFor(r, f.Link, f.Find, f.LinkID)
	if perr != nil {
		return perr
	}
	f.Pick = pk
	lay := s.newLayout(r, l, "lessons", l.T("lessons.new"), struct {
		F     lessonForm
		Error string
	}{f, text})
	return s.render(w, r, status, "lesson_form", lay)
}

func (s *Server) newLessonPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	link := q.Get("link")
	if !model.LessonLink(link).Valid() {
		link = string(model.LinkNone)
	}
	return s.showLessonForm(w, r, http.StatusOK, lessonForm{Link: link, LinkID: q.Get("link_id"), TLP: string(model.TLPAmber)}, nil)
}

func (s *Server) createLesson(w http.ResponseWriter, r *http.Request) error {
	f := lessonFormOf(r)
	v := viewerOf(r)
	if r.PostFormValue("pick") != "" {
		// The picker's search step: the form comes back with the records
		// found, nothing saved.
		return s.showLessonForm(w, r, http.StatusOK, f, nil)
	}
	in, perr := f.input(v)
	link := model.LessonLink(f.Link)
	in.Link, in.LinkID = &link, &f.LinkID
	if link == "" || link == model.LinkNone {
		none := model.LinkNone
		in.Link, in.LinkID = &none, nil
	}
	if perr != nil {
		// The date could not be read: the service still names every other
		// fault, so that one submit shows them all.
		err := model.Collect(perr, s.Lessons.Check(r.Context(), v, in))
		return s.showLessonForm(w, r, statusOf(err), f, err)
	}
	les, err := s.Lessons.Create(r.Context(), v, in)
	if err != nil {
		return s.showLessonForm(w, r, statusOf(err), f, err)
	}
	return seeOther(w, r, "/lessons/"+les.ID+"?done=created")
}

type lessonData struct {
	L       model.Lesson
	Owner   string
	Author  string
	CanEdit bool
	Form    lessonForm
	Error   string
}

func (s *Server) lessonPage(w http.ResponseWriter, r *http.Request) error {
	return s.showLesson(w, r, http.StatusOK, nil, "")
}

func (s *Server) showLesson(w http.ResponseWriter, r *http.Request, status int, form *lessonForm, errText string) error {
	v := viewerOf(r)
	les, err := s.Lessons.Get(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	orgs, err := s.orgNames(r)
	if err != nil {
		return err
	}
	data := lessonData{L: les, Author: orgs[les.AuthorOrgID], Error: errText}
	if les.OwnerUserID != "" {
		if name, err := s.Lessons.OwnerName(r.Context(), v, les.ID); err == nil {
			data.Owner = name
		}
	}
	data.CanEdit = s.Lessons.CanEdit(r.Context(), v, les)
	if form != nil {
		data.Form = *form
	} else {
		data.Form = lessonForm{Title: les.Title, WhatHappened: les.WhatHappened, WhatLearned: les.WhatLearned,
			Recommendation: les.Recommendation, Status: string(les.Status), ReviewOn: les.ReviewOn.String(), TLP: string(les.TLP),
			Own: les.OwnerUserID != "" && les.OwnerUserID == v.UserID}
	}
	data.Form.Statuses = model.LessonStatuses
	l := s.localizer(r)
	lay := s.newLayout(r, l, "lessons", les.Title, data)
	switch r.URL.Query().Get("done") {
	case "created":
		lay.Notice = l.T("notice.lesson.created")
	case "updated":
		lay.Notice = l.T("notice.lesson.updated")
	}
	return s.render(w, r, status, "lesson", lay)
}

func (s *Server) updateLesson(w http.ResponseWriter, r *http.Request) error {
	f := lessonFormOf(r)
	v := viewerOf(r)
	fail := func(err error) error {
		errs, text, rest := s.formErrors(s.localizer(r), err, lessonFields, nil)
		if rest != nil {
			return rest
		}
		f.Errors = errs
		return s.showLesson(w, r, statusOf(err), &f, text)
	}
	in, err := f.input(v)
	if err != nil {
		return fail(err)
	}
	if !f.Own {
		// Unticking "I carry it" gives the recommendation up only when it was the viewer's.
		cur, err := s.Lessons.Get(r.Context(), v, r.PathValue("id"))
		if err != nil {
			return err
		}
		if cur.OwnerUserID == v.UserID {
			empty := ""
			in.OwnerUserID = &empty
		}
	}
	les, err := s.Lessons.Update(r.Context(), v, r.PathValue("id"), in)
	if err != nil {
		return fail(err)
	}
	return seeOther(w, r, "/lessons/"+les.ID+"?done=updated")
}

// lessonsDue counts, for the coordination group (coordinators and
// delegates), the lessons it should review now; nobody else is reminded.
func (s *Server) lessonsDue(r *http.Request, v policy.Viewer) (int, error) {
	if !v.Has(model.RoleCoordinator) && !v.Has(model.RoleDelegate) {
		return 0, nil
	}
	due, err := s.Lessons.List(r.Context(), v, lessons.Filter{Due: true})
	return len(due), err
}
