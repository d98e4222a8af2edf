package governance

import (
	"context"
	"time"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Notifier hears of the events people are told about. It runs inside the
// transaction of the change, so that a notification is never sent for a
// change that did not happen, nor lost for one that did.
type Notifier interface {
	ProposalOpened(ctx context.Context, q store.Queries, p model.Proposal) error
	DeadlineNear(ctx context.Context, q store.Queries, p model.Proposal, silent []string) error
	ProposalClosed(ctx context.Context, q store.Queries, p model.Proposal) error
}

type nopNotifier struct{}

func (nopNotifier) ProposalOpened(context.Context, store.Queries, model.Proposal) error { return nil }
func (nopNotifier) DeadlineNear(context.Context, store.Queries, model.Proposal, []string) error {
	return nil
}
func (nopNotifier) ProposalClosed(context.Context, store.Queries, model.Proposal) error { return nil }

type Service struct {
	store   Store
	now     func() time.Time
	figures FigureSource
	notify  Notifier
	// lessonVisible checks agenda items that link a lesson.
	lessonVisible LinkCheck
}

// NewService builds the service; figures computes the live numbers a
// statement quotes, notify hears of openings and closings (nil: nobody),
// lessonVisible checks agenda items that link a lesson, which another
// package keeps (nil: no lesson may be linked).
func NewService(s Store, now func() time.Time, figures FigureSource, notify Notifier, lessonVisible LinkCheck) *Service {
	if notify == nil {
		notify = nopNotifier{}
	}
	if figures == nil {
		figures = func(context.Context) (Figures, error) { return Figures{}, nil }
	}
	return &Service{store: s, now: now, figures: figures, notify: notify, lessonVisible: lessonVisible}
}

func (s *Service) record(ctx context.Context, q store.Queries, actor audit.Actor, action, objectType, id string, before, after any) error {
	c := audit.Change{Action: action, ObjectType: objectType, ObjectID: id, After: after}
	if before != nil {
		c.Before = before
	}
	_, err := audit.Record(ctx, q, s.now(), actor, c)
	return err
}
