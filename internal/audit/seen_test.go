package audit_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/delivery"
	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

func ptr[T any](v T) *T { return &v }

// TestSeenInSQLEqualsEveryEvent: after a random sequence of changes to
// requirements, pledges and offers (labels made stricter and laxer, access
// lists, shares, withdrawals, validation and delivery), the events the
// database selects for a reader, and its total, are exactly those decided
// event by event in Go, for every person of the cast, a visitor and the
// platform, in both orders and for each object type; and the log's pages,
// walked by cursor, give them whole to the readers of the log.
func TestSeenInSQLEqualsEveryEvent(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)
		a, cast := apptest.New(t, s, func() time.Time { return now })
		rng := rand.New(rand.NewPCG(2026, 32))
		pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }

		var viewers []string
		for n := range cast.Users {
			viewers = append(viewers, n)
		}
		slices.Sort(viewers)
		requesters := []string{"requester", "requester2"}
		donors := []string{"donor", "donor_ee", "donor_eu", "donor_company", "donor_ngo"}
		orgs := []string{"ua", "ssscip", "power", "ee", "us", "eu", "company", "ngo"}
		users := []string{"donor", "donor_company", "donor_ngo", "viewer", "requester2", "donor_eu", "admin"}
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
		type of struct{ id, donor string }
		var reqs []string
		var pls []pl
		var ofs []of
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
				r, err := a.Requirements.Create(ctx, cast.Viewer(as), requirements.Input{
					Title: ptr("Need"), Sector: ptr(model.Sectors[rng.IntN(len(model.Sectors))]), Category: ptr(model.Categories[rng.IntN(len(model.Categories))]),
					LineOfEffort: ptr(model.LineSupport), Priority: ptr(model.PriorityHigh), EstimatedEURMinor: ptr(int64(1+rng.IntN(100)) * 10_000_00),
					NeededBy: ptr(model.DateOf(now).AddDays(30 + rng.IntN(300))), TLP: &l, NamedUserIDs: named(l),
				})
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
				in := pledges.Input{AmountMinor: ptr(int64(1+rng.IntN(50)) * 1_000_00), Currency: ptr("EUR"), TLP: &l, NamedUserIDs: named(l),
					PledgeDate: ptr(model.DateOf(now).AddDays(-rng.IntN(100)))}
				bilateral := rng.IntN(5) == 0
				if bilateral {
					in.Channel = ptr(model.ChannelBilateral)
					in.BeneficiaryOrgID = ptr(cast.Orgs[pick([]string{"ssscip", "power"})].ID)
					in.Sector, in.Category = ptr(model.Sector("energy")), ptr(model.Category("training"))
				}
				var p pledges.Result
				var err error
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
			func() { // confirmed, or reviewed by a coordinator
				if len(pls) == 0 {
					return
				}
				p := pls[rng.IntN(len(pls))]
				if p.donor == "donor_company" || p.donor == "donor_ngo" {
					_, err := a.Pledges.Review(ctx, cast.Viewer("coordinator"), p.id, model.DecisionApprove, "reviewed")
					step("review pledge", err)
					return
				}
				_, err := a.Pledges.Confirm(ctx, cast.Viewer(p.donor), p.id)
				step("confirm", err)
			},
			func() { // delivered, which moves its requirement into delivery
				if len(pls) == 0 {
					return
				}
				p := pls[rng.IntN(len(pls))]
				// Only a committed pledge is delivered.
				_, _ = a.Pledges.Confirm(ctx, cast.Viewer(p.donor), p.id)
				_, err := a.Delivery.AddMilestone(ctx, cast.Viewer(p.donor), p.id, delivery.MilestoneInput{Kind: ptr(model.MilestoneDelivered), Date: ptr(model.DateOf(now))})
				step("deliver", err)
			},
			func() { // a pledge withdrawn
				if len(pls) > 0 {
					p := pls[rng.IntN(len(pls))]
					_, err := a.Pledges.Withdraw(ctx, cast.Viewer(p.donor), p.id)
					step("withdraw pledge", err)
				}
			},
			func() { // a requirement relabelled (back to validation), perhaps validated again
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
			func() { // an offer in the catalogue
				as := pick(donors)
				l := labels[rng.IntN(len(labels))]
				o, err := a.Offers.Create(ctx, cast.Viewer(as), offers.Input{
					Title: ptr("Licences"), Kind: ptr(model.PledgeMoney), AmountMinor: ptr(int64(5_000_00)), Currency: ptr("EUR"),
					ValidUntil: ptr(model.DateOf(now).AddDays(90)), TLP: &l, NamedUserIDs: named(l),
				})
				step("create offer", err)
				if err == nil {
					ofs = append(ofs, of{o.ID, as})
				}
			},
			func() { // a lesson about a requirement or a pledge, whose events the log decides in Go
				if len(reqs) == 0 {
					return
				}
				in := lessons.Input{Title: ptr("Lesson"), Link: ptr(model.LinkRequirement), LinkID: ptr(pick(reqs)),
					WhatHappened: ptr("Late"), WhatLearned: ptr("Earlier"), TLP: ptr(labels[rng.IntN(len(labels))])}
				if len(pls) > 0 && rng.IntN(2) == 0 {
					in.Link, in.LinkID = ptr(model.LinkPledge), ptr(pls[rng.IntN(len(pls))].id)
				}
				if *in.TLP == model.TLPRed {
					in.NamedUserIDs = named(model.TLPRed)
				}
				_, err := a.Lessons.Create(ctx, cast.Viewer("coordinator"), in)
				step("create lesson", err)
			},
			func() { // a pledge a coordinator proposes for a company or NGO on a need it may not see: the donor is engaged on it from then on
				if len(reqs) == 0 {
					return
				}
				as := pick([]string{"donor_company", "donor_ngo"})
				var p model.Pledge
				err := s.InTx(ctx, func(q store.Queries) error {
					var err error
					p, err = a.Pledges.ProposeInTx(ctx, q, cast.Viewer("coordinator"), pledges.Proposal{
						DonorOrgID: cast.Users[as].OrgID, RequirementID: pick(reqs), EURMinor: 1_000_00, Kind: model.PledgeMoney,
						Description: "Proposed", TLP: []model.TLP{model.TLPClear, model.TLPGreen}[rng.IntN(2)],
					})
					return err
				})
				step("propose pledge", err)
				if err == nil {
					pls = append(pls, pl{p.ID, as, p.RequirementID})
				}
			},
			func() { // an offer relabelled by its donor
				if len(ofs) > 0 {
					o := ofs[rng.IntN(len(ofs))]
					l := labels[rng.IntN(len(labels))]
					_, err := a.Offers.Update(ctx, cast.Viewer(o.donor), o.id, offers.Input{TLP: &l, NamedUserIDs: named(l)})
					step("relabel offer", err)
				}
			},
		}
		var weighted []int
		for op, w := range []int{3, 8, 3, 2, 1, 3, 2, 2, 1, 1, 1, 3, 1} {
			for range w {
				weighted = append(weighted, op)
			}
		}
		types := []string{"", "requirement", "pledge", "offer", "requirement_review", "user", "organisation", "lesson"}
		check := func(round int) {
			t.Helper()
			everyone := map[string]policy.Viewer{"visitor": {}, "platform": policy.System()}
			for _, n := range viewers {
				everyone[n] = cast.Viewer(n)
			}
			for name, v := range everyone {
				for _, typ := range types {
					f := model.AuditFilter{ObjectType: typ}
					for _, desc := range []bool{false, true} {
						got, n, err := a.Audit.SeenInSQL(ctx, v, f, desc)
						if err != nil {
							t.Fatal(err)
						}
						want, wantN, err := a.Audit.SeenByEveryEvent(ctx, v, f, desc)
						if err != nil {
							t.Fatal(err)
						}
						if n != wantN || !reflect.DeepEqual(seqs(got), seqs(want)) {
							t.Fatalf("after %d changes, %s, type %q, newest first %v: %d events %v, want %d %v", round, name, typ, desc, n, seqs(got), wantN, seqs(want))
						}
						if !reflect.DeepEqual(got, want) {
							t.Fatalf("after %d changes, %s, type %q: the events differ", round, name, typ)
						}
					}
				}
			}
			// The readers of the log, page by page.
			for _, name := range []string{"admin", "coordinator"} {
				v := cast.Viewer(name)
				want, wantN, err := a.Audit.SeenByEveryEvent(ctx, v, model.AuditFilter{}, true)
				if err != nil {
					t.Fatal(err)
				}
				n, err := a.Audit.Count(ctx, v, model.AuditFilter{})
				if err != nil {
					t.Fatal(err)
				}
				var got []model.AuditEvent
				for seq := int64(0); ; {
					page, next, err := a.Audit.Page(ctx, v, model.AuditFilter{}, true, seq, 7)
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, page...)
					if next == 0 {
						break
					}
					seq = next
				}
				if n != wantN || !reflect.DeepEqual(got, want) {
					t.Fatalf("after %d changes, %s's pages: %d events (total %d), want %d", round, name, len(got), n, wantN)
				}
			}
		}
		// A total kept by spans of three events, brought forward after
		// every change: a span left uncounted whose events a change decides
		// otherwise shows as a difference.
		kept := a.Audit.WithSpans(3)
		var forwarded int64
		keptCheck := func(round int) {
			t.Helper()
			everyone := []policy.Viewer{{}, policy.System()}
			for _, n := range viewers {
				everyone = append(everyone, cast.Viewer(n))
			}
			for i, v := range everyone {
				for _, typ := range []string{"", "pledge", "requirement", "lesson", "user"} {
					if typ != "" && round%4 != 0 {
						continue
					}
					f := model.AuditFilter{ObjectType: typ}
					got, fw, _, err := kept.KeptTotal(ctx, v, f)
					if err != nil {
						t.Fatal(err)
					}
					want, err := a.Audit.CountedTotal(ctx, v, f)
					if err != nil {
						t.Fatal(err)
					}
					if got != want {
						name := []string{"visitor", "platform"}[min(i, 1)]
						if i > 1 {
							name = viewers[i-2]
						}
						t.Fatalf("after %d changes, %s, type %q: the kept total is %d, counted over the log %d", round, name, typ, got, want)
					}
					forwarded = fw
				}
			}
		}
		const changes = 240
		for i := range changes {
			if i < 12 {
				ops[0]()
			} else {
				ops[weighted[rng.IntN(len(weighted))]]()
			}
			keptCheck(i + 1)
			if (i+1)%80 == 0 {
				check(i + 1)
			}
		}
		var missing []string
		for _, kind := range []string{"create requirement", "validate", "create pledge", "confirm", "review pledge", "deliver", "withdraw pledge",
			"relabel requirement", "validate again", "relabel pledge", "share", "withdraw requirement", "create offer", "relabel offer", "create lesson", "propose pledge"} {
			if done[kind] == 0 {
				missing = append(missing, kind)
			}
		}
		if forwarded < changes {
			t.Errorf("the kept totals were brought forward %d times in %d changes: the rest were counted whole", forwarded, changes)
		}
		if len(missing) > 0 {
			t.Errorf("the sequence never made these changes, so it proves nothing of them: %v (made %v)", missing, fmt.Sprint(done))
		}
		var derived int
		every, _, err := a.Audit.SeenByEveryEvent(ctx, policy.System(), model.AuditFilter{}, false)
		if err != nil {
			t.Fatal(err)
		}
		all, _, err := a.Audit.SeenByEveryEvent(ctx, policy.System(), model.AuditFilter{ObjectType: "requirement"}, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range all {
			if derivedFromPledges(e.Action) {
				derived++
			}
		}
		t.Logf("%d events, %d of them about requirements, %d decided by their pledges; changes made: %v", len(every), len(all), derived, done)
		if derived == 0 {
			t.Error("no requirement went into delivery: the events its pledges decide are not tested")
		}
	})
}

func derivedFromPledges(action string) bool {
	return action == "requirement.in_delivery" || action == "requirement.delivered"
}

func seqs(es []model.AuditEvent) []int64 {
	out := make([]int64, len(es))
	for i, e := range es {
		out[i] = e.Seq
	}
	return out
}

// TestKeptTotalFollowsEngagement: a pledge a coordinator proposes for a
// company engages it with an AMBER need it did not see, and with the
// pledges on it: their earlier events join the company's kept total.
func TestKeptTotalFollowsEngagement(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)
		a, cast := apptest.New(t, s, func() time.Time { return now })
		r, err := a.Requirements.Create(ctx, cast.Viewer("requester"), requirements.Input{
			Title: ptr("Need"), Sector: ptr(model.Sectors[0]), Category: ptr(model.Categories[0]), LineOfEffort: ptr(model.LineSupport),
			Priority: ptr(model.PriorityHigh), EstimatedEURMinor: ptr(int64(100_000_00)), NeededBy: ptr(model.DateOf(now).AddDays(60)), TLP: ptr(model.TLPAmber),
		})
		if err == nil {
			_, err = a.Requirements.Submit(ctx, cast.Viewer("requester"), r.ID)
		}
		if err == nil {
			_, err = a.Requirements.Validate(ctx, cast.Viewer("validator"), r.ID, model.DecisionApprove, "")
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Pledges.Create(ctx, cast.Viewer("donor"), pledges.Input{RequirementID: &r.ID, AmountMinor: ptr(int64(5_000_00)),
			Currency: ptr("EUR"), TLP: ptr(model.TLPClear)}); err != nil {
			t.Fatal(err)
		}
		// Events of other records, so that the pledge's are spans away.
		for range 6 {
			if _, err := a.Requirements.Create(ctx, cast.Viewer("requester"), requirements.Input{
				Title: ptr("Other"), Sector: ptr(model.Sectors[0]), Category: ptr(model.Categories[0]), LineOfEffort: ptr(model.LineSupport),
				Priority: ptr(model.PriorityLow), EstimatedEURMinor: ptr(int64(1_000_00)), NeededBy: ptr(model.DateOf(now).AddDays(60)), TLP: ptr(model.TLPClear),
			}); err != nil {
				t.Fatal(err)
			}
		}
		company := cast.Viewer("donor_company")
		kept := a.Audit.WithSpans(2)
		before, _, _, err := kept.KeptTotal(ctx, company, model.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.InTx(ctx, func(q store.Queries) error {
			_, err := a.Pledges.ProposeInTx(ctx, q, cast.Viewer("coordinator"), pledges.Proposal{
				DonorOrgID: company.Org.ID, RequirementID: r.ID, EURMinor: 1_000_00, Kind: model.PledgeMoney, Description: "Proposed", TLP: model.TLPClear,
			})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		got, forwarded, _, err := kept.KeptTotal(ctx, company, model.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		want, err := a.Audit.CountedTotal(ctx, company, model.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if got != want || forwarded == 0 {
			t.Fatalf("the company's kept total is %d (brought forward %d times), counted over the log %d", got, forwarded, want)
		}
		// The proposal, the need's events and the other donor's pledge.
		if want < before+3 {
			t.Fatalf("the company's total went from %d to %d only: the need and its pledges stayed hidden", before, want)
		}
	})
}

// TestReadersCountedAtStart: the start's job counts the log for every
// person who may read it, so that their first request finds the total
// counted and only brings it forward.
func TestReadersCountedAtStart(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 5, 10, 9, 0, 0, 0, time.UTC)
		a, _ := apptest.New(t, s, func() time.Time { return now })
		var counted bool
		for _, j := range a.Jobs() {
			if j.Name != "count the audit log for its readers" {
				continue
			}
			n, err := j.Run(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				t.Fatal("the job counted the log for no reader")
			}
			if again, err := j.Run(ctx); err != nil || again != 0 {
				t.Fatalf("run again, the job counted %d readers (%v), want none: once a process", again, err)
			}
			counted = true
		}
		if !counted {
			t.Fatal("no job counts the audit log for its readers")
		}
		readers, err := a.Accounts.ViewersWith(ctx, policy.AuditRead)
		if err != nil {
			t.Fatal(err)
		}
		if len(readers) < 2 {
			t.Fatalf("the cast has %d readers of the log, want the coordinator and the administrator", len(readers))
		}
		wholeBefore := a.Audit.WholeCounts()
		for _, v := range readers {
			n, _, whole, err := a.Audit.KeptTotal(ctx, v, model.AuditFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if whole != wholeBefore {
				t.Fatalf("a reader's first total was counted whole (%d whole counts, %d before)", whole, wholeBefore)
			}
			want, err := a.Audit.CountedTotal(ctx, v, model.AuditFilter{})
			if err != nil || n != want {
				t.Fatalf("a reader's kept total is %d, the log holds %d for it (%v)", n, want, err)
			}
		}
	})
}
