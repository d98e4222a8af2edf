package governance_test

import (
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/governance"
	"github.com/cyberaid/cyberaid/internal/model"
)

func TestOutcome(t *testing.T) {
	deadline := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	before, at, after := deadline.Add(-time.Second), deadline, deadline.Add(time.Hour)
	pos := func(org string, s model.Stance) model.Position { return model.Position{OrgID: org, Stance: s} }
	sup, abs, obj := model.StanceSupport, model.StanceAbstain, model.StanceObject
	cases := []struct {
		name      string
		procedure model.Procedure
		positions []model.Position
		now       time.Time
		want      model.ProposalStatus
	}{
		{"consensus: nobody answered yet", model.ProcedureConsensus, nil, before, model.ProposalOpen},
		{"consensus: all support before the deadline", model.ProcedureConsensus, []model.Position{pos("a", sup), pos("b", sup), pos("c", sup)}, before, model.ProposalAdopted},
		{"consensus: support and abstention adopt", model.ProcedureConsensus, []model.Position{pos("a", sup), pos("b", abs), pos("c", sup)}, before, model.ProposalAdopted},
		{"consensus: all abstain adopts (no objection)", model.ProcedureConsensus, []model.Position{pos("a", abs), pos("b", abs), pos("c", abs)}, before, model.ProposalAdopted},
		{"consensus: one missing stays open", model.ProcedureConsensus, []model.Position{pos("a", sup), pos("b", sup)}, before, model.ProposalOpen},
		{"consensus: objection before the deadline stays open", model.ProcedureConsensus, []model.Position{pos("a", sup), pos("b", sup), pos("c", obj)}, before, model.ProposalOpen},
		{"consensus: objection at the deadline blocks", model.ProcedureConsensus, []model.Position{pos("a", sup), pos("b", sup), pos("c", obj)}, at, model.ProposalBlocked},
		{"consensus: objection and silence at the deadline blocks", model.ProcedureConsensus, []model.Position{pos("a", obj)}, after, model.ProposalBlocked},
		{"consensus: silence at the deadline lapses", model.ProcedureConsensus, []model.Position{pos("a", sup), pos("b", sup)}, at, model.ProposalLapsed},
		{"consensus: nobody at the deadline lapses", model.ProcedureConsensus, nil, after, model.ProposalLapsed},
		{"consensus: outsiders do not count", model.ProcedureConsensus, []model.Position{pos("a", sup), pos("b", sup), pos("x", sup)}, before, model.ProposalOpen},
		{"consensus: an outsider's objection does not block", model.ProcedureConsensus, []model.Position{pos("a", sup), pos("b", sup), pos("c", sup), pos("x", obj)}, before, model.ProposalAdopted},
		{"silence: before the deadline stays open even if all support", model.ProcedureSilence, []model.Position{pos("a", sup), pos("b", sup), pos("c", sup)}, before, model.ProposalOpen},
		{"silence: nobody broke silence", model.ProcedureSilence, nil, at, model.ProposalAdopted},
		{"silence: abstentions adopt", model.ProcedureSilence, []model.Position{pos("a", abs)}, after, model.ProposalAdopted},
		{"silence: one objection blocks", model.ProcedureSilence, []model.Position{pos("a", sup), pos("b", obj)}, at, model.ProposalBlocked},
		{"silence: an outsider's objection does not block", model.ProcedureSilence, []model.Position{pos("x", obj)}, at, model.ProposalAdopted},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := model.Proposal{Procedure: c.procedure, Deadline: deadline, Electorate: []string{"a", "b", "c"}}
			if got := governance.Outcome(p, c.positions, c.now); got != c.want {
				t.Fatalf("Outcome = %s, want %s", got, c.want)
			}
		})
	}
}

func TestAdmission(t *testing.T) {
	cases := []struct {
		kind   model.ProposalKind
		prior  model.Participation
		status model.ProposalStatus
		want   model.Participation
	}{
		{model.ProposalMembership, model.Observer, model.ProposalOpen, model.Observer},
		{model.ProposalMembership, model.Contributor, model.ProposalOpen, model.Applicant},
		{model.ProposalMembership, model.Former, model.ProposalOpen, model.Former},
		{model.ProposalMembership, model.Former, model.ProposalAdopted, model.Member},
		{model.ProposalObserver, model.Applicant, model.ProposalOpen, model.Applicant},
		{model.ProposalObserver, model.Applicant, model.ProposalAdopted, model.Observer},
		{model.ProposalObserver, model.Applicant, model.ProposalLapsed, model.Applicant},
		{model.ProposalMembership, model.Observer, model.ProposalAdopted, model.Member},
		{model.ProposalMembership, model.Observer, model.ProposalBlocked, model.Observer},
		{model.ProposalMembership, model.Contributor, model.ProposalLapsed, model.Contributor},
		{model.ProposalObserver, model.Former, model.ProposalOpen, model.Former},
		{model.ProposalObserver, model.Former, model.ProposalAdopted, model.Observer},
		{model.ProposalObserver, model.Former, model.ProposalBlocked, model.Former},
	}
	for _, c := range cases {
		if got := governance.Admission(c.kind, c.prior, c.status); got != c.want {
			t.Errorf("Admission(%s, %s, %s) = %s, want %s", c.kind, c.prior, c.status, got, c.want)
		}
	}
}

func TestRender(t *testing.T) {
	f := governance.Figures{TotalPledgedEURMinor: 123456789, Members: []string{"Estonia", "Ukraine"}, Observers: []string{"EU"}}
	got := governance.Render("{member_count} members ({members}) and {observer_count} observer ({observers}) pledged {total_pledged_eur}.", f)
	want := "2 members (Estonia, Ukraine) and 1 observer (EU) pledged EUR 1,234,567.89."
	if got != want {
		t.Fatalf("Render = %q, want %q", got, want)
	}
}

func TestRotationOverlap(t *testing.T) {
	d := func(m, day int) model.Date { return model.NewDate(2026, time.Month(m), day) }
	r := func(a, b model.Date) model.Rotation { return model.Rotation{Starts: a, Ends: b} }
	cases := []struct {
		a, b model.Rotation
		want bool
	}{
		{r(d(1, 1), d(6, 30)), r(d(7, 1), d(12, 31)), false},
		{r(d(1, 1), d(6, 30)), r(d(6, 30), d(12, 31)), true},
		{r(d(1, 1), d(12, 31)), r(d(3, 1), d(3, 31)), true},
		{r(d(7, 1), d(12, 31)), r(d(1, 1), d(6, 30)), false},
		{r(d(3, 1), d(3, 1)), r(d(3, 1), d(3, 1)), true},
	}
	for _, c := range cases {
		if got := governance.Overlaps(c.a, c.b); got != c.want {
			t.Errorf("Overlaps(%v–%v, %v–%v) = %v", c.a.Starts, c.a.Ends, c.b.Starts, c.b.Ends, got)
		}
	}
}
