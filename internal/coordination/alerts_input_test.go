package coordination_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/cyberaid/cyberaid/internal/coordination"
	"github.com/cyberaid/cyberaid/internal/delivery"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestAlertsEqualEveryRecord compares the open requirements that
// suggestions and the plan read, in one reading, with those read one status
// at a time; and it compares the alerts, read from the
// requirements' views and the few pledges outside them, with the alerts
// computed from every requirement and every pledge each viewer may see,
// for every person of the cast and the platform, after a random sequence
// of changes of every kind that shapes an alert: requirements of every
// label (RED ones naming the coordinator or not), some never validated,
// relabelled; pledges of every donor, channel and label, pass-through,
// bilateral reports on no requirement, confirmed, withdrawn, suspended and
// resumed; and the clock moving so that proposed pledges go stale. Each
// viewer asks twice or more at each point, so that what is kept between
// requests is compared too.
func TestAlertsEqualEveryRecord(t *testing.T) {
	// Three requirements a range, so that the changes below fall in
	// several ranges of the kept findings, and each range is computed
	// again many times.
	defer coordination.SetFindingsBatch(3)()
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		w := newWorld(t, s)
		rng := rand.New(rand.NewPCG(13, 34))
		pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
		labels := []model.TLP{model.TLPClear, model.TLPGreen, model.TLPAmber, model.TLPAmberStrict, model.TLPRed}
		named := func() *[]string {
			ids := []string{w.c.Users["validator"].ID}
			for _, who := range []string{"coordinator", "donor_ee", "donor", "donor_company"} {
				if rng.IntN(2) == 0 {
					ids = append(ids, w.c.Users[who].ID)
				}
			}
			return &ids
		}
		cats := []model.Category{"edr", "training", "incident_response"}
		var reqs []string
		var pls []model.Pledge
		donorOf := map[string]string{}
		ignore := func(err error) {
			t.Helper()
			if err != nil && !errors.Is(err, model.ErrNotFound) && !errors.Is(err, model.ErrForbidden) &&
				!errors.Is(err, model.ErrRule) && !errors.Is(err, model.ErrInvalid) && !errors.Is(err, model.ErrConflict) {
				t.Fatal(err)
			}
		}
		acknowledged, staleSeen := 0, 0
		check := func(step int, everyone bool) {
			t.Helper()
			viewers := map[string]policy.Viewer{"platform": policy.System(), "coordinator": w.c.Viewer("coordinator")}
			for name := range w.c.Users {
				if everyone {
					viewers[name] = w.c.Viewer(name)
				}
			}
			for name, v := range viewers {
				got, gerr := w.a.Coordination.OpenRequirements(w.ctx, v)
				want, werr := w.a.Coordination.OpenRequirementsPerStatus(w.ctx, v)
				if gerr != nil || werr != nil || !reflect.DeepEqual(got, want) {
					t.Fatalf("step %d, %s: open requirements %d (%v), want %d (%v)", step, name, len(got), gerr, len(want), werr)
				}
				if policy.Allowed(v, policy.MatchingSuggest) {
					got, gerr = w.a.Coordination.OpenToPledges(w.ctx, v)
					want, werr = w.a.Coordination.OpenToPledgesPerStatus(w.ctx, v)
					if gerr != nil || werr != nil || !reflect.DeepEqual(got, want) {
						t.Fatalf("step %d, %s: open to pledges %d (%v), want %d (%v)", step, name, len(got), gerr, len(want), werr)
					}
				}
				for _, f := range []coordination.AlertFilter{{}, {Kind: model.AlertStalePledge}, {Open: true}, {Kind: model.AlertGap, Open: true}, {}} {
					got, gerr := w.a.Coordination.Alerts(w.ctx, v, f)
					want, werr := w.a.Coordination.AlertsFromEveryRecord(w.ctx, v, f)
					if fmt.Sprint(gerr) != fmt.Sprint(werr) {
						t.Fatalf("step %d, %s: error %v, want %v", step, name, gerr, werr)
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("step %d, %s, %+v:\n got %v\nwant %v", step, name, f, keysOf(got), keysOf(want))
					}
					// Both find stale pledges with their requirements: their
					// keys are checked apart, from every pledge v sees.
					if f.Kind == model.AlertStalePledge && gerr == nil {
						wantKeys, err := w.a.Coordination.StaleKeysFromEveryPledge(w.ctx, v)
						if err != nil {
							t.Fatal(err)
						}
						gotKeys := keysOf(got)
						slices.Sort(gotKeys)
						if !slices.Equal(gotKeys, wantKeys) {
							t.Fatalf("step %d, %s: stale alerts\n got %v\nwant %v", step, name, gotKeys, wantKeys)
						}
						staleSeen += len(gotKeys)
					}
					// Its pages, walked with a small page, are the list.
					var paged []coordination.Alert
					after := ""
					for n := 0; gerr == nil; n++ {
						page, next, err := w.a.Coordination.AlertsPage(w.ctx, v, f, after, 7)
						if err != nil {
							t.Fatalf("step %d, %s: page after %q: %v", step, name, after, err)
						}
						paged = append(paged, page...)
						if next == "" || n > len(want) {
							break
						}
						after = next
					}
					if gerr == nil && !reflect.DeepEqual(paged, append([]coordination.Alert{}, want...)) && !(len(paged) == 0 && len(want) == 0) {
						t.Fatalf("step %d, %s, %+v: pages\n got %v\nwant %v", step, name, f, keysOf(paged), keysOf(want))
					}
					// The board's windows: from the start, after an alert
					// (or after one gone since, which starts again), each
					// with its position and the list's total.
					if gerr != nil {
						continue
					}
					afters := []string{"", "gap:gone"}
					if len(want) > 0 {
						afters = append(afters, want[rng.IntN(len(want))].Key)
					}
					for _, after := range afters {
						win, err := w.a.Coordination.AlertsWindow(w.ctx, v, f, after, 5)
						if err != nil {
							t.Fatalf("step %d, %s: window after %q: %v", step, name, after, err)
						}
						from := slices.IndexFunc(want, func(a coordination.Alert) bool { return a.Key == after }) + 1
						page := want[from:min(from+5, len(want))]
						next := ""
						if from+5 < len(want) {
							next = page[len(page)-1].Key
						}
						if win.Total != len(want) || win.From != from || win.Next != next || !reflect.DeepEqual(win.Alerts, append([]coordination.Alert{}, page...)) {
							t.Fatalf("step %d, %s, %+v, after %q: window from %d of %d, next %q, %v; want from %d of %d, next %q, %v",
								step, name, f, after, win.From, win.Total, win.Next, keysOf(win.Alerts), from, len(want), next, keysOf(page))
						}
					}
				}
			}
		}
		for step := range 240 {
			switch op := rng.IntN(20); {
			case op < 3 || len(reqs) == 0:
				tlp := labels[rng.IntN(len(labels))]
				eur := int64(1+rng.IntN(20)) * 1_000_00
				in := requirements.Input{
					Title: ptr(fmt.Sprintf("Need %d", step)), Description: ptr("For the tests"), Sector: ptr(model.Sector(pick("energy", "water"))),
					Category: ptr(cats[rng.IntN(len(cats))]), LineOfEffort: ptr(model.LineSupport),
					Priority: ptr(model.Priorities[rng.IntN(len(model.Priorities))]), EstimatedEURMinor: &eur,
					NeededBy: ptr(model.DateOf(w.now).AddDays(rng.IntN(120))), TLP: &tlp,
				}
				if tlp == model.TLPRed {
					in.NamedUserIDs = named()
				}
				as := pick("requester", "requester2")
				r, err := w.a.Requirements.Create(w.ctx, w.c.Viewer(as), in)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := w.a.Requirements.Submit(w.ctx, w.c.Viewer(as), r.ID); err != nil {
					t.Fatal(err)
				}
				if rng.IntN(6) > 0 {
					if _, err := w.a.Requirements.Validate(w.ctx, w.c.Viewer("validator"), r.ID, model.DecisionApprove, ""); err != nil {
						t.Fatal(err)
					}
				}
				reqs = append(reqs, r.ID)
			case op < 11:
				as := pick("donor", "donor_ee", "donor_eu", "donor_company", "donor_ngo", "donor_ee")
				eur := int64(1+rng.IntN(8)) * 1_000_00
				in := pledges.Input{AmountMinor: &eur, Currency: ptr("EUR")}
				tlp := labels[rng.IntN(len(labels))]
				in.TLP = &tlp
				if tlp == model.TLPRed {
					in.NamedUserIDs = named()
				}
				if rng.IntN(5) == 0 {
					in.PledgeDate = ptr(model.DateOf(w.now).AddDays(-rng.IntN(60)))
				}
				bilateral := rng.IntN(4) == 0
				if bilateral {
					in.Channel = ptr(model.ChannelBilateral)
				}
				if bilateral && rng.IntN(2) == 0 {
					in.BeneficiaryOrgID = ptr(w.c.Orgs[pick("ssscip", "power")].ID)
					in.Sector, in.Category = ptr(model.Sector(pick("energy", "water"))), ptr(cats[rng.IntN(len(cats))])
					if rng.IntN(3) > 0 {
						in.PeriodStart = ptr(model.DateOf(w.now).AddDays(rng.IntN(60) - 30))
						in.PeriodEnd = ptr(in.PeriodStart.AddDays(rng.IntN(90)))
					}
				} else {
					in.RequirementID = &reqs[rng.IntN(len(reqs))]
				}
				if !bilateral && rng.IntN(5) == 0 {
					in.FunderOrgID = ptr(w.c.Orgs[pick("us", "ee", "eu")].ID)
				}
				p, err := w.a.Pledges.Create(w.ctx, w.c.Viewer(as), in)
				ignore(err)
				if err == nil {
					pls = append(pls, p.Pledge)
					donorOf[p.ID] = as
				}
			case op < 16 && len(pls) > 0:
				p := pls[rng.IntN(len(pls))]
				var err error
				switch rng.IntN(7) {
				case 5, 6:
					// Its requirement goes into delivery, which viewers who
					// do not see every pledge on it derive for themselves.
					kind := []model.MilestoneKind{model.MilestoneShipped, model.MilestoneDelivered}[rng.IntN(2)]
					_, err = w.a.Delivery.AddMilestone(w.ctx, w.c.Viewer(donorOf[p.ID]), p.ID, delivery.MilestoneInput{Kind: &kind, Date: ptr(model.DateOf(w.now))})
				case 0, 1:
					_, err = w.a.Pledges.Confirm(w.ctx, w.c.Viewer(donorOf[p.ID]), p.ID)
				case 2:
					_, err = w.a.Pledges.Withdraw(w.ctx, w.c.Viewer(donorOf[p.ID]), p.ID)
				case 3:
					_, err = w.a.Pledges.Suspend(w.ctx, w.c.Viewer("coordinator"), p.ID, "Checks")
				case 4:
					_, err = w.a.Pledges.Resume(w.ctx, w.c.Viewer("coordinator"), p.ID)
				}
				ignore(err)
			case op < 18:
				id := reqs[rng.IntN(len(reqs))]
				tlp := labels[rng.IntN(len(labels))]
				in := requirements.Input{TLP: &tlp}
				if tlp == model.TLPRed {
					in.NamedUserIDs = named()
				}
				_, err := w.a.Requirements.Update(w.ctx, w.c.Viewer(pick("requester", "requester2")), id, in)
				ignore(err)
			default:
				w.now = w.now.AddDate(0, 0, rng.IntN(10))
			}
			// After every change for the coordinator and the platform,
			// whose readings are kept between requests: each kind of
			// change must be seen at once.
			check(step, step%40 == 39)
			// The coordinator acknowledges some alerts, which the open
			// filters then leave out.
			if rng.IntN(6) == 0 {
				found, err := w.a.Coordination.Alerts(w.ctx, w.c.Viewer("coordinator"), coordination.AlertFilter{})
				if err != nil {
					t.Fatal(err)
				}
				if len(found) > 0 {
					a := found[rng.IntN(len(found))]
					if _, err := w.a.Coordination.Acknowledge(w.ctx, w.c.Viewer("coordinator"), a.Key, "Seen"); err != nil {
						t.Fatal(err)
					}
					acknowledged++
				}
			}
		}
		if staleSeen == 0 {
			t.Fatal("no stale pledge alert was ever compared")
		}
		if acknowledged < 10 {
			t.Fatalf("only %d alerts acknowledged", acknowledged)
		}
		open, err := w.a.Coordination.OpenRequirements(w.ctx, policy.System())
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(open, func(r requirements.View) bool { return r.Status == model.ReqInDelivery }) {
			t.Fatal("no open requirement in delivery")
		}
		// The sequence must have made alerts of every kind the coordinator
		// may see, or the comparison proves little.
		all, err := w.a.Coordination.AlertsFromEveryRecord(w.ctx, policy.System(), coordination.AlertFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var kinds []model.AlertKind
		for _, a := range all {
			if !slices.Contains(kinds, a.Kind) {
				kinds = append(kinds, a.Kind)
			}
		}
		if len(kinds) < len(model.AlertKinds) {
			t.Fatalf("only alerts of kinds %v", kinds)
		}
	})
}
