package requirements_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// eachReviews runs fn on both databases in a world that asks for the
// reviews of groups.
func eachReviews(t *testing.T, groups []model.WorkingGroup, fn func(t *testing.T, e env)) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		a, cast := apptest.NewWith(t, s, app.Options{Now: func() time.Time { return now }, Reviews: groups})
		fn(t, env{a, cast, s})
	})
}

var both = []model.WorkingGroup{model.GroupTechnical, model.GroupInteragency}

func (e env) submitted(t *testing.T, tlp model.TLP) model.Requirement {
	t.Helper()
	r, err := e.a.Requirements.Submit(context.Background(), e.cast.Viewer("requester"), e.create(t, tlp).ID)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func fieldCode(err error) (string, string) {
	var fe *model.FieldError
	if errors.As(err, &fe) {
		return fe.Field, fe.Code
	}
	return "", ""
}

func TestTwoReviewsValidate(t *testing.T) {
	eachReviews(t, both, func(t *testing.T, e env) {
		ctx := context.Background()
		r := e.submitted(t, model.TLPAmber)
		tech, ia := e.cast.Viewer("validator_tech"), e.cast.Viewer("validator_ia")
		got, err := e.a.Requirements.Review(ctx, tech, r.ID, requirements.ReviewInput{
			Decision: model.DecisionApprove, Comment: "Sound plan", Scores: &model.Scores{TechnicalCapacity: ptr(4), Relevance: ptr(5)},
		})
		if err != nil || got.Status != model.ReqSubmitted {
			t.Fatalf("technical approval: %v, status %s; want still submitted", err, got.Status)
		}
		// Listed as waiting for the interagency review, not the technical one.
		for _, c := range []struct {
			state model.ReviewState
			want  int
		}{{model.AwaitingInteragency, 1}, {model.AwaitingTechnical, 0}} {
			items, _, err := e.a.Requirements.List(ctx, ia, model.RequirementFilter{Review: c.state}, "", 0)
			if err != nil || len(items) != c.want {
				t.Fatalf("%s lists %d (%v), want %d", c.state, len(items), err, c.want)
			}
		}
		// The interagency validators are told; the technical ones are not.
		for as, want := range map[string]int{"validator_ia": 1, "validator_tech": 0, "validator": 0} {
			ns, err := e.a.Notify.List(ctx, e.cast.Viewer(as))
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, x := range ns {
				if x.Kind == model.NotifyReviewAwaited && x.ObjectID == r.ID {
					n++
				}
			}
			if n != want {
				t.Errorf("%s has %d review notices, want %d", as, n, want)
			}
		}
		// The technical group cannot review twice in a round.
		if _, err := e.a.Requirements.Validate(ctx, tech, r.ID, model.DecisionApprove, ""); !errors.Is(err, model.ErrConflict) {
			t.Fatalf("second technical review: %v, want a conflict", err)
		}
		got, err = e.a.Requirements.Review(ctx, ia, r.ID, requirements.ReviewInput{
			Decision: model.DecisionApprove, Scores: &model.Scores{StrategicImportance: ptr(3)},
		})
		if err != nil || got.Status != model.ReqValidated || got.ValidatedAt == nil {
			t.Fatalf("interagency approval: %v, status %s; want validated", err, got.Status)
		}
		rv, err := e.a.Requirements.Reviews(ctx, e.cast.Viewer("coordinator"), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		techRev, iaRev := rv.Of(model.GroupTechnical), rv.Of(model.GroupInteragency)
		if rv.Round != 1 || techRev == nil || iaRev == nil || len(rv.Awaiting) != 0 {
			t.Fatalf("reviews %+v", rv)
		}
		if *techRev.Scores.TechnicalCapacity != 4 || *techRev.Scores.Relevance != 5 || techRev.Scores.StrategicImportance != nil ||
			*iaRev.Scores.StrategicImportance != 3 || techRev.Comment != "Sound plan" || techRev.UserID != e.cast.Users["validator_tech"].ID {
			t.Fatalf("stored reviews %+v %+v", *techRev, *iaRev)
		}
		// Each review has its own audit event.
		evs, err := e.s.ListAuditEvents(ctx, model.AuditFilter{ObjectType: requirements.ReviewObject, ObjectID: r.ID}, 0, 0)
		if err != nil || len(evs) != 2 {
			t.Fatalf("%d review events (%v), want 2", len(evs), err)
		}
	})
}

func TestOneReturnOrRejectionDecides(t *testing.T) {
	eachReviews(t, both, func(t *testing.T, e env) {
		ctx := context.Background()
		r := e.submitted(t, model.TLPAmber)
		tech, ia := e.cast.Viewer("validator_tech"), e.cast.Viewer("validator_ia")
		if _, err := e.a.Requirements.Validate(ctx, tech, r.ID, model.DecisionApprove, ""); err != nil {
			t.Fatal(err)
		}
		got, err := e.a.Requirements.Validate(ctx, ia, r.ID, model.DecisionReturn, "Say which substations")
		if err != nil || got.Status != model.ReqReturned {
			t.Fatalf("return: %v, %s", err, got.Status)
		}
		// Resubmitted, it starts a fresh round: the earlier approval no longer counts.
		got, err = e.a.Requirements.Submit(ctx, e.cast.Viewer("requester"), r.ID)
		if err != nil || got.ReviewRound != 2 {
			t.Fatalf("resubmit: %v, round %d", err, got.ReviewRound)
		}
		rv, err := e.a.Requirements.Reviews(ctx, e.cast.Viewer("requester"), r.ID)
		if err != nil || len(rv.Current) != 0 || len(rv.Earlier) != 2 || len(rv.Awaiting) != 2 {
			t.Fatalf("after resubmission: %+v %v", rv, err)
		}
		got, err = e.a.Requirements.Validate(ctx, ia, r.ID, model.DecisionReject, "Out of scope")
		if err != nil || got.Status != model.ReqRejected {
			t.Fatalf("reject alone: %v, %s", err, got.Status)
		}
	})
}

func TestReviewRefusals(t *testing.T) {
	eachReviews(t, both, func(t *testing.T, e env) {
		ctx := context.Background()
		r := e.submitted(t, model.TLPAmber)
		cases := []struct {
			name, as    string
			in          requirements.ReviewInput
			field, code string
			kind        error
		}{
			{"validator in no group", "validator", requirements.ReviewInput{Decision: model.DecisionApprove}, "working_group", "no_working_group", model.ErrRule},
			{"score out of range", "validator_tech", requirements.ReviewInput{Decision: model.DecisionApprove, Scores: &model.Scores{Relevance: ptr(6)}}, "scores.relevance", "", model.ErrInvalid},
			{"another group's score", "validator_tech", requirements.ReviewInput{Decision: model.DecisionApprove, Scores: &model.Scores{StrategicImportance: ptr(2)}}, "scores.strategic_importance", "score_not_for_group", model.ErrRule},
			{"return without a reason", "validator_ia", requirements.ReviewInput{Decision: model.DecisionReturn}, "comment", "", model.ErrInvalid},
			{"a coordinator", "coordinator", requirements.ReviewInput{Decision: model.DecisionApprove}, "", "", model.ErrForbidden},
			{"another beneficiary", "requester2", requirements.ReviewInput{Decision: model.DecisionApprove}, "", "", model.ErrNotFound},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := e.a.Requirements.Review(ctx, e.cast.Viewer(c.as), r.ID, c.in)
				field, code := fieldCode(err)
				if !errors.Is(err, c.kind) || field != c.field || (c.code != "" && code != c.code) {
					t.Fatalf("err %v (field %q code %q), want %v on %q %q", err, field, code, c.kind, c.field, c.code)
				}
			})
		}
		got, err := e.a.Requirements.Get(ctx, e.cast.Viewer("requester"), r.ID)
		if err != nil || got.Status != model.ReqSubmitted {
			t.Fatalf("refused reviews changed the requirement: %v %s", err, got.Status)
		}
	})
}

// With a single review required, a validator of no group gives it (a
// deployment with one review need not sort validators into groups); a
// validator of the group not asked for is told so.
func TestSingleReview(t *testing.T) {
	eachReviews(t, []model.WorkingGroup{model.GroupTechnical}, func(t *testing.T, e env) {
		ctx := context.Background()
		r := e.submitted(t, model.TLPAmber)
		_, err := e.a.Requirements.Validate(ctx, e.cast.Viewer("validator_ia"), r.ID, model.DecisionApprove, "")
		if field, code := fieldCode(err); !errors.Is(err, model.ErrRule) || field != "working_group" || code != "review_not_required" {
			t.Fatalf("interagency validator: %v", err)
		}
		got, err := e.a.Requirements.Validate(ctx, e.cast.Viewer("validator"), r.ID, model.DecisionApprove, "")
		if err != nil || got.Status != model.ReqValidated {
			t.Fatalf("the single review: %v, %s", err, got.Status)
		}
		rv, err := e.a.Requirements.Reviews(ctx, e.cast.Viewer("validator"), r.ID)
		if err != nil || rv.Of(model.GroupTechnical) == nil {
			t.Fatalf("reviews %+v %v", rv, err)
		}
	})
}

// Reviews show how the government judged a need before donors saw it: a
// donor who sees the validated requirement does not read them.
func TestReviewsAreForTheValidationAudience(t *testing.T) {
	eachReviews(t, both, func(t *testing.T, e env) {
		ctx := context.Background()
		r := e.submitted(t, model.TLPGreen)
		for _, as := range []string{"validator_tech", "validator_ia"} {
			if _, err := e.a.Requirements.Validate(ctx, e.cast.Viewer(as), r.ID, model.DecisionApprove, ""); err != nil {
				t.Fatal(err)
			}
		}
		for as, sees := range map[string]bool{
			"requester": true, "validator": true, "coordinator": true, "validator_ia": true,
			"donor": false, "requester2": false, "viewer": false, "admin": false,
		} {
			if _, err := e.a.Requirements.Get(ctx, e.cast.Viewer(as), r.ID); err != nil && as != "requester2" {
				t.Fatalf("%s cannot see the validated GREEN requirement: %v", as, err)
			}
			_, err := e.a.Requirements.Reviews(ctx, e.cast.Viewer(as), r.ID)
			if sees != (err == nil) || (!sees && !errors.Is(err, model.ErrNotFound)) {
				t.Errorf("%s reads reviews: %v, want %v", as, err, sees)
			}
		}
		// The review events follow the same rule in the audit log.
		for as, want := range map[string]int{"coordinator": 2, "donor": 0} {
			evs, err := e.a.Audit.History(ctx, e.cast.Viewer(as), requirements.ReviewObject, r.ID)
			if errors.Is(err, model.ErrNotFound) && want == 0 {
				continue
			}
			if err != nil || len(evs) != want {
				t.Errorf("%s reads %d review events (%v), want %d", as, len(evs), err, want)
			}
		}
	})
}

// A change of scope during review starts the reviews again.
func TestScopeChangeRestartsReviews(t *testing.T) {
	eachReviews(t, both, func(t *testing.T, e env) {
		ctx := context.Background()
		r := e.submitted(t, model.TLPAmber)
		if _, err := e.a.Requirements.Validate(ctx, e.cast.Viewer("validator_tech"), r.ID, model.DecisionApprove, ""); err != nil {
			t.Fatal(err)
		}
		got, err := e.a.Requirements.Update(ctx, e.cast.Viewer("requester"), r.ID, requirements.Input{EstimatedEURMinor: ptr(int64(3_000_000_00))})
		if err != nil || got.ReviewRound != 2 {
			t.Fatalf("update: %v, round %d", err, got.ReviewRound)
		}
		got, err = e.a.Requirements.Validate(ctx, e.cast.Viewer("validator_ia"), r.ID, model.DecisionApprove, "")
		if err != nil || got.Status != model.ReqSubmitted {
			t.Fatalf("the earlier technical approval still counted: %v, %s", err, got.Status)
		}
	})
}

func TestBulkReview(t *testing.T) {
	eachReviews(t, both, func(t *testing.T, e env) {
		ctx := context.Background()
		a, b := e.submitted(t, model.TLPAmber), e.submitted(t, model.TLPAmber)
		draft := e.create(t, model.TLPAmber)
		other, err := e.a.Requirements.Create(ctx, e.cast.Viewer("requester2"), input(model.TLPAmber))
		if err != nil {
			t.Fatal(err)
		}
		tech := e.cast.Viewer("validator_tech")
		out, err := e.a.Requirements.BulkReview(ctx, tech, []string{a.ID, b.ID, draft.ID, "no-such-id", a.ID}, model.DecisionApprove, "Fine")
		if err != nil {
			t.Fatal(err)
		}
		if len(out) != 4 {
			t.Fatalf("%d outcomes, want 4 (the repeated id once)", len(out))
		}
		want := []error{nil, nil, model.ErrConflict, model.ErrNotFound}
		for i, o := range out {
			if (want[i] == nil) != (o.Err == nil) || (want[i] != nil && !errors.Is(o.Err, want[i])) {
				t.Errorf("outcome %d (%s): %v, want %v", i, o.ID, o.Err, want[i])
			}
		}
		evs, err := e.s.ListAuditEvents(ctx, model.AuditFilter{ObjectType: requirements.ReviewObject}, 0, 0)
		if err != nil || len(evs) != 2 {
			t.Fatalf("%d review events, want one per approved requirement", len(evs))
		}
		if _, err := e.a.Requirements.BulkReview(ctx, tech, []string{a.ID}, model.DecisionReject, "No"); !errors.Is(err, model.ErrInvalid) {
			t.Fatalf("a bulk rejection: %v", err)
		}
		if _, err := e.a.Requirements.BulkReview(ctx, e.cast.Viewer("requester"), []string{other.ID}, model.DecisionApprove, ""); !errors.Is(err, model.ErrForbidden) {
			t.Fatalf("a requester's bulk review: %v", err)
		}
		if _, err := e.a.Requirements.BulkReview(ctx, tech, nil, model.DecisionApprove, ""); !errors.Is(err, model.ErrInvalid) {
			t.Fatalf("an empty bulk review: %v", err)
		}
	})
}

func TestRecipientType(t *testing.T) {
	each(t, func(t *testing.T, e env) {
		ctx := context.Background()
		in := input(model.TLPAmber)
		in.RecipientType = ptr(model.RecipientType("local_executive_body"))
		r, err := e.a.Requirements.Create(ctx, e.cast.Viewer("requester"), in)
		if err != nil || r.RecipientType != "local_executive_body" {
			t.Fatalf("create: %v %q", err, r.RecipientType)
		}
		if plain := e.create(t, model.TLPAmber); plain.RecipientType != model.RecipientOther {
			t.Fatalf("default recipient type %q", plain.RecipientType)
		}
		_, err = e.a.Requirements.Update(ctx, e.cast.Viewer("requester"), r.ID, requirements.Input{RecipientType: ptr(model.RecipientType("ministry"))})
		if field, _ := fieldCode(err); field != "recipient_type" {
			t.Fatalf("unknown recipient type: %v", err)
		}
		items, _, err := e.a.Requirements.List(ctx, e.cast.Viewer("requester"), model.RequirementFilter{Recipient: "local_executive_body"}, "", 0)
		if err != nil || len(items) != 1 || items[0].ID != r.ID {
			t.Fatalf("filter by recipient type: %d %v", len(items), err)
		}
	})
}
