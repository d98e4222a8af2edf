package governance_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/governance"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

var start = time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

// clock is a settable clock shared by the services of one test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// world is a small mechanism: three members with delegates, an observer
// and a candidate, a coordinator, and a member's donor who is no delegate.
type world struct {
	s       store.Store
	svc     *governance.Service
	clock   *clock
	figures *governance.Figures
	orgs    map[string]model.Organisation
	viewers map[string]policy.Viewer
}

func newWorld(t *testing.T, s store.Store) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{s: s, clock: &clock{t: start}, figures: &governance.Figures{}, orgs: map[string]model.Organisation{}, viewers: map[string]policy.Viewer{}}
	w.svc = governance.NewService(s, w.clock.now, func(context.Context) (governance.Figures, error) { return *w.figures, nil }, nil, nil)
	for _, o := range []struct {
		key  string
		kind model.OrgKind
		part model.Participation
	}{
		{"ee", model.KindState, model.Member}, {"ua", model.KindState, model.Member}, {"us", model.KindState, model.Member},
		{"eu", model.KindInternationalOrg, model.Observer}, {"jp", model.KindState, model.Observer},
		{"md", model.KindState, model.Contributor}, {"power", model.KindBeneficiaryAgency, model.Beneficiary},
	} {
		org := model.Organisation{Name: "Org " + o.key, Kind: o.kind, Participation: o.part}
		if err := s.CreateOrganisation(ctx, &org); err != nil {
			t.Fatal(err)
		}
		w.orgs[o.key] = org
	}
	for _, u := range []struct {
		key, org string
		role     model.Role
	}{
		{"ee", "ee", model.RoleDelegate}, {"ua", "ua", model.RoleDelegate}, {"us", "us", model.RoleDelegate},
		{"eu", "eu", model.RoleDelegate}, {"jp", "jp", model.RoleDelegate}, {"md", "md", model.RoleDelegate},
		{"coordinator", "ee", model.RoleCoordinator}, {"donor", "us", model.RoleDonor},
	} {
		user := model.User{OrgID: w.orgs[u.org].ID, Email: u.key + "@gov.test", Roles: []model.Role{u.role}}
		if err := s.CreateUser(ctx, &user); err != nil {
			t.Fatal(err)
		}
		w.viewers[u.key] = policy.Viewer{UserID: user.ID, Org: w.orgs[u.org], Roles: user.Roles}
	}
	return w
}

// viewer re-reads the organisation, whose participation proposals change.
func (w *world) viewer(t *testing.T, key string) policy.Viewer {
	t.Helper()
	v := w.viewers[key]
	o, err := w.s.OrganisationByID(context.Background(), v.Org.ID)
	if err != nil {
		t.Fatal(err)
	}
	v.Org = o
	return v
}

func (w *world) open(t *testing.T, kind model.ProposalKind, proc model.Procedure, by string, subject string) model.Proposal {
	t.Helper()
	in := governance.Input{Kind: &kind, Title: ptr("Matter"), Text: ptr("Text"), Procedure: &proc, Deadline: ptr(start.Add(72 * time.Hour))}
	if subject != "" {
		in.SubjectOrgID = ptr(w.orgs[subject].ID)
	}
	p, err := w.svc.Open(context.Background(), w.viewer(t, by), in)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return p
}

func (w *world) take(t *testing.T, id, by string, s model.Stance, reason string) error {
	t.Helper()
	_, err := w.svc.TakePosition(context.Background(), w.viewer(t, by), id, governance.PositionInput{Position: &s, Reason: &reason})
	return err
}

func (w *world) status(t *testing.T, id string) model.Proposal {
	t.Helper()
	p, err := w.s.ProposalByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// each runs fn on a fresh world on each backend.
func each(t *testing.T, fn func(t *testing.T, w *world)) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) { fn(t, newWorld(t, s)) })
}

type step struct {
	by     string
	stance model.Stance
}

func TestProcedures(t *testing.T) {
	{
		sup, abs, obj := model.StanceSupport, model.StanceAbstain, model.StanceObject
		cases := []struct {
			name       string
			proc       model.Procedure
			steps      []step
			wantBefore model.ProposalStatus // after the steps, before the deadline
			wantAfter  model.ProposalStatus // once the deadline job ran
		}{
			{"consensus all support", model.ProcedureConsensus, []step{{"ee", sup}, {"ua", sup}, {"us", sup}}, model.ProposalAdopted, model.ProposalAdopted},
			{"consensus support and abstain", model.ProcedureConsensus, []step{{"ee", sup}, {"ua", abs}, {"us", sup}}, model.ProposalAdopted, model.ProposalAdopted},
			{"consensus silence lapses", model.ProcedureConsensus, []step{{"ee", sup}, {"ua", sup}}, model.ProposalOpen, model.ProposalLapsed},
			{"consensus objection blocks", model.ProcedureConsensus, []step{{"ee", sup}, {"ua", obj}, {"us", sup}}, model.ProposalOpen, model.ProposalBlocked},
			{"consensus objection withdrawn", model.ProcedureConsensus, []step{{"ee", sup}, {"ua", obj}, {"us", sup}, {"ua", sup}}, model.ProposalAdopted, model.ProposalAdopted},
			{"silence nobody answers", model.ProcedureSilence, nil, model.ProposalOpen, model.ProposalAdopted},
			{"silence all support waits for the deadline", model.ProcedureSilence, []step{{"ee", sup}, {"ua", sup}, {"us", sup}}, model.ProposalOpen, model.ProposalAdopted},
			{"silence broken", model.ProcedureSilence, []step{{"us", obj}}, model.ProposalOpen, model.ProposalBlocked},
			{"silence objection changed to abstain", model.ProcedureSilence, []step{{"us", obj}, {"us", abs}}, model.ProposalOpen, model.ProposalAdopted},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				each(t, func(t *testing.T, w *world) {
					p := w.open(t, model.ProposalOperational, c.proc, "ee", "")
					electorate := map[string]bool{}
					for _, id := range p.Electorate {
						electorate[id] = true
					}
					for _, key := range []string{"ee", "ua", "us"} {
						if !electorate[w.orgs[key].ID] {
							t.Fatalf("%s missing from the electorate", key)
						}
					}
					if len(p.Electorate) != 3 {
						t.Fatalf("electorate of %d, want the 3 members", len(p.Electorate))
					}
					for _, st := range c.steps {
						reason := ""
						if st.stance == obj {
							reason = "Not now"
						}
						if err := w.take(t, p.ID, st.by, st.stance, reason); err != nil {
							t.Fatalf("%s %s: %v", st.by, st.stance, err)
						}
					}
					if got := w.status(t, p.ID).Status; got != c.wantBefore {
						t.Fatalf("before the deadline: %s, want %s", got, c.wantBefore)
					}
					w.clock.set(p.Deadline)
					if _, err := w.svc.CloseDue(context.Background()); err != nil {
						t.Fatal(err)
					}
					got := w.status(t, p.ID)
					if got.Status != c.wantAfter {
						t.Fatalf("after the deadline: %s, want %s", got.Status, c.wantAfter)
					}
					if got.ClosedAt == nil {
						t.Fatal("closed without a time")
					}
				})
			})
		}
	}
}

func TestOnlyMembersOfTheElectorateDecide(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		p := w.open(t, model.ProposalOperational, model.ProcedureConsensus, "ee", "")
		// An organisation admitted after the proposal opened has no say on it.
		late := w.orgs["jp"]
		late.Participation = model.Member
		if err := w.s.UpdateOrganisation(ctx, &late); err != nil {
			t.Fatal(err)
		}
		sup, obj := model.StanceSupport, model.StanceObject
		cases := []struct {
			name   string
			by     string
			stance model.Stance
			reason string
			want   error
		}{
			{"an observer's delegate", "eu", sup, "", model.ErrForbidden},
			{"a member that joined after the opening", "jp", sup, "", model.ErrForbidden},
			{"a contributor's delegate", "md", sup, "", model.ErrForbidden},
			{"a member's donor, who is no delegate", "donor", sup, "", model.ErrForbidden},
			{"a coordinator", "coordinator", sup, "", model.ErrForbidden},
			{"an objection without a reason", "ua", obj, "", model.ErrRule},
			{"an objection with a blank reason", "ua", obj, "   ", model.ErrRule},
			{"a bad position", "ua", model.Stance("veto"), "", model.ErrInvalid},
			{"a member's delegate", "us", sup, "", nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				err := w.take(t, p.ID, c.by, c.stance, c.reason)
				if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
					t.Fatalf("TakePosition = %v, want %v", err, c.want)
				}
			})
		}
		// Anonymous and unknown proposals.
		if _, err := w.svc.TakePosition(ctx, policy.Viewer{}, p.ID, governance.PositionInput{Position: &sup}); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("anonymous: %v", err)
		}
		if err := w.take(t, "nope", "us", sup, ""); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("unknown proposal: %v", err)
		}
		// Observers comment; they do not decide.
		if _, err := w.svc.Comment(ctx, w.viewer(t, "eu"), p.ID, governance.CommentInput{Text: ptr("We support the aim.")}); err != nil {
			t.Errorf("observer comment: %v", err)
		}
		if _, err := w.svc.Comment(ctx, w.viewer(t, "md"), p.ID, governance.CommentInput{Text: ptr("Hello")}); !errors.Is(err, model.ErrForbidden) {
			t.Errorf("contributor comment: %v", err)
		}
		view, err := w.svc.Get(ctx, w.viewer(t, "ee"), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(view.Comments) != 1 || len(view.Positions) != 1 || view.Tally.Support != 1 || view.Tally.Silent != 2 {
			t.Fatalf("view: %d comments, %d positions, tally %+v", len(view.Comments), len(view.Positions), view.Tally)
		}
		// A position stays changeable until the proposal closes, then not.
		if err := w.take(t, p.ID, "us", model.StanceAbstain, ""); err != nil {
			t.Fatal(err)
		}
		w.clock.set(p.Deadline)
		if err := w.take(t, p.ID, "ua", sup, ""); !errors.Is(err, model.ErrConflict) {
			t.Errorf("after the deadline: %v", err)
		}
		if _, err := w.svc.CloseDue(ctx); err != nil {
			t.Fatal(err)
		}
		if err := w.take(t, p.ID, "ua", sup, ""); !errors.Is(err, model.ErrConflict) {
			t.Errorf("after closing: %v", err)
		}
	})
}

func TestOpenRefusals(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		deadline := start.Add(48 * time.Hour)
		k, cons := model.ProposalOperational, model.ProcedureConsensus
		good := func() governance.Input {
			return governance.Input{Kind: ptr(k), Title: ptr("T"), Procedure: ptr(cons), Deadline: ptr(deadline)}
		}
		cases := []struct {
			name string
			by   string
			edit func(in *governance.Input)
			want error
		}{
			{"an observer puts an operational matter", "eu", nil, model.ErrForbidden},
			{"a donor without the delegate role", "donor", nil, model.ErrForbidden},
			{"no kind", "ee", func(in *governance.Input) { in.Kind = nil }, model.ErrInvalid},
			{"a bad kind", "ee", func(in *governance.Input) { in.Kind = ptr(model.ProposalKind("coup")) }, model.ErrInvalid},
			{"a bad procedure", "ee", func(in *governance.Input) { in.Procedure = ptr(model.Procedure("vote")) }, model.ErrInvalid},
			{"a deadline too soon", "ee", func(in *governance.Input) { in.Deadline = ptr(start.Add(time.Minute)) }, model.ErrRule},
			{"a RED proposal", "ee", func(in *governance.Input) { in.TLP = ptr(model.TLPRed) }, model.ErrRule},
			{"a member applies for a member", "ee", func(in *governance.Input) {
				in.Kind, in.SubjectOrgID = ptr(model.ProposalMembership), ptr(w.orgs["ua"].ID)
			}, model.ErrRule},
			{"a beneficiary entity applies", "coordinator", func(in *governance.Input) {
				in.Kind, in.SubjectOrgID = ptr(model.ProposalMembership), ptr(w.orgs["power"].ID)
			}, model.ErrRule},
			{"an observer applies for someone else", "eu", func(in *governance.Input) {
				in.Kind, in.SubjectOrgID = ptr(model.ProposalMembership), ptr(w.orgs["md"].ID)
			}, model.ErrForbidden},
			{"an observer applies for itself", "eu", func(in *governance.Input) { in.Kind = ptr(model.ProposalMembership) }, nil},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				in := good()
				if c.edit != nil {
					c.edit(&in)
				}
				_, err := w.svc.Open(ctx, w.viewer(t, c.by), in)
				if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
					t.Fatalf("Open = %v, want %v", err, c.want)
				}
			})
		}
		// A second application while one is pending.
		_, err := w.svc.Open(ctx, w.viewer(t, "eu"), governance.Input{Kind: ptr(model.ProposalMembership), Title: ptr("Again"), Procedure: ptr(cons), Deadline: ptr(deadline)})
		if !errors.Is(err, model.ErrConflict) {
			t.Fatalf("second application: %v", err)
		}
	})
}

func TestMembershipApplication(t *testing.T) {
	cases := []struct {
		name    string
		kind    model.ProposalKind
		subject string
		prior   model.Participation
		stances map[string]model.Stance
		want    model.ProposalStatus
		after   model.Participation
	}{
		{"membership adopted", model.ProposalMembership, "jp", model.Observer,
			map[string]model.Stance{"ee": model.StanceSupport, "ua": model.StanceSupport, "us": model.StanceAbstain}, model.ProposalAdopted, model.Member},
		{"membership blocked", model.ProposalMembership, "jp", model.Observer,
			map[string]model.Stance{"ee": model.StanceSupport, "ua": model.StanceObject}, model.ProposalBlocked, model.Observer},
		{"membership lapsed", model.ProposalMembership, "jp", model.Observer,
			map[string]model.Stance{"ee": model.StanceSupport}, model.ProposalLapsed, model.Observer},
		{"observer admission adopted", model.ProposalObserver, "md", model.Contributor,
			map[string]model.Stance{"ee": model.StanceSupport, "ua": model.StanceSupport, "us": model.StanceSupport}, model.ProposalAdopted, model.Observer},
		{"observer admission blocked", model.ProposalObserver, "md", model.Contributor,
			map[string]model.Stance{"us": model.StanceObject}, model.ProposalBlocked, model.Contributor},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			each(t, func(t *testing.T, w *world) {
				ctx := context.Background()
				p := w.open(t, c.kind, model.ProcedureConsensus, "coordinator", c.subject)
				if p.PriorParticipation != c.prior {
					t.Fatalf("prior participation %s, want %s", p.PriorParticipation, c.prior)
				}
				// Filing makes a contributor an applicant; an observer keeps
				// the status the members granted it.
				want := model.Applicant
				if c.prior == model.Observer {
					want = model.Observer
				}
				if got := w.viewer(t, c.subject).Org.Participation; got != want {
					t.Fatalf("while considered: %s, want %s", got, want)
				}
				// Interim observer rights: the applicant comments but does not decide.
				if _, err := w.svc.Comment(ctx, w.viewer(t, c.subject), p.ID, governance.CommentInput{Text: ptr("Thank you")}); err != nil {
					t.Fatalf("applicant comment: %v", err)
				}
				if err := w.take(t, p.ID, c.subject, model.StanceSupport, ""); !errors.Is(err, model.ErrForbidden) {
					t.Fatalf("applicant position: %v", err)
				}
				for _, key := range []string{"ee", "ua", "us"} {
					if st, ok := c.stances[key]; ok {
						if err := w.take(t, p.ID, key, st, "Reason"); err != nil {
							t.Fatal(err)
						}
					}
				}
				w.clock.set(p.Deadline.Add(time.Minute))
				if _, err := w.svc.CloseDue(ctx); err != nil {
					t.Fatal(err)
				}
				if got := w.status(t, p.ID).Status; got != c.want {
					t.Fatalf("status %s, want %s", got, c.want)
				}
				if got := w.viewer(t, c.subject).Org.Participation; got != c.after {
					t.Fatalf("after: %s, want %s", got, c.after)
				}
			})
		})
	}
}

func TestStatementFrozenWithSignatories(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		*w.figures = governance.Figures{TotalPledgedEURMinor: 100_000_00, Members: []string{"Org ee", "Org ua", "Org us"}}
		kind, proc := model.ProposalStatement, model.ProcedureConsensus
		p, err := w.svc.Open(ctx, w.viewer(t, "ee"), governance.Input{Kind: &kind, Title: ptr("One year on"), Procedure: &proc,
			Text: ptr("{member_count} members have pledged {total_pledged_eur}."), Deadline: ptr(start.Add(72 * time.Hour)), TLP: ptr(model.TLPAmber)})
		if err != nil {
			t.Fatal(err)
		}
		v, err := w.svc.Get(ctx, w.viewer(t, "ee"), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Preview != "3 members have pledged EUR 100,000.00." {
			t.Fatalf("preview %q", v.Preview)
		}
		if _, err := w.svc.Get(ctx, policy.Viewer{}, p.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("a visitor reads an open statement: %v", err)
		}
		// us abstains but chooses to sign; the others support.
		if _, err := w.svc.Sign(ctx, w.viewer(t, "us"), p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Sign(ctx, w.viewer(t, "eu"), p.ID); !errors.Is(err, model.ErrForbidden) {
			t.Fatalf("an observer signs: %v", err)
		}
		w.take(t, p.ID, "us", model.StanceAbstain, "")
		w.take(t, p.ID, "ee", model.StanceSupport, "")
		w.figures.TotalPledgedEURMinor = 250_000_00
		w.clock.set(start.Add(time.Hour))
		if err := w.take(t, p.ID, "ua", model.StanceSupport, ""); err != nil {
			t.Fatal(err)
		}
		// Figures change afterwards; the published text does not.
		w.figures.TotalPledgedEURMinor = 999_999_00
		pub, err := w.svc.Published(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(pub) != 1 || pub[0].PublishedText != "3 members have pledged EUR 250,000.00." {
			t.Fatalf("published %+v", pub)
		}
		var signed []string
		for _, s := range pub[0].Signatories {
			signed = append(signed, s.OrgID)
		}
		want := []string{w.orgs["ee"].ID, w.orgs["ua"].ID, w.orgs["us"].ID}
		if len(signed) != 3 {
			t.Fatalf("signatories %v, want %v", signed, want)
		}
		for _, id := range want {
			found := false
			for _, s := range signed {
				found = found || s == id
			}
			if !found {
				t.Fatalf("signatories %v lack %s", signed, id)
			}
		}
		if _, err := w.svc.Get(ctx, policy.Viewer{}, p.ID); err != nil {
			t.Fatalf("a visitor reads the adopted statement: %v", err)
		}
		// A blocked statement is never published.
		p2, _ := w.svc.Open(ctx, w.viewer(t, "ee"), governance.Input{Kind: &kind, Title: ptr("Too soon"), Procedure: &proc, Deadline: ptr(start.Add(72 * time.Hour))})
		w.take(t, p2.ID, "ua", model.StanceObject, "No")
		w.clock.set(p2.Deadline)
		w.svc.CloseDue(ctx)
		if pub, _ := w.svc.Published(ctx); len(pub) != 1 {
			t.Fatalf("%d published, want 1", len(pub))
		}
	})
}

// TestDeadlineClosesOnce: many closers race over one database; each
// proposal is closed, audited and announced exactly once.
func TestDeadlineClosesOnce(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		raceClosers(t, w, []store.Store{w.s, w.s, w.s, w.s})
	})
}

// TestDeadlineClosesOnceAcrossServers: two `cyberaid serve` processes, each
// with its own connection pools, share one PostgreSQL.
func TestDeadlineClosesOnceAcrossServers(t *testing.T) {
	url := storetest.NewPostgresSchema(t)
	ctx := context.Background()
	var servers []store.Store
	for range 2 {
		s, err := store.Open(ctx, store.Config{DatabaseURL: url})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		servers = append(servers, s)
	}
	raceClosers(t, newWorld(t, servers[0]), servers)
}

type countingNotifier struct {
	mu     sync.Mutex
	closed map[string]int
}

func (n *countingNotifier) ProposalOpened(context.Context, store.Queries, model.Proposal) error {
	return nil
}
func (n *countingNotifier) DeadlineNear(context.Context, store.Queries, model.Proposal, []string) error {
	return nil
}
func (n *countingNotifier) ProposalClosed(_ context.Context, _ store.Queries, p model.Proposal) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.closed[p.ID]++
	return nil
}

func raceClosers(t *testing.T, w *world, servers []store.Store) {
	ctx := context.Background()
	var ids []string
	for range 5 {
		ids = append(ids, w.open(t, model.ProposalOperational, model.ProcedureSilence, "ee", "").ID)
	}
	w.clock.set(start.Add(100 * time.Hour))
	n := &countingNotifier{closed: map[string]int{}}
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for i := range 2 * len(servers) {
		svc := governance.NewService(servers[i%len(servers)], w.clock.now, nil, n, nil)
		wg.Go(func() {
			c, err := svc.CloseDue(ctx)
			if err != nil {
				t.Errorf("CloseDue: %v", err)
			}
			mu.Lock()
			total += c
			mu.Unlock()
		})
	}
	wg.Wait()
	if total != len(ids) {
		t.Fatalf("closed %d times, want %d", total, len(ids))
	}
	for _, id := range ids {
		if n.closed[id] != 1 {
			t.Errorf("%s announced closed %d times", id, n.closed[id])
		}
		if st := w.status(t, id).Status; st != model.ProposalAdopted {
			t.Errorf("%s is %s", id, st)
		}
		events, err := w.s.ListAuditEvents(ctx, model.AuditFilter{ObjectType: "proposal", ObjectID: id}, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		closings := 0
		for _, e := range events {
			if e.Action == "proposal.adopted" {
				closings++
			}
		}
		if closings != 1 {
			t.Errorf("%s has %d closing events", id, closings)
		}
	}
}

func TestReminderOnce(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		p := w.open(t, model.ProposalOperational, model.ProcedureConsensus, "ee", "")
		w.take(t, p.ID, "ee", model.StanceSupport, "")
		rec := &reminderNotifier{}
		svc := governance.NewService(w.s, w.clock.now, nil, rec, nil)
		if n, _ := svc.RemindDue(ctx); n != 0 {
			t.Fatalf("reminded %d proposals three days ahead", n)
		}
		w.clock.set(p.Deadline.Add(-23 * time.Hour))
		for range 3 {
			if _, err := svc.RemindDue(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if len(rec.calls) != 1 {
			t.Fatalf("%d reminders, want 1", len(rec.calls))
		}
		if got := rec.calls[0]; len(got) != 2 || contains(got, w.orgs["ee"].ID) {
			t.Fatalf("reminded %v, want the two silent members", got)
		}
	})
}

type reminderNotifier struct {
	countingNotifier
	calls [][]string
}

func (r *reminderNotifier) DeadlineNear(_ context.Context, _ store.Queries, _ model.Proposal, silent []string) error {
	r.calls = append(r.calls, silent)
	return nil
}

func contains(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func TestRotations(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		d := func(m, day int) *model.Date { return ptr(model.NewDate(2026, time.Month(m), day)) }
		in := func(a, b *model.Date, front, back string) governance.RotationInput {
			return governance.RotationInput{Starts: a, Ends: b, FrontOfficeOrgID: ptr(w.orgs[front].ID), BackOfficeOrgID: ptr(w.orgs[back].ID)}
		}
		cases := []struct {
			name string
			by   string
			in   governance.RotationInput
			want error
		}{
			{"first half", "coordinator", in(d(1, 1), d(6, 30), "ee", "us"), nil},
			{"second half", "coordinator", in(d(7, 1), d(12, 31), "ua", "ee"), nil},
			{"overlapping", "coordinator", in(d(6, 30), d(8, 1), "ua", "ee"), model.ErrRule},
			{"ends before it starts", "coordinator", in(d(2, 1), d(1, 1), "ua", "ee"), model.ErrRule},
			{"an observer leads", "coordinator", in(d(1, 1), d(1, 31), "eu", "ee"), model.ErrRule},
			{"a delegate adds one", "ee", in(d(1, 1), d(1, 31), "ee", "ua"), model.ErrForbidden},
			{"no dates", "coordinator", governance.RotationInput{FrontOfficeOrgID: ptr(w.orgs["ee"].ID), BackOfficeOrgID: ptr(w.orgs["ee"].ID)}, model.ErrInvalid},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := w.svc.AddRotation(ctx, w.viewer(t, c.by), c.in)
				if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
					t.Fatalf("AddRotation = %v, want %v", err, c.want)
				}
			})
		}
		cur, ok, err := w.svc.CurrentLeads(ctx, w.viewer(t, "eu"))
		if err != nil || !ok || cur.FrontOfficeOrgID != w.orgs["ee"].ID || cur.BackOfficeOrgID != w.orgs["us"].ID {
			t.Fatalf("current leads %+v %v %v", cur, ok, err)
		}
	})
}

func TestMeetings(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		strict := model.ProposalOperational
		proc := model.ProcedureConsensus
		// A proposal its electorate could not read is never put to it.
		if _, err := w.svc.Open(ctx, w.viewer(t, "ee"), governance.Input{Kind: &strict, Title: ptr("Sensitive"), Procedure: &proc,
			Deadline: ptr(start.Add(72 * time.Hour)), TLP: ptr(model.TLPAmberStrict)}); !errors.Is(err, model.ErrRule) {
			t.Fatalf("an AMBER+STRICT proposal to members who cannot read it: %v", err)
		}
		hidden, err := w.svc.Open(ctx, w.viewer(t, "ee"), governance.Input{Kind: &strict, Title: ptr("Sensitive"), Procedure: &proc,
			Deadline: ptr(start.Add(72 * time.Hour)), TLP: ptr(model.TLPAmber)})
		if err != nil {
			t.Fatal(err)
		}
		open := w.open(t, model.ProposalOperational, model.ProcedureSilence, "ee", "")
		agenda := []model.AgendaItem{{Kind: model.AgendaOther, Note: "Welcome"}, {Kind: model.AgendaProposal, RefID: open.ID, Note: "Back office"},
			{Kind: model.AgendaProposal, RefID: hidden.ID, Note: "Sensitive matter"}}
		in := governance.MeetingInput{Title: ptr("Coordination group, June"), Date: ptr(model.NewDate(2026, 6, 20)), Agenda: &agenda,
			Attendees: ptr([]string{w.orgs["ee"].ID, w.orgs["eu"].ID}), TLP: ptr(model.TLPGreen)}
		if _, err := w.svc.CreateMeeting(ctx, w.viewer(t, "ee"), in); !errors.Is(err, model.ErrForbidden) {
			t.Fatalf("a delegate schedules a meeting: %v", err)
		}
		bad := append(agenda[:1:1], model.AgendaItem{Kind: model.AgendaRequirement, RefID: "nope"})
		if _, err := w.svc.CreateMeeting(ctx, w.viewer(t, "coordinator"), governance.MeetingInput{Title: ptr("x"), Date: ptr(model.NewDate(2026, 6, 20)), Agenda: &bad}); !errors.Is(err, model.ErrInvalid) {
			t.Fatalf("an agenda item on a missing record: %v", err)
		}
		if _, err := w.svc.CreateMeeting(ctx, w.viewer(t, "coordinator"), governance.MeetingInput{Title: ptr("x"), Date: ptr(model.NewDate(2026, 6, 20)), TLP: ptr(model.TLPRed)}); !errors.Is(err, model.ErrRule) {
			t.Fatalf("a RED meeting: %v", err)
		}
		m, err := w.svc.CreateMeeting(ctx, w.viewer(t, "coordinator"), in)
		if err != nil {
			t.Fatal(err)
		}
		// The coordinator and an observer see every item; a contributor does
		// not see the AMBER one.
		got, err := w.svc.Meeting(ctx, w.viewer(t, "coordinator"), m.ID)
		if err != nil || len(got.Agenda) != 3 {
			t.Fatalf("coordinator: %d items, %v", len(got.Agenda), err)
		}
		got, err = w.svc.Meeting(ctx, w.viewer(t, "eu"), m.ID)
		if err != nil || len(got.Agenda) != 3 {
			t.Fatalf("observer: %d items, %v", len(got.Agenda), err)
		}
		got, err = w.svc.Meeting(ctx, w.viewer(t, "md"), m.ID)
		if err != nil || len(got.Agenda) != 2 {
			t.Fatalf("contributor: %d items, %v", len(got.Agenda), err)
		}
		for _, a := range got.Agenda {
			if a.RefID == hidden.ID {
				t.Fatal("a contributor sees an agenda item on a proposal hidden from it")
			}
		}
		// Minutes and attendance afterwards.
		m, err = w.svc.UpdateMeeting(ctx, w.viewer(t, "coordinator"), m.ID, governance.MeetingInput{Minutes: ptr("Agreed to extend."), Attendees: ptr([]string{w.orgs["ua"].ID})})
		if err != nil || m.Minutes != "Agreed to extend." || len(m.Attendees) != 1 || len(m.Agenda) != 3 {
			t.Fatalf("update: %+v %v", m, err)
		}
		if _, err := w.svc.UpdateMeeting(ctx, w.viewer(t, "ee"), m.ID, governance.MeetingInput{Minutes: ptr("x")}); !errors.Is(err, model.ErrForbidden) {
			t.Fatalf("a delegate writes the minutes: %v", err)
		}
		list, err := w.svc.Meetings(ctx, w.viewer(t, "md"))
		if err != nil || len(list) != 1 {
			t.Fatalf("contributor list: %d %v", len(list), err)
		}
		if _, err := w.svc.Meeting(ctx, policy.Viewer{}, m.ID); err == nil {
			t.Fatal("a visitor reads a GREEN meeting")
		}
	})
}

// Readmitting a former participant is a decision of the members: filing
// an application for it changes nothing (it once made the organisation an
// applicant at once, and its users read AMBER records again).
func TestReadmissionIsADecision(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		gone := model.Organisation{Name: "Org gone", Kind: model.KindState, Participation: model.Former}
		if err := w.s.CreateOrganisation(ctx, &gone); err != nil {
			t.Fatal(err)
		}
		w.orgs["gone"] = gone
		p := w.open(t, model.ProposalMembership, model.ProcedureConsensus, "ee", "gone")
		if got := w.participation(t, "gone"); got != model.Former {
			t.Fatalf("filing an application made the former participant %s", got)
		}
		now, err := w.s.OrganisationByID(ctx, gone.ID)
		if err != nil {
			t.Fatal(err)
		}
		if policy.Visible(policy.ViewerFor(model.User{ID: "u", OrgID: gone.ID, Roles: []model.Role{model.RoleDelegate}}, now), policy.Resource{TLP: model.TLPAmber}) {
			t.Fatal("a former participant's user reads AMBER")
		}
		for _, key := range []string{"ee", "ua", "us"} {
			if err := w.take(t, p.ID, key, model.StanceSupport, ""); err != nil {
				t.Fatal(err)
			}
		}
		if got := w.status(t, p.ID).Status; got != model.ProposalAdopted {
			t.Fatalf("the application is %s", got)
		}
		if got := w.participation(t, "gone"); got != model.Member {
			t.Fatalf("after adoption: %s, want member", got)
		}
	})
}

// An applicant reads GREEN until the members grant it interim observer
// status, which an adopted observer admission gives it.
func TestApplicantIsAnObserverOnlyOnceAdmitted(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		app := w.open(t, model.ProposalMembership, model.ProcedureConsensus, "coordinator", "md")
		if got := w.participation(t, "md"); got != model.Applicant {
			t.Fatalf("filing: %s, want applicant", got)
		}
		amber := policy.Resource{TLP: model.TLPAmber, OwnerOrgID: w.orgs["ee"].ID}
		if policy.Visible(w.viewer(t, "md"), amber) {
			t.Fatal("an applicant reads AMBER before interim observer status")
		}
		adm := w.open(t, model.ProposalObserver, model.ProcedureConsensus, "coordinator", "md")
		for _, key := range []string{"ee", "ua", "us"} {
			if err := w.take(t, adm.ID, key, model.StanceSupport, ""); err != nil {
				t.Fatal(err)
			}
		}
		if got := w.participation(t, "md"); got != model.Observer {
			t.Fatalf("after the admission: %s, want observer", got)
		}
		if !policy.Visible(w.viewer(t, "md"), amber) {
			t.Fatal("an interim observer does not read AMBER")
		}
		// The membership application is still before the members.
		if got := w.status(t, app.ID).Status; got != model.ProposalOpen {
			t.Fatalf("the application is %s", got)
		}
	})
}

func (w *world) participation(t *testing.T, key string) model.Participation {
	t.Helper()
	o, err := w.s.OrganisationByID(context.Background(), w.orgs[key].ID)
	if err != nil {
		t.Fatal(err)
	}
	return o.Participation
}
