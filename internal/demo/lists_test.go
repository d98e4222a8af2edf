package demo_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/demo"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestListsShowWhatRecordsShow: a list reads each requirement's pledges as
// the classes the policy tells apart, and each pledge's requirement with
// only the organisations engaged on it. On a generated data set (every
// label, status, channel and share of the demo), every demo account, a
// visitor and the platform see in the lists exactly what each record read
// whole shows them: the same requirements and pledges, the same sums,
// coverage and delivery stage, the same totals, under each stage filter.
func TestListsShowWhatRecordsShow(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		a, viewers := apptest.Generated(t, s, demo.Scale{Requirements: 300, Pledges: 3_000, Offers: 300, Seed: 11})
		ctx := t.Context()
		viewers["visitor"], viewers["platform"] = policy.Viewer{}, policy.System()
		every, err := a.Requirements.All(ctx, policy.System(), model.RequirementFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for who, v := range viewers {
			for _, status := range []model.RequirementStatus{"", model.ReqValidated, model.ReqInDelivery, model.ReqDelivered} {
				want, err := a.Requirements.All(ctx, v, model.RequirementFilter{Status: status})
				if err != nil {
					t.Fatal(err)
				}
				byID := map[string]requirements.View{}
				for _, w := range want {
					w.Pledges = nil
					byID[w.ID] = w
				}
				seen, cursor := 0, ""
				for {
					l, err := a.Requirements.Page(ctx, v, model.RequirementFilter{Status: status}, model.Sort{}, cursor, 200)
					if err != nil {
						t.Fatal(err)
					}
					if l.Total != len(want) {
						t.Fatalf("%s, status %q: total %d, want %d", who, status, l.Total, len(want))
					}
					for _, got := range l.Items {
						if !reflect.DeepEqual(got, byID[got.ID]) {
							t.Fatalf("%s, status %q: listed\n\t%+v\nread whole\n\t%+v", who, status, got, byID[got.ID])
						}
						seen++
					}
					if cursor = l.Next; cursor == "" {
						break
					}
				}
				if seen != len(want) {
					t.Fatalf("%s, status %q: listed %d, want %d", who, status, seen, len(want))
				}
			}
			// A search decides which requirement hits v sees in one read.
			var ids []string
			for _, r := range every {
				ids = append(ids, r.ID)
			}
			read, err := a.Requirements.Read(ctx, v, ids)
			if err != nil {
				t.Fatal(err)
			}
			shown, err := a.Requirements.All(ctx, v, model.RequirementFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(read) != len(shown) {
				t.Fatalf("%s: a search's read sees %d requirements, the records show %d", who, len(read), len(shown))
			}
			for _, r := range shown {
				if !read[r.ID] {
					t.Fatalf("%s: a search's read hides %s, which the records show", who, r.ID)
				}
			}
			// And which offer hits, decided in one query and checked in two,
			// as Get answers for each.
			offers, err := s.ListOffers(ctx, model.OfferFilter{}, "", 0)
			if err != nil {
				t.Fatal(err)
			}
			var offerIDs []string
			for _, o := range offers {
				offerIDs = append(offerIDs, o.ID)
			}
			seenOffers, err := a.Offers.Seen(ctx, v, offerIDs)
			if err != nil {
				t.Fatal(err)
			}
			readOffers, err := a.Offers.Read(ctx, v, offerIDs)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range offerIDs {
				_, err := a.Offers.Get(ctx, v, id)
				if err != nil && !errors.Is(err, model.ErrNotFound) {
					t.Fatal(err)
				}
				if seenOffers[id] != (err == nil) {
					t.Fatalf("%s: a search's decision on offer %s says seen=%v, Get says %v", who, id, seenOffers[id], err)
				}
				if readOffers[id] != (err == nil) {
					t.Fatalf("%s: a search's check of offer %s says seen=%v, Get says %v", who, id, readOffers[id], err)
				}
			}
			wantPledges, err := a.Pledges.All(ctx, v, model.PledgeFilter{})
			if err != nil {
				t.Fatal(err)
			}
			byID := map[string]model.Pledge{}
			for _, p := range wantPledges {
				byID[p.ID] = p
			}
			seen, cursor := 0, ""
			for {
				l, err := a.Pledges.Page(ctx, v, model.PledgeFilter{}, model.Sort{}, cursor, 200)
				if err != nil {
					t.Fatal(err)
				}
				for _, got := range l.Items {
					p, err := a.Pledges.Get(ctx, v, got.ID)
					if err != nil || !reflect.DeepEqual(got, p) {
						t.Fatalf("%s: pledge listed\n\t%+v\nread whole (%v)\n\t%+v", who, got, err, p)
					}
					seen++
				}
				if cursor = l.Next; cursor == "" {
					break
				}
			}
			if seen != len(wantPledges) {
				t.Fatalf("%s: listed %d pledges, want %d", who, seen, len(wantPledges))
			}
			// What each offer has committed is read from the pledges drawn
			// from it alone: it is what every pledge v sees gives.
			links, err := s.OfferPledges(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			offerOf := map[string]string{}
			for _, l := range links {
				offerOf[l.PledgeID] = l.OfferID
			}
			shownOffers, err := a.Offers.All(ctx, v, model.OfferFilter{})
			if err != nil {
				t.Fatal(err)
			}
			donorOf := map[string]string{}
			for _, o := range shownOffers {
				donorOf[o.ID] = o.DonorOrgID
			}
			committed := map[string]int64{}
			for _, p := range wantPledges {
				if offer, ok := offerOf[p.ID]; ok && donorOf[offer] == p.DonorOrgID && p.Status.Counts() {
					committed[offer] += p.EURMinor
				}
			}
			drawnSeen := 0
			for _, o := range shownOffers {
				if o.CommittedEURMinor != committed[o.ID] {
					t.Fatalf("%s: offer %s has %d committed, the pledges it sees give %d", who, o.ID, o.CommittedEURMinor, committed[o.ID])
				}
				if committed[o.ID] > 0 {
					drawnSeen++
				}
			}
			if who == "platform" && drawnSeen < 5 {
				t.Fatalf("the platform sees %d offers with pledges drawn from them, want at least 5", drawnSeen)
			}
		}
	})
}
