package web

import (
	"net/http"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// Governance's codes and audit actions join the lists the templates label
// and the catalogue test checks.
func init() {
	stances := []model.Stance{model.StanceSupport, model.StanceAbstain, model.StanceObject}
	procedures := []model.Procedure{model.ProcedureConsensus, model.ProcedureSilence}
	codeLists["notification_kind"] = func() []string { return strs(model.NotificationKinds) }
	codeLists["agenda_kind"] = func() []string {
		return strs([]model.AgendaKind{model.AgendaProposal, model.AgendaRequirement, model.AgendaLesson, model.AgendaOther})
	}
	codeLists["proposal_kind"] = func() []string { return strs(model.ProposalKinds) }
	codeLists["procedure"] = func() []string { return strs(procedures) }
	codeLists["procedure_hint"] = func() []string { return strs(procedures) }
	codeLists["stance"] = func() []string { return strs(stances) }
	codeLists["proposal_status"] = func() []string {
		return strs([]model.ProposalStatus{model.ProposalOpen, model.ProposalAdopted, model.ProposalBlocked, model.ProposalLapsed})
	}
	auditActions = append(auditActions,
		"proposal.open", "proposal.position", "proposal.comment", "proposal.sign",
		"proposal.adopted", "proposal.blocked", "proposal.lapsed",
		"organisation.participation", "rotation.create", "meeting.create", "meeting.update", "notification.preference")
}

func init() {
	errorCodes = append(errorCodes,
		"already_member", "already_observer", "application_pending", "beneficiary_entity", "deadline_passed",
		"deadline_too_far", "deadline_too_soon", "ends_before_starts", "lead_not_member", "no_members",
		"not_a_statement", "proposal_closed", "reason_required", "red_not_for_proposals", "rotation_overlap", "red_not_for_meetings")
}

// leads names the organisations leading the offices today.
type leads struct{ Front, Back string }

// currentLeads finds today's rotation for the page header; a page does not
// fail for want of it.
func (s *Server) currentLeads(r *http.Request, v policy.Viewer) *leads {
	if s.Governance == nil || !policy.Allowed(v, policy.RotationsRead) {
		return nil
	}
	cur, ok, err := s.Governance.CurrentLeads(r.Context(), v)
	if err == nil && ok {
		var names map[string]string
		if names, err = s.orgNames(r); err == nil {
			return &leads{Front: names[cur.FrontOfficeOrgID], Back: names[cur.BackOfficeOrgID]}
		}
	}
	if err != nil {
		// The leads are a convenience of the header; the page is shown
		// without them, and not kept so.
		s.log.WarnContext(r.Context(), "reading the offices' leads failed", "err", err)
		markPartial(r.Context())
	}
	return nil
}
