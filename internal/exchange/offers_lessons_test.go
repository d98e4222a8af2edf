package exchange_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"testing"

	"github.com/cyberaid/cyberaid/internal/coordination"
	"github.com/cyberaid/cyberaid/internal/exchange"
	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// addOffersAndLessons gives the world a CLEAR offer in dollars, an AMBER
// in-kind offer, a RED one, a CLEAR general lesson and a CLEAR lesson
// about an AMBER pledge, which only those who see the pledge may read.
func addOffersAndLessons(t *testing.T, w *world) {
	t.Helper()
	ctx := context.Background()
	c := w.cast
	until := ptr(model.DateOf(testNow).AddDays(60))
	offer := func(name, as string, in offers.Input) {
		t.Helper()
		in.ValidUntil = until
		o, err := w.a.Offers.Create(ctx, c.Viewer(as), in)
		must(t, err)
		w.ids[name] = o.ID
	}
	offer("offer_clear", "donor", offers.Input{Title: ptr("Grid budget"), AmountMinor: ptr(int64(12_345_67)), Currency: ptr("USD"),
		Sectors: &[]model.Sector{"telecom", "energy"}, TLP: ptr(model.TLPClear)})
	offer("offer_amber", "donor_ee", offers.Input{Title: ptr("EDR seats"), Kind: ptr(model.PledgeInKind), AmountMinor: ptr(int64(9_000_00)),
		Currency: ptr("EUR"), Description: ptr("-300 seats"), Quantity: ptr(int64(300)), Unit: ptr("seat"), Categories: &[]model.Category{"edr"}})
	offer("offer_red", "donor_ee", offers.Input{Title: ptr("Quiet budget"), AmountMinor: ptr(int64(1_000_00)), Currency: ptr("EUR"), TLP: ptr(model.TLPRed)})

	l, err := w.a.Lessons.Create(ctx, c.Viewer("requester"), lessons.Input{Title: ptr("Publish the calendar"), TLP: ptr(model.TLPClear),
		Status: ptr(model.LessonAccepted)})
	must(t, err)
	w.ids["lesson_clear"] = l.ID
	l, err = w.a.Lessons.Create(ctx, c.Viewer("donor_ee"), lessons.Input{Title: ptr("Papers first"), Link: ptr(model.LinkPledge), TLP: ptr(model.TLPClear),
		LinkID: ptr(w.ids["pledge_amber"]), ReviewOn: ptr(model.DateOf(testNow).AddDays(-1))})
	must(t, err)
	w.ids["lesson_amber"] = l.ID
}

func TestExportOffersAndLessons(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		w := newWorld(t, s)
		addOffersAndLessons(t, w)
		anon := policy.Viewer{}
		ids := func(t *testing.T, v policy.Viewer, dataset string, q exchange.Filter) []string {
			t.Helper()
			return column(t, readCSV(t, export(t, w, v, dataset, "csv", q)), "id")
		}
		want := func(t *testing.T, got []string, names ...string) {
			t.Helper()
			var exp []string
			for _, n := range names {
				exp = append(exp, w.ids[n])
			}
			slices.Sort(got)
			slices.Sort(exp)
			if !slices.Equal(got, exp) {
				t.Fatalf("ids %v, want %v (%v)", got, exp, names)
			}
		}

		t.Run("offers follow the policy and the filters", func(t *testing.T) {
			want(t, ids(t, anon, "offers", exchange.Filter{}), "offer_clear")
			want(t, ids(t, w.cast.Viewer("donor"), "offers", exchange.Filter{}), "offer_clear", "offer_amber")
			want(t, ids(t, w.cast.Viewer("coordinator"), "offers", exchange.Filter{}), "offer_clear", "offer_amber")
			want(t, ids(t, w.cast.Viewer("donor_ee"), "offers", exchange.Filter{}), "offer_clear", "offer_amber", "offer_red")
			// An open constraint set matches every code.
			want(t, ids(t, w.cast.Viewer("donor_ee"), "offers", exchange.Filter{Offers: model.OfferFilter{Category: "edr", Sector: "health"}}), "offer_amber", "offer_red")
			want(t, ids(t, w.cast.Viewer("donor_ee"), "offers", exchange.Filter{Offers: model.OfferFilter{DonorOrgID: w.cast.Orgs["us"].ID}}), "offer_clear")
		})

		t.Run("offer cells", func(t *testing.T) {
			recs := readCSV(t, export(t, w, w.cast.Viewer("donor"), "offers", "csv", exchange.Filter{Offers: model.OfferFilter{Category: "edr"}}))
			row := map[string]string{}
			for _, r := range recs[1:] {
				if r[0] == w.ids["offer_amber"] {
					for i, h := range recs[0] {
						row[h] = r[i]
					}
				}
			}
			if row["id"] != w.ids["offer_amber"] || row["donor"] != "Estonia" || row["amount"] != "9000.00" || row["currency"] != "EUR" ||
				row["categories"] != "edr" || row["sectors"] != "" || row["tlp"] != "amber" || row["quantity"] != "300" || row["description"] != "'-300 seats" {
				t.Fatalf("offer row %v", row)
			}
			if row["committed_eur"] != "0.00" || row["available_eur"] != "9000.00" {
				t.Fatalf("an offer nothing is drawn from: %v", row)
			}
			// A plan draws 1,000 EUR from the dollar offer: its donor's export
			// says so; the figures count only pledges the viewer may see.
			_, err := w.a.Coordination.Apply(context.Background(), w.cast.Viewer("coordinator"), coordination.ApplyInput{Lines: []coordination.ApplyLine{
				{OfferID: w.ids["offer_clear"], RequirementID: w.ids["amber"], EURMinor: 1_000_00},
			}})
			must(t, err)
			cells := func(v policy.Viewer) map[string]string {
				recs := readCSV(t, export(t, w, v, "offers", "csv", exchange.Filter{}))
				row := map[string]string{}
				for _, r := range recs[1:] {
					if r[0] == w.ids["offer_clear"] {
						for i, h := range recs[0] {
							row[h] = r[i]
						}
					}
				}
				return row
			}
			own, public := cells(w.cast.Viewer("donor")), cells(anon)
			total, err := strconv.ParseFloat(own["amount_eur"], 64)
			must(t, err)
			if own["committed_eur"] != "1000.00" || own["available_eur"] != strconv.FormatFloat(total-1000, 'f', 2, 64) {
				t.Fatalf("the offer's donor: %v", own)
			}
			if public["committed_eur"] != "0.00" || public["available_eur"] != own["amount_eur"] {
				t.Fatalf("anonymous, who may not see the AMBER pledge: %v", public)
			}
			var rows []map[string]string
			must(t, json.Unmarshal(export(t, w, anon, "offers", "json", exchange.Filter{}), &rows))
			if len(rows) != 1 || rows[0]["amount"] != "12345.67" || rows[0]["currency"] != "USD" || rows[0]["sectors"] != "energy;telecom" || rows[0]["donor"] != "United States" {
				t.Fatalf("anonymous offers %v", rows)
			}
		})

		t.Run("lessons follow the lessons service", func(t *testing.T) {
			want(t, ids(t, anon, "lessons", exchange.Filter{}), "lesson_clear")
			// The second lesson is CLEAR, but about an AMBER pledge: a
			// donor of the community sees the pledge and so the lesson; a
			// company not engaged, like the public, sees neither.
			want(t, ids(t, w.cast.Viewer("donor"), "lessons", exchange.Filter{}), "lesson_clear", "lesson_amber")
			want(t, ids(t, w.cast.Viewer("donor_company"), "lessons", exchange.Filter{}), "lesson_clear")
			want(t, ids(t, w.cast.Viewer("coordinator"), "lessons", exchange.Filter{Lessons: lessons.Filter{Due: true}}), "lesson_amber")
			want(t, ids(t, w.cast.Viewer("coordinator"), "lessons", exchange.Filter{Lessons: lessons.Filter{Status: model.LessonAccepted}}), "lesson_clear")
			want(t, ids(t, w.cast.Viewer("coordinator"), "lessons", exchange.Filter{Lessons: lessons.Filter{LinkID: w.ids["pledge_amber"]}}), "lesson_amber")
			recs := readCSV(t, export(t, w, anon, "lessons", "csv", exchange.Filter{}))
			if a := column(t, recs, "author"); len(a) != 1 || a[0] == "" {
				t.Fatalf("authors %v, want the organisation's name", a)
			}
		})

		t.Run("refusals", func(t *testing.T) {
			for _, c := range []struct {
				dataset string
				q       exchange.Filter
			}{
				{"offers", exchange.Filter{Offers: model.OfferFilter{Status: "lost"}}},
				{"offers", exchange.Filter{Offers: model.OfferFilter{Sector: "space"}}},
				{"offers", exchange.Filter{Offers: model.OfferFilter{Category: "magic"}}},
				{"lessons", exchange.Filter{Lessons: lessons.Filter{Status: "lost"}}},
			} {
				if _, err := w.a.Exchange.Prepare(c.dataset, "csv", c.q); !errors.Is(err, model.ErrInvalid) {
					t.Errorf("%s %v: %v, want invalid", c.dataset, c.q, err)
				}
			}
		})
	})
}
