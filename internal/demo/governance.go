package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/cyberaid/cyberaid/internal/governance"
	"github.com/cyberaid/cyberaid/internal/model"
)

// createGovernance gives the demo a lead rotation that covers today, an
// operational decision being taken, a public statement under discussion
// and the next meeting of the coordination group.
func (s *seeder) createGovernance(ctx context.Context) error {
	g := s.a.Governance
	if _, err := g.AddRotation(ctx, s.users["coordinator"], governance.RotationInput{
		Starts: ptr(s.today.AddDays(-60)), Ends: ptr(s.today.AddDays(120)),
		FrontOfficeOrgID: ptr(s.orgs["ee"].ID), BackOfficeOrgID: ptr(s.orgs["pl"].ID),
	}); err != nil {
		return fmt.Errorf("demo rotation: %w", err)
	}
	deadline := s.a.Now().UTC().Add(5 * 24 * time.Hour).Truncate(time.Hour)
	op, err := g.Open(ctx, s.users["delegate"], governance.Input{
		Kind: ptr(model.ProposalOperational), Procedure: ptr(model.ProcedureConsensus), TLP: ptr(model.TLPGreen),
		Title:    ptr("Extend the back office mandate in Warsaw by six months"),
		Text:     ptr("The back office keeps its current lead and staffing until the end of the next rotation period."),
		Deadline: &deadline,
	})
	if err != nil {
		return fmt.Errorf("demo proposal: %w", err)
	}
	for _, d := range []string{"delegate", "delegate.ua"} {
		if _, err := g.TakePosition(ctx, s.users[d], op.ID, governance.PositionInput{Position: ptr(model.StanceSupport)}); err != nil {
			return fmt.Errorf("demo position: %w", err)
		}
	}
	if _, err := g.Comment(ctx, s.users["delegate.nl"], op.ID, governance.CommentInput{Text: ptr("We will answer after our ministry's review on Thursday.")}); err != nil {
		return fmt.Errorf("demo comment: %w", err)
	}
	st, err := g.Open(ctx, s.users["delegate"], governance.Input{
		Kind: ptr(model.ProposalStatement), Procedure: ptr(model.ProcedureSilence), TLP: ptr(model.TLPGreen),
		Title:    ptr("Statement on continued support to Ukraine's cyber resilience"),
		Text:     ptr("The {member_count} members of the mechanism ({members}) have pledged {total_pledged_eur} through it and will keep supporting Ukraine's cyber resilience."),
		Deadline: ptr(deadline.Add(48 * time.Hour)),
	})
	if err != nil {
		return fmt.Errorf("demo statement: %w", err)
	}
	if _, err := g.CreateMeeting(ctx, s.users["coordinator"], governance.MeetingInput{
		Title: ptr("Coordination group"), Date: ptr(s.today.AddDays(7)), TLP: ptr(model.TLPAmber),
		Agenda: &[]model.AgendaItem{
			{Kind: model.AgendaProposal, RefID: op.ID, Note: "Back office mandate"},
			{Kind: model.AgendaProposal, RefID: st.ID, Note: "Public statement"},
			{Kind: model.AgendaOther, Note: "Any other business"},
		},
	}); err != nil {
		return fmt.Errorf("demo meeting: %w", err)
	}
	return nil
}
