package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// listViewers are the probe's cast as viewers, and the platform itself.
func listViewers(d *probeData) map[string]policy.Viewer {
	out := map[string]policy.Viewer{"system": policy.System()}
	for _, n := range probeCast {
		out["as "+n] = d.cast.Viewer(n)
		if n == "" {
			out["anonymous"] = policy.Viewer{}
		}
	}
	return out
}

// TestAudienceMatchesVisible holds the database's selection of what a
// viewer sees (policy.AudienceOf, written as SQL by the store) to the
// policy's decision on each record, for every member of the probe's cast,
// over every record of the probe's fixture: the same records, and totals
// that count exactly them.
func TestAudienceMatchesVisible(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, s *store.DB) {
		mail := &mailbox{got: map[string][]string{}}
		a, c := apptest.NewWith(t, s, app.Options{Now: clock, Mailer: mail})
		d := probeFixture(t, a, c, mail)
		ctx := context.Background()
		reqs, err := s.ListRequirements(ctx, model.RequirementFilter{}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		all, err := s.ListPledges(ctx, model.PledgeFilter{}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		byReq := map[string][]model.Pledge{}
		for _, p := range all {
			byReq[p.RequirementID] = append(byReq[p.RequirementID], p)
		}
		reqRes := map[string]policy.Resource{}
		for _, r := range reqs {
			reqRes[r.ID] = policy.RequirementResource(r, byReq[r.ID])
		}
		for who, v := range listViewers(d) {
			aud := policy.AudienceOf(v)
			var wantReqs []string
			for _, r := range reqs {
				if policy.Visible(v, reqRes[r.ID]) {
					wantReqs = append(wantReqs, r.ID)
				}
			}
			got, err := s.PageRequirements(ctx, model.RequirementFilter{}, aud, model.Sort{}, "", 0)
			if err != nil {
				t.Fatal(err)
			}
			checkSameIDs(t, who+": requirements", wantReqs, idsOf(got, func(r model.Requirement) string { return r.ID }))
			if n, err := s.CountRequirements(ctx, model.RequirementFilter{}, aud); err != nil || n != len(wantReqs) {
				t.Errorf("%s: %d requirements counted (%v), %d visible", who, n, err, len(wantReqs))
			}
			var wantPledges []string
			for _, p := range all {
				var parent *policy.Resource
				if res, ok := reqRes[p.RequirementID]; ok {
					parent = &res
				}
				if policy.Visible(v, policy.PledgeResource(p, parent)) {
					wantPledges = append(wantPledges, p.ID)
				}
			}
			gotP, err := s.PagePledges(ctx, model.PledgeFilter{}, aud, model.Sort{}, "", 0)
			if err != nil {
				t.Fatal(err)
			}
			checkSameIDs(t, who+": pledges", wantPledges, idsOf(gotP, func(p model.Pledge) string { return p.ID }))
			if n, err := s.CountPledges(ctx, model.PledgeFilter{}, aud); err != nil || n != len(wantPledges) {
				t.Errorf("%s: %d pledges counted (%v), %d visible", who, n, err, len(wantPledges))
			}
			// Filtered lists: the service's page and total against its
			// list, which decides every record in Go alone.
			for _, r := range reqs {
				for _, f := range []model.PledgeFilter{{RequirementID: r.ID}, {Beneficiary: r.BeneficiaryOrgID}} {
					want, _, err := a.Pledges.List(ctx, v, f, "", model.MaxPage)
					if err != nil {
						t.Fatal(err)
					}
					l, err := a.Pledges.Page(ctx, v, f, model.Sort{Field: "eur", Desc: true}, "", model.MaxPage)
					if err != nil {
						t.Fatal(err)
					}
					checkSameIDs(t, who+": pledges filtered", idsOf(want, func(p model.Pledge) string { return p.ID }), idsOf(l.Items, func(p model.Pledge) string { return p.ID }))
					if l.Total != len(want) {
						t.Errorf("%s: pledges %+v: total %d, %d visible", who, f, l.Total, len(want))
					}
				}
			}
			for _, f := range []model.RequirementFilter{{}, {Status: model.ReqValidated}, {Status: model.ReqInDelivery}, {Status: model.ReqDraft}, {Query: "zqx"}, {Sector: model.Sector("energy")}} {
				want, _, err := a.Requirements.List(ctx, v, f, "", model.MaxPage)
				if err != nil {
					t.Fatal(err)
				}
				l, err := a.Requirements.Page(ctx, v, f, model.Sort{Field: "title"}, "", model.MaxPage)
				if err != nil {
					t.Fatal(err)
				}
				wantIDs := make([]string, len(want))
				for i, w := range want {
					wantIDs[i] = w.ID
				}
				gotIDs := make([]string, len(l.Items))
				for i, g := range l.Items {
					gotIDs[i] = g.ID
				}
				checkSameIDs(t, who+": requirements filtered", wantIDs, gotIDs)
				if l.Total != len(want) {
					t.Errorf("%s: requirements %+v: total %d, %d visible", who, f, l.Total, len(want))
				}
			}
		}
	})
}

func idsOf[T any](items []T, id func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = id(it)
	}
	return out
}

func checkSameIDs(t *testing.T, what string, want, got []string) {
	t.Helper()
	w, g := slices.Clone(want), slices.Clone(got)
	slices.Sort(w)
	slices.Sort(g)
	if !slices.Equal(w, g) {
		t.Errorf("%s: got %d records %v, want %d %v", what, len(g), g, len(w), w)
	}
}

// TestSortedCountedListsAPI walks the sorted lists of the API page by page
// as each member of the cast: every order gives the same records as the
// list's own, in the order asked, with the total of what the caller sees;
// a bad sort or a cursor of another order is 400 naming its parameter.
func TestSortedCountedListsAPI(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, s *store.DB) {
		mail := &mailbox{got: map[string][]string{}}
		a, c := apptest.NewWith(t, s, app.Options{Now: clock, Mailer: mail})
		d := probeFixture(t, a, c, mail)
		srv := httptest.NewServer(a.Web)
		defer srv.Close()
		cl := &client{t: t, base: srv.URL, http: srv.Client(), tokens: map[string]string{}}
		type row struct {
			ID       string `json:"id"`
			Title    string `json:"title"`
			Estimate int64  `json:"estimated_eur_minor"`
			EUR      *int64 `json:"eur_minor"`
		}
		type page struct {
			Items []row   `json:"items"`
			Next  *string `json:"next"`
			Total int     `json:"total"`
		}
		walk := func(as, path string) ([]row, int) {
			var out []row
			total := -1
			next := ""
			for {
				p := path + "&limit=2"
				if next != "" {
					p += "&cursor=" + url.QueryEscape(next)
				}
				code, b := cl.do(as, "GET", p, "")
				if code != http.StatusOK {
					t.Fatalf("%s %s: %d %s", as, p, code, b)
				}
				var pg page
				if err := json.Unmarshal(b, &pg); err != nil {
					t.Fatal(err)
				}
				if total >= 0 && pg.Total != total {
					t.Errorf("%s %s: total changed from %d to %d between pages", as, p, total, pg.Total)
				}
				total = pg.Total
				out = append(out, pg.Items...)
				if pg.Next == nil {
					return out, total
				}
				next = *pg.Next
			}
		}
		for _, as := range []string{"", "donor", "donor_company", "requester", "coordinator", "viewer"} {
			ctx := context.Background()
			v := d.cast.Viewer(as)
			want, _, err := a.Requirements.List(ctx, v, model.RequirementFilter{}, "", model.MaxPage)
			if err != nil {
				t.Fatal(err)
			}
			for _, order := range model.RequirementSorts {
				for _, sort := range []string{order, "-" + order} {
					got, total := walk(as, "/api/v1/requirements?sort="+sort)
					if total != len(want) || len(got) != len(want) {
						t.Errorf("%q sort=%s: %d rows, total %d; %d visible", as, sort, len(got), total, len(want))
					}
					switch sort {
					case "title":
						if !slices.IsSortedFunc(got, func(a, b row) int { return strings.Compare(a.Title, b.Title) }) {
							t.Errorf("%q sort=title: not in title order", as)
						}
					case "-estimated":
						if !slices.IsSortedFunc(got, func(a, b row) int { return int(b.Estimate - a.Estimate) }) {
							t.Errorf("%q sort=-estimated: not in descending estimate order", as)
						}
					}
				}
			}
			wantP, _, err := a.Pledges.List(ctx, v, model.PledgeFilter{}, "", model.MaxPage)
			if err != nil {
				t.Fatal(err)
			}
			for _, order := range model.PledgeSorts {
				got, total := walk(as, "/api/v1/pledges?sort=-"+order)
				if total != len(wantP) || len(got) != len(wantP) {
					t.Errorf("%q pledges sort=-%s: %d rows, total %d; %d visible", as, order, len(got), total, len(wantP))
				}
			}
		}
		code, b := cl.do("donor", "GET", "/api/v1/requirements?limit=1&sort=title", "")
		var first page
		if err := json.Unmarshal(b, &first); err != nil || code != 200 || first.Next == nil {
			t.Fatalf("first page: %d %s", code, b)
		}
		for _, bad := range []struct{ path, field string }{
			{"/api/v1/requirements?sort=colour", "sort"},
			{"/api/v1/requirements?sort=--title", "sort"},
			{"/api/v1/requirements?sort=title&sort=tlp", "sort"},
			{"/api/v1/pledges?sort=title", "sort"},
			{"/api/v1/requirements?sort=tlp&cursor=" + url.QueryEscape(*first.Next), "cursor"},
			{"/api/v1/requirements?cursor=" + url.QueryEscape(*first.Next), "cursor"},
			{"/api/v1/search?q=x&cursor=nope", "cursor"},
		} {
			code, b := cl.do("donor", "GET", bad.path, "")
			var e struct {
				Error struct{ Field string } `json:"error"`
			}
			_ = json.Unmarshal(b, &e)
			if code != http.StatusBadRequest || e.Error.Field != bad.field {
				t.Errorf("%s: %d %s, want 400 naming %s", bad.path, code, b, bad.field)
			}
		}
	})
}

// TestSearchPerRole: what each member of the probe's cast finds is only
// what the probe's fixture says they may see, counted exactly, and the
// records they may see with the word are all found.
func TestSearchPerRole(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, s *store.DB) {
		mail := &mailbox{got: map[string][]string{}}
		a, c := apptest.NewWith(t, s, app.Options{Now: clock, Mailer: mail})
		d := probeFixture(t, a, c, mail)
		srv := httptest.NewServer(a.Web)
		defer srv.Close()
		cl := &client{t: t, base: srv.URL, http: srv.Client(), tokens: map[string]string{}}
		for _, as := range without(probeCast, "former", "lapsed") {
			code, b := cl.do(as, "GET", "/api/v1/search?q=zqx&limit=200", "")
			if code != http.StatusOK {
				t.Fatalf("%q: %d %s", as, code, b)
			}
			var out struct {
				Items []struct{ Type, ID, Title, Snippet, URL string }
				Next  *string
				Total int
			}
			if err := json.Unmarshal(b, &out); err != nil {
				t.Fatal(err)
			}
			if out.Total != len(out.Items) || out.Next != nil {
				t.Errorf("%q: total %d for %d results", as, out.Total, len(out.Items))
			}
			found := map[string]bool{}
			for _, it := range out.Items {
				found[it.Type+":"+it.ID] = true
				rec := slices.IndexFunc(d.records[it.Type], func(r probeRecord) bool { return r.id == it.ID })
				if rec < 0 {
					continue // a record the fixture made but does not probe
				}
				if !slices.Contains(d.records[it.Type][rec].aud, as) {
					t.Errorf("%q finds %s %s, which it may not see", as, it.Type, d.records[it.Type][rec].name)
				}
				if !strings.Contains(strings.ToLower(it.Title+it.Snippet), "<mark>zqx</mark>") || strings.Contains(it.Title, "<script") {
					t.Errorf("%q: %s %s not highlighted: %q %q", as, it.Type, it.ID, it.Title, it.Snippet)
				}
			}
			// Every requirement it may see whose words hold the marker is found.
			v := d.cast.Viewer(as)
			for _, r := range d.records["requirement"] {
				if !slices.Contains(r.aud, as) || found["requirement:"+r.id] {
					continue
				}
				got, err := a.Requirements.Get(context.Background(), v, r.id)
				if err != nil || strings.Contains(strings.ToLower(got.Title+" "+got.Description+" "+got.Ref), "zqx") {
					t.Errorf("%q does not find requirement %s it may see (%v)", as, r.name, err)
				}
			}
		}
	})
}
