package notify

import (
	"context"
	"fmt"
	"slices"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// Page is one page of the viewer's notifications, with how many there are
// under the filter and how many of all of them are unread.
type Page struct {
	model.Listing[model.Notification]
	Unread int
}

// Page returns one page of the viewer's notifications about records they
// may still see (all, or only the unread), newest first unless asked,
// after cursor (as model.SortCursor wrote it). The database selects and
// counts them; each row is still decided here (seen), so a fault of the
// translation hides a notification rather than shows one.
func (s *Service) Page(ctx context.Context, v policy.Viewer, unread bool, order model.Sort, cursor string, limit int) (Page, error) {
	if v.Anonymous() {
		return Page{}, model.ErrUnauthenticated
	}
	after, err := model.ReadSortCursor(order, cursor)
	if err != nil {
		return Page{}, err
	}
	f := model.NotificationFilter{UserID: v.UserID, Unread: unread}
	got, err := s.keep(ctx, v, fmt.Sprintf("page\x00%t\x00%s\x00%s\x00%d", unread, order, cursor, limit), func(ctx context.Context) (any, int, error) {
		items, next, err := s.fill(ctx, v, f, order, after, limit)
		if err != nil {
			return nil, 0, err
		}
		// One count gives both figures: under the unread filter every
		// notification counted is unread, and without it the unread are
		// those counted with no time read. A user's count reads every
		// notification they have, so it is not taken twice.
		total, unreadN, err := s.store.CountNotifications(ctx, f, policy.AudienceOf(v))
		if err != nil {
			return nil, 0, err
		}
		size := 64
		for _, n := range items {
			size += notificationSize + len(n.Subject)
		}
		return Page{Listing: model.Listing[model.Notification]{Items: items, Next: model.SortCursor(order, next), Total: total}, Unread: unreadN}, size, nil
	})
	if err != nil {
		return Page{}, err
	}
	// Kept pages are read by several requests at once: each gets its own
	// slice of the items.
	pg := got.(Page)
	pg.Items = slices.Clone(pg.Items)
	return pg, nil
}

// notificationSize is about what a notification holds beside its subject:
// its ids, kind, times and the strings' headers.
const notificationSize = 256

// NewestUnread is the id of the viewer's newest unread notification about
// a record they may still see, "" if none: "mark all as read" marks up to
// it, from whichever page or order it is asked. Nothing is counted.
func (s *Service) NewestUnread(ctx context.Context, v policy.Viewer) (string, error) {
	if v.Anonymous() {
		return "", model.ErrUnauthenticated
	}
	got, err := s.keep(ctx, v, "newest unread", func(ctx context.Context) (any, int, error) {
		items, _, err := s.fill(ctx, v, model.NotificationFilter{UserID: v.UserID, Unread: true}, model.Sort{}, "", 1)
		if err != nil || len(items) == 0 {
			return "", 0, err
		}
		return items[0].ID, len(items[0].ID), nil
	})
	if err != nil {
		return "", err
	}
	return got.(string), nil
}

// fill reads a page of the notifications under f in order after the one
// whose id is after. Each batch the database gives is decided together
// (see seen), before its rows are kept one by one.
func (s *Service) fill(ctx context.Context, v policy.Viewer, f model.NotificationFilter, order model.Sort, after string, limit int) ([]model.Notification, string, error) {
	aud := policy.AudienceOf(v)
	shown := map[string]bool{}
	return model.FillPage(after, limit, func(after string, n int) ([]model.Notification, error) {
		ns, err := s.store.PageNotifications(ctx, f, aud, order, after, n)
		if err != nil {
			return nil, err
		}
		ok, err := seen(ctx, s.store, v, ns)
		if err != nil {
			return nil, err
		}
		clear(shown)
		for i, n := range ns {
			shown[n.ID] = ok[i]
		}
		return ns, nil
	}, func(n model.Notification) (model.Notification, bool, error) {
		return n, shown[n.ID], nil
	}, func(n model.Notification) string { return n.ID })
}
