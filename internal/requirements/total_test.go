package requirements_test

import (
	"context"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

// A list's total is kept while the records stand: after every kind of
// change that moves it, each viewer's total must still be the number of
// rows its pages show, under every filter.
func TestListTotalFollowsEveryChange(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		viewers := []string{"coordinator", "donor_company", "donor", "requester", "validator_tech"}
		filters := []model.RequirementFilter{
			{}, {Status: model.ReqSubmitted}, {Status: model.ReqValidated}, {Status: model.ReqInDelivery},
			{Review: model.AwaitingTechnical}, {Review: model.AwaitingInteragency}, {Query: "retainer"},
		}
		check := func(step string) {
			t.Helper()
			for _, name := range viewers {
				v := e.cast.Viewer(name)
				for _, f := range filters {
					first, err := e.a.Requirements.Page(ctx, v, f, model.Sort{}, "", 2)
					if err != nil {
						t.Fatal(err)
					}
					rows, cursor := len(first.Items), first.Next
					for cursor != "" {
						next, err := e.a.Requirements.Page(ctx, v, f, model.Sort{}, cursor, 2)
						if err != nil {
							t.Fatal(err)
						}
						rows, cursor = rows+len(next.Items), next.Next
					}
					if first.Total != rows {
						t.Errorf("after %s, %s's total under %+v is %d, but its pages show %d", step, name, f, first.Total, rows)
					}
				}
			}
		}
		check("nothing")
		shared := e.validated(t, model.TLPAmber)
		check("an AMBER requirement validated")
		if _, err := e.a.Requirements.Share(ctx, e.cast.Viewer("coordinator"), shared.ID, []string{e.cast.Orgs["company"].ID}); err != nil {
			t.Fatal(err)
		}
		check("a share with the company")
		waiting := e.create(t, model.TLPGreen)
		if _, err := e.a.Requirements.Submit(ctx, e.cast.Viewer("requester"), waiting.ID); err != nil {
			t.Fatal(err)
		}
		check("a submission")
		if _, err := e.a.Requirements.Review(ctx, e.cast.Viewer("validator_tech"), waiting.ID, requirements.ReviewInput{Decision: model.DecisionApprove}); err != nil {
			t.Fatal(err)
		}
		check("the technical review")
		open := e.validated(t, model.TLPGreen)
		if _, err := e.a.Pledges.Create(ctx, e.cast.Viewer("donor"), pledges.Input{
			RequirementID: &open.ID, AmountMinor: ptr(int64(10_000_00)), Currency: ptr("EUR"), TLP: ptr(model.TLPGreen),
		}); err != nil {
			t.Fatal(err)
		}
		check("a pledge")
		if _, err := e.a.Requirements.Withdraw(ctx, e.cast.Viewer("requester"), open.ID); err != nil {
			t.Fatal(err)
		}
		check("a withdrawal")
	})
}
