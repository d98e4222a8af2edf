package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

// validated drafts a need as the cyber agency's requester and has the
// government validate it, through the services, as the pages would.
func validated(t *testing.T, a *app.App, cast apptest.Cast, title string, tlp model.TLP, prio model.Priority) model.Requirement {
	t.Helper()
	ctx := context.Background()
	r, err := a.Requirements.Create(ctx, cast.Viewer("requester"), requirements.Input{
		Title: govPtr(title), Description: govPtr("What " + title + " needs"),
		Sector: govPtr(model.Sector("energy")), Category: govPtr(model.Category("edr")),
		LineOfEffort: govPtr(model.LineSupport), Priority: &prio,
		EstimatedEURMinor: govPtr(int64(100_000_00)), NeededBy: govPtr(model.DateOf(time.Now()).AddDays(60)), TLP: &tlp,
	})
	if err != nil {
		t.Fatalf("draft %s: %v", title, err)
	}
	if _, err := a.Requirements.Submit(ctx, cast.Viewer("requester"), r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Requirements.Validate(ctx, cast.Viewer("validator"), r.ID, model.DecisionApprove, ""); err != nil {
		t.Fatal(err)
	}
	return r
}
