package web

import (
	"net/http"

	"github.com/cyberaid/cyberaid/internal/model"
)

type notificationsData struct {
	Items []model.Notification
	Prefs []notificationPref
	// Unread counts the unread among Items; UpTo is the newest item's id,
	// up to which "mark all as read" marks.
	Unread int
	UpTo   string
}

type notificationPref struct {
	Kind model.NotificationKind
	On   bool
}

func (s *Server) notificationsPage(w http.ResponseWriter, r *http.Request) error {
	v := viewerOf(r)
	items, err := s.Notify.List(r.Context(), v)
	if err != nil {
		return err
	}
	prefs, err := s.Notify.Preferences(r.Context(), v)
	if err != nil {
		return err
	}
	d := notificationsData{Items: items}
	for _, n := range items {
		if n.ReadAt == nil {
			d.Unread++
		}
	}
	if len(items) > 0 {
		d.UpTo = items[0].ID
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
	return seeOther(w, r, "/notifications")
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
