package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// checkSorted walks a list two rows at a time in every order of keys, up
// and down, and wants every row of want once, in that order (ties by id).
func checkSorted[T any](t *testing.T, what string, want []T, id func(T) string, keys map[string]func(a, b T) int,
	page func(s model.Sort, after string, n int) ([]T, error)) {
	t.Helper()
	for field, key := range keys {
		for _, desc := range []bool{false, true} {
			order := model.Sort{Field: field, Desc: desc}
			var got []string
			after := ""
			for range 100 {
				items, err := page(order, after, 2)
				must(t, err)
				for _, it := range items {
					got = append(got, id(it))
				}
				if len(items) < 2 {
					break
				}
				after = id(items[len(items)-1])
			}
			exp := slices.Clone(want)
			slices.SortStableFunc(exp, func(a, b T) int {
				c := key(a, b)
				if c == 0 {
					c = strings.Compare(id(a), id(b))
				}
				if desc {
					c = -c
				}
				return c
			})
			var expIDs []string
			for _, e := range exp {
				expIDs = append(expIDs, id(e))
			}
			if !slices.Equal(got, expIDs) {
				t.Errorf("%s sort %s: got %v, want %v", what, order, got, expIDs)
			}
		}
	}
	_, err := page(model.Sort{}, "01890000-0000-7000-8000-000000000000", 2)
	wantErr(t, err, model.ErrInvalid)
}

func byText[T any](f func(T) string) func(a, b T) int {
	return func(a, b T) int { return strings.Compare(f(a), f(b)) }
}

// testViewedPages: the lessons, proposals, notifications and directory
// lists, sorted on each of their columns, paged by cursor, and counted for
// viewers who see all, some or none of them.
func testViewedPages(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	ee, ua := newOrg(t, s, "Estonia"), newOrg(t, s, "Ukraine")
	ua.Kind, ua.Participation, ua.Country = model.KindBeneficiaryAgency, model.Beneficiary, "UA"
	must(t, s.UpdateOrganisation(ctx, &ua))
	delegate := newUser(t, s, ee.ID, "delegate@ee.example", model.RoleDelegate)
	agency := newUser(t, s, ua.ID, "agency@ua.example", model.RoleRequester)
	all := policy.AudienceOf(policy.System())
	viewers := map[string]policy.Viewer{
		"anonymous": {},
		"delegate":  policy.ViewerFor(delegate, ee),
		"agency":    policy.ViewerFor(agency, ua),
	}

	req := newRequirement(t, s, ua.ID, func(r *model.Requirement) { r.TLP = model.TLPAmberStrict })
	titles := []string{"b firewalls", "A radios", "Єнергетика", "a radios", "énergie", "Z-last"}
	statuses := []model.LessonStatus{model.LessonProposed, model.LessonAccepted, model.LessonDropped}
	var lessons []model.Lesson
	for i, title := range titles {
		l := model.Lesson{Title: title, Link: model.LinkNone, Status: statuses[i%3], TLP: model.TLPs[i%4],
			AuthorOrgID: ee.ID, CreatedBy: delegate.ID}
		if i%2 == 0 {
			l.ReviewOn = model.NewDate(2026, 3, 1+i)
		}
		if i == 4 {
			l.Link, l.LinkID = model.LinkRequirement, req.ID
		}
		must(t, s.CreateLesson(ctx, &l))
		lessons = append(lessons, l)
	}
	lessonKeys := map[string]func(a, b model.Lesson) int{
		"created": byText(func(l model.Lesson) string { return l.ID }),
		"title":   byText(func(l model.Lesson) string { return l.Title }),
		"status":  byText(func(l model.Lesson) string { return string(l.Status) }),
		"review":  byText(func(l model.Lesson) string { return l.ReviewOn.String() }),
	}
	same(t, len(lessonKeys), len(model.LessonSorts))
	lessonID := func(l model.Lesson) string { return l.ID }
	checkSorted(t, "lessons", lessons, lessonID, lessonKeys, func(o model.Sort, after string, n int) ([]model.Lesson, error) {
		return s.PageLessons(ctx, model.LessonFilter{}, all, o, after, n)
	})
	due := model.LessonFilter{DueBy: model.NewDate(2026, 3, 4)}
	for who, v := range viewers {
		aud := policy.AudienceOf(v)
		reqRes := policy.RequirementResource(req, nil)
		var seen, seenDue, seenLinked []model.Lesson
		for _, l := range lessons {
			var about *policy.Resource
			if l.Link == model.LinkRequirement {
				about = &reqRes
			}
			if !policy.Visible(v, policy.LessonResource(l, about)) {
				continue
			}
			seen = append(seen, l)
			if l.DueForReview(due.DueBy) {
				seenDue = append(seenDue, l)
			}
			if l.LinkID == req.ID && policy.Visible(v, reqRes) {
				seenLinked = append(seenLinked, l)
			}
		}
		for _, c := range []struct {
			f    model.LessonFilter
			want []model.Lesson
		}{{model.LessonFilter{}, seen}, {due, seenDue}, {model.LessonFilter{LinkID: req.ID}, seenLinked}} {
			checkSorted(t, who+" lessons", c.want, lessonID, map[string]func(a, b model.Lesson) int{"title": lessonKeys["title"]},
				func(o model.Sort, after string, n int) ([]model.Lesson, error) {
					return s.PageLessons(ctx, c.f, aud, o, after, n)
				})
			n, err := s.CountLessons(ctx, c.f, aud)
			must(t, err)
			if n != len(c.want) {
				t.Errorf("%s: %d lessons counted under %+v, %d visible", who, n, c.f, len(c.want))
			}
		}
	}

	var proposals []model.Proposal
	pstatuses := []model.ProposalStatus{model.ProposalOpen, model.ProposalAdopted, model.ProposalLapsed}
	for i, title := range titles {
		p := model.Proposal{Kind: model.ProposalOperational, Title: title, ProposerID: delegate.ID, ProposerOrgID: ee.ID,
			Procedure: model.ProcedureConsensus, Deadline: t0.Add(48 * time.Hour), TLP: model.TLPs[i%4], Status: pstatuses[i%3],
			Electorate: []string{ee.ID}, CreatedAt: t0}
		if p.Status != model.ProposalOpen {
			at := t0.Add(time.Duration(i) * time.Hour)
			p.ClosedAt = &at
		}
		must(t, s.CreateProposal(ctx, &p))
		proposals = append(proposals, p)
	}
	decided := func(p model.Proposal) string {
		if p.ClosedAt == nil {
			return ""
		}
		return p.ClosedAt.UTC().Format(time.RFC3339Nano)
	}
	proposalKeys := map[string]func(a, b model.Proposal) int{
		"created": byText(func(p model.Proposal) string { return p.ID }),
		"title":   byText(func(p model.Proposal) string { return p.Title }),
		"status":  byText(func(p model.Proposal) string { return string(p.Status) }),
		"decided": byText(decided),
	}
	same(t, len(proposalKeys), len(model.ProposalSorts))
	proposalID := func(p model.Proposal) string { return p.ID }
	checkSorted(t, "proposals", proposals, proposalID, proposalKeys, func(o model.Sort, after string, n int) ([]model.Proposal, error) {
		return s.PageProposals(ctx, model.ProposalFilter{}, all, o, after, n)
	})
	for who, v := range viewers {
		aud := policy.AudienceOf(v)
		for _, f := range []model.ProposalFilter{{}, {Status: model.ProposalOpen}} {
			var want []model.Proposal
			for _, p := range proposals {
				if (f.Status == "" || p.Status == f.Status) && policy.Visible(v, policy.ProposalResource(p)) {
					want = append(want, p)
				}
			}
			checkSorted(t, who+" proposals", want, proposalID, map[string]func(a, b model.Proposal) int{"decided": proposalKeys["decided"]},
				func(o model.Sort, after string, n int) ([]model.Proposal, error) {
					return s.PageProposals(ctx, f, aud, o, after, n)
				})
			n, err := s.CountProposals(ctx, f, aud)
			must(t, err)
			if n != len(want) {
				t.Errorf("%s: %d proposals counted under %+v, %d visible", who, n, f, len(want))
			}
		}
	}

	// The agency's notifications: about its account, a proposal it may not
	// see, and a requirement of its own; some read.
	var notes []model.Notification
	for i := range 6 {
		n := model.Notification{UserID: agency.ID, Kind: model.NotifyProposalOpened, ObjectType: "proposal", ObjectID: proposals[i].ID,
			Subject: fmt.Sprint(i), Mail: model.MailNone}
		switch i % 3 {
		case 1:
			n.Kind, n.ObjectType, n.ObjectID = model.NotifySecurity, "account", agency.ID
		case 2:
			n.Kind, n.ObjectType, n.ObjectID = model.NotifyRequirementValidated, "requirement", req.ID
		}
		if i < 2 {
			at := t0
			n.ReadAt = &at
		}
		must(t, s.AddNotification(ctx, &n))
		notes = append(notes, n)
	}
	must(t, s.AddNotification(ctx, &model.Notification{UserID: delegate.ID, Kind: model.NotifySecurity, ObjectType: "account",
		ObjectID: delegate.ID, Mail: model.MailNone}))
	state := func(want, wantRead int64) {
		t.Helper()
		total, read, head, err := s.NotificationVersion(ctx, agency.ID)
		must(t, err)
		if total != want || read != wantRead {
			t.Errorf("the agency's notification state: %d, %d read; want %d, %d", total, read, want, wantRead)
		}
		if wantHead, err := s.AuditHeadSeq(ctx); err != nil || head != wantHead {
			t.Errorf("the notification version's head: %d; want the audit log's, %d (%v)", head, wantHead, err)
		}
	}
	state(6, 2)
	must(t, s.MarkNotificationRead(ctx, agency.ID, notes[0].ID, t0)) // already read: nothing changes
	state(6, 2)
	must(t, s.MarkNotificationRead(ctx, agency.ID, notes[5].ID, t0))
	state(6, 3)
	notes[5].ReadAt = &t0
	av := viewers["agency"]
	aud := policy.AudienceOf(av)
	for _, unread := range []bool{false, true} {
		var want []model.Notification
		unseen := 0
		for i, n := range notes {
			if n.ObjectType == "proposal" && !policy.Visible(av, policy.ProposalResource(proposals[i])) {
				continue
			}
			if n.ReadAt == nil {
				unseen++
			} else if unread {
				continue
			}
			want = append(want, n)
		}
		f := model.NotificationFilter{UserID: agency.ID, Unread: unread}
		checkSorted(t, "notifications", want, func(n model.Notification) string { return n.ID },
			map[string]func(a, b model.Notification) int{"created": byText(func(n model.Notification) string { return n.ID })},
			func(o model.Sort, after string, n int) ([]model.Notification, error) {
				return s.PageNotifications(ctx, f, aud, o, after, n)
			})
		total, unreadN, err := s.CountNotifications(ctx, f, aud)
		must(t, err)
		if total != len(want) || unreadN != unseen {
			t.Errorf("notifications (unread only %v): %d, %d unread; want %d, %d", unread, total, unreadN, len(want), unseen)
		}
	}

	orgs, err := s.ListOrganisations(ctx)
	must(t, err)
	checkSorted(t, "organisations", orgs, func(o model.Organisation) string { return o.ID }, map[string]func(a, b model.Organisation) int{
		"name":          byText(func(o model.Organisation) string { return o.Name }),
		"kind":          byText(func(o model.Organisation) string { return string(o.Kind) }),
		"participation": byText(func(o model.Organisation) string { return string(o.Participation) }),
		"country":       byText(func(o model.Organisation) string { return o.Country }),
	}, func(o model.Sort, after string, n int) ([]model.Organisation, error) {
		return s.SortOrganisations(ctx, o, after, n)
	})
	users, err := s.ListUsers(ctx, "")
	must(t, err)
	orgName := map[string]string{}
	for _, o := range orgs {
		orgName[o.ID] = o.Name
	}
	checkSorted(t, "users", users, func(u model.User) string { return u.ID }, map[string]func(a, b model.User) int{
		"name":  byText(func(u model.User) string { return u.Name }),
		"email": byText(func(u model.User) string { return u.Email }),
		"role": byText(func(u model.User) string {
			var rs []string
			for _, r := range u.Roles {
				rs = append(rs, string(r))
			}
			slices.Sort(rs)
			if len(rs) == 0 {
				return ""
			}
			return rs[0]
		}),
		"organisation": byText(func(u model.User) string { return orgName[u.OrgID] }),
	}, func(o model.Sort, after string, n int) ([]model.User, error) {
		return s.SortUsers(ctx, o, after, n)
	})
}
