package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
)

// matchingSite adds an energy budget of the United States to the pages'
// fixture.
func matchingSite(t *testing.T) *site {
	s := newSite(t)
	o, err := s.app.Offers.Create(context.Background(), s.cast.Viewer("donor"), offers.Input{
		Title: ref("Energy sector budget"), AmountMinor: ref(int64(30_000_00)), Currency: ref("EUR"),
		Sectors: &[]model.Sector{"energy"}, ValidUntil: ref(model.DateOf(pagesNow).AddDays(60)),
	})
	if err != nil {
		t.Fatal(err)
	}
	s.ids["offer"] = o.ID
	return s
}

func TestMatchingPagesRender(t *testing.T) {
	t.Parallel()
	s := matchingSite(t)
	for _, c := range []struct {
		as, path string
		want     int
		contains []string
	}{
		{"", "/offers", 200, []string{"Offers catalogue", "No offers you can see match."}},
		{"donor", "/offers", 200, []string{"Energy sector budget", "United States", "Offer a capability", "Energy"}},
		{"donor", "/offers/new", 200, []string{`name="sectors" value="energy"`, `name="regions"`, `name="valid_until"`}},
		{"donor", "/offers/{offer}", 200, []string{"Energy sector budget", "Requirements it can serve", "Requirement validated", "sector named by the offer", "Withdraw"}},
		{"coordinator", "/matching", 200, []string{"Matching workbench", "Requirement validated"}},
		{"coordinator", "/matching?requirement={validated}", 200, []string{"Energy sector budget", "Propose a pledge", `name="offer_id"`}},
		{"donor", "/matching?requirement={validated}", 200, []string{"Energy sector budget", "Pledge on it yourself"}},
		{"coordinator", "/matching/plan", 200, []string{"Allocation plan", "Before and after", "Apply the ticked lines", `name="line"`}},
		{"coordinator", "/deconfliction", 200, []string{"Deconfliction board", "Gap", "Requirement validated", `name="comment"`}},
		{"donor_ee", "/pledges/bilateral/new", 200, []string{"Report bilateral assistance", "Regional Power Distributor", `name="period_start"`}},
		{"donor", "/pledges", 200, []string{"Report bilateral assistance"}},
		{"donor", "/matching/plan", 403, nil},
		{"donor", "/deconfliction", 403, nil},
		{"requester", "/matching", 403, nil},
		{"requester", "/pledges/bilateral/new", 403, nil},
	} {
		t.Run(c.as+" "+c.path, func(t *testing.T) {
			res, body := s.as(c.as).get(c.path)
			if res.StatusCode != c.want {
				t.Fatalf("status %d, want %d\n%s", res.StatusCode, c.want, body)
			}
			if strings.Contains(body, " style=") || strings.Contains(body, "<script") {
				t.Error("the page has an inline style or a script, which the CSP blocks")
			}
			mustContain(t, c.path, body, c.contains...)
			for _, bad := range []string{"<no value>", "ZgotmplZ", "%!"} {
				if strings.Contains(body, bad) {
					t.Errorf("the page contains %q", bad)
				}
			}
		})
	}
	_, body := s.browser("uk").get("/offers")
	mustContain(t, "uk /offers", body, "Каталог пропозицій")
}

func TestOfferForm(t *testing.T) {
	t.Parallel()
	s := matchingSite(t)
	b := s.as("donor_ee")
	b.get("/offers/new")
	res, body := b.submit("/offers", url.Values{"amount": {"1000"}, "currency": {"EUR"}, "valid_until": {"2026-12-31"}, "kind": {"money"}, "tlp": {"green"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("no title: %d", res.StatusCode)
	}
	mustContain(t, "no title", body, `id="f-title-error"`, `value="1000"`)
	res, body = b.submit("/offers", url.Values{
		"title": {"Training places"}, "kind": {"in_kind"}, "description": {"40 places on an incident response course"},
		"amount": {"12 000"}, "currency": {"EUR"}, "quantity": {"40"}, "unit": {"place"}, "valid_until": {"2026-12-31"},
		"sectors": {"energy", "telecom"}, "categories": {"training"}, "regions": {"UA-46"}, "tlp": {"green"},
	})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", res.StatusCode, body)
	}
	res, body = b.get(res.Header.Get("Location"))
	if res.StatusCode != 200 {
		t.Fatal(res.StatusCode)
	}
	mustContain(t, "offer page", body, "The offer is in the catalogue.", "Training places", "40 place", "Lviv")

	// The donor withdraws it; it says so.
	loc := strings.TrimSuffix(res.Request.URL.Path, "")
	res, _ = b.submit(loc+"/withdraw", nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", res.StatusCode)
	}
	_, body = b.get(res.Header.Get("Location"))
	mustContain(t, "withdrawn", body, "The offer has been withdrawn.", "Withdrawn")
}

func TestCompanyOfferReviewPage(t *testing.T) {
	t.Parallel()
	s := matchingSite(t)
	o, err := s.app.Offers.Create(context.Background(), s.cast.Viewer("donor_company"), offers.Input{
		Title: ref("EDR seats"), Kind: ref(model.PledgeInKind), Description: ref("300 seats"), AmountMinor: ref(int64(9_000_00)),
		Currency: ref("EUR"), ValidUntil: ref(model.DateOf(pagesNow).AddDays(30)),
	})
	if err != nil {
		t.Fatal(err)
	}
	s.ids["company_offer"] = o.ID
	b := s.as("coordinator")
	_, body := b.get("/offers/{company_offer}")
	mustContain(t, "review form", body, `action="/offers/`+o.ID+`/review"`, "This offer cannot be matched")
	res, body := b.submit("/offers/{company_offer}/review", url.Values{"decision": {"reject"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("reject without comment: %d", res.StatusCode)
	}
	mustContain(t, "review error", body, `id="f-comment-error"`)
	res, _ = b.submit("/offers/{company_offer}/review", url.Values{"decision": {"approve"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", res.StatusCode)
	}
}

func TestWorkbenchPlanAndBoard(t *testing.T) {
	t.Parallel()
	s := matchingSite(t)
	b := s.as("coordinator")
	b.get("/matching?requirement={validated}")
	// More than the offer has: the workbench says why.
	res, body := b.submit("/matching/propose", url.Values{"requirement_id": {s.ids["validated"]}, "offer_id": {s.ids["offer"]}, "amount": {"40000"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("too much: %d", res.StatusCode)
	}
	mustContain(t, "too much", body, "The offer has not that much left.")
	res, _ = b.submit("/matching/propose", url.Values{"requirement_id": {s.ids["validated"]}, "offer_id": {s.ids["offer"]}, "amount": {"10000.00"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("propose: %d", res.StatusCode)
	}
	_, body = b.get(res.Header.Get("Location"))
	mustContain(t, "proposed", body, "A proposed pledge has been made on behalf of the donor")

	// The plan spreads what is left; apply it from the form.
	_, body = b.get("/matching/plan")
	mustContain(t, "plan", body, "20,000.00", `name="line"`)
	res, body = b.submit("/matching/plan/apply", url.Values{})
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("nothing ticked: %d", res.StatusCode)
	}
	mustContain(t, "nothing ticked", body, "Tick at least one line to apply.")
	res, _ = b.submit("/matching/plan/apply", url.Values{"line": {s.ids["offer"] + "|" + s.ids["validated"] + "|2000000"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("apply: %d", res.StatusCode)
	}
	_, body = b.get(res.Header.Get("Location"))
	mustContain(t, "applied", body, "The plan has been applied", "There is nothing to plan")

	// The donor sees its proposed pledges; the board lists the duplicate.
	_, body = s.as("donor").get("/pledges?status=proposed")
	mustContain(t, "donor's pledges", body, "Proposed")
	_, body = b.get("/deconfliction?kind=duplicate")
	mustContain(t, "duplicate", body, "Duplicate", "The same donor pledged more than once")
	key := "duplicate:" + s.ids["validated"] + ":" + s.cast.Orgs["us"].ID
	res, body = b.submit("/deconfliction/acknowledge", url.Values{"key": {key}})
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("no comment: %d", res.StatusCode)
	}
	mustContain(t, "no comment", body, `class="error-summary"`, `aria-invalid="true"`)
	res, _ = b.submit("/deconfliction/acknowledge", url.Values{"key": {key}, "comment": {"Deliberate co-funding"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("acknowledge: %d", res.StatusCode)
	}
	_, body = b.get("/deconfliction?kind=duplicate")
	mustContain(t, "acknowledged", body, "Deliberate co-funding")
}

func TestBilateralReportForm(t *testing.T) {
	t.Parallel()
	s := matchingSite(t)
	b := s.as("donor_ee")
	b.get("/pledges/bilateral/new")
	res, body := b.submit("/pledges/bilateral", url.Values{"amount": {"5000"}, "currency": {"EUR"}, "kind": {"money"}, "tlp": {"green"}})
	if res.StatusCode != http.StatusBadRequest {
		t.Fatalf("no beneficiary: %d", res.StatusCode)
	}
	mustContain(t, "no beneficiary", body, `id="f-beneficiary_org_id-error"`)
	res, body = b.submit("/pledges/bilateral", url.Values{
		"amount": {"5000"}, "currency": {"EUR"}, "kind": {"money"}, "tlp": {"green"},
		"beneficiary_org_id": {s.cast.Orgs["power"].ID}, "sector": {"energy"}, "category": {"training"},
		"period_start": {"2026-06-01"}, "period_end": {"2026-05-01"},
	})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("period reversed: %d", res.StatusCode)
	}
	mustContain(t, "period reversed", body, `id="f-period_end-error"`)
	res, body = b.submit("/pledges/bilateral", url.Values{
		"amount": {"5000"}, "currency": {"EUR"}, "kind": {"money"}, "tlp": {"green"},
		"beneficiary_org_id": {s.cast.Orgs["power"].ID}, "sector": {"energy"}, "category": {"training"},
		"period_start": {"2026-06-01"}, "period_end": {"2026-09-30"},
	})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("report: %d\n%s", res.StatusCode, body)
	}
	_, body = b.get(res.Header.Get("Location"))
	mustContain(t, "report", body, "status-channel-bilateral", "Bilateral")
	_, body = b.get("/pledges?channel=bilateral")
	mustContain(t, "list", body, `class="status status-channel-bilateral"`)
}
