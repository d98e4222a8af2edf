package lessons_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

func ptr[T any](v T) *T { return &v }

func TestLessons(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)
		a, cast := apptest.New(t, s, func() time.Time { return now })
		today := model.DateOf(now)

		// A draft requirement: only its beneficiary, validators and coordinators see it.
		r, err := a.Requirements.Create(ctx, cast.Viewer("requester"), requirements.Input{
			Title: ptr("Draft need"), Sector: ptr(model.Sector("energy")), Category: ptr(model.Category("edr")),
			LineOfEffort: ptr(model.LineSupport), Priority: ptr(model.PriorityHigh), EstimatedEURMinor: ptr(int64(10_000_00)),
			NeededBy: ptr(today.AddDays(30)), TLP: ptr(model.TLPGreen),
		})
		if err != nil {
			t.Fatal(err)
		}
		onDraft, err := a.Lessons.Create(ctx, cast.Viewer("requester"), lessons.Input{
			Title: ptr("Scope the need first"), Link: ptr(model.LinkRequirement), LinkID: &r.ID,
			TLP: ptr(model.TLPGreen), ReviewOn: ptr(today.AddDays(-10)),
		})
		if err != nil {
			t.Fatal(err)
		}
		general, err := a.Lessons.Create(ctx, cast.Viewer("coordinator"), lessons.Input{
			Title: ptr("Rotate the back office calmly"), TLP: ptr(model.TLPClear), ReviewOn: ptr(today.AddDays(-2)),
		})
		if err != nil {
			t.Fatal(err)
		}
		later, err := a.Lessons.Create(ctx, cast.Viewer("coordinator"), lessons.Input{
			Title: ptr("Not yet due"), TLP: ptr(model.TLPGreen), ReviewOn: ptr(today.AddDays(5)),
		})
		if err != nil {
			t.Fatal(err)
		}

		// A GREEN lesson on a record the donor may not see is hidden too.
		if _, err := a.Lessons.Get(ctx, cast.Viewer("donor"), onDraft.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("donor reads a lesson on a draft: %v", err)
		}
		ids := func(ls []model.Lesson) []string {
			var out []string
			for _, l := range ls {
				out = append(out, l.ID)
			}
			return out
		}
		due, err := a.Lessons.List(ctx, cast.Viewer("coordinator"), lessons.Filter{Due: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(due); len(got) != 2 || got[0] != onDraft.ID || got[1] != general.ID {
			t.Fatalf("due for review %v, want the draft's lesson then the general one", got)
		}
		public, err := a.Lessons.List(ctx, policy.Viewer{}, lessons.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(public); len(got) != 1 || got[0] != general.ID {
			t.Fatalf("a visitor sees %v, want the CLEAR lesson only", got)
		}

		// Implemented lessons leave the review list.
		if _, err := a.Lessons.Update(ctx, cast.Viewer("coordinator"), general.ID, lessons.Input{Status: ptr(model.LessonImplemented)}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Lessons.Update(ctx, cast.Viewer("donor"), later.ID, lessons.Input{Status: ptr(model.LessonDropped)}); !errors.Is(err, model.ErrForbidden) {
			t.Fatalf("a donor changes a coordinator's lesson: %v", err)
		}
		due, err = a.Lessons.List(ctx, cast.Viewer("coordinator"), lessons.Filter{Due: true})
		if err != nil || len(due) != 1 {
			t.Fatalf("due after implementation: %v, %v", ids(due), err)
		}

		// The audit log leaves out, whole, the events of a lesson its reader
		// may not see: not even their time or actor.
		events, err := a.Audit.List(ctx, cast.Viewer("admin"), model.AuditFilter{ObjectType: "lesson", ObjectID: onDraft.ID}, 0, 0)
		if err != nil || len(events) != 0 {
			t.Fatalf("an admin outside the beneficiary reads the audit of the lesson: %v, %v", events, err)
		}
		events, err = a.Audit.List(ctx, cast.Viewer("coordinator"), model.AuditFilter{ObjectType: "lesson", ObjectID: onDraft.ID}, 0, 0)
		if err != nil || len(events) != 1 || events[0].After == nil {
			t.Fatalf("a coordinator reads the audit of the lesson: %v, %v", events, err)
		}
	})
}
