package notify

import (
	"context"

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
	aud := policy.AudienceOf(v)
	f := model.NotificationFilter{UserID: v.UserID, Unread: unread}
	// Each batch the database gives is decided together (see seen), before
	// its rows are kept one by one.
	shown := map[string]bool{}
	items, next, err := model.FillPage(after, limit, func(after string, n int) ([]model.Notification, error) {
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
	if err != nil {
		return Page{}, err
	}
	total, _, err := s.store.CountNotifications(ctx, f, aud)
	if err != nil {
		return Page{}, err
	}
	_, unreadN, err := s.store.CountNotifications(ctx, model.NotificationFilter{UserID: v.UserID}, aud)
	if err != nil {
		return Page{}, err
	}
	return Page{Listing: model.Listing[model.Notification]{Items: items, Next: model.SortCursor(order, next), Total: total}, Unread: unreadN}, nil
}
