package requirements_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

var now = time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

func input(tlp model.TLP) requirements.Input {
	return requirements.Input{
		Title: ptr("Incident response retainer"), Sector: ptr(model.Sector("water")),
		Category: ptr(model.Category("incident_response")), LineOfEffort: ptr(model.LineSustain),
		Priority: ptr(model.PriorityMedium), EstimatedEURMinor: ptr(int64(1_000_000_00)),
		NeededBy: ptr(model.DateOf(now).AddDays(30)), TLP: &tlp,
	}
}

type env struct {
	a    *app.App
	cast apptest.Cast
	s    *store.DB
}

func (e env) create(t *testing.T, tlp model.TLP) model.Requirement {
	t.Helper()
	r, err := e.a.Requirements.Create(context.Background(), e.cast.Viewer("requester"), input(tlp))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (e env) validated(t *testing.T, tlp model.TLP) model.Requirement {
	t.Helper()
	ctx := context.Background()
	r := e.create(t, tlp)
	if _, err := e.a.Requirements.Submit(ctx, e.cast.Viewer("requester"), r.ID); err != nil {
		t.Fatal(err)
	}
	r, err := e.a.Requirements.Validate(ctx, e.cast.Viewer("validator"), r.ID, model.DecisionApprove, "")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func each(t *testing.T, fn func(t *testing.T, e env)) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		a, cast := apptest.New(t, s, func() time.Time { return now })
		fn(t, env{a, cast, s})
	})
}

func TestLifecycle(t *testing.T) {
	type step struct {
		as     string
		action string // submit, approve, return, reject, withdraw
		want   model.RequirementStatus
		err    error
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"approved", []step{{"requester", "submit", model.ReqSubmitted, nil}, {"validator", "approve", model.ReqValidated, nil}}},
		{"returned, changed, resubmitted", []step{{"requester", "submit", model.ReqSubmitted, nil}, {"validator", "return", model.ReqReturned, nil}, {"requester", "submit", model.ReqSubmitted, nil}, {"validator", "approve", model.ReqValidated, nil}}},
		{"rejected is final", []step{{"requester", "submit", model.ReqSubmitted, nil}, {"validator", "reject", model.ReqRejected, nil}, {"requester", "submit", "", model.ErrConflict}, {"requester", "withdraw", "", model.ErrConflict}}},
		{"a draft cannot be validated", []step{{"validator", "approve", "", model.ErrConflict}}},
		{"validated twice", []step{{"requester", "submit", model.ReqSubmitted, nil}, {"validator", "approve", model.ReqValidated, nil}, {"validator", "approve", "", model.ErrConflict}}},
		{"withdrawn by the beneficiary", []step{{"requester", "withdraw", model.ReqWithdrawn, nil}, {"requester", "submit", "", model.ErrConflict}}},
		{"withdrawn by a validator", []step{{"requester", "submit", model.ReqSubmitted, nil}, {"validator", "withdraw", model.ReqWithdrawn, nil}}},
		{"only the government validates", []step{{"requester", "submit", model.ReqSubmitted, nil}, {"coordinator", "approve", "", model.ErrForbidden}, {"requester", "approve", "", model.ErrForbidden}}},
		{"another beneficiary cannot submit", []step{{"requester2", "submit", "", model.ErrNotFound}}},
	}
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := e.create(t, model.TLPAmber)
				for i, st := range c.steps {
					v := e.cast.Viewer(st.as)
					var got model.Requirement
					var err error
					switch st.action {
					case "submit":
						got, err = e.a.Requirements.Submit(ctx, v, r.ID)
					case "withdraw":
						got, err = e.a.Requirements.Withdraw(ctx, v, r.ID)
					default:
						got, err = e.a.Requirements.Validate(ctx, v, r.ID, model.ValidationDecision(st.action), "Reason given")
					}
					if st.err != nil {
						if !errors.Is(err, st.err) {
							t.Fatalf("step %d (%s %s): err %v, want %v", i, st.as, st.action, err, st.err)
						}
						continue
					}
					if err != nil || got.Status != st.want {
						t.Fatalf("step %d (%s %s): %v, status %s, want %s", i, st.as, st.action, err, got.Status, st.want)
					}
				}
			})
		}
	})
}

func TestChangeOfScopeSendsBackToValidation(t *testing.T) {
	cases := []struct {
		name       string
		in         requirements.Input
		revalidate bool
	}{
		{"cost", requirements.Input{EstimatedEURMinor: ptr(int64(2_000_000_00))}, true},
		{"title", requirements.Input{Title: ptr("A wider retainer")}, true},
		{"category", requirements.Input{Category: ptr(model.Category("training"))}, true},
		{"quantity", requirements.Input{Quantity: ptr(int64(3))}, true},
		{"audience", requirements.Input{TLP: ptr(model.TLPClear)}, true},
		{"priority", requirements.Input{Priority: ptr(model.PriorityCritical)}, false},
		{"deadline", requirements.Input{NeededBy: ptr(model.DateOf(now).AddDays(60))}, false},
		{"same cost", requirements.Input{EstimatedEURMinor: ptr(int64(1_000_000_00))}, false},
	}
	each(t, func(t *testing.T, e env) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := e.validated(t, model.TLPAmber)
				got, err := e.a.Requirements.Update(context.Background(), e.cast.Viewer("requester"), r.ID, c.in)
				if err != nil {
					t.Fatal(err)
				}
				want := model.ReqValidated
				if c.revalidate {
					want = model.ReqSubmitted
				}
				if got.Status != want {
					t.Fatalf("status %s, want %s", got.Status, want)
				}
				// A donor loses sight of it until validated again.
				_, err = e.a.Requirements.Get(context.Background(), e.cast.Viewer("donor"), r.ID)
				if c.revalidate != errors.Is(err, model.ErrNotFound) {
					t.Fatalf("donor read after change: %v", err)
				}
			})
		}
	})
}

// TestTotalsCountOnlyWhatTheViewerSees checks that a RED pledge shows in no
// figure of a viewer it does not name.
func TestTotalsCountOnlyWhatTheViewerSees(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		r := e.validated(t, model.TLPAmber)
		pledge := func(as string, eur int64, tlp model.TLP) {
			if _, err := e.a.Pledges.Create(ctx, e.cast.Viewer(as), pledges.Input{
				RequirementID: &r.ID, AmountMinor: &eur, Currency: ptr("EUR"), TLP: &tlp,
			}); err != nil {
				t.Fatal(err)
			}
		}
		pledge("donor", 300_000_00, model.TLPRed)
		pledge("donor_ee", 200_000_00, model.TLPAmber)
		for _, c := range []struct {
			as      string
			pledged int64
			cov     model.Coverage
		}{
			{"donor", 500_000_00, model.CoveragePartial},
			{"donor_ee", 200_000_00, model.CoveragePartial},
			{"coordinator", 200_000_00, model.CoveragePartial},
		} {
			v, err := e.a.Requirements.Get(ctx, e.cast.Viewer(c.as), r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if v.PledgedEURMinor != c.pledged || v.Coverage != c.cov || len(v.Pledges) != map[bool]int{true: 2, false: 1}[c.as == "donor"] {
				t.Errorf("%s sees %d pledged (%s) over %d pledges, want %d", c.as, v.PledgedEURMinor, v.Coverage, len(v.Pledges), c.pledged)
			}
			d, err := e.a.Reports.Dashboard(ctx, e.cast.Viewer(c.as))
			if err != nil {
				t.Fatal(err)
			}
			if d.PledgedEURMinor != c.pledged {
				t.Errorf("%s's dashboard shows %d pledged, want %d", c.as, d.PledgedEURMinor, c.pledged)
			}
		}
	})
}

func TestListPagesThroughVisibleRecordsOnly(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		want := map[string]bool{}
		for i := range 7 {
			if i%3 == 0 {
				e.create(t, model.TLPAmber) // a draft: hidden from donors
				continue
			}
			want[e.validated(t, model.TLPAmber).ID] = true
		}
		seen := map[string]bool{}
		cursor := ""
		for pages := 0; ; pages++ {
			items, next, err := e.a.Requirements.List(ctx, e.cast.Viewer("donor"), model.RequirementFilter{}, cursor, 2)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				if seen[it.ID] || !want[it.ID] {
					t.Fatalf("page %d: unexpected or repeated %s", pages, it.Ref)
				}
				seen[it.ID] = true
			}
			if next == "" {
				break
			}
			cursor = next
		}
		if len(seen) != len(want) {
			t.Fatalf("saw %d of %d visible requirements", len(seen), len(want))
		}
	})
}

// TestEachSummaryIsWhatAllShows checks that folding the requirements in
// batches (EachSummary, EachView) meets every requirement a viewer sees
// once, as All shows it (EachSummary without the pledges), and
// no other: drafts, each label, pledges that engage a company on an AMBER
// need and RED pledges that change what one viewer sees of a need.
func TestEachSummaryIsWhatAllShows(t *testing.T) {
	defer requirements.SetSummaryBatch(2)()
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		for i, tlp := range []model.TLP{model.TLPClear, model.TLPGreen, model.TLPAmber, model.TLPAmberStrict, model.TLPRed, model.TLPAmber, model.TLPGreen} {
			e.create(t, tlp)
			if tlp == model.TLPRed {
				continue // validated only by a validator the requester names
			}
			r := e.validated(t, tlp)
			for j, as := range []string{"donor", "donor_company", "donor_ee"} {
				if _, err := e.a.Requirements.Get(ctx, e.cast.Viewer(as), r.ID); (i+j)%2 == 1 || err != nil {
					continue // not every donor may see every need
				}
				label := []model.TLP{model.TLPAmber, model.TLPRed, model.TLPGreen}[j]
				if _, err := e.a.Pledges.Create(ctx, e.cast.Viewer(as), pledges.Input{
					RequirementID: &r.ID, AmountMinor: ptr(int64(100_000_00 * (j + 1))), Currency: ptr("EUR"), TLP: &label,
				}); err != nil {
					t.Fatal(err)
				}
			}
		}
		names := []string{"visitor"}
		for n := range e.cast.Users {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			v := e.cast.Viewer(n)
			if n == "visitor" {
				v = policy.Viewer{}
			}
			all, err := e.a.Requirements.All(ctx, v, model.RequirementFilter{})
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]requirements.View{}
			for _, r := range all {
				r.Pledges = nil
				want[r.ID] = r
			}
			whole := map[string]requirements.View{}
			for _, r := range all {
				whole[r.ID] = r
			}
			for _, c := range []struct {
				name string
				each func(context.Context, policy.Viewer, func([]requirements.View) error) error
				want map[string]requirements.View
			}{{"EachSummary", e.a.Requirements.EachSummary, want}, {"ViewsWithin", viewsInRanges(e.a.Requirements, 2), whole}} {
				got := map[string]requirements.View{}
				if err := c.each(ctx, v, func(batch []requirements.View) error {
					for _, r := range batch {
						if _, twice := got[r.ID]; twice {
							t.Fatalf("%s, %s: %s met twice", c.name, n, r.Ref)
						}
						got[r.ID] = r
					}
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, c.want) {
					t.Fatalf("%s, %s: the fold met %d requirements, All shows %d, or they differ:\n got %+v\nwant %+v", c.name, n, len(got), len(c.want), got, c.want)
				}
			}
		}
	})
}

// viewsInRanges reads every requirement by ViewsWithin, in ranges of n,
// newest first, as a reader that keeps them by ranges does.
func viewsInRanges(rs *requirements.Service, n int) func(context.Context, policy.Viewer, func([]requirements.View) error) error {
	return func(ctx context.Context, v policy.Viewer, fn func([]requirements.View) error) error {
		below := ""
		for {
			views, next, err := rs.ViewsWithin(ctx, v, below, "", n)
			if err != nil {
				return err
			}
			if err := fn(views); err != nil || next == "" {
				return err
			}
			below = next
		}
	}
}

func TestNothingHalfWritten(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		before, err := e.s.ListAuditEvents(ctx, model.AuditFilter{}, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		in := input(model.TLPRed)
		in.NamedUserIDs = &[]string{"no-such-user"}
		if _, err := e.a.Requirements.Create(ctx, e.cast.Viewer("requester"), in); !errors.Is(err, model.ErrInvalid) {
			t.Fatalf("want an invalid named user, got %v", err)
		}
		after, err := e.s.ListAuditEvents(ctx, model.AuditFilter{}, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		reqs, err := e.s.ListRequirements(ctx, model.RequirementFilter{}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(before) || len(reqs) != 0 {
			t.Fatalf("a refused command left %d audit events and %d requirements behind", len(after)-len(before), len(reqs))
		}
		// The reference counter rolled back too: the next requirement is number 1.
		if r := e.create(t, model.TLPAmber); r.Ref != "REQ-2026-0001" {
			t.Fatalf("ref %s, want REQ-2026-0001", r.Ref)
		}
	})
}

// Only the originating organisation relaxes a label (FIRST TLP 2.0: the
// source sets it). A validator of the government once relaxed a
// beneficiary agency's AMBER+STRICT need to CLEAR on its own.
func TestOnlyTheOriginatorRelaxes(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		r := e.validated(t, model.TLPAmber)
		_, err := e.a.Requirements.Update(ctx, e.cast.Viewer("validator"), r.ID, requirements.Input{TLP: ptr(model.TLPClear)})
		var fe *model.FieldError
		if !errors.As(err, &fe) || fe.Field != "tlp" || fe.Code != "relabel_not_originator" {
			t.Fatalf("a validator relaxes the beneficiary's label: %v", err)
		}
		if _, err := e.a.Requirements.Update(ctx, e.cast.Viewer("validator"), r.ID, requirements.Input{TLP: ptr(model.TLPAmberStrict)}); err != nil {
			t.Fatalf("a validator makes the label stricter: %v", err)
		}
		got, err := e.a.Requirements.Update(ctx, e.cast.Viewer("requester"), r.ID, requirements.Input{TLP: ptr(model.TLPClear)})
		if err != nil || got.TLP != model.TLPClear {
			t.Fatalf("the beneficiary relaxes its own label: %+v %v", got.TLP, err)
		}
	})
}

// A validator who makes a need RED names itself and keeps the requester
// who drafted it among the readers, so that the beneficiary is not locked
// out of its own need.
func TestRedByAValidatorKeepsTheRequester(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		r := e.validated(t, model.TLPAmber)
		got, err := e.a.Requirements.Update(ctx, e.cast.Viewer("validator"), r.ID, requirements.Input{TLP: ptr(model.TLPRed)})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(got.NamedUserIDs, e.cast.Users["validator"].ID) || !slices.Contains(got.NamedUserIDs, e.cast.Users["requester"].ID) {
			t.Fatalf("named %v: want the validator and the requester who drafted it", got.NamedUserIDs)
		}
		if _, err := e.a.Requirements.Get(ctx, e.cast.Viewer("requester"), r.ID); err != nil {
			t.Fatalf("the requester no longer reads its own need: %v", err)
		}
		if _, err := e.a.Requirements.Get(ctx, e.cast.Viewer("donor"), r.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("a donor reads the RED need: %v", err)
		}
	})
}
