package notify_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// unreadable is a store whose requirements cannot be read.
type unreadable struct{ store.Store }

var errUnreadable = errors.New("requirements cannot be read")

func (unreadable) RequirementsByID(context.Context, []string) ([]model.Requirement, error) {
	return nil, errUnreadable
}

// TestUndecidedMailIsRetried: an e-mail whose record cannot be read to
// decide who may see it is neither sent nor given up as hidden; it is
// tried again, as a failed send is, and given up after as many attempts.
func TestUndecidedMailIsRetried(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		e := setup(t, s)
		ctx := context.Background()
		e.validated(t, "Firewalls", model.TLPGreen)
		waiting, err := s.PendingMail(ctx, testNow, 1000)
		if err != nil || len(waiting) == 0 {
			t.Fatalf("no e-mail waits after a validation: %v", err)
		}
		broken := newNotifier(t, unreadable{s}, e.addr)
		for attempt := 1; attempt <= 5; attempt++ {
			n, err := broken.SendMail(ctx)
			if n != 0 || !errors.Is(err, errUnreadable) {
				t.Fatalf("attempt %d: sent %d, %v", attempt, n, err)
			}
			left, err := s.PendingMail(ctx, testNow, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if want := len(waiting); attempt < 5 && len(left) != want {
				t.Fatalf("after attempt %d, %d e-mails wait, want the %d undecided", attempt, len(left), want)
			}
			if attempt == 5 && len(left) != 0 {
				t.Fatalf("after the last attempt %d e-mails still wait", len(left))
			}
		}
		if got := e.inbox.take(); len(got) != 0 {
			t.Fatalf("undecided e-mails were sent: %v", recipients(got))
		}
	})
}
