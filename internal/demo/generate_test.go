package demo_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/demo"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

func TestGenerate(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		a, clock := newApp(t, s)
		ctx := t.Context()
		sc := demo.Scale{Requirements: 600, Pledges: 6_000, Offers: 600, Seed: 7}
		accts, err := demo.Generate(ctx, a, clock, password, sc, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(accts) == 0 {
			t.Error("Generate returned no demo account to sign in with")
		}
		reqs, err := s.ListRequirements(ctx, model.RequirementFilter{}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := s.ListPledges(ctx, model.PledgeFilter{}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		offers, err := s.ListOffers(ctx, model.OfferFilter{}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		generated := func(description string) bool { return strings.HasPrefix(description, "Generated for a test at scale") }
		var nReqs, nPledges, nOffers int
		isGenerated := map[string]bool{}
		for _, r := range reqs {
			if generated(r.Description) {
				nReqs++
				isGenerated[r.ID] = true
			}
		}
		for _, p := range ps {
			if isGenerated[p.RequirementID] {
				nPledges++
			}
		}
		for _, o := range offers {
			if generated(o.Description) {
				nOffers++
			}
		}
		if nReqs != sc.Requirements || nPledges != sc.Pledges || nOffers != sc.Offers {
			t.Errorf("generated %d requirements, %d pledges, %d offers; want %d, %d, %d", nReqs, nPledges, nOffers, sc.Requirements, sc.Pledges, sc.Offers)
		}

		// Every label, status and code appears, so that a test at scale
		// meets every path the policy and the lists take.
		labels, statuses, sectors, currencies := map[model.TLP]bool{}, map[model.RequirementStatus]bool{}, map[model.Sector]bool{}, map[string]bool{}
		byID := map[string]model.Requirement{}
		for _, r := range reqs {
			labels[r.TLP], statuses[r.Status], sectors[r.Sector] = true, true, true
			byID[r.ID] = r
			if r.TLP == model.TLPRed && len(r.NamedUserIDs) == 0 {
				t.Errorf("RED requirement %s names no reader", r.Ref)
			}
		}
		for _, l := range model.TLPs {
			if !labels[l] {
				t.Errorf("no requirement labelled %s", l)
			}
		}
		for _, st := range []model.RequirementStatus{model.ReqDraft, model.ReqSubmitted, model.ReqValidated, model.ReqInDelivery, model.ReqDelivered, model.ReqClosed, model.ReqWithdrawn} {
			if !statuses[st] {
				t.Errorf("no requirement %s", st)
			}
		}
		if len(sectors) != len(model.Sectors) {
			t.Errorf("requirements cover %d sectors, want %d", len(sectors), len(model.Sectors))
		}
		for _, p := range ps {
			currencies[p.Currency] = true
			r, ok := byID[p.RequirementID]
			if !ok || !isGenerated[r.ID] {
				continue
			}
			if r.ValidatedAt == nil {
				t.Fatalf("pledge %s answers requirement %s, which was never validated", p.ID, r.Ref)
			}
			if p.PledgeDate.Before(model.DateOf(*r.ValidatedAt)) {
				t.Fatalf("pledge %s dated %s, before its requirement %s was validated on %s", p.ID, p.PledgeDate, r.Ref, model.DateOf(*r.ValidatedAt))
			}
			if p.Currency != "EUR" && (p.EURMinor <= 0 || p.Rate == "") {
				t.Fatalf("pledge %s in %s has no euro value", p.ID, p.Currency)
			}
		}
		if len(currencies) < 5 {
			t.Errorf("pledges in %d currencies, want at least 5", len(currencies))
		}

		// Some pledges are drawn from offers, as a plan draws them: of the
		// offer's donor and sector, in its currency, while it is open, for
		// no more than it holds and seen by no one who could not see it.
		links, err := s.OfferPledges(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		offerByID := map[string]model.Offer{}
		for _, o := range offers {
			offerByID[o.ID] = o
		}
		pledgeByID := map[string]model.Pledge{}
		for _, p := range ps {
			pledgeByID[p.ID] = p
		}
		drawn := map[string]int64{}
		for _, l := range links {
			o, p := offerByID[l.OfferID], pledgeByID[l.PledgeID]
			if p.DonorOrgID != o.DonorOrgID || p.Currency != o.Currency {
				t.Fatalf("pledge %s (%s, %s) is drawn from offer %s (%s, %s)", p.ID, p.DonorOrgID, p.Currency, o.ID, o.DonorOrgID, o.Currency)
			}
			r := byID[p.RequirementID]
			if !slices.Contains(o.Sectors, r.Sector) || !slices.Contains(o.Categories, r.Category) || !slices.Contains(o.Lines, r.LineOfEffort) {
				t.Fatalf("pledge %s answers %s (%s, %s, %s), which offer %s (%v, %v, %v) does not cover", p.ID, r.Ref, r.Sector, r.Category, r.LineOfEffort, o.ID, o.Sectors, o.Categories, o.Lines)
			}
			if p.Review == model.ReviewPending {
				t.Fatalf("pledge %s drawn from offer %s awaits a review the offer passed", p.ID, o.ID)
			}
			if p.PledgeDate.Before(o.OfferDate) || o.ValidUntil.Before(p.PledgeDate) {
				t.Fatalf("pledge %s dated %s is drawn from offer %s open from %s to %s", p.ID, p.PledgeDate, o.ID, o.OfferDate, o.ValidUntil)
			}
			if policy.Stricter(p.TLP, o.TLP) != p.TLP {
				t.Fatalf("pledge %s is %s, drawn from offer %s labelled %s", p.ID, p.TLP, o.ID, o.TLP)
			}
			drawn[o.ID] += p.AmountMinor
		}
		if len(links) < sc.Pledges/200 {
			t.Errorf("%d pledges drawn from offers, want at least %d", len(links), sc.Pledges/200)
		}
		for id, amount := range drawn {
			if amount > offerByID[id].AmountMinor {
				t.Errorf("offer %s of %d drawn for %d", id, offerByID[id].AmountMinor, amount)
			}
		}

		rep, err := audit.Verify(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK {
			t.Errorf("audit chain does not verify: event %d: %s", rep.BadSeq, rep.Problem)
		}

		// The first readers are planned from statistics, not guesses,
		// whether autovacuum has come by or not.
		if s.Dialect() == "postgres" {
			for _, table := range []string{"audit_events", "audit_event_states", "pledges", "requirements"} {
				var n int
				err := s.SQLDB().QueryRowContext(ctx, `SELECT count(*) FROM pg_stats WHERE schemaname = current_schema() AND tablename = $1`, table).Scan(&n)
				if err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					t.Errorf("%s has no statistics after generating", table)
				}
			}
		}
	})
}

func TestGenerateRefusesBadSizes(t *testing.T) {
	for _, sc := range []demo.Scale{{Requirements: -1}, {Pledges: -1}, {Offers: -1}, {Pledges: 10}} {
		if err := sc.Check(); err == nil {
			t.Errorf("Check(%+v) accepted it", sc)
		}
	}
}
