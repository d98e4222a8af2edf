package audit

import (
	"context"
	"time"

	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// By is the actor of a change a viewer makes.
func By(v policy.Viewer) Actor { return Actor{UserID: v.UserID, OrgID: v.Org.ID} }

// Records records the changes viewers make to one type of record: the
// services of requirements, pledges, offers and lessons each hold one.
type Records[T any] struct {
	// Type is the object type, and the prefix of each action.
	Type string
	ID   func(*T) string
	Now  func() time.Time
}

// Record appends action on after by v inside the transaction q; before is
// nil when the record is created.
func (r Records[T]) Record(ctx context.Context, q store.Audit, v policy.Viewer, action string, before, after *T) error {
	c := Change{Action: r.Type + "." + action, ObjectType: r.Type, ObjectID: r.ID(after), After: after}
	if before != nil {
		// A nil *T in an interface is not nil: it would be written as null.
		c.Before = before
	}
	_, err := Record(ctx, q, r.Now(), By(v), c)
	return err
}
