package storetest

import (
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Delivery checks milestones and receipts: they read back as written, in
// date order, per pledge or all at once, with nullable lead-time marks.
func Delivery(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	donor := newOrg(t, s, "Estonia")
	ben := newOrg(t, s, "Ukrenergo")
	u := newUser(t, s, ben.ID, "requester@test.example", model.RoleRequester)
	req := newRequirement(t, s, ben.ID, nil)
	p := newPledge(t, s, donor.ID, req.ID, nil)
	other := newPledge(t, s, donor.ID, req.ID, nil)

	shipped := model.Milestone{PledgeID: p.ID, Kind: model.MilestoneShipped, Date: model.NewDate(2026, 5, 3), Note: "By road", CreatedBy: u.ID, CreatedAt: t0}
	planned := model.Milestone{PledgeID: p.ID, Kind: model.MilestonePlanned, Date: model.NewDate(2026, 4, 1), CreatedBy: u.ID, CreatedAt: t0}
	must(t, s.AddMilestone(ctx, &shipped))
	must(t, s.InTx(ctx, func(q store.Queries) error { return q.AddMilestone(ctx, &planned) }))
	got, err := s.Milestones(ctx, p.ID)
	must(t, err)
	same(t, got, []model.Milestone{planned, shipped})
	if got[0].CreatedAt.Location() != time.UTC || !got[0].CreatedAt.Equal(t0) {
		t.Fatalf("created_at %v, want %v in UTC", got[0].CreatedAt, t0)
	}
	none, err := s.Milestones(ctx, other.ID)
	must(t, err)
	same(t, len(none), 0)
	bad := model.Milestone{PledgeID: p.ID, Kind: "lost", Date: model.NewDate(2026, 5, 3), CreatedBy: u.ID, CreatedAt: t0}
	if err := s.AddMilestone(ctx, &bad); err == nil {
		t.Fatal("a milestone of an unknown kind was stored")
	}

	validated := t0.Add(-72 * time.Hour).UTC()
	first := t0.Add(-24 * time.Hour).UTC()
	withTimes := model.Receipt{PledgeID: p.ID, Outcome: model.ReceiptReceived, Note: "All there", UserID: u.ID, OrgID: ben.ID, At: t0.Add(time.Hour),
		RequirementID: req.ID, ValidatedAt: &validated, FirstPledgeAt: &first}
	bare := model.Receipt{PledgeID: other.ID, Outcome: model.ReceiptProblem, Note: "Broken", UserID: u.ID, OrgID: ben.ID, At: t0}
	must(t, s.AddReceipt(ctx, &withTimes))
	must(t, s.AddReceipt(ctx, &bare))
	withTimes.At, bare.At = withTimes.At.UTC(), bare.At.UTC()
	rs, err := s.Receipts(ctx, p.ID)
	must(t, err)
	same(t, rs, []model.Receipt{withTimes})
	all, err := s.Receipts(ctx, "")
	must(t, err)
	same(t, all, []model.Receipt{bare, withTimes})
}

// Lessons checks lessons learned: created, changed, listed newest first,
// with the users a RED lesson names.
func Lessons(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	org := newOrg(t, s, "Estonia")
	u := newUser(t, s, org.ID, "coordinator@test.example", model.RoleCoordinator)
	v := newUser(t, s, org.ID, "delegate@test.example", model.RoleDelegate)
	req := newRequirement(t, s, org.ID, nil)

	general := model.Lesson{Title: "Plan customs", Link: model.LinkNone, WhatHappened: "Delays", Status: model.LessonProposed,
		TLP: model.TLPGreen, AuthorOrgID: org.ID, CreatedBy: u.ID, CreatedAt: t0, UpdatedAt: t0}
	must(t, s.CreateLesson(ctx, &general))
	linked := model.Lesson{Title: "Scope first", Link: model.LinkRequirement, LinkID: req.ID, Status: model.LessonProposed,
		OwnerUserID: v.ID, ReviewOn: model.NewDate(2026, 7, 1), TLP: model.TLPRed, NamedUserIDs: []string{v.ID, u.ID, u.ID},
		AuthorOrgID: org.ID, CreatedBy: u.ID, CreatedAt: t0, UpdatedAt: t0}
	must(t, s.CreateLesson(ctx, &linked))

	got, err := s.LessonByID(ctx, linked.ID)
	must(t, err)
	same(t, got, linked)
	if len(got.NamedUserIDs) != 2 {
		t.Fatalf("named users %v, want two without repeats", got.NamedUserIDs)
	}

	linked.Status, linked.Recommendation, linked.OwnerUserID, linked.NamedUserIDs = model.LessonAccepted, "Write the scope first", "", []string{u.ID}
	linked.UpdatedAt = t0.Add(time.Hour)
	must(t, s.InTx(ctx, func(q store.Queries) error {
		if _, err := q.LessonByID(ctx, linked.ID); err != nil {
			return err
		}
		return q.UpdateLesson(ctx, &linked)
	}))
	got, err = s.LessonByID(ctx, linked.ID)
	must(t, err)
	same(t, got, linked)

	all, err := s.ListLessons(ctx)
	must(t, err)
	same(t, len(all), 2)
	same(t, all[0].ID, linked.ID)
	same(t, all[1], general)

	_, err = s.LessonByID(ctx, "nope")
	wantErr(t, err, model.ErrNotFound)
	ghost := model.Lesson{ID: "nope", Title: "x", Link: model.LinkNone, Status: model.LessonProposed, TLP: model.TLPGreen}
	wantErr(t, s.UpdateLesson(ctx, &ghost), model.ErrNotFound)
}
