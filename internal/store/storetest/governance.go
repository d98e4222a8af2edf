package storetest

import (
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

func newProposal(t *testing.T, s store.Queries, user model.User, electorate []string, deadline time.Time) model.Proposal {
	t.Helper()
	p := model.Proposal{Kind: model.ProposalOperational, Title: "Rotate leads", Text: "Text", ProposerID: user.ID, ProposerOrgID: user.OrgID,
		Procedure: model.ProcedureConsensus, Deadline: deadline, TLP: model.TLPGreen, Status: model.ProposalOpen, Electorate: electorate, CreatedAt: t0}
	must(t, s.CreateProposal(ctxOf(t), &p))
	return p
}

func testProposals(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	ee, ua, jp := newOrg(t, s, "Estonia"), newOrg(t, s, "Ukraine"), newOrg(t, s, "Japan")
	u := newUser(t, s, ee.ID, "delegate@ee.example", model.RoleDelegate)
	deadline := t0.Add(48 * time.Hour)
	p := newProposal(t, s, u, []string{ua.ID, ee.ID, ee.ID}, deadline)
	got, err := s.ProposalByID(ctx, p.ID)
	must(t, err)
	same(t, got, p)
	if len(got.Electorate) != 2 || got.Deadline.Location() != time.UTC {
		t.Fatalf("electorate %v, deadline %v", got.Electorate, got.Deadline)
	}
	_, err = s.ProposalByID(ctx, "missing")
	wantErr(t, err, model.ErrNotFound)

	app := model.Proposal{Kind: model.ProposalMembership, Title: "Japan applies", ProposerID: u.ID, ProposerOrgID: ee.ID, SubjectOrgID: jp.ID,
		PriorParticipation: model.Observer, Procedure: model.ProcedureSilence, Deadline: t0.Add(time.Hour), TLP: model.TLPAmber,
		Status: model.ProposalOpen, Electorate: []string{ee.ID}, CreatedAt: t0.Add(time.Second)}
	must(t, s.CreateProposal(ctx, &app))

	list, err := s.ListProposals(ctx, model.ProposalFilter{}, "", 0)
	must(t, err)
	if len(list) != 2 || list[0].ID != app.ID || list[0].SubjectOrgID != jp.ID {
		t.Fatalf("list %+v", list)
	}
	list, err = s.ListProposals(ctx, model.ProposalFilter{Kind: model.ProposalMembership}, "", 0)
	must(t, err)
	if len(list) != 1 || list[0].ID != app.ID {
		t.Fatalf("kind filter: %+v", list)
	}
	list, err = s.ListProposals(ctx, model.ProposalFilter{}, app.ID, 1)
	must(t, err)
	if len(list) != 1 || list[0].ID != p.ID {
		t.Fatalf("paging: %+v", list)
	}

	due, err := s.DueProposals(ctx, t0.Add(time.Hour))
	must(t, err)
	same(t, due, []string{app.ID})
	remind, err := s.ProposalsToRemind(ctx, t0.Add(72*time.Hour))
	must(t, err)
	same(t, remind, []string{app.ID, p.ID})

	closed := t0.Add(time.Hour)
	app.Status, app.ClosedAt, app.RemindedAt, app.PublishedText = model.ProposalAdopted, &closed, &closed, "frozen"
	must(t, s.UpdateProposal(ctx, &app))
	got, err = s.ProposalByID(ctx, app.ID)
	must(t, err)
	same(t, got, app)
	due, err = s.DueProposals(ctx, t0.Add(100*time.Hour))
	must(t, err)
	same(t, due, []string{p.ID})

	// Positions: one per organisation, the last one counts.
	must(t, s.PutPosition(ctx, model.Position{ProposalID: p.ID, OrgID: ua.ID, UserID: u.ID, Stance: model.StanceObject, Reason: "No", At: t0}))
	must(t, s.PutPosition(ctx, model.Position{ProposalID: p.ID, OrgID: ua.ID, UserID: u.ID, Stance: model.StanceSupport, At: t0.Add(time.Minute)}))
	must(t, s.PutPosition(ctx, model.Position{ProposalID: p.ID, OrgID: ee.ID, UserID: u.ID, Stance: model.StanceAbstain, At: t0}))
	pos, err := s.Positions(ctx, p.ID)
	must(t, err)
	if len(pos) != 2 {
		t.Fatalf("positions %+v", pos)
	}
	for _, x := range pos {
		if x.OrgID == ua.ID && (x.Stance != model.StanceSupport || x.Reason != "" || !x.At.Equal(t0.Add(time.Minute))) {
			t.Fatalf("replaced position %+v", x)
		}
	}
	wantErr(t, s.PutPosition(ctx, model.Position{ProposalID: p.ID, OrgID: ua.ID, UserID: u.ID, Stance: "veto", At: t0}), model.ErrInvalid)

	c1 := model.Comment{ProposalID: p.ID, UserID: u.ID, OrgID: ee.ID, Text: "First", CreatedAt: t0}
	c2 := model.Comment{ProposalID: p.ID, UserID: u.ID, OrgID: ee.ID, Text: "Second", CreatedAt: t0}
	must(t, s.AddComment(ctx, &c1))
	must(t, s.AddComment(ctx, &c2))
	cs, err := s.Comments(ctx, p.ID)
	must(t, err)
	same(t, cs, []model.Comment{c1, c2})

	must(t, s.AddSignatory(ctx, model.Signatory{ProposalID: app.ID, OrgID: ee.ID, At: t0}))
	must(t, s.AddSignatory(ctx, model.Signatory{ProposalID: app.ID, OrgID: ee.ID, At: t0.Add(time.Hour)}))
	sigs, err := s.Signatories(ctx, app.ID)
	must(t, err)
	if len(sigs) != 1 || !sigs[0].At.Equal(t0) {
		t.Fatalf("signatories %+v", sigs)
	}
}

func testRotations(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	ee, us := newOrg(t, s, "Estonia"), newOrg(t, s, "United States")
	later := model.Rotation{Starts: model.NewDate(2026, 7, 1), Ends: model.NewDate(2026, 12, 31), FrontOfficeOrgID: us.ID, BackOfficeOrgID: ee.ID, CreatedAt: t0}
	first := model.Rotation{Starts: model.NewDate(2026, 1, 1), Ends: model.NewDate(2026, 6, 30), FrontOfficeOrgID: ee.ID, BackOfficeOrgID: us.ID, CreatedAt: t0}
	must(t, s.CreateRotation(ctx, &later))
	must(t, s.CreateRotation(ctx, &first))
	rs, err := s.ListRotations(ctx)
	must(t, err)
	same(t, rs, []model.Rotation{first, later})
	bad := model.Rotation{Starts: model.NewDate(2026, 7, 1), Ends: model.NewDate(2026, 6, 1), FrontOfficeOrgID: us.ID, BackOfficeOrgID: ee.ID}
	wantErr(t, s.CreateRotation(ctx, &bad), model.ErrInvalid)
	must(t, s.InTx(ctx, func(q store.Queries) error { return q.LockRotations(ctx) }))
}

func testMeetings(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	ee, us := newOrg(t, s, "Estonia"), newOrg(t, s, "United States")
	u := newUser(t, s, ee.ID, "coord@ee.example", model.RoleCoordinator)
	m := model.Meeting{Title: "Coordination group, June", Date: model.NewDate(2026, 6, 20), TLP: model.TLPAmber, OwnerOrgID: ee.ID, CreatedBy: u.ID,
		Agenda:    []model.AgendaItem{{Kind: model.AgendaOther, Note: "Welcome"}, {Kind: model.AgendaProposal, RefID: "p1", Note: "Back office"}},
		Attendees: []string{us.ID, ee.ID}, CreatedAt: t0}
	must(t, s.CreateMeeting(ctx, &m))
	got, err := s.MeetingByID(ctx, m.ID)
	must(t, err)
	same(t, got, m)
	m.Minutes, m.Agenda, m.Attendees = "Agreed to extend.", m.Agenda[1:], []string{ee.ID}
	must(t, s.UpdateMeeting(ctx, &m))
	got, err = s.MeetingByID(ctx, m.ID)
	must(t, err)
	same(t, got, m)
	older := model.Meeting{Title: "May", Date: model.NewDate(2026, 5, 20), TLP: model.TLPGreen, OwnerOrgID: ee.ID, CreatedBy: u.ID}
	must(t, s.CreateMeeting(ctx, &older))
	list, err := s.ListMeetings(ctx)
	must(t, err)
	if len(list) != 2 || list[0].ID != m.ID || list[1].Agenda != nil {
		t.Fatalf("list %+v", list)
	}
	_, err = s.MeetingByID(ctx, "missing")
	wantErr(t, err, model.ErrNotFound)
	bad := model.Meeting{Title: "x", Date: model.NewDate(2026, 5, 20), TLP: model.TLPGreen, OwnerOrgID: ee.ID, CreatedBy: u.ID, Agenda: []model.AgendaItem{{Kind: "gossip"}}}
	wantErr(t, s.CreateMeeting(ctx, &bad), model.ErrInvalid)
}
