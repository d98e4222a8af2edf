package e2e

import (
	"fmt"
	"math"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestBriefingPack prints a filtered list from its "Print briefing" link:
// on A4, over several pages, each headed and footed by the label of the
// most restricted record the reader may see in it, the date and their name.
func TestBriefingPack(t *testing.T) {
	ctx := browser(t)
	a, cast := apptest.New(t, storetest.OpenSQLite(t), time.Now)
	srv := httptest.NewServer(a.Web)
	defer srv.Close()
	s := &session{t: t, ctx: ctx, base: srv.URL}
	// Enough high-priority needs to fill several A4 pages; one is
	// AMBER+STRICT, which a coordinator sees and a donor does not. A
	// low-priority RED need is left out by the filter.
	for i := range 45 {
		tlp := model.TLPGreen
		if i%3 == 0 {
			tlp = model.TLPAmber
		}
		validated(t, a, cast, fmt.Sprintf("Substation %02d sensors", i), tlp, model.PriorityHigh)
	}
	validated(t, a, cast, "Registry backups", model.TLPAmberStrict, model.PriorityHigh)
	validated(t, a, cast, "Low priority radios", model.TLPAmberStrict, model.PriorityLow)
	today := time.Now().UTC().Format("2006-01-02")

	s.signIn("coordinator")
	s.run("open the filtered list and its briefing",
		chromedp.Navigate(srv.URL+"/requirements?priority=high"),
		chromedp.Click(chromedp.CSS(`.briefing-link a`)),
		chromedp.WaitVisible(chromedp.CSS(`.briefing-head h1`)),
	)
	if loc := s.read("where the pack is", chromedp.Location()); !strings.Contains(loc, "/briefing?") || !strings.Contains(loc, "list=requirements") || !strings.Contains(loc, "priority=high") {
		t.Fatalf("the briefing link leads to %s", loc)
	}
	text := s.read("read the pack", chromedp.Text(chromedp.CSS(`main`)))
	if !strings.Contains(text, "Registry backups") || strings.Contains(text, "Low priority radios") || !strings.Contains(text, "46 records") {
		t.Fatalf("the pack does not hold exactly the filtered list: %.400s", text)
	}

	// Printed: the running head and foot are fixed (so repeated on every
	// page) and say the strictest label, the date and the reader.
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	for _, sel := range []string{".briefing-running-head", ".briefing-running-foot"} {
		fixed := s.eval("read the position of "+sel, `(() => { const e = document.querySelector('`+sel+`');
			return getComputedStyle(e).position === "fixed" && e.checkVisibility(); })()`)
		if !fixed {
			t.Fatalf("%s is not a fixed, visible running element in print", sel)
		}
		got := s.read("read "+sel, chromedp.Text(chromedp.CSS(sel)))
		for _, want := range []string{"TLP:AMBER+STRICT", today, "coordinator"} {
			if !strings.Contains(got, want) {
				t.Errorf("%s reads %q, lacking %q", sel, got, want)
			}
		}
	}
	if s.eval("look for the menu", `document.querySelector("header.site-header").checkVisibility()`) {
		t.Error("the site's header and menu are printed")
	}
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize(), chromedp.PDFPrintBackground()))
	if err != nil {
		t.Fatal(err)
	}
	pages := regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1)
	if len(pages) < 2 {
		t.Fatalf("the pack prints on %d page(s); the test wants several, to see the label repeated", len(pages))
	}
	// A4 is 210 × 297 mm, 595.3 × 841.9 points.
	for _, m := range regexp.MustCompile(`/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]`).FindAllSubmatch(pdf, -1) {
		w, _ := strconv.ParseFloat(string(m[1]), 64)
		h, _ := strconv.ParseFloat(string(m[2]), 64)
		if math.Abs(w-595.3) > 1.5 || math.Abs(h-841.9) > 1.5 {
			t.Fatalf("a page of the pack is %.1f × %.1f points, not A4", w, h)
		}
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""}); err != nil {
		t.Fatal(err)
	}
	s.signOut()

	// A donor's pack of the same list holds no AMBER+STRICT record, so it
	// is labelled AMBER, and names the donor.
	s.signIn("donor")
	s.run("open the donor's pack", chromedp.Navigate(srv.URL+"/briefing?list=requirements&priority=high"), chromedp.WaitVisible(chromedp.CSS(`.briefing-head`)))
	head := s.read("read the label", chromedp.Text(chromedp.CSS(`.briefing-label .tlp`)))
	all := s.read("read the pack", chromedp.Text(chromedp.CSS(`main`)))
	if head != "TLP:AMBER" || strings.Contains(all, "Registry backups") || strings.Contains(all, "AMBER+STRICT") {
		t.Fatalf("the donor's pack is labelled %q and holds %.300s", head, all)
	}
	foot := s.read("read the foot", chromedp.TextContent(chromedp.CSS(`.briefing-running-foot`)))
	if !strings.Contains(foot, "TLP:AMBER") || !strings.Contains(foot, "donor") {
		t.Fatalf("the donor's running foot reads %q", foot)
	}

	// The dashboard prints too, labelled by what it was computed from.
	s.run("open the dashboard's pack", chromedp.Navigate(srv.URL+"/"), chromedp.Click(chromedp.CSS(`.briefing-link a`)), chromedp.WaitVisible(chromedp.CSS(`.briefing-head`)))
	if got := s.read("read the dashboard's label", chromedp.Text(chromedp.CSS(`.briefing-label .tlp`))); got != "TLP:AMBER" {
		t.Fatalf("the donor's dashboard pack is labelled %q, want TLP:AMBER", got)
	}
}
