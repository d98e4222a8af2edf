package notify

import (
	"context"
	"errors"

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
// counts them; each row still passes through visible here, so a fault of
// the translation hides a notification rather than shows one.
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
	items, next, err := model.FillPage(after, limit, func(after string, n int) ([]model.Notification, error) {
		return s.store.PageNotifications(ctx, f, aud, order, after, n)
	}, func(n model.Notification) (model.Notification, bool, error) {
		ok, err := visible(ctx, s.store, v, n.ObjectType, n.ObjectID)
		if errors.Is(err, model.ErrNotFound) {
			err = nil
		}
		return n, ok, err
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
