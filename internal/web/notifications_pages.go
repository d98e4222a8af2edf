package web

import (
	"net/http"
	"net/url"

	"github.com/cyberaid/cyberaid/internal/model"
)

type notificationsData struct {
	Items []model.Notification
	Prefs []notificationPref
	// Unread counts the viewer's unread notifications, all pages together;
	// UpTo is the newest one's id, up to which "mark all as read" marks.
	Unread int
	UpTo   string
	Show   string
	Sort   string
	Nav    listNav
}

// notificationShow reads ?show=: all (the default) or unread.
func notificationShow(r *http.Request) (bool, error) {
	switch r.URL.Query().Get("show") {
	case "", "all":
		return false, nil
	case "unread":
		return true, nil
	}
	return false, model.Invalid("show", "must be all or unread")
}

func (s *Server) apiListNotifications(w http.ResponseWriter, r *http.Request) error {
	unread, err := notificationShow(r)
	if err != nil {
		return err
	}
	order, cursor, limit, err := sortedPageParams(r, model.NotificationSorts)
	if err != nil {
		return err
	}
	pg, err := s.Notify.Page(r.Context(), viewerOf(r), unread, order, cursor, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, struct {
		counted[model.Notification]
		Unread int `json:"unread"`
	}{newCounted(pg.Listing), pg.Unread})
}

type notificationPref struct {
	Kind model.NotificationKind
	On   bool
}

func (s *Server) notificationsPage(w http.ResponseWriter, r *http.Request) error {
	v := viewerOf(r)
	unread, err := notificationShow(r)
	if err != nil {
		return err
	}
	order, err := readSort(r, model.NotificationSorts, model.Sort{})
	if err != nil {
		return err
	}
	pg, err := s.Notify.Page(r.Context(), v, unread, order, r.URL.Query().Get("cursor"), listPage)
	if err != nil {
		return err
	}
	prefs, err := s.Notify.Preferences(r.Context(), v)
	if err != nil {
		return err
	}
	d := notificationsData{Items: pg.Items, Unread: pg.Unread, Show: r.URL.Query().Get("show"), Sort: order.String(),
		Nav: navFor(r, model.NotificationSorts, order, len(pg.Items), pg.Next, pg.Total)}
	if d.Unread > 0 {
		// "Mark all as read" marks up to the newest unread notification
		// there is, on whichever page or order it is asked from.
		if d.UpTo, err = s.Notify.NewestUnread(r.Context(), v); err != nil {
			return err
		}
	}
	for _, k := range model.NotificationKinds {
		d.Prefs = append(d.Prefs, notificationPref{Kind: k, On: prefs[k]})
	}
	l := s.localizer(r)
	lay := s.newLayout(r, l, "notifications", l.T("notifications.title"), d)
	switch r.URL.Query().Get("done") {
	case "saved":
		lay.Notice = l.T("notice.notifications.saved")
	case "read_all":
		lay.Notice = l.T("notice.notifications.read_all")
	}
	return s.render(w, r, http.StatusOK, "notifications", lay)
}

// saveNotificationSettings takes the whole form: a kind left unticked is off.
func (s *Server) saveNotificationSettings(w http.ResponseWriter, r *http.Request) error {
	v := viewerOf(r)
	if err := r.ParseForm(); err != nil {
		return model.Invalid("", "the form could not be read")
	}
	for _, k := range model.NotificationKinds {
		if err := s.Notify.SetPreference(r.Context(), v, k, r.PostForm.Get("mail_"+string(k)) == "on"); err != nil {
			return err
		}
	}
	return seeOther(w, r, "/notifications?done=saved")
}

func (s *Server) readNotification(w http.ResponseWriter, r *http.Request) error {
	if err := s.Notify.MarkRead(r.Context(), viewerOf(r), r.PathValue("id")); err != nil {
		return err
	}
	return seeOther(w, r, "/notifications"+listView(r, "show", "sort"))
}

// listView is the query of the list a form was sent from, as far as names
// it: the reader goes back to the same view, not to the list's first.
func listView(r *http.Request, names ...string) string {
	v := url.Values{}
	for _, n := range names {
		if x := r.URL.Query().Get(n); x != "" {
			v.Set(n, x)
		}
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// readAllNotifications marks read, in one command, every notification the
// list showed (up_to names its newest), not one that came after.
func (s *Server) readAllNotifications(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return model.Invalid("", "the form could not be read")
	}
	if _, err := s.Notify.MarkAllRead(r.Context(), viewerOf(r), r.PostForm.Get("up_to")); err != nil {
		return err
	}
	return seeOther(w, r, "/notifications?done=read_all")
}
