package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/reports"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

// The dashboard and its briefing list the critical needs that have waited
// longest, and count and link to the rest: at a mechanism's scale they are
// thousands, which no front page can list.
func TestDashboardListsTheLongestWaitingCriticalNeeds(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	ctx := context.Background()
	// The site has two critical needs open; these make one more than listed.
	extra := reports.MaxCriticalOpen - 1
	for i := range extra {
		r, err := s.app.Requirements.Create(ctx, s.cast.Viewer("requester"), requirements.Input{
			Title: ref(fmt.Sprintf("Critical need %d", i)), Description: ref("Firewalls for a substation"),
			Sector: ref(model.Sector("energy")), Category: ref(model.Category("edr")),
			LineOfEffort: ref(model.LineSupport), Priority: ref(model.PriorityCritical),
			EstimatedEURMinor: ref(int64(10_000_00)), NeededBy: ref(model.DateOf(pagesNow).AddDays(60)), TLP: ref(model.TLPAmber),
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.app.Requirements.Submit(ctx, s.cast.Viewer("requester"), r.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.app.Requirements.Validate(ctx, s.cast.Viewer("validator"), r.ID, model.DecisionApprove, ""); err != nil {
			t.Fatal(err)
		}
	}
	total := extra + 2
	b := s.as("coordinator")
	_, body := b.get("/")
	critical := section(t, body, `id="h-critical"`)
	if n := strings.Count(critical, "<tr>") - 1; n != reports.MaxCriticalOpen {
		t.Errorf("the dashboard lists %d critical needs, want %d", n, reports.MaxCriticalOpen)
	}
	mustContain(t, "dashboard", body, fmt.Sprintf(`<dd class="figure-value">%d</dd>`, total))
	mustContain(t, "dashboard", critical, fmt.Sprintf("The %d needs that have waited longest, of %d in all.", reports.MaxCriticalOpen, total),
		`<a href="/requirements?priority=critical&amp;status=validated&amp;sort=created">`)
	res, list := b.get("/requirements?priority=critical&status=validated&sort=created")
	if res.StatusCode != 200 {
		t.Fatalf("the list of critical needs answers %d", res.StatusCode)
	}
	mustContain(t, "the list of critical needs", list, "Critical need 0", fmt.Sprintf("Critical need %d", extra-1))
	_, printed := b.get("/briefing?list=dashboard")
	mustContain(t, "briefing", printed, fmt.Sprintf("The %d needs that have waited longest, of %d in all.", reports.MaxCriticalOpen, total))
}

// section is body from the element marked by marker to the next section's end.
func section(t *testing.T, body, marker string) string {
	t.Helper()
	i := strings.Index(body, marker)
	if i < 0 {
		t.Fatalf("no %s in the page", marker)
	}
	end := strings.Index(body[i:], "</section>")
	if end < 0 {
		return body[i:]
	}
	return body[i : i+end]
}
