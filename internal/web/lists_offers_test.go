package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// TestSortedOffers: for every member of the probe's cast, the offers the
// database selects and counts are those the policy lets them see; the API
// walked page by page in every order gives them all with that total; the
// page shows sortable headers and the count; a bad sort is 400 naming it.
func TestSortedOffers(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, s *store.DB) {
		mail := &mailbox{got: map[string][]string{}}
		a, c := apptest.NewWith(t, s, app.Options{Now: clock, Mailer: mail})
		d := probeFixture(t, a, c, mail)
		ctx := context.Background()
		all, err := s.ListOffers(ctx, model.OfferFilter{}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) == 0 {
			t.Fatal("the probe's fixture holds no offer")
		}
		for who, v := range listViewers(d) {
			var want []string
			for _, o := range all {
				if policy.Visible(v, policy.OfferResource(o)) {
					want = append(want, o.ID)
				}
			}
			aud := policy.AudienceOf(v)
			got, err := s.PageOffers(ctx, model.OfferFilter{}, aud, model.Sort{Field: "title"}, "", 0)
			if err != nil {
				t.Fatal(err)
			}
			checkSameIDs(t, who+": offers", want, idsOf(got, func(o model.Offer) string { return o.ID }))
			if n, err := s.CountOffers(ctx, model.OfferFilter{}, aud); err != nil || n != len(want) {
				t.Errorf("%s: %d offers counted (%v), %d visible", who, n, err, len(want))
			}
		}

		srv := httptest.NewServer(a.Web)
		defer srv.Close()
		cl := &client{t: t, base: srv.URL, http: srv.Client(), tokens: map[string]string{}}
		type page struct {
			Items []struct {
				ID  string `json:"id"`
				EUR int64  `json:"eur_minor"`
			} `json:"items"`
			Next  *string `json:"next"`
			Total int     `json:"total"`
		}
		for _, as := range []string{"", "donor", "donor_company", "requester", "coordinator", "viewer"} {
			want, _, err := a.Offers.List(ctx, d.cast.Viewer(as), model.OfferFilter{}, "", model.MaxPage)
			if err != nil {
				t.Fatal(err)
			}
			wantIDs := idsOf(want, func(o offers.View) string { return o.ID })
			for _, order := range model.OfferSorts {
				for _, sort := range []string{order, "-" + order} {
					var ids []string
					var eurs []int64
					next, total := "", -1
					for {
						p := "/api/v1/offers?limit=2&sort=" + sort
						if next != "" {
							p += "&cursor=" + url.QueryEscape(next)
						}
						code, b := cl.do(as, "GET", p, "")
						var pg page
						if code != http.StatusOK || json.Unmarshal(b, &pg) != nil {
							t.Fatalf("%q %s: %d %s", as, p, code, b)
						}
						if total >= 0 && total != pg.Total {
							t.Errorf("%q %s: total changed from %d to %d", as, p, total, pg.Total)
						}
						total = pg.Total
						for _, it := range pg.Items {
							ids, eurs = append(ids, it.ID), append(eurs, it.EUR)
						}
						if pg.Next == nil {
							break
						}
						next = *pg.Next
					}
					checkSameIDs(t, as+" offers sort="+sort, wantIDs, ids)
					if total != len(wantIDs) {
						t.Errorf("%q offers sort=%s: total %d, %d visible", as, sort, total, len(wantIDs))
					}
					if sort == "-eur" {
						for i := 1; i < len(eurs); i++ {
							if eurs[i] > eurs[i-1] {
								t.Errorf("%q sort=-eur: %v not descending", as, eurs)
								break
							}
						}
					}
				}
			}
		}
		for _, bad := range []string{"/api/v1/offers?sort=donor", "/api/v1/offers?sort=-available", "/api/v1/offers?sort=title&sort=eur"} {
			code, b := cl.do("donor", "GET", bad, "")
			var e struct {
				Error struct{ Field string } `json:"error"`
			}
			_ = json.Unmarshal(b, &e)
			if code != http.StatusBadRequest || e.Error.Field != "sort" {
				t.Errorf("%s: %d %s, want 400 naming sort", bad, code, b)
			}
		}
		code, b := cl.do("coordinator", "GET", "/offers?sort=-eur&status=open", "")
		html := string(b)
		if code != http.StatusOK || !strings.Contains(html, `aria-sort="descending"`) || !strings.Contains(html, `class="list-count"`) ||
			!strings.Contains(html, `name="sort" value="-eur"`) {
			t.Errorf("offers page sorted by -eur: %d, no descending header, count or kept sort", code)
		}
	})
}
