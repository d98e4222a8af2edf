package coordination_test

import (
	"reflect"
	"testing"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/coordination"
	"github.com/cyberaid/cyberaid/internal/demo"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestSuggestionsValueOnlyFittingOffers: the suggestions for a requirement
// value (read what has been committed from) only the offers that fit it.
// On a generated set, where pledges are drawn from offers, they are those
// valuing every usable offer gives, for every demo account that may ask.
func TestSuggestionsValueOnlyFittingOffers(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		a, all := apptest.Generated(t, s, demo.Scale{Requirements: 200, Pledges: 2_000, Offers: 300, Seed: 5})
		ctx := t.Context()
		viewers := map[string]policy.Viewer{}
		for email, v := range all {
			if policy.Require(v, policy.MatchingSuggest) == nil {
				viewers[email] = v
			}
		}
		// The coordinator draws half of what is left of the best offer for
		// a few needs, so that offers already drawn from are suggested
		// again whatever the generated set holds.
		coordinator := viewers["coordinator@"+demo.Domain]
		open, err := a.Coordination.OpenToPledges(ctx, coordinator)
		if err != nil {
			t.Fatal(err)
		}
		applied := map[string]bool{}
		for _, r := range open {
			if len(applied) == 5 {
				break
			}
			sgs, err := a.Coordination.SuggestForRequirement(ctx, coordinator, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(sgs) == 0 {
				continue
			}
			line := coordination.ApplyLine{OfferID: sgs[0].Offer.ID, RequirementID: r.ID, EURMinor: min(sgs[0].Offer.AvailableEURMinor, sgs[0].Reasons.Remaining) / 2}
			if line.EURMinor == 0 {
				continue
			}
			if _, err := a.Coordination.Apply(ctx, coordinator, coordination.ApplyInput{Lines: []coordination.ApplyLine{line}}); err != nil {
				// A label no plan draws on: another need is tried.
				continue
			}
			applied[r.ID] = true
		}
		asked, drawn := 0, 0
		for email, v := range viewers {
			open, err := a.Coordination.OpenToPledges(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range open {
				if i%5 != 0 && !applied[r.ID] {
					continue
				}
				got, err := a.Coordination.SuggestForRequirement(ctx, v, r.ID)
				if err != nil {
					t.Fatal(err)
				}
				want, err := a.Coordination.SuggestFromEveryOffer(ctx, v, r.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s, requirement %s: suggested\n\t%+v\nfrom every offer\n\t%+v", email, r.Ref, got, want)
				}
				asked++
				for _, sg := range got {
					o, err := a.Offers.Get(ctx, v, sg.Offer.ID)
					if err != nil {
						t.Fatal(err)
					}
					if o.CommittedEURMinor > 0 {
						drawn++
					}
				}
			}
		}
		if len(applied) < 3 || asked < 20 || drawn == 0 {
			t.Fatalf("drew from %d offers, compared %d requirements' suggestions, %d suggesting an offer already drawn from; want at least 3, 20 and 1", len(applied), asked, drawn)
		}
	})
}
