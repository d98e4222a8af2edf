// Package governance is how the coordination group decides: proposals put
// to the member organisations under the consensus or the silence procedure,
// their positions and comments, public statements with their signatories,
// the rotation of lead organisations, and the deadlines that close
// proposals by themselves.
package governance

import (
	"slices"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
)

// Outcome decides a proposal's status at the instant now from its
// electorate and the positions taken. Only positions of the electorate
// count: an organisation that joined after the proposal opened has no say
// on it.
//
// Consensus: adopted the moment every member of the electorate has a
// position and none objects; at the deadline, blocked if an objection
// stands, lapsed if some member never answered. Silence: at the deadline,
// blocked if any member broke silence with an objection, adopted otherwise.
func Outcome(p model.Proposal, positions []model.Position, now time.Time) model.ProposalStatus {
	answered, objected := 0, false
	for _, pos := range positions {
		if !slices.Contains(p.Electorate, pos.OrgID) {
			continue
		}
		answered++
		if pos.Stance == model.StanceObject {
			objected = true
		}
	}
	due := !now.Before(p.Deadline)
	switch p.Procedure {
	case model.ProcedureConsensus:
		switch {
		case answered == len(p.Electorate) && !objected:
			return model.ProposalAdopted
		case !due:
			return model.ProposalOpen
		case objected:
			return model.ProposalBlocked
		default:
			return model.ProposalLapsed
		}
	case model.ProcedureSilence:
		switch {
		case !due:
			return model.ProposalOpen
		case objected:
			return model.ProposalBlocked
		default:
			return model.ProposalAdopted
		}
	}
	return model.ProposalOpen
}

// Admission is the participation an organisation has while its
// application is considered, once it is adopted, and once it fails. Filing
// makes an organisation an applicant, which sees what any GREEN
// participant sees; it never grants more. A former participant stays
// former and an observer stays an observer until the members decide:
// readmission and observer rights are decisions, never side effects of
// filing.
func Admission(kind model.ProposalKind, prior model.Participation, status model.ProposalStatus) model.Participation {
	switch status {
	case model.ProposalOpen:
		switch prior {
		case model.Former, model.Observer, model.Applicant:
			return prior
		}
		return model.Applicant
	case model.ProposalAdopted:
		if kind == model.ProposalMembership {
			return model.Member
		}
		return model.Observer
	}
	return prior
}

// Tally is a proposal's count, member by member.
type Tally struct {
	Support, Abstain, Object, Silent int
}

func Count(p model.Proposal, positions []model.Position) Tally {
	var t Tally
	seen := 0
	for _, pos := range positions {
		if !slices.Contains(p.Electorate, pos.OrgID) {
			continue
		}
		seen++
		switch pos.Stance {
		case model.StanceSupport:
			t.Support++
		case model.StanceAbstain:
			t.Abstain++
		case model.StanceObject:
			t.Object++
		}
	}
	t.Silent = len(p.Electorate) - seen
	return t
}
