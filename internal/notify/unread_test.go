package notify_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestUnreadAndMarkAllRead: the menu's count counts unread notifications
// about records the reader may still see; marking all read marks the
// reader's own up to the newest shown, not a later one nor anyone else's.
func TestUnreadAndMarkAllRead(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		e := setup(t, s)
		ctx := context.Background()
		validated := func(title string, tlp model.TLP) model.Requirement { return e.validated(t, title, tlp) }
		count := func(who string) int {
			t.Helper()
			n, more, err := e.n.Unread(ctx, e.cast.Viewer(who))
			if err != nil || more {
				t.Fatalf("unread of %s: %d, more %v, %v", who, n, more, err)
			}
			return n
		}
		// The notifications page states the same count, from either view,
		// and marks all read up to the newest of those it may show.
		pageAgrees := func(who string) {
			t.Helper()
			v, want := e.cast.Viewer(who), count(who)
			all, err := e.n.Page(ctx, v, false, model.Sort{}, "", 0)
			if err != nil {
				t.Fatal(err)
			}
			unread, err := e.n.Page(ctx, v, true, model.Sort{}, "", 0)
			if err != nil {
				t.Fatal(err)
			}
			if all.Unread != want || unread.Unread != want || unread.Total != want || len(unread.Items) != want || all.Total < want {
				t.Fatalf("%s's page: %d unread of %d, unread view %d of %d listing %d; the menu counts %d",
					who, all.Unread, all.Total, unread.Unread, unread.Total, len(unread.Items), want)
			}
			newest, err := e.n.NewestUnread(ctx, v)
			if err != nil {
				t.Fatal(err)
			}
			if (want == 0 && newest != "") || (want > 0 && newest != unread.Items[0].ID) {
				t.Fatalf("%s's newest unread is %q", who, newest)
			}
		}
		validated("Firewalls", model.TLPAmber)
		hidden := validated("Substation sensors", model.TLPAmber)
		if got := count("donor_eu"); got != 2 {
			t.Fatalf("donor_eu has %d unread, want 2", got)
		}
		// The second record becomes AMBER+STRICT: its notification is no
		// longer counted for a donor who may not see it.
		strict := model.TLPAmberStrict
		if _, err := e.a.Requirements.Update(ctx, e.cast.Viewer("requester"), hidden.ID, requirements.Input{TLP: &strict}); err != nil {
			t.Fatal(err)
		}
		if got := count("donor_eu"); got != 1 {
			t.Fatalf("donor_eu has %d unread after the relabel, want 1 (the hidden one is not counted)", got)
		}
		pageAgrees("donor_eu")

		shown := e.unread(t, "donor")
		if len(shown) != 1 {
			t.Fatalf("donor lists %d notifications, want the 1 it may still see", len(shown))
		}
		// One more arrives after the list was shown: it stays unread.
		validated("Radio links", model.TLPGreen)
		marked, err := e.n.MarkAllRead(ctx, e.cast.Viewer("donor"), shown[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		// Only the one shown: the hidden one is newer than it.
		if marked != 1 {
			t.Fatalf("marked %d, want 1", marked)
		}
		if got := count("donor"); got != 1 {
			t.Fatalf("donor has %d unread after marking all read, want the 1 that came later", got)
		}
		pageAgrees("donor")
		// Another donor's notifications are untouched.
		if got := count("donor_ee"); got != 2 {
			t.Fatalf("donor_ee has %d unread, want 2: someone else's mark reached them", got)
		}
		pageAgrees("donor_ee")
		if _, err := e.n.NewestUnread(ctx, policy.Viewer{}); !errors.Is(err, model.ErrUnauthenticated) {
			t.Fatalf("a visitor's newest unread: %v", err)
		}
		// A visitor has no notifications; a malformed mark is refused by field.
		if _, _, err := e.n.Unread(ctx, policy.Viewer{}); !errors.Is(err, model.ErrUnauthenticated) {
			t.Fatalf("a visitor's count: %v", err)
		}
		var fe *model.FieldError
		if _, err := e.n.MarkAllRead(ctx, e.cast.Viewer("donor"), "x' OR 1=1"); !errors.As(err, &fe) || fe.Field != "up_to" {
			t.Fatalf("a malformed up_to: %v", err)
		}
	})
}
