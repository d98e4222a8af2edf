package web_test

import (
	"context"
	"testing"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/delivery"
	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

// deliveryFixture adds to the core fixture pledges at each step of delivery
// (GREEN, so that another beneficiary sees them but may not act on them), a
// requirement whose one pledge is received, and a lesson.
func deliveryFixture(t *testing.T, a *app.App, c apptest.Cast) map[string]string {
	t.Helper()
	ctx := context.Background()
	ids := fixture(t, a, c)
	green := model.TLPGreen
	pledge := func(name, reqID string, confirm bool) string {
		p, err := a.Pledges.Create(ctx, c.Viewer("donor"), pledges.Input{
			RequirementID: ptr(reqID), AmountMinor: ptr(int64(20_000_00)), Currency: ptr("EUR"), TLP: &green,
		})
		if err != nil {
			t.Fatalf("pledge %s: %v", name, err)
		}
		if confirm {
			if _, err := a.Pledges.Confirm(ctx, c.Viewer("donor"), p.ID); err != nil {
				t.Fatalf("confirm %s: %v", name, err)
			}
		}
		ids[name] = p.ID
		return p.ID
	}
	step := func(id string, k model.MilestoneKind) {
		if _, err := a.Delivery.AddMilestone(ctx, c.Viewer("donor"), id, delivery.MilestoneInput{Kind: &k, Date: ptr(model.DateOf(testNow))}); err != nil {
			t.Fatalf("milestone %s: %v", k, err)
		}
	}
	pledge("proposed_pledge", ids["green"], false)
	pledge("confirmed_pledge", ids["green"], true)
	step(pledge("shipped_pledge", ids["green"], true), model.MilestoneShipped)

	r, err := a.Requirements.Create(ctx, c.Viewer("requester"), requirements.Input{
		Title: ptr("Satellite terminals"), Description: ptr("For the regional centres"),
		Sector: ptr(model.Sector("telecom")), Category: ptr(model.Category("satellite_comms")),
		LineOfEffort: ptr(model.LineSupport), Priority: ptr(model.PriorityCritical),
		EstimatedEURMinor: ptr(int64(20_000_00)), NeededBy: ptr(model.DateOf(testNow).AddDays(30)), TLP: &green,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Requirements.Submit(ctx, c.Viewer("requester"), r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Requirements.Validate(ctx, c.Viewer("validator"), r.ID, model.DecisionApprove, ""); err != nil {
		t.Fatal(err)
	}
	ids["delivered_req"] = r.ID
	done := pledge("received_pledge", r.ID, true)
	step(done, model.MilestoneDelivered)
	if _, err := a.Delivery.Receipt(ctx, c.Viewer("requester"), done, delivery.ReceiptInput{Outcome: ptr(model.ReceiptReceived)}); err != nil {
		t.Fatalf("receipt: %v", err)
	}

	l, err := a.Lessons.Create(ctx, c.Viewer("donor"), lessons.Input{
		Title: ptr("Customs held the terminals"), Link: ptr(model.LinkDelivery), LinkID: ptr(done),
		WhatHappened: ptr("Two weeks at the border"), WhatLearned: ptr("Papers first"),
		Recommendation: ptr("Send the customs papers with the order"), ReviewOn: ptr(model.DateOf(testNow).AddDays(-1)),
	})
	if err != nil {
		t.Fatalf("lesson: %v", err)
	}
	ids["lesson"] = l.ID
	return ids
}

var deliveryScenarios = []scenario{
	{"milestones: anonymous, amber pledge", "", "GET", "/api/v1/pledges/{pledge}/milestones", "", 404, "not_found"},
	{"milestones: company not engaged", "donor_company", "GET", "/api/v1/pledges/{pledge}/milestones", "", 404, "not_found"},
	{"milestones: donor", "donor", "GET", "/api/v1/pledges/{shipped_pledge}/milestones", "", 200, ""},
	{"milestones: other beneficiary, green", "requester2", "GET", "/api/v1/pledges/{shipped_pledge}/milestones", "", 200, ""},
	{"milestones: missing", "donor", "GET", "/api/v1/pledges/nope/milestones", "", 404, "not_found"},

	{"milestone add: anonymous", "", "POST", "/api/v1/pledges/{confirmed_pledge}/milestones", `{"kind":"ordered","date":"2026-06-10"}`, 401, "unauthenticated"},
	{"milestone add: requester", "requester", "POST", "/api/v1/pledges/{confirmed_pledge}/milestones", `{"kind":"ordered","date":"2026-06-10"}`, 403, "forbidden"},
	{"milestone add: another donor", "donor_ee", "POST", "/api/v1/pledges/{confirmed_pledge}/milestones", `{"kind":"ordered","date":"2026-06-10"}`, 403, "forbidden"},
	{"milestone add: hidden pledge", "donor_company", "POST", "/api/v1/pledges/{pledge}/milestones", `{"kind":"ordered","date":"2026-06-10"}`, 404, "not_found"},
	{"milestone add: donor", "donor", "POST", "/api/v1/pledges/{confirmed_pledge}/milestones", `{"kind":"ordered","date":"2026-06-10","note":"Purchase order 4411"}`, 201, ""},
	{"milestone add: coordinator", "coordinator", "POST", "/api/v1/pledges/{shipped_pledge}/milestones", `{"kind":"delivered","date":"2026-06-14"}`, 201, ""},
	{"milestone add: planned ahead", "donor", "POST", "/api/v1/pledges/{confirmed_pledge}/milestones", `{"kind":"planned","date":"2026-09-01"}`, 201, ""},
	{"milestone add: shipped in the future", "donor", "POST", "/api/v1/pledges/{confirmed_pledge}/milestones", `{"kind":"shipped","date":"2026-09-01"}`, 422, "milestone_in_future"},
	{"milestone add: unknown kind", "donor", "POST", "/api/v1/pledges/{confirmed_pledge}/milestones", `{"kind":"lost","date":"2026-06-10"}`, 400, "invalid_kind"},
	{"milestone add: no date", "donor", "POST", "/api/v1/pledges/{confirmed_pledge}/milestones", `{"kind":"ordered"}`, 400, "invalid_date"},
	{"milestone add: bad date", "donor", "POST", "/api/v1/pledges/{confirmed_pledge}/milestones", `{"kind":"ordered","date":"June"}`, 400, "invalid_date"},
	{"milestone add: proposed pledge", "donor", "POST", "/api/v1/pledges/{proposed_pledge}/milestones", `{"kind":"ordered","date":"2026-06-10"}`, 409, "not_confirmed"},
	{"milestone add: already received", "donor", "POST", "/api/v1/pledges/{received_pledge}/milestones", `{"kind":"shipped","date":"2026-06-10"}`, 409, "already_received"},

	{"receipt: anonymous", "", "POST", "/api/v1/pledges/{shipped_pledge}/receipt", `{"outcome":"received"}`, 401, "unauthenticated"},
	{"receipt: donor", "donor", "POST", "/api/v1/pledges/{shipped_pledge}/receipt", `{"outcome":"received"}`, 403, "forbidden"},
	{"receipt: other beneficiary", "requester2", "POST", "/api/v1/pledges/{shipped_pledge}/receipt", `{"outcome":"received"}`, 403, "forbidden"},
	{"receipt: requester", "requester", "POST", "/api/v1/pledges/{shipped_pledge}/receipt", `{"outcome":"received","note":"All 20 terminals work"}`, 200, ""},
	{"receipt: problem", "requester", "POST", "/api/v1/pledges/{shipped_pledge}/receipt", `{"outcome":"problem","note":"Three terminals arrived broken"}`, 200, ""},
	{"receipt: problem without a note", "requester", "POST", "/api/v1/pledges/{shipped_pledge}/receipt", `{"outcome":"problem"}`, 400, "invalid_note"},
	{"receipt: unknown outcome", "requester", "POST", "/api/v1/pledges/{shipped_pledge}/receipt", `{"outcome":"maybe"}`, 400, "invalid_outcome"},
	{"receipt: nothing shipped", "requester", "POST", "/api/v1/pledges/{confirmed_pledge}/receipt", `{"outcome":"received"}`, 409, "not_in_delivery"},
	{"receipt: twice", "requester", "POST", "/api/v1/pledges/{received_pledge}/receipt", `{"outcome":"received"}`, 409, "already_received"},

	{"close: anonymous", "", "POST", "/api/v1/requirements/{delivered_req}/close", "", 401, "unauthenticated"},
	{"close: donor", "donor", "POST", "/api/v1/requirements/{delivered_req}/close", "", 403, "forbidden"},
	{"close: other beneficiary", "requester2", "POST", "/api/v1/requirements/{delivered_req}/close", "", 403, "forbidden"},
	{"close: requester", "requester", "POST", "/api/v1/requirements/{delivered_req}/close", "", 200, ""},
	{"close: not delivered", "requester", "POST", "/api/v1/requirements/{green}/close", "", 409, "not_delivered"},

	{"charts: anonymous", "", "GET", "/api/v1/reports/charts", "", 200, ""},
	{"charts: donor", "donor", "GET", "/api/v1/reports/charts", "", 200, ""},

	{"lessons: anonymous", "", "GET", "/api/v1/lessons", "", 200, ""},
	{"lessons: coordinator, due", "coordinator", "GET", "/api/v1/lessons?due=true&status=proposed", "", 200, ""},
	{"lessons: bad due", "coordinator", "GET", "/api/v1/lessons?due=maybe", "", 400, "invalid_due"},
	{"lessons: unknown status", "coordinator", "GET", "/api/v1/lessons?status=forgotten", "", 400, "invalid_status"},
	{"lesson get: anonymous, amber", "", "GET", "/api/v1/lessons/{lesson}", "", 404, "not_found"},
	{"lesson get: company not engaged", "donor_company", "GET", "/api/v1/lessons/{lesson}", "", 404, "not_found"},
	{"lesson get: donor", "donor", "GET", "/api/v1/lessons/{lesson}", "", 200, ""},
	{"lesson create: anonymous", "", "POST", "/api/v1/lessons", `{"title":"Plan customs"}`, 401, "unauthenticated"},
	{"lesson create: viewer", "viewer", "POST", "/api/v1/lessons", `{"title":"Plan customs"}`, 403, "forbidden"},
	{"lesson create: delegate", "delegate", "POST", "/api/v1/lessons", `{"title":"Plan customs","what_happened":"Delays","what_learned":"Plan","recommendation":"A checklist","review_on":"2026-09-01","tlp":"green"}`, 201, ""},
	{"lesson create: on a requirement", "requester", "POST", "/api/v1/lessons", `{"title":"Scope first","link":"requirement","link_id":"{validated}"}`, 201, ""},
	{"lesson create: on a hidden draft", "donor", "POST", "/api/v1/lessons", `{"title":"Scope first","link":"requirement","link_id":"{draft}"}`, 400, "invalid_link_id"},
	{"lesson create: link without id", "donor", "POST", "/api/v1/lessons", `{"title":"Scope first","link":"pledge"}`, 400, "invalid_link_id"},
	{"lesson create: unknown link", "donor", "POST", "/api/v1/lessons", `{"title":"Scope first","link":"offer","link_id":"x"}`, 400, "invalid_link"},
	{"lesson create: no title", "donor", "POST", "/api/v1/lessons", `{"what_happened":"x"}`, 400, "invalid_title"},
	{"lesson create: unknown status", "donor", "POST", "/api/v1/lessons", `{"title":"x","status":"forgotten"}`, 400, "invalid_status"},
	{"lesson update: anonymous", "", "PATCH", "/api/v1/lessons/{lesson}", `{"status":"accepted"}`, 401, "unauthenticated"},
	{"lesson update: viewer", "viewer", "PATCH", "/api/v1/lessons/{lesson}", `{"status":"accepted"}`, 403, "forbidden"},
	{"lesson update: another organisation", "donor_ee", "PATCH", "/api/v1/lessons/{lesson}", `{"status":"accepted"}`, 403, "forbidden"},
	{"lesson update: coordinator", "coordinator", "PATCH", "/api/v1/lessons/{lesson}", `{"status":"accepted","owner_user_id":"{user:coordinator}","review_on":"2026-07-01"}`, 200, ""},
	{"lesson update: author", "donor", "PATCH", "/api/v1/lessons/{lesson}", `{"recommendation":"Send the papers a week ahead"}`, 200, ""},
	{"lesson update: link is fixed", "donor", "PATCH", "/api/v1/lessons/{lesson}", `{"link":"none"}`, 422, "immutable"},
	{"lesson update: unknown owner", "donor", "PATCH", "/api/v1/lessons/{lesson}", `{"owner_user_id":"nobody"}`, 400, "invalid_owner_user_id"},
}

var deliveryOperations = []string{
	"/api/v1/pledges/{id}/milestones", "/api/v1/pledges/{id}/receipt", "/api/v1/requirements/{id}/close",
	"/api/v1/lessons", "/api/v1/lessons/{id}", "/api/v1/reports/charts",
}

func TestDeliveryAPIScenarios(t *testing.T) {
	runScenarios(t, scenarioTable{scenarios: deliveryScenarios, fixture: deliveryFixture, operations: deliveryOperations})
}
