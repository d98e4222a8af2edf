package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/governance"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// governanceFixture opens, through the domain service, a GREEN and an AMBER
// operational proposal and a public statement that the three members adopt.
func governanceFixture(t *testing.T, a *app.App, c apptest.Cast) map[string]string {
	t.Helper()
	ctx := context.Background()
	ids := map[string]string{}
	for k, o := range c.Orgs {
		ids["org:"+k] = o.ID
	}
	deadline := testNow.Add(72 * time.Hour)
	open := func(name string, kind model.ProposalKind, tlp model.TLP) string {
		p, err := a.Governance.Open(ctx, c.Viewer("delegate"), governance.Input{
			Kind: &kind, Title: ptr("Matter " + name), Text: ptr("{member_count} members"), Procedure: ptr(model.ProcedureConsensus),
			Deadline: &deadline, TLP: &tlp,
		})
		if err != nil {
			t.Fatalf("open %s: %v", name, err)
		}
		ids[name] = p.ID
		return p.ID
	}
	open("proposal", model.ProposalOperational, model.TLPGreen)
	open("amber", model.ProposalOperational, model.TLPAmber)
	st := open("statement", model.ProposalStatement, model.TLPAmber)
	for _, d := range []string{"delegate", "delegate_ua", "delegate_us"} {
		s := model.StanceSupport
		if _, err := a.Governance.TakePosition(ctx, c.Viewer(d), st, governance.PositionInput{Position: &s}); err != nil {
			t.Fatalf("%s supports: %v", d, err)
		}
	}
	m, err := a.Governance.CreateMeeting(ctx, c.Viewer("coordinator"), governance.MeetingInput{
		Title: ptr("Coordination group"), Date: ptr(model.DateOf(testNow).AddDays(7)), TLP: ptr(model.TLPAmber),
		Agenda: &[]model.AgendaItem{{Kind: model.AgendaProposal, RefID: ids["proposal"], Note: "Back office"}},
	})
	if err != nil {
		t.Fatalf("meeting: %v", err)
	}
	ids["meeting"] = m.ID
	return ids
}

const proposalBody = `{"kind":"operational_decision","title":"Extend the back office","text":"Six more months in Warsaw","procedure":"silence","deadline":"2026-06-22T10:00:00Z","tlp":"green"}`

var governanceScenarios = []scenario{
	{"proposals: anonymous", "", "GET", "/api/v1/proposals", "", 401, "unauthenticated"},
	{"proposals: former", "former", "GET", "/api/v1/proposals", "", 401, "unauthenticated"},
	{"proposals: company", "donor_company", "GET", "/api/v1/proposals?status=open&kind=operational_decision", "", 200, ""},
	{"proposals: bad status", "delegate", "GET", "/api/v1/proposals?status=maybe", "", 400, "invalid_status"},
	{"proposal get: anonymous", "", "GET", "/api/v1/proposals/{proposal}", "", 404, "not_found"},
	{"proposal get: company, amber", "donor_company", "GET", "/api/v1/proposals/{amber}", "", 404, "not_found"},
	{"proposal get: observer, amber", "viewer", "GET", "/api/v1/proposals/{amber}", "", 200, ""},
	{"proposal get: missing", "delegate", "GET", "/api/v1/proposals/nope", "", 404, "not_found"},
	{"proposal get: anonymous, adopted statement", "", "GET", "/api/v1/proposals/{statement}", "", 200, ""},

	{"proposal open: anonymous", "", "POST", "/api/v1/proposals", proposalBody, 401, "unauthenticated"},
	{"proposal open: donor", "donor", "POST", "/api/v1/proposals", proposalBody, 403, "forbidden"},
	{"proposal open: observer", "viewer", "POST", "/api/v1/proposals", proposalBody, 403, "forbidden"},
	{"proposal open: member's delegate", "delegate", "POST", "/api/v1/proposals", proposalBody, 201, ""},
	{"proposal open: coordinator", "coordinator", "POST", "/api/v1/proposals", proposalBody, 201, ""},
	{"proposal open: unknown kind", "delegate", "POST", "/api/v1/proposals", `{"kind":"coup","title":"x","procedure":"silence","deadline":"2026-06-22T10:00:00Z"}`, 400, "invalid_kind"},
	{"proposal open: no deadline", "delegate", "POST", "/api/v1/proposals", `{"kind":"operational_decision","title":"x","procedure":"silence"}`, 400, "invalid_deadline"},
	{"proposal open: deadline passed", "delegate", "POST", "/api/v1/proposals", `{"kind":"operational_decision","title":"x","procedure":"silence","deadline":"2026-06-01T10:00:00Z"}`, 422, "deadline_too_soon"},
	{"proposal open: red", "delegate", "POST", "/api/v1/proposals", `{"kind":"operational_decision","title":"x","procedure":"silence","deadline":"2026-06-22T10:00:00Z","tlp":"red"}`, 422, "red_not_for_proposals"},
	{"proposal open: apply for a member", "coordinator", "POST", "/api/v1/proposals", `{"kind":"membership_application","title":"x","procedure":"consensus","deadline":"2026-06-22T10:00:00Z","subject_org_id":"{org:us}"}`, 422, "already_member"},
	{"proposal open: observer's application", "delegate", "POST", "/api/v1/proposals", `{"kind":"membership_application","title":"The EU applies","procedure":"consensus","deadline":"2026-06-22T10:00:00Z","subject_org_id":"{org:eu}"}`, 201, ""},
	{"proposal open: application twice", "coordinator", "POST", "/api/v1/proposals", `{"kind":"membership_application","title":"Again","procedure":"consensus","deadline":"2026-06-22T10:00:00Z","subject_org_id":"{org:eu}"}`, 409, "application_pending"},

	{"position: anonymous", "", "POST", "/api/v1/proposals/{proposal}/positions", `{"position":"support"}`, 401, "unauthenticated"},
	{"position: donor", "donor", "POST", "/api/v1/proposals/{proposal}/positions", `{"position":"support"}`, 403, "forbidden"},
	{"position: observer (applicant by now)", "viewer", "POST", "/api/v1/proposals/{proposal}/positions", `{"position":"support"}`, 403, "forbidden"},
	{"position: member's delegate", "delegate", "POST", "/api/v1/proposals/{proposal}/positions", `{"position":"support"}`, 200, ""},
	{"position: object with a reason", "delegate_us", "POST", "/api/v1/proposals/{proposal}/positions", `{"position":"object","reason":"Budget"}`, 200, ""},
	{"position: object without a reason", "delegate_us", "POST", "/api/v1/proposals/{proposal}/positions", `{"position":"object"}`, 422, "reason_required"},
	{"position: unknown", "delegate", "POST", "/api/v1/proposals/{proposal}/positions", `{"position":"veto"}`, 400, "invalid_position"},
	{"position: missing proposal", "delegate", "POST", "/api/v1/proposals/nope/positions", `{"position":"support"}`, 404, "not_found"},
	{"position: closed", "delegate", "POST", "/api/v1/proposals/{statement}/positions", `{"position":"abstain"}`, 409, "proposal_closed"},

	{"comment: anonymous", "", "POST", "/api/v1/proposals/{proposal}/comments", `{"text":"Agreed"}`, 401, "unauthenticated"},
	{"comment: member's donor", "donor", "POST", "/api/v1/proposals/{proposal}/comments", `{"text":"Agreed"}`, 201, ""},
	{"comment: former", "former", "POST", "/api/v1/proposals/{proposal}/comments", `{"text":"Agreed"}`, 401, "unauthenticated"},
	{"comment: company", "donor_company", "POST", "/api/v1/proposals/{proposal}/comments", `{"text":"Agreed"}`, 403, "forbidden"},
	{"comment: beneficiary entity", "requester", "POST", "/api/v1/proposals/{proposal}/comments", `{"text":"Agreed"}`, 403, "forbidden"},
	{"comment: observer", "viewer", "POST", "/api/v1/proposals/{proposal}/comments", `{"text":"The EU supports the aim."}`, 201, ""},
	{"comment: empty", "delegate", "POST", "/api/v1/proposals/{proposal}/comments", `{"text":""}`, 400, "invalid_text"},
	{"comment: closed", "delegate", "POST", "/api/v1/proposals/{statement}/comments", `{"text":"Late"}`, 409, "proposal_closed"},

	{"sign: anonymous", "", "POST", "/api/v1/proposals/{statement}/signatures", "", 401, "unauthenticated"},
	{"sign: observer", "viewer", "POST", "/api/v1/proposals/{statement}/signatures", "", 403, "forbidden"},
	{"sign: member's delegate", "delegate", "POST", "/api/v1/proposals/{statement}/signatures", "", 200, ""},
	{"sign: not a statement", "delegate", "POST", "/api/v1/proposals/{proposal}/signatures", "", 409, "not_a_statement"},

	{"statements: anonymous", "", "GET", "/api/v1/statements", "", 200, ""},

	{"rotations: anonymous", "", "GET", "/api/v1/rotations", "", 401, "unauthenticated"},
	{"rotations: viewer", "viewer", "GET", "/api/v1/rotations", "", 200, ""},
	{"rotation add: anonymous", "", "POST", "/api/v1/rotations", `{"starts":"2026-01-01","ends":"2026-06-30","front_office_org_id":"{org:ee}","back_office_org_id":"{org:us}"}`, 401, "unauthenticated"},
	{"rotation add: delegate", "delegate", "POST", "/api/v1/rotations", `{"starts":"2026-01-01","ends":"2026-06-30","front_office_org_id":"{org:ee}","back_office_org_id":"{org:us}"}`, 403, "forbidden"},
	{"rotation add: coordinator", "coordinator", "POST", "/api/v1/rotations", `{"starts":"2026-01-01","ends":"2026-06-30","front_office_org_id":"{org:ee}","back_office_org_id":"{org:us}"}`, 201, ""},
	{"rotation add: overlap", "coordinator", "POST", "/api/v1/rotations", `{"starts":"2026-06-01","ends":"2026-12-31","front_office_org_id":"{org:ua}","back_office_org_id":"{org:ee}"}`, 422, "rotation_overlap"},
	{"rotation add: observer leads", "coordinator", "POST", "/api/v1/rotations", `{"starts":"2027-01-01","ends":"2027-06-30","front_office_org_id":"{org:eu}","back_office_org_id":"{org:ee}"}`, 422, "lead_not_member"},
	{"rotation add: no dates", "coordinator", "POST", "/api/v1/rotations", `{"front_office_org_id":"{org:ee}","back_office_org_id":"{org:us}"}`, 400, "invalid_starts"},

	{"meetings: anonymous", "", "GET", "/api/v1/meetings", "", 401, "unauthenticated"},
	{"meetings: company", "donor_company", "GET", "/api/v1/meetings", "", 200, ""},
	{"meeting get: anonymous", "", "GET", "/api/v1/meetings/{meeting}", "", 404, "not_found"},
	{"meeting get: company, amber", "donor_company", "GET", "/api/v1/meetings/{meeting}", "", 404, "not_found"},
	{"meeting get: observer", "viewer", "GET", "/api/v1/meetings/{meeting}", "", 200, ""},
	{"meeting get: missing", "viewer", "GET", "/api/v1/meetings/nope", "", 404, "not_found"},
	{"meeting create: anonymous", "", "POST", "/api/v1/meetings", `{"title":"July","date":"2026-07-01"}`, 401, "unauthenticated"},
	{"meeting create: delegate", "delegate", "POST", "/api/v1/meetings", `{"title":"July","date":"2026-07-01"}`, 403, "forbidden"},
	{"meeting create: coordinator", "coordinator", "POST", "/api/v1/meetings", `{"title":"July","date":"2026-07-01","tlp":"green","agenda":[{"kind":"other","note":"Welcome"},{"kind":"proposal","ref_id":"{proposal}"}],"attendee_org_ids":["{org:ee}"]}`, 201, ""},
	{"meeting create: agenda on a missing record", "coordinator", "POST", "/api/v1/meetings", `{"title":"July","date":"2026-07-01","agenda":[{"kind":"requirement","ref_id":"nope"}]}`, 400, "invalid_agenda"},
	{"meeting create: red", "coordinator", "POST", "/api/v1/meetings", `{"title":"July","date":"2026-07-01","tlp":"red"}`, 422, "red_not_for_meetings"},
	{"meeting create: no title", "coordinator", "POST", "/api/v1/meetings", `{"date":"2026-07-01"}`, 400, "invalid_title"},
	{"meeting update: anonymous", "", "PATCH", "/api/v1/meetings/{meeting}", `{"minutes":"Agreed"}`, 401, "unauthenticated"},
	{"meeting update: delegate", "delegate", "PATCH", "/api/v1/meetings/{meeting}", `{"minutes":"Agreed"}`, 403, "forbidden"},
	{"meeting update: coordinator", "coordinator", "PATCH", "/api/v1/meetings/{meeting}", `{"minutes":"Agreed to extend.","attendee_org_ids":["{org:ee}","{org:us}"]}`, 200, ""},
	{"meeting update: missing", "coordinator", "PATCH", "/api/v1/meetings/nope", `{"minutes":"Agreed"}`, 404, "not_found"},
}

var governanceOperations = []string{
	"/api/v1/meetings", "/api/v1/meetings/{id}",
	"/api/v1/proposals", "/api/v1/proposals/{id}", "/api/v1/proposals/{id}/positions", "/api/v1/proposals/{id}/comments",
	"/api/v1/proposals/{id}/signatures", "/api/v1/statements", "/api/v1/rotations",
}

func TestGovernanceAPIScenarios(t *testing.T) {
	runScenarios(t, scenarioTable{scenarios: governanceScenarios, fixture: governanceFixture, operations: governanceOperations})
}

// TestGovernanceAPIFlow follows one proposal through the API: the tally
// member by member, the public page of the adopted statement, the audit.
func TestGovernanceAPIFlow(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, s *store.DB) {
		a, cast := apptest.New(t, s, clock)
		srv := httptest.NewServer(a.Web)
		defer srv.Close()
		c := &client{t: t, base: srv.URL, tokens: map[string]string{}, http: http.DefaultClient}
		ids := governanceFixture(t, a, cast)
		code, body := c.do("", "GET", "/api/v1/proposals/"+ids["statement"], "")
		var v struct {
			Status        string
			PublishedText string `json:"published_text"`
			Signatories   []struct {
				OrgID string `json:"org_id"`
			}
			Positions []any
		}
		if err := json.Unmarshal(body, &v); code != 200 || err != nil {
			t.Fatalf("%d %s", code, body)
		}
		if v.Status != "adopted" || v.PublishedText != "3 members" || len(v.Signatories) != 3 || len(v.Positions) != 0 {
			t.Fatalf("public statement %s", body)
		}
		code, body = c.do("coordinator", "GET", "/api/v1/audit?object_type=proposal&object_id="+ids["statement"], "")
		if code != 200 {
			t.Fatalf("audit %d %s", code, body)
		}
		var events struct {
			Items []struct{ Action string }
		}
		json.Unmarshal(body, &events)
		actions := map[string]int{}
		for _, e := range events.Items {
			actions[e.Action]++
		}
		if actions["proposal.open"] != 1 || actions["proposal.position"] != 3 || actions["proposal.adopted"] != 1 {
			t.Fatalf("audit actions %v", actions)
		}
	})
}
