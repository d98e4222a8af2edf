package lessons

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Store is the part of the database the service uses. Changes run in
// InTx on the whole of store.Queries: a command writes records of several
// kinds and its audit event in one transaction.
type Store interface {
	records
	// InTx runs fn in one read-write transaction, committed if fn returns nil.
	InTx(ctx context.Context, fn func(q store.Queries) error) error
	// LessonByID locks the row for update inside a PostgreSQL transaction.
	LessonByID(ctx context.Context, id string) (model.Lesson, error)
	// ListLessons returns every lesson, newest first.
	ListLessons(ctx context.Context) ([]model.Lesson, error)
	// PageLessons and CountLessons apply the policy's decision
	// (policy.AudienceOf) in the database.
	PageLessons(ctx context.Context, f model.LessonFilter, a policy.Audience, s model.Sort, after string, limit int) ([]model.Lesson, error)
	CountLessons(ctx context.Context, f model.LessonFilter, a policy.Audience) (int, error)
	// EachLesson calls fn for every lesson, newest first.
	EachLesson(ctx context.Context, fn func(model.Lesson) error) error
}

// records are the reads that decide who sees a lesson: the record it is
// about, and the users it names. A transaction's store.Queries has them too.
type records interface {
	// RequirementByID locks the row for update inside a PostgreSQL transaction.
	RequirementByID(ctx context.Context, id string) (model.Requirement, error)
	// PledgesForRequirements returns every pledge on the given requirements.
	PledgesForRequirements(ctx context.Context, requirementIDs []string) ([]model.Pledge, error)
	PledgeByID(ctx context.Context, id string) (model.Pledge, error)
	UserByID(ctx context.Context, id string) (model.User, error)
}
