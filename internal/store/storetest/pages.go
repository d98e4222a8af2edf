package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// walkPages reads a list by pages of n and returns the ids in order.
func walkPages(t *testing.T, n int, page func(after string, limit int) ([]string, error)) []string {
	t.Helper()
	var all []string
	after := ""
	for range 100 {
		ids, err := page(after, n)
		must(t, err)
		if len(ids) > n {
			t.Fatalf("a page of %d holds %d", n, len(ids))
		}
		all = append(all, ids...)
		if len(ids) < n {
			return all
		}
		after = ids[len(ids)-1]
	}
	t.Fatal("the pages never end")
	return nil
}

func idsOf[T any](items []T, err error, id func(T) string) ([]string, error) {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = id(it)
	}
	return out, err
}

// testPages checks that each keyset-paged list, walked by pages of 2,
// yields what one page of all holds, in the list's order, and that a cursor
// naming no row of the list is refused as ErrInvalid.
func testPages(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	var orgs []model.Organisation
	for _, name := range []string{"Zambia", "Estonia", "Canada", "Denmark", "Austria"} {
		orgs = append(orgs, newOrg(t, s, name))
	}
	for i, o := range orgs {
		newUser(t, s, o.ID, fmt.Sprintf("u%d@%d.example", 5-i, i), model.RoleViewer)
	}
	for i := range 5 {
		must(t, s.CreateRotation(ctx, &model.Rotation{Starts: model.NewDate(2020+i, 1, 1), Ends: model.NewDate(2020+i, 6, 30),
			FrontOfficeOrgID: orgs[0].ID, BackOfficeOrgID: orgs[1].ID}))
		must(t, s.CreateMeeting(ctx, &model.Meeting{Title: "m", Date: model.NewDate(2026, 1, 5-i%2), TLP: model.TLPGreen,
			OwnerOrgID: orgs[0].ID, CreatedBy: newUser(t, s, orgs[0].ID, fmt.Sprintf("c%d@x.example", i), model.RoleCoordinator).ID}))
		review := model.Date{}
		if i != 2 {
			review = model.NewDate(2026, 3, 1+i%2)
		}
		must(t, s.CreateLesson(ctx, &model.Lesson{Title: "l", Link: model.LinkNone, Status: model.LessonProposed, TLP: model.TLPGreen,
			ReviewOn: review, AuthorOrgID: orgs[0].ID, CreatedBy: newUser(t, s, orgs[0].ID, fmt.Sprintf("a%d@x.example", i), model.RoleDonor).ID}))
	}
	everyone := policy.AudienceOf(policy.System())
	dueBy, byReview := model.LessonFilter{DueBy: model.NewDate(2030, 1, 1)}, model.Sort{Field: "review"}
	lists := map[string]func(after string, limit int) ([]string, error){
		"organisations": func(a string, n int) ([]string, error) {
			items, err := s.SortOrganisations(ctx, model.Sort{}, a, n)
			return idsOf(items, err, func(o model.Organisation) string { return o.ID })
		},
		"users": func(a string, n int) ([]string, error) {
			items, err := s.SortUsers(ctx, model.Sort{}, a, n)
			return idsOf(items, err, func(u model.User) string { return u.ID })
		},
		"rotations": func(a string, n int) ([]string, error) {
			items, err := s.PageRotations(ctx, a, n)
			return idsOf(items, err, func(r model.Rotation) string { return r.ID })
		},
		"meetings": func(a string, n int) ([]string, error) {
			items, err := s.PageMeetings(ctx, a, n)
			return idsOf(items, err, func(m model.Meeting) string { return m.ID })
		},
		"lessons": func(a string, n int) ([]string, error) {
			items, err := s.PageLessons(ctx, model.LessonFilter{}, everyone, model.Sort{}, a, n)
			return idsOf(items, err, func(l model.Lesson) string { return l.ID })
		},
		"lessons by review": func(a string, n int) ([]string, error) {
			items, err := s.PageLessons(ctx, dueBy, everyone, byReview, a, n)
			return idsOf(items, err, func(l model.Lesson) string { return l.ID })
		},
	}
	for name, page := range lists {
		whole, err := page("", 0)
		must(t, err)
		if paged := walkPages(t, 2, page); !slices.Equal(paged, whole) || len(whole) < 4 {
			t.Errorf("%s: by pages %v, whole %v", name, paged, whole)
		}
		_, err = page("01890a5d-ac96-774b-bcce-b302099a8057", 2)
		wantErr(t, err, model.ErrInvalid)
	}

	// Each list keeps its own order.
	got, _ := s.SortOrganisations(ctx, model.Sort{}, "", 0)
	var names []string
	for _, o := range got {
		names = append(names, o.Name)
	}
	same(t, names, []string{"Austria", "Canada", "Denmark", "Estonia", "Zambia"})
	due, _ := s.PageLessons(ctx, dueBy, everyone, byReview, "", 0)
	if len(due) != 4 || due[3].ReviewOn.Before(due[0].ReviewOn) {
		t.Errorf("lessons by review date: %+v", due)
	}
	ms, _ := s.PageMeetings(ctx, "", 0)
	if ms[0].Date.Before(ms[len(ms)-1].Date) {
		t.Errorf("meetings are not latest first")
	}
	// A lesson without a review date is no cursor of the review list.
	all, _ := s.PageLessons(ctx, model.LessonFilter{}, everyone, model.Sort{}, "", 0)
	for _, l := range all {
		if l.ReviewOn.IsZero() {
			_, err := s.PageLessons(ctx, dueBy, everyone, byReview, l.ID, 2)
			wantErr(t, err, model.ErrInvalid)
		}
	}
}
