package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

// TestDashboardMapAndCharts: the dashboard draws every region, colours a
// region only by needs the viewer may see, says what each chart counts, and
// writes percentages one way per language.
func TestDashboardMapAndCharts(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	a, c := s.app, s.cast
	placed := func(tlp model.TLP, region string) string {
		r, err := a.Requirements.Create(ctx, c.Viewer("requester"), requirements.Input{
			Title: ref("Substations " + region), Sector: ref(model.Sector("energy")), Category: ref(model.Category("edr")),
			LineOfEffort: ref(model.LineSupport), Priority: ref(model.PriorityHigh), Region: &region,
			EstimatedEURMinor: ref(int64(200_000_00)), NeededBy: ref(model.DateOf(pagesNow).AddDays(60)), TLP: &tlp,
		})
		if err == nil {
			_, err = a.Requirements.Submit(ctx, c.Viewer("requester"), r.ID)
		}
		if err == nil {
			_, err = a.Requirements.Validate(ctx, c.Viewer("validator"), r.ID, model.DecisionApprove, "")
		}
		if err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	lviv := placed(model.TLPClear, "UA-46")
	placed(model.TLPAmber, "UA-63")
	if _, err := a.Pledges.Create(ctx, c.Viewer("donor_ee"), pledges.Input{
		RequirementID: &lviv, AmountMinor: ref(int64(50_000_00)), Currency: ref("EUR"), TLP: ref(model.TLPClear),
	}); err != nil {
		t.Fatal(err)
	}
	regionPath := regexp.MustCompile(`<path class="map-region (map-[a-z0-9-]+)" data-region="(UA-\d\d)"`)
	classes := func(body string) map[string]string {
		out := map[string]string{}
		for _, m := range regionPath.FindAllStringSubmatch(body, -1) {
			out[m[2]] = m[1]
		}
		return out
	}
	for _, c := range []struct {
		who, lang, kharkiv, share string
	}{
		{"", "", "map-none", "25.0%"},
		{"coordinator", "", "map-cov-0", "25.0%"},
		{"", "uk", "map-none", "25,0\u00a0%"},
	} {
		b := s.as(c.who)
		if c.lang != "" {
			b = s.browser(c.lang)
		}
		res, body := b.get("/")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%q %s: dashboard %d", c.who, c.lang, res.StatusCode)
		}
		got := classes(body)
		if len(got) != len(model.Regions) {
			t.Errorf("%q %s: %d regions drawn, want %d", c.who, c.lang, len(got), len(model.Regions))
		}
		if got["UA-46"] != "map-cov-1" || got["UA-63"] != c.kharkiv {
			t.Errorf("%q %s: Lviv %s, Kharkiv %s; want map-cov-1 (a quarter covered) and %s", c.who, c.lang, got["UA-46"], got["UA-63"], c.kharkiv)
		}
		if !strings.Contains(body, c.share) {
			t.Errorf("%q %s: Lviv's share %q not on the page", c.who, c.lang, c.share)
		}
		if n := strings.Count(body, `class="chart-counts"`); n < 6 {
			t.Errorf("%q %s: %d charts say what they count, want every one", c.who, c.lang, n)
		}
		if c.who == "" && strings.Contains(body, "Substations UA-63") {
			t.Errorf("a visitor sees the AMBER need's title")
		}
	}
}
