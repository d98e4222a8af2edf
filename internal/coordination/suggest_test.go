package coordination_test

import (
	"reflect"
	"testing"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/app"
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
		cfg := accounts.Defaults
		cfg.Params = accounts.Params{Memory: 8 * 1024, Time: 1, Threads: 1}
		clock := &demo.Clock{}
		a, err := app.New(s, app.Options{Accounts: cfg, Now: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		ctx := t.Context()
		accts, err := demo.Generate(ctx, a, clock, "demo password, not secret", demo.Scale{Requirements: 200, Pledges: 2_000, Offers: 300, Seed: 5}, nil)
		if err != nil {
			t.Fatal(err)
		}
		asked, drawn := 0, 0
		for _, acct := range accts {
			u, err := s.UserByEmail(ctx, acct.Email)
			if err != nil {
				t.Fatal(err)
			}
			org, err := s.OrganisationByID(ctx, u.OrgID)
			if err != nil {
				t.Fatal(err)
			}
			v := policy.ViewerFor(u, org)
			if policy.Require(v, policy.MatchingSuggest) != nil {
				continue
			}
			open, err := a.Coordination.OpenToPledges(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range open {
				if i%5 != 0 {
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
					t.Fatalf("%s, requirement %s: suggested\n\t%+v\nfrom every offer\n\t%+v", acct.Email, r.Ref, got, want)
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
		if asked < 20 || drawn == 0 {
			t.Fatalf("compared %d requirements' suggestions, %d suggesting an offer already drawn from; want at least 20 and 1", asked, drawn)
		}
	})
}
