package web_test

import (
	"context"
	"testing"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
)

// stagesFixture adds to the delivery fixture a suspended pledge.
func stagesFixture(t *testing.T, a *app.App, c apptest.Cast) map[string]string {
	t.Helper()
	ids := deliveryFixture(t, a, c)
	if _, err := a.Pledges.Suspend(context.Background(), c.Viewer("donor"), ids["proposed_pledge"], "Programme frozen"); err != nil {
		t.Fatal(err)
	}
	ids["suspended_pledge"] = ids["proposed_pledge"]
	return ids
}

const tranche = `{"amount_minor":500000,"currency":"EUR","date":"2026-06-10","note":"First tranche"}`

var stagesScenarios = []scenario{
	{"suspend: anonymous", "", "POST", "/api/v1/pledges/{confirmed_pledge}/suspend", `{"reason":"Frozen"}`, 401, "unauthenticated"},
	{"suspend: requester", "requester", "POST", "/api/v1/pledges/{confirmed_pledge}/suspend", `{"reason":"Frozen"}`, 403, "forbidden"},
	{"suspend: another donor", "donor_ee", "POST", "/api/v1/pledges/{confirmed_pledge}/suspend", `{"reason":"Frozen"}`, 403, "forbidden"},
	{"suspend: hidden pledge", "donor_company", "POST", "/api/v1/pledges/{pledge}/suspend", `{"reason":"Frozen"}`, 404, "not_found"},
	{"suspend: donor", "donor", "POST", "/api/v1/pledges/{confirmed_pledge}/suspend", `{"reason":"Budget frozen by parliament"}`, 200, ""},
	{"suspend: coordinator", "coordinator", "POST", "/api/v1/pledges/{shipped_pledge}/suspend", `{"reason":"Donor programme under audit"}`, 200, ""},
	{"suspend: no reason", "donor", "POST", "/api/v1/pledges/{confirmed_pledge}/suspend", `{"reason":" "}`, 400, "invalid_reason"},
	{"suspend: twice", "donor", "POST", "/api/v1/pledges/{suspended_pledge}/suspend", `{"reason":"Frozen"}`, 409, "not_suspendable"},
	{"suspend: received", "donor", "POST", "/api/v1/pledges/{received_pledge}/suspend", `{"reason":"Frozen"}`, 409, "not_suspendable"},
	{"suspend: unknown field", "donor", "POST", "/api/v1/pledges/{confirmed_pledge}/suspend", `{"why":"Frozen"}`, 400, "invalid_why"},

	{"resume: anonymous", "", "POST", "/api/v1/pledges/{suspended_pledge}/resume", "", 401, "unauthenticated"},
	{"resume: requester", "requester", "POST", "/api/v1/pledges/{suspended_pledge}/resume", "", 403, "forbidden"},
	{"resume: another donor", "donor_ee", "POST", "/api/v1/pledges/{suspended_pledge}/resume", "", 403, "forbidden"},
	{"resume: missing", "donor", "POST", "/api/v1/pledges/nope/resume", "", 404, "not_found"},
	{"resume: donor", "donor", "POST", "/api/v1/pledges/{suspended_pledge}/resume", "", 200, ""},
	{"resume: coordinator", "coordinator", "POST", "/api/v1/pledges/{suspended_pledge}/resume", "", 200, ""},
	{"resume: not suspended", "donor", "POST", "/api/v1/pledges/{confirmed_pledge}/resume", "", 409, "not_suspended"},

	{"disbursements: anonymous, amber pledge", "", "GET", "/api/v1/pledges/{pledge}/disbursements", "", 404, "not_found"},
	{"disbursements: company not engaged", "donor_company", "GET", "/api/v1/pledges/{pledge}/disbursements", "", 404, "not_found"},
	{"disbursements: donor", "donor", "GET", "/api/v1/pledges/{confirmed_pledge}/disbursements", "", 200, ""},
	{"disbursements: other beneficiary, green", "requester2", "GET", "/api/v1/pledges/{confirmed_pledge}/disbursements", "", 200, ""},
	{"disbursements: missing", "donor", "GET", "/api/v1/pledges/nope/disbursements", "", 404, "not_found"},

	{"disburse: anonymous", "", "POST", "/api/v1/pledges/{confirmed_pledge}/disbursements", tranche, 401, "unauthenticated"},
	{"disburse: requester", "requester", "POST", "/api/v1/pledges/{confirmed_pledge}/disbursements", tranche, 403, "forbidden"},
	{"disburse: another donor", "donor_ee", "POST", "/api/v1/pledges/{confirmed_pledge}/disbursements", tranche, 403, "forbidden"},
	{"disburse: hidden pledge", "donor_company", "POST", "/api/v1/pledges/{pledge}/disbursements", tranche, 404, "not_found"},
	{"disburse: donor", "donor", "POST", "/api/v1/pledges/{confirmed_pledge}/disbursements", tranche, 201, ""},
	{"disburse: coordinator, in dollars", "coordinator", "POST", "/api/v1/pledges/{shipped_pledge}/disbursements", `{"amount_minor":1000000,"currency":"USD","date":"2026-04-13"}`, 201, ""},
	{"disburse: proposed pledge", "donor", "POST", "/api/v1/pledges/{suspended_pledge}/disbursements", tranche, 409, "not_committed"},
	{"disburse: past the pledge", "donor", "POST", "/api/v1/pledges/{confirmed_pledge}/disbursements", `{"amount_minor":2500000,"currency":"EUR","date":"2026-06-10"}`, 422, "over_disbursed"},
	{"disburse: past the pledge, confirmed", "donor", "POST", "/api/v1/pledges/{confirmed_pledge}/disbursements", `{"amount_minor":2500000,"currency":"EUR","date":"2026-06-10","confirm_over":true}`, 201, ""},
	{"disburse: in the future", "donor", "POST", "/api/v1/pledges/{confirmed_pledge}/disbursements", `{"amount_minor":100,"currency":"EUR","date":"2027-01-01"}`, 422, "date_in_future"},
	{"disburse: no date", "donor", "POST", "/api/v1/pledges/{confirmed_pledge}/disbursements", `{"amount_minor":100,"currency":"EUR"}`, 400, "invalid_date"},
	{"disburse: unknown currency", "donor", "POST", "/api/v1/pledges/{confirmed_pledge}/disbursements", `{"amount_minor":100,"currency":"XXQ","date":"2026-06-10"}`, 400, "invalid_currency"},
	{"disburse: nothing", "donor", "POST", "/api/v1/pledges/{confirmed_pledge}/disbursements", `{"amount_minor":0,"currency":"EUR","date":"2026-06-10"}`, 422, "amount_not_positive"},

	{"summary: by implementer", "donor", "GET", "/api/v1/reports/summary?by=implementer", "", 200, ""},
	{"summary: by donor, anonymous", "", "GET", "/api/v1/reports/summary?by=donor", "", 200, ""},
	{"funder: the donor itself", "donor", "POST", "/api/v1/pledges", `{"requirement_id":"{green}","amount_minor":100,"currency":"EUR","funder_org_id":"{org:us}"}`, 422, "funder_is_donor"},
	{"funder: unknown", "donor", "POST", "/api/v1/pledges", `{"requirement_id":"{green}","amount_minor":100,"currency":"EUR","funder_org_id":"nope"}`, 400, "invalid_funder_org_id"},
	{"funder: another member", "donor", "POST", "/api/v1/pledges", `{"requirement_id":"{green}","amount_minor":100,"currency":"EUR","funder_org_id":"{org:eu}"}`, 201, ""},
}

var stagesOperations = []string{
	"/api/v1/pledges/{id}/suspend", "/api/v1/pledges/{id}/resume", "/api/v1/pledges/{id}/disbursements",
}

func TestStagesAPIScenarios(t *testing.T) {
	runScenarios(t, scenarioTable{scenarios: stagesScenarios, fixture: stagesFixture, operations: stagesOperations})
}
