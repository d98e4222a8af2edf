package reports_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/delivery"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/reports"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestMaintainedSumsEqualRecords: after a random sequence of every kind of
// change the totals depend on, every summary, the dashboard and its charts
// read from the maintained totals, and the requirements' lists read from
// the pledge classes kept, are exactly those computed from every record,
// for every person of the cast, a visitor and the platform itself.
func TestMaintainedSumsEqualRecords(t *testing.T) {
	// Spans of three requirements, so that the needs' kept folds and the
	// kept corrections hold many, and a change finds again some of them and
	// keeps the others.
	defer reports.SetFoldBatch(3)()
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)
		a, cast := apptest.New(t, s, func() time.Time { return now })
		rng := rand.New(rand.NewPCG(2026, 13))
		pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }

		var viewers []string
		for n := range cast.Users {
			viewers = append(viewers, n)
		}
		slices.Sort(viewers)
		requesters := []string{"requester", "requester2"}
		donors := []string{"donor", "donor_ee", "donor_eu", "donor_company", "donor_ngo"}
		orgs := []string{"ua", "ssscip", "power", "ee", "us", "eu", "company", "ngo"}
		users := []string{"donor", "donor_company", "donor_ngo", "viewer", "requester2", "donor_eu"}
		labels := model.TLPs
		named := func(l model.TLP) *[]string {
			if l != model.TLPRed {
				return nil
			}
			ids := []string{cast.Users[pick(users)].ID, cast.Users[pick(users)].ID}
			slices.Sort(ids)
			ids = slices.Compact(ids)
			return &ids
		}
		type pl struct{ id, donor, req string }
		var reqs []string
		var pls, suspended []pl
		done := map[string]int{}
		step := func(kind string, err error) {
			if err == nil {
				done[kind]++
			}
		}

		ops := []func(){
			func() { // a requirement, submitted and mostly validated
				as := pick(requesters)
				l := labels[rng.IntN(len(labels))]
				in := requirements.Input{
					Title: ptr("Need"), Sector: ptr(model.Sectors[rng.IntN(len(model.Sectors))]), Category: ptr(model.Categories[rng.IntN(len(model.Categories))]),
					LineOfEffort: ptr([]model.LineOfEffort{model.LineSupport, model.LineStrengthen, model.LineSustain}[rng.IntN(3)]),
					Priority:     ptr(model.Priorities[rng.IntN(len(model.Priorities))]), EstimatedEURMinor: ptr(int64(1+rng.IntN(100)) * 10_000_00),
					NeededBy: ptr(model.DateOf(now).AddDays(30 + rng.IntN(300))), TLP: &l, NamedUserIDs: named(l),
				}
				// The map's regions, and needs that name none.
				if i := rng.IntN(len(model.Regions) + 1); i < len(model.Regions) {
					in.Region = ptr(model.Regions[i].Code)
				}
				r, err := a.Requirements.Create(ctx, cast.Viewer(as), in)
				step("create requirement", err)
				if err != nil {
					return
				}
				reqs = append(reqs, r.ID)
				if rng.IntN(6) == 0 {
					return
				}
				_, err = a.Requirements.Submit(ctx, cast.Viewer(as), r.ID)
				step("submit", err)
				if err == nil && rng.IntN(5) > 0 {
					_, err = a.Requirements.Validate(ctx, cast.Viewer("validator"), r.ID, model.DecisionApprove, "")
					step("validate", err)
				}
			},
			func() { // a pledge on a requirement, or a bilateral report
				if len(reqs) == 0 {
					return
				}
				as := pick(donors)
				l := labels[rng.IntN(len(labels))]
				in := pledges.Input{AmountMinor: ptr(int64(1+rng.IntN(50)) * 1_000_00), Currency: ptr(pick([]string{"EUR", "USD"})), TLP: &l, NamedUserIDs: named(l),
					PledgeDate: ptr(model.DateOf(now).AddDays(-rng.IntN(400)))}
				bilateral := rng.IntN(5) == 0
				if bilateral {
					in.Channel = ptr(model.ChannelBilateral)
					in.BeneficiaryOrgID = ptr(cast.Orgs[pick([]string{"ssscip", "power"})].ID)
					in.Sector, in.Category = ptr(model.Sector("energy")), ptr(model.Category("training"))
				}
				if rng.IntN(4) == 0 {
					in.FunderOrgID = ptr(cast.Orgs[pick([]string{"eu", "us", "ee"})].ID)
				}
				var p pledges.Result
				var err error
				// A donor pledges on a requirement it may see and that is
				// open to pledges: it tries a few.
				for range 8 {
					if !bilateral {
						in.RequirementID = ptr(pick(reqs))
					}
					if p, err = a.Pledges.Create(ctx, cast.Viewer(as), in); err == nil || bilateral {
						break
					}
				}
				step("create pledge", err)
				if err == nil {
					pls = append(pls, pl{p.ID, as, p.RequirementID})
				}
			},
			func() { // a donor confirms
				if len(pls) > 0 {
					p := pls[rng.IntN(len(pls))]
					_, err := a.Pledges.Confirm(ctx, cast.Viewer(p.donor), p.id)
					step("confirm", err)
				}
			},
			func() { // a coordinator reviews a company's or NGO's pledge
				var pending []pl
				for _, p := range pls {
					if p.donor == "donor_company" || p.donor == "donor_ngo" {
						pending = append(pending, p)
					}
				}
				if len(pending) > 0 {
					p := pending[rng.IntN(len(pending))]
					d := model.DecisionApprove
					if rng.IntN(2) == 0 {
						d = model.DecisionReject
					}
					_, err := a.Pledges.Review(ctx, cast.Viewer("coordinator"), p.id, d, "reviewed")
					step("review pledge", err)
				}
			},
			func() { // suspended, resumed or withdrawn
				if len(pls) == 0 {
					return
				}
				p := pls[rng.IntN(len(pls))]
				v := cast.Viewer(p.donor)
				var err error
				switch rng.IntN(4) {
				case 0, 1:
					_, err = a.Pledges.Suspend(ctx, v, p.id, "frozen")
					step("suspend", err)
					if err == nil {
						suspended = append(suspended, p)
					}
				case 2:
					if len(suspended) > 0 {
						i := rng.IntN(len(suspended))
						_, err = a.Pledges.Resume(ctx, cast.Viewer(suspended[i].donor), suspended[i].id)
						step("resume", err)
						suspended = slices.Delete(suspended, i, i+1)
					}
				default:
					_, err = a.Pledges.Withdraw(ctx, v, p.id)
					step("withdraw", err)
				}
			},
			func() { // money paid out
				if len(pls) > 0 {
					p := pls[rng.IntN(len(pls))]
					_, err := a.Pledges.Disburse(ctx, cast.Viewer(p.donor), p.id, pledges.DisbursementInput{
						AmountMinor: ptr(int64(1+rng.IntN(10)) * 1_000_00), Currency: ptr("EUR"), Date: ptr(model.DateOf(now)), ConfirmOver: true})
					step("disburse", err)
				}
			},
			func() { // delivered, and its receipt confirmed
				if len(pls) == 0 {
					return
				}
				p := pls[rng.IntN(len(pls))]
				_, err := a.Delivery.AddMilestone(ctx, cast.Viewer(p.donor), p.id, delivery.MilestoneInput{Kind: ptr(model.MilestoneDelivered), Date: ptr(model.DateOf(now))})
				step("deliver", err)
				if err == nil && rng.IntN(2) == 0 {
					for _, as := range requesters {
						if _, err := a.Delivery.Receipt(ctx, cast.Viewer(as), p.id, delivery.ReceiptInput{Outcome: ptr(model.ReceiptReceived)}); err == nil {
							step("receipt", nil)
						}
					}
				}
			},
			func() { // relabelled (back to validation), then perhaps validated again
				if len(reqs) == 0 {
					return
				}
				id := pick(reqs)
				l := labels[rng.IntN(len(labels))]
				for _, as := range requesters {
					if _, err := a.Requirements.Update(ctx, cast.Viewer(as), id, requirements.Input{TLP: &l, NamedUserIDs: named(l)}); err == nil {
						step("relabel requirement", nil)
						_, _ = a.Requirements.Submit(ctx, cast.Viewer(as), id)
						if rng.IntN(3) > 0 {
							_, err := a.Requirements.Validate(ctx, cast.Viewer("validator"), id, model.DecisionApprove, "")
							step("validate again", err)
						}
					}
				}
			},
			func() { // a pledge relabelled by its donor
				if len(pls) > 0 {
					p := pls[rng.IntN(len(pls))]
					l := labels[rng.IntN(len(labels))]
					_, err := a.Pledges.Update(ctx, cast.Viewer(p.donor), p.id, pledges.Input{TLP: &l, NamedUserIDs: named(l)})
					step("relabel pledge", err)
				}
			},
			func() { // shared with an organisation
				if len(reqs) > 0 {
					_, err := a.Requirements.Share(ctx, cast.Viewer("coordinator"), pick(reqs), []string{cast.Orgs[pick(orgs)].ID})
					step("share", err)
				}
			},
			func() { // a requirement withdrawn by its beneficiary
				if len(reqs) > 0 {
					id := pick(reqs)
					for _, as := range requesters {
						if _, err := a.Requirements.Withdraw(ctx, cast.Viewer(as), id); err == nil {
							step("withdraw requirement", nil)
						}
					}
				}
			},
			func() { // a requirement a company pledged on made AMBER: the company sees it only as engaged on it
				var on []string
				for _, p := range pls {
					if (p.donor == "donor_company" || p.donor == "donor_ngo") && p.req != "" {
						on = append(on, p.req)
					}
				}
				if len(on) == 0 {
					return
				}
				id := pick(on)
				for _, as := range requesters {
					if _, err := a.Requirements.Update(ctx, cast.Viewer(as), id, requirements.Input{TLP: ptr(model.TLPAmber)}); err == nil {
						_, _ = a.Requirements.Submit(ctx, cast.Viewer(as), id)
						_, err := a.Requirements.Validate(ctx, cast.Viewer("validator"), id, model.DecisionApprove, "")
						step("engaged under AMBER", err)
					}
				}
			},
			func() { // the beneficiary changed, or the line of effort, by any statement
				if len(reqs) == 0 {
					return
				}
				id := pick(reqs)
				err := s.InTx(ctx, func(q store.Queries) error {
					r, err := q.RequirementByID(ctx, id)
					if err != nil {
						return err
					}
					switch rng.IntN(3) {
					case 0:
						r.BeneficiaryOrgID = cast.Orgs[pick([]string{"ssscip", "power"})].ID
					case 1:
						r.LineOfEffort = model.LineSustain
					default:
						r.Sector = model.Sectors[rng.IntN(len(model.Sectors))]
					}
					return q.UpdateRequirement(ctx, &r)
				})
				step("change beneficiary or line", err)
			},
			func() { // a pledge moved to another requirement or donor, by any statement: organisations join and leave the requirements
				var on []int
				for i, p := range pls {
					if p.req != "" {
						on = append(on, i)
					}
				}
				if len(on) == 0 {
					return
				}
				i := on[rng.IntN(len(on))]
				moved := pls[i]
				err := s.InTx(ctx, func(q store.Queries) error {
					p, err := q.PledgeByID(ctx, moved.id)
					if err != nil {
						return err
					}
					if rng.IntN(2) == 0 {
						moved.req = pick(reqs)
						p.RequirementID = moved.req
					} else {
						moved.donor = pick(donors)
						p.DonorOrgID = cast.Users[moved.donor].OrgID
					}
					return q.UpdatePledge(ctx, &p)
				})
				step("move pledge", err)
				if err == nil {
					pls[i] = moved
					for j := range suspended {
						if suspended[j].id == moved.id {
							suspended[j] = moved
						}
					}
				}
			},
			func() { // a requirement a company or NGO pledged on relabelled, to AMBER or from it, by any statement
				var on []string
				for _, p := range pls {
					if (p.donor == "donor_company" || p.donor == "donor_ngo") && p.req != "" {
						on = append(on, p.req)
					}
				}
				if len(on) == 0 {
					return
				}
				id := pick(on)
				err := s.InTx(ctx, func(q store.Queries) error {
					r, err := q.RequirementByID(ctx, id)
					if err != nil {
						return err
					}
					if r.TLP == model.TLPAmber {
						r.TLP = []model.TLP{model.TLPClear, model.TLPGreen, model.TLPAmberStrict}[rng.IntN(3)]
					} else {
						r.TLP = model.TLPAmber
					}
					r.NamedUserIDs = nil
					return q.UpdateRequirement(ctx, &r)
				})
				step("engaged relabelled", err)
			},
			func() { // pledges written together by any statement, on any requirement: an organisation may be engaged on an AMBER one by them
				if len(reqs) == 0 {
					return
				}
				req := pick(reqs)
				ps := make([]model.Pledge, 1+rng.IntN(4))
				by := make([]string, len(ps))
				for i := range ps {
					if rng.IntN(3) == 0 {
						req = pick(reqs)
					}
					as := pick(donors)
					by[i] = as
					ps[i] = model.Pledge{
						DonorOrgID: cast.Users[as].OrgID, RequirementID: req, AmountMinor: int64(1+rng.IntN(50)) * 1_000_00, Currency: "EUR",
						PledgeDate: model.DateOf(now).AddDays(-rng.IntN(400)), Kind: model.PledgeMoney, Channel: model.ChannelMechanism,
						Status: []model.PledgeStatus{model.PledgeProposed, model.PledgeConfirmed, model.PledgeWithdrawn}[rng.IntN(3)],
						Review: model.ReviewNotRequired, TLP: []model.TLP{model.TLPClear, model.TLPGreen, model.TLPAmber}[rng.IntN(3)],
						CreatedBy: cast.Users[as].ID, CreatedAt: now, UpdatedAt: now,
					}
					ps[i].EURMinor = ps[i].AmountMinor
				}
				// Two or more are added to the totals by one statement, one
				// by its trigger: written in two calls of one transaction,
				// the second finds the trigger as the first must leave it.
				cut := rng.IntN(len(ps) + 1)
				err := s.InTx(ctx, func(q store.Queries) error {
					if err := q.CreatePledges(ctx, ps[:cut]); err != nil {
						return err
					}
					return q.CreatePledges(ctx, ps[cut:])
				})
				step("pledges written together", err)
				if err == nil {
					for i, p := range ps {
						pls = append(pls, pl{p.ID, by[i], p.RequirementID})
					}
				}
			},
			func() { // a pledge deleted by any statement, when nothing else refers to it
				if len(pls) == 0 {
					return
				}
				i := rng.IntN(len(pls))
				del := `DELETE FROM pledges WHERE id = ?`
				if s.Dialect() == "postgres" {
					del = `DELETE FROM pledges WHERE id = $1`
				}
				if _, err := s.SQLDB().ExecContext(ctx, del, pls[i].id); err != nil {
					// Delivered, disbursed or matched: its records keep it.
					return
				}
				step("delete pledge", nil)
				suspended = slices.DeleteFunc(suspended, func(p pl) bool { return p.id == pls[i].id })
				pls = slices.Delete(pls, i, i+1)
			},
		}

		// How often each change is made, by its place in ops: pledges
		// change most; a requirement is withdrawn rarely.
		var weighted []int
		for op, w := range []int{3, 10, 4, 1, 5, 3, 2, 2, 2, 2, 1, 2, 1, 2, 2, 2, 1} {
			for range w {
				weighted = append(weighted, op)
			}
		}
		// The requirements' lists read the pledge classes kept of the
		// requirements listed last: each viewer's list must be what every
		// requirement read with every pledge on it gives.
		listed := func(round int, name string, v policy.Viewer) {
			t.Helper()
			// The total under a filter the database answers is kept across
			// the pledges' changes that leave it (the sector's is changed by
			// bare statements, a review's by the reviews); a delivery stage
			// is read from the pledges.
			for _, f := range []model.RequirementFilter{{}, {Sector: "energy"}, {Review: model.AwaitingTechnical}, {Status: model.ReqValidated}, {Status: model.ReqInDelivery}} {
				page, err := a.Requirements.Page(ctx, v, f, model.Sort{}, "", model.MaxPage)
				if err != nil {
					t.Fatal(err)
				}
				want, err := a.Requirements.All(ctx, v, f)
				if err != nil {
					t.Fatal(err)
				}
				for i := range want {
					want[i].Pledges = nil
				}
				got := page.Items
				byID := func(a, b requirements.View) int { return strings.Compare(a.ID, b.ID) }
				slices.SortFunc(got, byID)
				slices.SortFunc(want, byID)
				if page.Next != "" || (len(got) > 0 || len(want) > 0) && !reflect.DeepEqual(got, want) {
					t.Fatalf("after %d changes, %s's requirements under %+v:\n got %+v\nwant %+v", round, name, f, got, want)
				}
				if page.Total != len(want) {
					t.Fatalf("after %d changes, %s's requirements under %+v: total %d, want %d", round, name, f, page.Total, len(want))
				}
				if f != (model.RequirementFilter{}) {
					continue
				}
				// The pages that show requirements beside other records
				// ask for them by id, hidden ones too: the kept records
				// must hide what the records now hide.
				beside, err := a.Requirements.Summaries(ctx, v, reqs)
				if err != nil {
					t.Fatal(err)
				}
				slices.SortFunc(beside, byID)
				if !reflect.DeepEqual(beside, want) {
					t.Fatalf("after %d changes, %s's requirements by id:\n got %+v\nwant %+v", round, name, beside, want)
				}
			}
		}
		// The pages of pledges read their requirements from what the
		// requirements' lists keep; every pledge read whole reads the store.
		pledgesListed := func(round int, name string, v policy.Viewer) {
			t.Helper()
			var got []model.Pledge
			page, err := a.Pledges.Page(ctx, v, model.PledgeFilter{}, model.Sort{}, "", 50)
			for {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, page.Items...)
				if page.Next == "" {
					break
				}
				page, err = a.Pledges.Page(ctx, v, model.PledgeFilter{}, model.Sort{}, page.Next, 50)
			}
			want, err := a.Pledges.All(ctx, v, model.PledgeFilter{})
			if err != nil {
				t.Fatal(err)
			}
			byID := func(a, b model.Pledge) int { return strings.Compare(a.ID, b.ID) }
			slices.SortFunc(got, byID)
			slices.SortFunc(want, byID)
			if (len(got) > 0 || len(want) > 0) && !reflect.DeepEqual(got, want) {
				t.Fatalf("after %d changes, %s's pages of pledges:\n got %+v\nwant %+v", round, name, got, want)
			}
		}
		check := func(round int) {
			t.Helper()
			everyone := map[string]policy.Viewer{"visitor": {}, "platform": policy.System()}
			for _, n := range viewers {
				everyone[n] = cast.Viewer(n)
			}
			for name, v := range everyone {
				for _, by := range reports.Dimensions {
					got, err := a.Reports.Summary(ctx, v, by)
					if err != nil {
						t.Fatal(err)
					}
					want, err := a.Reports.SummaryFromRecords(ctx, v, by)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("after %d changes, %s's summary by %s:\n got %+v\nwant %+v", round, name, by, got, want)
					}
				}
				dash, err := a.Reports.Dashboard(ctx, v)
				if err != nil {
					t.Fatal(err)
				}
				wantDash, err := a.Reports.DashboardFromRecords(ctx, v)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(dash, wantDash) {
					t.Fatalf("after %d changes, %s's dashboard:\n got %+v\nwant %+v", round, name, dash, wantDash)
				}
				charts, err := a.Reports.Charts(ctx, v)
				if err != nil {
					t.Fatal(err)
				}
				wantCharts, err := a.Reports.ChartsFromRecords(ctx, v)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(charts, wantCharts) {
					t.Fatalf("after %d changes, %s's charts:\n got %+v\nwant %+v", round, name, charts, wantCharts)
				}
				listed(round, name, v)
				pledgesListed(round, name, v)
				frontDash, frontCharts, err := a.Reports.Front(ctx, v)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(frontDash, wantDash) || !reflect.DeepEqual(frontCharts, wantCharts) {
					t.Fatalf("after %d changes, %s's front page differs from its dashboard and charts", round, name)
				}
				for _, f := range countFilters(cast) {
					got, ok, err := a.Reports.PledgeCount(ctx, v, f)
					if err != nil {
						t.Fatal(err)
					}
					want, err := a.Pledges.All(ctx, v, f)
					if err != nil {
						t.Fatal(err)
					}
					if !ok || got != len(want) {
						t.Fatalf("after %d changes, %s's count of pledges %+v: got %d (answered %v), want %d", round, name, f, got, ok, len(want))
					}
				}
			}
		}
		const changes = 480
		for i := range changes {
			// Requirements first, so that pledges have something to answer.
			if i < 12 {
				ops[0]()
			} else {
				ops[weighted[rng.IntN(len(weighted))]]()
			}
			if (i+1)%80 == 0 {
				check(i + 1)
				continue
			}
			// Between the full checks, one person's dashboard and a summary
			// after every change: its needs and its corrections are found
			// again only where they changed.
			name := viewers[i%len(viewers)]
			// In either order: each list must find what changed since the
			// records it keeps were read, whichever list read them last.
			if i%2 == 0 {
				pledgesListed(i+1, name, cast.Viewer(name))
				listed(i+1, name, cast.Viewer(name))
			} else {
				listed(i+1, name, cast.Viewer(name))
				pledgesListed(i+1, name, cast.Viewer(name))
			}
			dash, err := a.Reports.Dashboard(ctx, cast.Viewer(name))
			if err != nil {
				t.Fatal(err)
			}
			want, err := a.Reports.DashboardFromRecords(ctx, cast.Viewer(name))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(dash, want) {
				t.Fatalf("after %d changes, %s's dashboard:\n got %+v\nwant %+v", i+1, name, dash, want)
			}
			by := reports.Dimensions[i%len(reports.Dimensions)]
			sum, err := a.Reports.Summary(ctx, cast.Viewer(name), by)
			if err != nil {
				t.Fatal(err)
			}
			wantSum, err := a.Reports.SummaryFromRecords(ctx, cast.Viewer(name), by)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(sum, wantSum) {
				t.Fatalf("after %d changes, %s's summary by %s:\n got %+v\nwant %+v", i+1, name, by, sum, wantSum)
			}
		}
		var missing []string
		for _, kind := range []string{"create requirement", "validate", "create pledge", "confirm", "review pledge", "suspend", "resume", "withdraw",
			"disburse", "deliver", "relabel requirement", "validate again", "relabel pledge", "share", "withdraw requirement", "engaged under AMBER", "change beneficiary or line",
			"move pledge", "engaged relabelled", "pledges written together", "delete pledge"} {
			if done[kind] == 0 {
				missing = append(missing, kind)
			}
		}
		if len(missing) > 0 {
			t.Errorf("the sequence never made these changes, so it proves nothing of them: %v (made %v)", missing, fmt.Sprint(done))
		}
	})
}

// countFilters are the list filters the maintained totals answer.
func countFilters(cast apptest.Cast) []model.PledgeFilter {
	out := []model.PledgeFilter{{}, {Channel: model.ChannelBilateral}, {Channel: model.ChannelMechanism}}
	for _, st := range model.PledgeStatuses {
		out = append(out, model.PledgeFilter{Status: st}, model.PledgeFilter{Status: st, Channel: model.ChannelMechanism})
	}
	for _, o := range []string{"company", "ngo", "ee", "us"} {
		out = append(out, model.PledgeFilter{DonorOrgID: cast.Orgs[o].ID}, model.PledgeFilter{DonorOrgID: cast.Orgs[o].ID, Channel: model.ChannelBilateral})
	}
	return out
}

// TestRequirementWithPledgesOfOneClassChanges: a requirement carrying two
// pledges of one class (one donor's, under one label, at one stage) can be
// relabelled and moved to another line of effort, and the totals follow. The
// totals' requirement triggers once wrote such pledges as two changes of
// one row in one statement, which PostgreSQL refuses (migration 00038).
func TestRequirementWithPledgesOfOneClassChanges(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)
		a, cast := apptest.New(t, s, func() time.Time { return now })
		requester, validator := cast.Viewer("requester"), cast.Viewer("validator")
		r, err := a.Requirements.Create(ctx, requester, requirements.Input{
			Title: ptr("Backup servers"), Sector: ptr(model.Sector("energy")), Category: ptr(model.Category("edr")),
			LineOfEffort: ptr(model.LineSustain), Priority: ptr(model.PriorityHigh), EstimatedEURMinor: ptr(int64(900_000_00)),
			NeededBy: ptr(model.DateOf(now).AddDays(60)), TLP: ptr(model.TLPGreen),
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Requirements.Submit(ctx, requester, r.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Requirements.Validate(ctx, validator, r.ID, model.DecisionApprove, ""); err != nil {
			t.Fatal(err)
		}
		for _, eur := range []int64{100_000_00, 250_000_00} {
			if _, err := a.Pledges.Create(ctx, cast.Viewer("donor"), pledges.Input{
				RequirementID: &r.ID, AmountMinor: &eur, Currency: ptr("EUR"), TLP: ptr(model.TLPGreen),
			}); err != nil {
				t.Fatal(err)
			}
		}
		changes := []requirements.Input{
			{TLP: ptr(model.TLPAmber)},
			{LineOfEffort: ptr(model.LineSupport)},
			{TLP: ptr(model.TLPClear)},
		}
		for i, in := range changes {
			if _, err := a.Requirements.Update(ctx, requester, r.ID, in); err != nil {
				t.Fatalf("change %d of a requirement with two pledges of one class: %v", i, err)
			}
			for _, name := range []string{"coordinator", "donor", "donor_company", "viewer"} {
				for _, by := range []string{"donor", "line", "status"} {
					got, err := a.Reports.Summary(ctx, cast.Viewer(name), by)
					if err != nil {
						t.Fatal(err)
					}
					want, err := a.Reports.SummaryFromRecords(ctx, cast.Viewer(name), by)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("after change %d, %s's summary by %s:\n got %+v\nwant %+v", i, name, by, got, want)
					}
				}
			}
		}
	})
}
