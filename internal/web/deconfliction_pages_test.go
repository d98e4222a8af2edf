package web_test

import (
	"context"
	"html"
	"regexp"
	"slices"
	"testing"

	"github.com/cyberaid/cyberaid/internal/coordination"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestBoardPages: the deconfliction board shows its ranked alerts a
// hundred at a time, and the link to the next page leads through all of
// them, each once, in order.
func TestBoardPages(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	// A bilateral report on no requirement next to the mechanism pledge on
	// "validated", copied: an alert for each copy.
	report, err := s.app.Pledges.Create(ctx, s.cast.Viewer("donor_eu"), pledges.Input{
		AmountMinor: ref(int64(1_000_00)), Currency: ref("EUR"), Channel: ref(model.ChannelBilateral),
		BeneficiaryOrgID: ref(s.cast.Orgs["ssscip"].ID), Sector: ref(model.Sector("energy")), Category: ref(model.Category("edr")),
	})
	if err != nil {
		t.Fatal(err)
	}
	storetest.CopyPledge(t, s.app.Store.(*store.DB), report.ID, 150)
	alerts, err := s.app.Coordination.Alerts(ctx, s.cast.Viewer("coordinator"), coordination.AlertFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, a := range alerts {
		want = append(want, a.Key)
	}
	if len(want) <= 200 {
		t.Fatalf("%d alerts; the test needs more than two pages", len(want))
	}

	keyRE := regexp.MustCompile(`name="key" value="([^"]+)" form="bulk-ack"`)
	nextRE := regexp.MustCompile(`<a href="([^"]+)" rel="next">`)
	b := s.as("coordinator")
	var got []string
	path, pages := "/deconfliction", 0
	for path != "" {
		pages++
		res, body := b.get(path)
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
		keys := keyRE.FindAllStringSubmatch(body, -1)
		if len(keys) == 0 || len(keys) > 100 {
			t.Fatalf("%s shows %d alerts", path, len(keys))
		}
		for _, k := range keys {
			got = append(got, html.UnescapeString(k[1]))
		}
		path = ""
		if m := nextRE.FindStringSubmatch(body); m != nil {
			path = html.UnescapeString(m[1])
		}
		if pages > 10 {
			t.Fatal("the pages do not end")
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("the pages show %d alerts, want the %d of the list in its order", len(got), len(want))
	}
	if pages != (len(want)+99)/100 {
		t.Fatalf("%d pages for %d alerts", pages, len(want))
	}
	// A page after an alert that has gone since starts again at the first.
	res, body := b.get("/deconfliction?after=gone")
	if res.StatusCode != 200 {
		t.Fatalf("after an alert gone: %d", res.StatusCode)
	}
	keys := keyRE.FindAllStringSubmatch(body, -1)
	if len(keys) != 100 || html.UnescapeString(keys[0][1]) != want[0] || html.UnescapeString(keys[99][1]) != want[99] {
		t.Fatalf("after an alert gone: %d alerts, want the first 100", len(keys))
	}
}
