package web

import (
	"net/http"

	"github.com/cyberaid/cyberaid/internal/model"
)

type notificationsData struct {
	Items []model.Notification
	Prefs []notificationPref
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
	for _, k := range model.NotificationKinds {
		d.Prefs = append(d.Prefs, notificationPref{Kind: k, On: prefs[k]})
	}
	l := s.localizer(r)
	lay := s.newLayout(r, l, "notifications", l.T("notifications.title"), d)
	if r.URL.Query().Get("done") == "saved" {
		lay.Notice = l.T("notice.notifications.saved")
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
