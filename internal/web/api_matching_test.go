package web_test

import (
	"context"
	"testing"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
)

// matchingFixture adds offers to the core fixture: an AMBER energy budget
// of the United States, a large one of Estonia, one that fits no fixture
// requirement (telecom), a company's offer awaiting review, a RED one, and a
// withdrawn one.
func matchingFixture(t *testing.T, a *app.App, c apptest.Cast) map[string]string {
	t.Helper()
	ctx := context.Background()
	ids := fixture(t, a, c)
	validUntil := model.DateOf(testNow).AddDays(60)
	offer := func(name, as string, in offers.Input) string {
		if in.Title == nil {
			in.Title = ptr("Energy sector budget")
		}
		if in.Currency == nil {
			in.Currency = ptr("EUR")
		}
		if in.ValidUntil == nil {
			in.ValidUntil = &validUntil
		}
		o, err := a.Offers.Create(ctx, c.Viewer(as), in)
		if err != nil {
			t.Fatalf("offer %s: %v", name, err)
		}
		ids[name] = o.ID
		return o.ID
	}
	energy := []model.Sector{"energy"}
	offer("offer", "donor", offers.Input{AmountMinor: ptr(int64(50_000_00)), Sectors: &energy})
	offer("big_offer", "donor_ee", offers.Input{AmountMinor: ptr(int64(500_000_00)), Sectors: &energy})
	offer("telecom_offer", "donor_ee", offers.Input{AmountMinor: ptr(int64(10_000_00)), Sectors: &[]model.Sector{"telecom"}})
	offer("company_offer", "donor_company", offers.Input{
		AmountMinor: ptr(int64(20_000_00)), Kind: ptr(model.PledgeInKind), Description: ptr("300 EDR seats for a year"),
		Quantity: ptr(int64(300)), Unit: ptr("seat"), Categories: &[]model.Category{"edr"},
	})
	red := model.TLPRed
	offer("red_offer", "donor_ee", offers.Input{AmountMinor: ptr(int64(5_000_00)), TLP: &red})
	w := offer("withdrawn_offer", "donor_ee", offers.Input{AmountMinor: ptr(int64(5_000_00))})
	withdrawn := model.OfferWithdrawn
	if _, err := a.Offers.Update(ctx, c.Viewer("donor_ee"), w, offers.Input{Status: &withdrawn}); err != nil {
		t.Fatal(err)
	}
	return ids
}

const offerBody = `{"title":"Incident response budget","amount_minor":2500000,"currency":"USD","sectors":["energy","telecom"],"lines_of_effort":["support"],"regions":["UA-46"],"valid_until":"2026-12-31"}`

var matchingScenarios = []scenario{
	{"offers list: anonymous", "", "GET", "/api/v1/offers", "", 200, ""},
	{"offers list: donor, filtered", "donor", "GET", "/api/v1/offers?status=open&sector=energy&category=edr&donor={org:us}&limit=5", "", 200, ""},
	{"offers list: unknown status", "donor", "GET", "/api/v1/offers?status=lost", "", 400, "invalid_status"},
	{"offers list: unknown sector", "donor", "GET", "/api/v1/offers?sector=space", "", 400, "invalid_sector"},
	{"offer get: anonymous, amber", "", "GET", "/api/v1/offers/{offer}", "", 404, "not_found"},
	{"offer get: another member's donor", "donor_ee", "GET", "/api/v1/offers/{offer}", "", 200, ""},
	{"offer get: company, amber", "donor_company", "GET", "/api/v1/offers/{offer}", "", 404, "not_found"},
	{"offer get: coordinator, red", "coordinator", "GET", "/api/v1/offers/{red_offer}", "", 404, "not_found"},
	{"offer get: named donor, red", "donor_ee", "GET", "/api/v1/offers/{red_offer}", "", 200, ""},
	{"offer get: missing", "donor", "GET", "/api/v1/offers/nope", "", 404, "not_found"},

	{"offer create: anonymous", "", "POST", "/api/v1/offers", offerBody, 401, "unauthenticated"},
	{"offer create: requester", "requester", "POST", "/api/v1/offers", offerBody, 403, "forbidden"},
	{"offer create: coordinator", "coordinator", "POST", "/api/v1/offers", offerBody, 403, "forbidden"},
	{"offer create: donor", "donor", "POST", "/api/v1/offers", offerBody, 201, ""},
	{"offer create: company, to review", "donor_company", "POST", "/api/v1/offers", `{"title":"EDR seats","kind":"in_kind","description":"1,000 seats for a year","amount_minor":9000000,"currency":"EUR","quantity":1000,"unit":"seat","categories":["edr"],"valid_until":"2027-06-30"}`, 201, ""},
	{"offer create: no title", "donor", "POST", "/api/v1/offers", `{"amount_minor":100,"currency":"EUR","valid_until":"2026-12-31"}`, 400, "invalid_title"},
	{"offer create: unknown currency", "donor", "POST", "/api/v1/offers", `{"title":"x","amount_minor":100,"currency":"ABC","valid_until":"2026-12-31"}`, 400, "invalid_currency"},
	{"offer create: currency the ECB does not quote", "donor", "POST", "/api/v1/offers", `{"title":"x","amount_minor":100,"currency":"UAH","valid_until":"2026-12-31"}`, 422, "no_reference_rate"},
	{"offer create: zero", "donor", "POST", "/api/v1/offers", `{"title":"x","amount_minor":0,"currency":"EUR","valid_until":"2026-12-31"}`, 422, "amount_not_positive"},
	{"offer create: expired", "donor", "POST", "/api/v1/offers", `{"title":"x","amount_minor":100,"currency":"EUR","valid_until":"2020-01-01"}`, 422, "date_in_past"},
	{"offer create: unknown sector", "donor", "POST", "/api/v1/offers", `{"title":"x","amount_minor":100,"currency":"EUR","valid_until":"2026-12-31","sectors":["space"]}`, 400, "invalid_sectors"},
	{"offer create: unknown region", "donor", "POST", "/api/v1/offers", `{"title":"x","amount_minor":100,"currency":"EUR","valid_until":"2026-12-31","regions":["Narnia"]}`, 400, "invalid_regions"},
	{"offer create: in kind without description", "donor", "POST", "/api/v1/offers", `{"title":"x","kind":"in_kind","amount_minor":100,"currency":"EUR","valid_until":"2026-12-31"}`, 400, "invalid_description"},
	{"offer create: status is not the donor's", "donor", "POST", "/api/v1/offers", `{"title":"x","amount_minor":100,"currency":"EUR","valid_until":"2026-12-31","status":"withdrawn"}`, 400, "invalid_status"},

	{"offer update: anonymous", "", "PATCH", "/api/v1/offers/{offer}", `{"amount_minor":6000000}`, 401, "unauthenticated"},
	{"offer update: requester", "requester", "PATCH", "/api/v1/offers/{offer}", `{"amount_minor":6000000}`, 403, "forbidden"},
	{"offer update: another donor", "donor_ee", "PATCH", "/api/v1/offers/{offer}", `{"amount_minor":6000000}`, 403, "forbidden"},
	{"offer update: company, hidden", "donor_company", "PATCH", "/api/v1/offers/{offer}", `{"amount_minor":6000000}`, 404, "not_found"},
	{"offer update: donor", "donor", "PATCH", "/api/v1/offers/{offer}", `{"amount_minor":6000000,"currency":"GBP","categories":["edr","training"]}`, 200, ""},
	{"offer update: withdraw", "donor", "PATCH", "/api/v1/offers/{offer}", `{"status":"withdrawn"}`, 200, ""},
	{"offer update: reopen", "donor", "PATCH", "/api/v1/offers/{offer}", `{"status":"open"}`, 400, "invalid_status"},
	{"offer update: withdrawn", "donor_ee", "PATCH", "/api/v1/offers/{withdrawn_offer}", `{"title":"Again"}`, 409, "not_open"},

	{"offer review: anonymous", "", "POST", "/api/v1/offers/{company_offer}/review", `{"decision":"approve"}`, 401, "unauthenticated"},
	{"offer review: donor", "donor", "POST", "/api/v1/offers/{company_offer}/review", `{"decision":"approve"}`, 403, "forbidden"},
	{"offer review: coordinator", "coordinator", "POST", "/api/v1/offers/{company_offer}/review", `{"decision":"approve","comment":"Fits the mechanism's aims"}`, 200, ""},
	{"offer review: reject without reason", "coordinator", "POST", "/api/v1/offers/{company_offer}/review", `{"decision":"reject"}`, 400, "invalid_comment"},
	{"offer review: nothing pending", "coordinator", "POST", "/api/v1/offers/{offer}/review", `{"decision":"approve"}`, 409, "no_review_pending"},

	{"suggestions: anonymous", "", "GET", "/api/v1/matching/suggestions?requirement={validated}", "", 401, "unauthenticated"},
	{"suggestions: requester", "requester", "GET", "/api/v1/matching/suggestions?requirement={validated}", "", 403, "forbidden"},
	{"suggestions: donor, for a requirement", "donor", "GET", "/api/v1/matching/suggestions?requirement={validated}", "", 200, ""},
	{"suggestions: coordinator, for an offer", "coordinator", "GET", "/api/v1/matching/suggestions?offer={offer}", "", 200, ""},
	{"suggestions: nothing asked", "coordinator", "GET", "/api/v1/matching/suggestions", "", 400, "invalid_requirement"},
	{"suggestions: both asked", "coordinator", "GET", "/api/v1/matching/suggestions?requirement={validated}&offer={offer}", "", 400, "invalid_offer"},
	{"suggestions: hidden requirement", "donor", "GET", "/api/v1/matching/suggestions?requirement={strict}", "", 404, "not_found"},
	{"suggestions: hidden offer", "coordinator", "GET", "/api/v1/matching/suggestions?offer={red_offer}", "", 404, "not_found"},
	{"suggestions: withdrawn requirement", "coordinator", "GET", "/api/v1/matching/suggestions?requirement={withdrawn}", "", 422, "requirement_not_open"},
	{"suggestions: offer awaiting review", "coordinator", "GET", "/api/v1/matching/suggestions?offer={company_offer}", "", 422, "offer_not_usable"},

	{"plan: anonymous", "", "POST", "/api/v1/matching/plan", `{}`, 401, "unauthenticated"},
	{"plan: donor", "donor", "POST", "/api/v1/matching/plan", `{}`, 403, "forbidden"},
	{"plan: coordinator", "coordinator", "POST", "/api/v1/matching/plan", `{}`, 200, ""},
	{"plan: coordinator, own weights", "coordinator", "POST", "/api/v1/matching/plan", `{"weights":{"critical":100,"high":10,"medium":1}}`, 200, ""},
	{"plan: negative weight", "coordinator", "POST", "/api/v1/matching/plan", `{"weights":{"critical":-1}}`, 400, "invalid_weights"},
	{"plan: unknown priority", "coordinator", "POST", "/api/v1/matching/plan", `{"weights":{"urgent":3}}`, 400, "invalid_weights"},
	{"plan: unknown field", "coordinator", "POST", "/api/v1/matching/plan", `{"budget":3}`, 400, "invalid_budget"},

	{"plan apply: anonymous", "", "POST", "/api/v1/matching/plan/apply", `{}`, 401, "unauthenticated"},
	{"plan apply: donor", "donor", "POST", "/api/v1/matching/plan/apply", `{}`, 403, "forbidden"},
	{"plan apply: coordinator, whole plan", "coordinator", "POST", "/api/v1/matching/plan/apply", `{}`, 201, ""},
	{"plan apply: coordinator, one line", "coordinator", "POST", "/api/v1/matching/plan/apply", `{"lines":[{"offer_id":"{offer}","requirement_id":"{green}","eur_minor":1000000}]}`, 201, ""},
	{"plan apply: more than the offer has", "coordinator", "POST", "/api/v1/matching/plan/apply", `{"lines":[{"offer_id":"{offer}","requirement_id":"{green}","eur_minor":4000000},{"offer_id":"{offer}","requirement_id":"{validated}","eur_minor":4000000}]}`, 422, "offer_exhausted"},
	{"plan apply: more than the need", "coordinator", "POST", "/api/v1/matching/plan/apply", `{"lines":[{"offer_id":"{big_offer}","requirement_id":"{green}","eur_minor":9500000}]}`, 422, "need_exceeded"},
	{"plan apply: offer does not fit", "coordinator", "POST", "/api/v1/matching/plan/apply", `{"lines":[{"offer_id":"{telecom_offer}","requirement_id":"{green}","eur_minor":100}]}`, 422, "offer_does_not_fit"},
	{"plan apply: unknown offer", "coordinator", "POST", "/api/v1/matching/plan/apply", `{"lines":[{"offer_id":"nope","requirement_id":"{green}","eur_minor":100}]}`, 400, "invalid_lines"},
	{"plan apply: withdrawn offer", "coordinator", "POST", "/api/v1/matching/plan/apply", `{"lines":[{"offer_id":"{withdrawn_offer}","requirement_id":"{green}","eur_minor":100}]}`, 400, "invalid_lines"},
	{"plan apply: requirement not open", "coordinator", "POST", "/api/v1/matching/plan/apply", `{"lines":[{"offer_id":"{offer}","requirement_id":"{submitted}","eur_minor":100}]}`, 400, "invalid_lines"},
	{"plan apply: nothing", "coordinator", "POST", "/api/v1/matching/plan/apply", `{"lines":[]}`, 400, "invalid_lines"},
	{"plan apply: zero", "coordinator", "POST", "/api/v1/matching/plan/apply", `{"lines":[{"offer_id":"{offer}","requirement_id":"{green}","eur_minor":0}]}`, 400, "invalid_lines"},

	{"deconfliction: anonymous", "", "GET", "/api/v1/deconfliction", "", 401, "unauthenticated"},
	{"deconfliction: donor", "donor", "GET", "/api/v1/deconfliction", "", 403, "forbidden"},
	{"deconfliction: validator", "validator", "GET", "/api/v1/deconfliction", "", 403, "forbidden"},
	{"deconfliction: coordinator", "coordinator", "GET", "/api/v1/deconfliction", "", 200, ""},
	{"deconfliction: coordinator, open gaps", "coordinator", "GET", "/api/v1/deconfliction?kind=gap&open=true", "", 200, ""},
	{"deconfliction: unknown kind", "coordinator", "GET", "/api/v1/deconfliction?kind=fire", "", 400, "invalid_kind"},
	{"deconfliction: bad open", "coordinator", "GET", "/api/v1/deconfliction?open=maybe", "", 400, "invalid_open"},

	{"acknowledge: anonymous", "", "POST", "/api/v1/deconfliction/acknowledgements", `{"key":"gap:{validated}","comment":"Seen"}`, 401, "unauthenticated"},
	{"acknowledge: donor", "donor", "POST", "/api/v1/deconfliction/acknowledgements", `{"key":"gap:{validated}","comment":"Seen"}`, 403, "forbidden"},
	{"acknowledge: coordinator", "coordinator", "POST", "/api/v1/deconfliction/acknowledgements", `{"key":"gap:{validated}","comment":"Estonia is preparing a pledge"}`, 200, ""},
	{"acknowledge: no comment", "coordinator", "POST", "/api/v1/deconfliction/acknowledgements", `{"key":"gap:{validated}"}`, 400, "invalid_comment"},
	{"acknowledge: no key", "coordinator", "POST", "/api/v1/deconfliction/acknowledgements", `{"comment":"Seen"}`, 400, "invalid_key"},
	{"acknowledge: hidden alert", "coordinator", "POST", "/api/v1/deconfliction/acknowledgements", `{"key":"gap:{red}","comment":"Seen"}`, 404, "not_found"},
	{"acknowledge: unknown alert", "coordinator", "POST", "/api/v1/deconfliction/acknowledgements", `{"key":"gap:nope","comment":"Seen"}`, 404, "not_found"},
	{"acknowledge many: anonymous", "", "POST", "/api/v1/deconfliction/acknowledgements/bulk", `{"keys":["gap:{validated}"],"comment":"Seen"}`, 401, "unauthenticated"},
	{"acknowledge many: donor", "donor", "POST", "/api/v1/deconfliction/acknowledgements/bulk", `{"keys":["gap:{validated}"],"comment":"Seen"}`, 403, "forbidden"},
	{"acknowledge many: validator", "validator", "POST", "/api/v1/deconfliction/acknowledgements/bulk", `{"keys":["gap:{validated}"],"comment":"Seen"}`, 403, "forbidden"},
	{"acknowledge many: coordinator", "coordinator", "POST", "/api/v1/deconfliction/acknowledgements/bulk", `{"keys":["gap:{validated}","gap:{validated}"],"comment":"Reviewed at the weekly meeting"}`, 200, ""},
	{"acknowledge many: none chosen", "coordinator", "POST", "/api/v1/deconfliction/acknowledgements/bulk", `{"keys":[],"comment":"Seen"}`, 400, "invalid_keys"},
	{"acknowledge many: no comment", "coordinator", "POST", "/api/v1/deconfliction/acknowledgements/bulk", `{"keys":["gap:{validated}"]}`, 400, "invalid_comment"},
	{"acknowledge many: one hidden", "coordinator", "POST", "/api/v1/deconfliction/acknowledgements/bulk", `{"keys":["gap:{validated}","gap:{red}"],"comment":"Seen"}`, 404, "not_found"},
	{"acknowledge many: one unknown", "coordinator", "POST", "/api/v1/deconfliction/acknowledgements/bulk", `{"keys":["gap:{validated}","gap:nope"],"comment":"Seen"}`, 404, "not_found"},
}

var matchingOperations = []string{
	"/api/v1/offers", "/api/v1/offers/{id}", "/api/v1/offers/{id}/review",
	"/api/v1/matching/suggestions", "/api/v1/matching/plan", "/api/v1/matching/plan/apply",
	"/api/v1/deconfliction", "/api/v1/deconfliction/acknowledgements",
	"/api/v1/deconfliction/acknowledgements/bulk",
}

func TestMatchingAPIScenarios(t *testing.T) {
	runScenarios(t, scenarioTable{scenarios: matchingScenarios, fixture: matchingFixture, operations: matchingOperations})
}
