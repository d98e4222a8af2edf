package requirements_test

import (
	"context"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
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

// A list's total is kept across the pledges' changes that leave what it
// counts: a pledge's amount, or another organisation's pledge. A company's
// own pledge, made by any statement, may open an AMBER requirement to it:
// its total is counted again, and only its.
func TestListTotalKeptAcrossPledgesThatLeaveIt(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		company, coordinator := e.cast.Viewer("donor_company"), e.cast.Viewer("coordinator")
		open := e.validated(t, model.TLPGreen)
		amber := e.validated(t, model.TLPAmber)
		total := func(step string, v policy.Viewer, want int, counted int64) {
			t.Helper()
			before := requirements.TotalsCounted(e.a.Requirements)
			page, err := e.a.Requirements.Page(ctx, v, model.RequirementFilter{}, model.Sort{}, "", 50)
			if err != nil {
				t.Fatal(err)
			}
			all, err := e.a.Requirements.All(ctx, v, model.RequirementFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != want || len(all) != want {
				t.Errorf("after %s, %s's total is %d and it sees %d, want %d", step, v.UserID, page.Total, len(all), want)
			}
			if got := requirements.TotalsCounted(e.a.Requirements) - before; got != counted {
				t.Errorf("after %s, %s's total was counted %d times, want %d", step, v.UserID, got, counted)
			}
		}
		everyone, _ := e.a.Requirements.All(ctx, coordinator, model.RequirementFilter{})
		total("the first reading", company, 1, 1)
		total("the first reading", coordinator, len(everyone), 1)
		total("nothing", company, 1, 0)

		p, err := e.a.Pledges.Create(ctx, e.cast.Viewer("donor"), pledges.Input{
			RequirementID: &open.ID, AmountMinor: ptr(int64(10_000_00)), Currency: ptr("EUR"), TLP: ptr(model.TLPGreen),
		})
		if err != nil {
			t.Fatal(err)
		}
		total("another organisation's pledge", company, 1, 0)
		if _, err := e.a.Pledges.Update(ctx, e.cast.Viewer("donor"), p.ID, pledges.Input{AmountMinor: ptr(int64(20_000_00))}); err != nil {
			t.Fatal(err)
		}
		total("its new amount", company, 1, 0)
		total("another organisation's pledge", coordinator, len(everyone), 0)

		engaged := model.Pledge{
			DonorOrgID: e.cast.Orgs["company"].ID, RequirementID: amber.ID, AmountMinor: 5_000_00, Currency: "EUR", EURMinor: 5_000_00,
			PledgeDate: model.DateOf(now), Kind: model.PledgeMoney, Channel: model.ChannelMechanism, Status: model.PledgeProposed,
			Review: model.ReviewPending, TLP: model.TLPGreen, CreatedAt: now, UpdatedAt: now,
		}
		if err := e.s.CreatePledges(ctx, []model.Pledge{engaged}); err != nil {
			t.Fatal(err)
		}
		total("the company's pledge on an AMBER requirement", company, 2, 1)
		total("the company's pledge, for the platform's coordinator", coordinator, len(everyone), 0)

		// Deleted by any statement, it no longer engages the company.
		del := `DELETE FROM pledges WHERE requirement_id = ? AND donor_org_id = ?`
		if e.s.Dialect() == "postgres" {
			del = `DELETE FROM pledges WHERE requirement_id = $1 AND donor_org_id = $2`
		}
		if _, err := e.s.SQLDB().ExecContext(ctx, del, amber.ID, e.cast.Orgs["company"].ID); err != nil {
			t.Fatal(err)
		}
		total("the company's pledge deleted", company, 1, 1)
	})
}
