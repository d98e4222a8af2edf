package notify_test

import (
	"context"
	"io"
	"mime"
	"net"
	"net/mail"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/governance"
	"github.com/cyberaid/cyberaid/internal/i18n"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/notify"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

var testNow = time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

// inbox is a real SMTP server, run inside the test, that keeps what it receives.
type inbox struct {
	mu   sync.Mutex
	msgs []received
}

type received struct {
	to      string
	subject string
	body    string
}

type session struct {
	in *inbox
	to []string
}

func (s *session) Reset()                                    { s.to = nil }
func (s *session) Logout() error                             { return nil }
func (s *session) Mail(string, *smtp.MailOptions) error      { return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = append(s.to, to); return nil }
func (s *session) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(m.Body)
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	s.in.mu.Lock()
	defer s.in.mu.Unlock()
	for _, to := range s.to {
		s.in.msgs = append(s.in.msgs, received{to: to, subject: subject, body: string(body)})
	}
	return nil
}

func (in *inbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{in: in}, nil }

func (in *inbox) take() []received {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := in.msgs
	in.msgs = nil
	return out
}

func startSMTP(t *testing.T) (*inbox, string) {
	t.Helper()
	in := &inbox{}
	srv := smtp.NewServer(in)
	srv.Domain = "localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return in, ln.Addr().String()
}

type env struct {
	a     *app.App
	cast  apptest.Cast
	n     *notify.Service
	inbox *inbox
	s     store.Store
	addr  string
}

func setup(t *testing.T, s store.Store) *env {
	in, addr := startSMTP(t)
	a, cast := apptest.NewWith(t, s, app.Options{Now: func() time.Time { return testNow }, Mailer: newMailer(t, addr), BaseURL: "https://cyberaid.test"})
	return &env{a: a, cast: cast, n: a.Notify, inbox: in, s: s, addr: addr}
}

func newMailer(t *testing.T, addr string) notify.Mailer {
	m, err := notify.NewSMTP(notify.SMTPConfig{Addr: addr, From: "cyberaid@test.example"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func newNotifier(t *testing.T, s store.Store, addr string) *notify.Service {
	m := newMailer(t, addr)
	texts, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	n := notify.NewService(s, func() time.Time { return testNow }, m, texts)
	n.BaseURL = "https://cyberaid.test"
	return n
}

// validated is a requirement the requester made and the validator
// approved, which tells the donors of it.
func (e *env) validated(t *testing.T, title string, tlp model.TLP) model.Requirement {
	t.Helper()
	ctx := context.Background()
	r, err := e.a.Requirements.Create(ctx, e.cast.Viewer("requester"), requirements.Input{
		Title: ptr(title), Sector: ptr(model.Sector("energy")), Category: ptr(model.Category("edr")),
		LineOfEffort: ptr(model.LineSupport), Priority: ptr(model.PriorityHigh), EstimatedEURMinor: ptr(int64(50_000_00)),
		NeededBy: ptr(model.DateOf(testNow).AddDays(30)), TLP: &tlp,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.a.Requirements.Submit(ctx, e.cast.Viewer("requester"), r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.a.Requirements.Validate(ctx, e.cast.Viewer("validator"), r.ID, model.DecisionApprove, ""); err != nil {
		t.Fatal(err)
	}
	return r
}

func recipients(msgs []received) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.to)
	}
	slices.Sort(out)
	return out
}

func (e *env) unread(t *testing.T, who string) []model.Notification {
	t.Helper()
	ns, err := e.n.List(context.Background(), e.cast.Viewer(who))
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

func TestProposalNotificationsAndMail(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		e := setup(t, s)
		ctx := context.Background()
		// delegate_us wants no e-mail when a proposal opens.
		if err := e.n.SetPreference(ctx, e.cast.Viewer("delegate_us"), model.NotifyProposalOpened, false); err != nil {
			t.Fatal(err)
		}
		kind, proc := model.ProposalOperational, model.ProcedureConsensus
		p, err := e.a.Governance.Open(ctx, e.cast.Viewer("delegate"), governance.Input{Kind: &kind, Procedure: &proc,
			Title: ptr("Extend the back office"), Deadline: ptr(testNow.Add(72 * time.Hour)), TLP: ptr(model.TLPAmber)})
		if err != nil {
			t.Fatal(err)
		}
		// In the application: the delegates of the electorate, nobody else.
		for who, want := range map[string]int{"delegate": 1, "delegate_ua": 1, "delegate_us": 1, "viewer": 0, "donor": 0, "donor_company": 0} {
			if got := len(e.unread(t, who)); got != want {
				t.Errorf("%s has %d notifications, want %d", who, got, want)
			}
		}
		// By e-mail, once, even with two senders racing.
		other := newNotifier(t, s, e.addr)
		var wg sync.WaitGroup
		for _, n := range []*notify.Service{e.n, other, e.n, other} {
			wg.Go(func() {
				if _, err := n.SendMail(ctx); err != nil {
					t.Errorf("SendMail: %v", err)
				}
			})
		}
		wg.Wait()
		msgs := e.inbox.take()
		if got, want := recipients(msgs), []string{"delegate@test.example", "delegate_ua@test.example"}; !slices.Equal(got, want) {
			t.Fatalf("mailed %v, want %v", got, want)
		}
		if msgs[0].subject != "Proposal open: Extend the back office" {
			t.Errorf("subject %q", msgs[0].subject)
		}
		if n, _ := e.n.SendMail(ctx); n != 0 {
			t.Fatalf("sent %d more", n)
		}

		// A day before the deadline, the members that have not answered.
		sup := model.StanceSupport
		if _, err := e.a.Governance.TakePosition(ctx, e.cast.Viewer("delegate"), p.ID, governance.PositionInput{Position: &sup}); err != nil {
			t.Fatal(err)
		}
		clock := testNow.Add(50 * time.Hour)
		g := governance.NewService(s, func() time.Time { return clock }, nil, e.n, nil)
		if _, err := g.RemindDue(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := e.n.SendMail(ctx); err != nil {
			t.Fatal(err)
		}
		if got, want := recipients(e.inbox.take()), []string{"delegate_ua@test.example", "delegate_us@test.example"}; !slices.Equal(got, want) {
			t.Fatalf("reminded %v, want %v", got, want)
		}
		// Closing tells the audience that takes part in the group: members and observers.
		clock = testNow.Add(73 * time.Hour)
		if _, err := g.CloseDue(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := e.n.SendMail(ctx); err != nil {
			t.Fatal(err)
		}
		got := recipients(e.inbox.take())
		for _, who := range []string{"delegate@test.example", "viewer@test.example", "donor_eu@test.example", "coordinator@test.example"} {
			if !slices.Contains(got, who) {
				t.Errorf("%s not told of the closing (%v)", who, got)
			}
		}
		for _, who := range []string{"donor_company@test.example", "requester@test.example", "former@test.example"} {
			if slices.Contains(got, who) {
				t.Errorf("%s, outside the AMBER audience or the group, was told of the closing", who)
			}
		}
	})
}

func TestRequirementAndPledgeNotifications(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		e := setup(t, s)
		ctx := context.Background()
		amber := model.TLPAmber
		r, err := e.a.Requirements.Create(ctx, e.cast.Viewer("requester"), requirements.Input{
			Title: ptr("Firewalls"), Sector: ptr(model.Sector("energy")), Category: ptr(model.Category("edr")),
			LineOfEffort: ptr(model.LineSupport), Priority: ptr(model.PriorityHigh), EstimatedEURMinor: ptr(int64(50_000_00)),
			NeededBy: ptr(model.DateOf(testNow).AddDays(30)), TLP: &amber,
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.a.Requirements.Submit(ctx, e.cast.Viewer("requester"), r.ID); err != nil {
			t.Fatal(err)
		}
		if len(e.unread(t, "donor")) != 0 {
			t.Fatal("a donor was told of a requirement before its validation")
		}
		if _, err := e.a.Requirements.Validate(ctx, e.cast.Viewer("validator"), r.ID, model.DecisionApprove, ""); err != nil {
			t.Fatal(err)
		}
		for who, want := range map[string]int{"donor": 1, "donor_ee": 1, "donor_eu": 1, "donor_company": 0, "donor_ngo": 0, "requester": 0} {
			if got := len(e.unread(t, who)); got != want {
				t.Errorf("%s has %d notifications, want %d", who, got, want)
			}
		}
		// The pledge is made on the beneficiary's requirement: its people are told.
		if _, err := e.a.Pledges.Create(ctx, e.cast.Viewer("donor"), pledges.Input{RequirementID: &r.ID, AmountMinor: ptr(int64(10_000_00)), Currency: ptr("EUR")}); err != nil {
			t.Fatal(err)
		}
		if got := e.unread(t, "requester"); len(got) != 1 || got[0].Kind != model.NotifyPledgeMade {
			t.Fatalf("requester notifications %+v", got)
		}
		if got := len(e.unread(t, "requester2")); got != 0 {
			t.Fatalf("another beneficiary was told of the pledge")
		}
		// The requirement moves to AMBER+STRICT (and back to validation):
		// the donors' notifications about it disappear, and their e-mail is not sent.
		strict := model.TLPAmberStrict
		if _, err := e.a.Requirements.Update(ctx, e.cast.Viewer("requester"), r.ID, requirements.Input{TLP: &strict}); err != nil {
			t.Fatal(err)
		}
		if got := len(e.unread(t, "donor_eu")); got != 0 {
			t.Fatalf("donor_eu still reads %d notifications about a record hidden from it", got)
		}
		if _, err := e.n.SendMail(ctx); err != nil {
			t.Fatal(err)
		}
		for _, m := range e.inbox.take() {
			if m.to == "donor_eu@test.example" || m.to == "donor_ee@test.example" {
				t.Errorf("%s was mailed about a record it may no longer see: %q", m.to, m.subject)
			}
		}
	})
}
