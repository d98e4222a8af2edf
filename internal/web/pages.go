package web

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/cyberaid/cyberaid/internal/i18n"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/reports"
)

const langCookie = "lang"

// layout is what every page hands the layout template; Data is the page's own.
type layout struct {
	// Content is the page's own part, rendered (render).
	Content   template.HTML
	Lang      string
	Title     string
	Nav       string // the section the page belongs to
	Here      string // where the language switch comes back to
	Languages []string
	SignedIn  bool
	User      model.User
	Org       model.Organisation
	CSRF      string
	Can       navPerms
	Notice    string
	Warning   string
	// Leads are the organisations leading the offices today, if known.
	Leads *leads
	Data  any
	// Record is what hangs on the record a page shows (documents,
	// results); nil on other pages.
	Record *recordExtras

	// Menu is the main menu's groups, of the pages the viewer may use.
	Menu []navGroup
	// Unread counts the viewer's unread notifications (UnreadMore: there
	// are more than Unread).
	Unread     int
	UnreadMore bool
	// Briefing links a list or the dashboard to its printable pack.
	Briefing string
}

type navPerms struct {
	Organisations bool
	Users         bool
	Audit         bool
	Imports       bool
	Matching      bool
	Deconfliction bool
	Bilateral     bool // may report bilateral assistance
}

// localizer picks the reader's language: the switch they used, else what
// their browser asks for, else English.
func (s *Server) localizer(r *http.Request) *i18n.Localizer {
	var cookie string
	if c, err := r.Cookie(langCookie); err == nil {
		cookie = c.Value
	}
	return s.i18n.For(cookie, r.Header.Get("Accept-Language"))
}

// newLayout fills what the header needs for the request's user.
func (s *Server) newLayout(r *http.Request, l *i18n.Localizer, nav, title string, data any) *layout {
	a := authOf(r)
	here := r.URL.RequestURI()
	if r.Method != http.MethodGet {
		// A re-rendered form has no address of its own to come back to; the
		// page the form was on (same-origin referrers only, by our policy) is
		// the nearest thing.
		here = "/"
		if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host {
			here = safeNext(ref.RequestURI())
		}
	}
	lay := &layout{
		Lang: l.Lang(), Title: title, Nav: nav, Here: here, Languages: i18n.Languages(), Data: data,
	}
	if !a.viewer.Anonymous() {
		lay.SignedIn = true
		lay.User = a.identity.User
		lay.Org = a.identity.Org
		if a.session != nil {
			lay.CSRF = a.session.CSRFToken
		}
		lay.Can = navPerms{
			Organisations: policy.Allowed(a.viewer, policy.OrganisationsRead),
			Users:         policy.Allowed(a.viewer, policy.UsersManage),
			Audit:         policy.Allowed(a.viewer, policy.AuditRead),
			Imports:       policy.Allowed(a.viewer, policy.ImportsRun),
			Matching:      policy.Allowed(a.viewer, policy.MatchingSuggest),
			Deconfliction: policy.Allowed(a.viewer, policy.DeconflictionRead),
			Bilateral:     policy.Allowed(a.viewer, policy.PledgesCreate) && policy.CanDonate(a.viewer.Org),
		}
	}
	lay.Menu = menu(l, lay.SignedIn, lay.Can)
	lay.Briefing = briefingLink(r)
	if c, ok := r.Context().Value(menuCountKey{}).(menuCount); ok {
		lay.Unread, lay.UnreadMore = c.unread, c.more
	} else if lay.SignedIn {
		at, err := s.notifyVersion(r, a)
		if err == nil {
			lay.Unread, lay.UnreadMore, err = s.Notify.UnreadAt(r.Context(), a.viewer, at)
		}
		if err != nil {
			// The count is a convenience of the menu; the page is shown without it.
			s.log.WarnContext(r.Context(), "counting unread notifications failed", "err", err)
			markPartial(r.Context())
		}
	}
	lay.Leads = s.currentLeads(r, a.viewer)
	return lay
}

// render executes a page into a buffer first, so that a template fault is a
// clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, page string, lay *layout) error {
	t, ok := s.pages[lay.Lang+"/"+page]
	if !ok {
		return errors.New("web: no page template " + page)
	}
	if err := s.recordExtras(r, page, lay); err != nil {
		return err
	}
	if rf := refusedOf(r); rf != nil && status == http.StatusOK {
		// The record's page is shown again for a form of it refused.
		status = rf.status
	}
	var content, buf bytes.Buffer
	if err := t.ExecuteTemplate(&content, page+"/content", lay); err != nil {
		return err
	}
	// The page's content is escaped as its own template, in the text of
	// the layout's main element where it stands.
	lay.Content = template.HTML(content.String())
	if err := t.ExecuteTemplate(&buf, "layout", lay); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// Pages show TLP-labelled records: no shared or browser cache keeps them.
	h.Set("Cache-Control", "no-store")
	h.Set("Vary", "Cookie, Accept-Language")
	h.Set("Content-Language", lay.Lang)
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// show renders with the request's language; title is a message id.
func (s *Server) show(w http.ResponseWriter, r *http.Request, status int, page, nav, title string, data any) error {
	l := s.localizer(r)
	return s.render(w, r, status, page, s.newLayout(r, l, nav, l.T(title), data))
}

// safeNext keeps a post-sign-in or language-switch destination on this
// site: a path, not "//host" or "/\host" (which browsers read as a host).
func safeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

// seeOther answers a successful form post: the browser loads the record,
// and reloading it does not send the form again.
func seeOther(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// errorPage is what an error page shows.
type errorPage struct {
	Status  int
	Heading string
	Text    string
	Detail  string
}

// pageFail answers a page whose handler failed: visitors are sent to sign
// in, a hidden or missing record is the same 404, and anything unexpected is
// logged and shown as our fault without its detail.
func (s *Server) pageFail(w http.ResponseWriter, r *http.Request, err error) {
	if abandoned(r, err) {
		s.answerAbandoned(w, r, err)
		return
	}
	e := errorFor(err)
	s.logError(r, err, e)
	if e.Status == http.StatusUnauthorized {
		next := "/"
		if r.Method == http.MethodGet {
			next = r.URL.RequestURI()
		}
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	l := s.localizer(r)
	ep := errorPage{Status: e.Status}
	switch e.Status {
	case http.StatusNotFound:
		ep.Heading, ep.Text = l.T("error.not_found.title"), l.T("error.not_found.text")
	case http.StatusForbidden:
		ep.Heading, ep.Text = l.T("error.forbidden.title"), l.T("error.forbidden.text")
	case http.StatusConflict:
		ep.Heading, ep.Text, ep.Detail = l.T("error.conflict.title"), l.T("error.conflict.text"), s.errorText(l, err)
	case http.StatusTooManyRequests:
		ep.Heading, ep.Text = l.T("error.rate_limited.title"), l.T("error.rate_limited")
	case http.StatusRequestEntityTooLarge:
		ep.Heading, ep.Text = l.T("error.invalid.title"), l.T("error.too_large")
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		ep.Heading, ep.Text, ep.Detail = l.T("error.invalid.title"), l.T("error.invalid.text"), s.errorText(l, err)
	default:
		ep.Heading, ep.Text = l.T("error.internal.title"), l.T("error.internal.text")
	}
	lay := s.newLayout(r, l, "", ep.Heading, ep)
	if rerr := s.render(w, r, e.Status, "error", lay); rerr != nil {
		s.log.ErrorContext(r.Context(), "rendering the error page failed", "err", rerr)
		http.Error(w, http.StatusText(e.Status), e.Status)
	}
}

// errorCodes are the domain's error codes the catalogue words for people;
// other errors show the domain's own (English) message.
var errorCodes = []string{
	"bad_credentials", "totp_required", "amount_not_positive", "amount_too_large",
	"date_in_past", "date_in_future", "required_to_submit", "requirement_not_open",
	"no_reference_rate", "email_taken", "name_taken", "validator_not_government",
	"requester_not_beneficiary", "donor_cannot_donate", "delegate_not_member",
	"contributor_not_business", "agency_not_beneficiary", "quantity_out_of_range",
	"not_editable", "not_submittable", "not_submitted", "not_withdrawable",
	"not_proposed", "review_pending", "no_review_pending", "invalid_csrf",
}

// errorText words an error for the reader, as a sentence of the catalogue
// in the reader's language (see sentenceOf).
func (s *Server) errorText(l *i18n.Localizer, err error) string {
	return sentenceOf(l, err)
}

// formErrors places every field error next to the form field it names;
// aliases map a domain field to the input that carries it
// (estimated_eur_minor is typed as euros in estimated_eur). A rule or state
// error the form cannot place becomes the form's own message. Anything
// else (a hidden record, a refused role, a fault) is returned, for pageFail
// to answer as any page would.
func (s *Server) formErrors(l *i18n.Localizer, err error, fields []string, aliases map[string]string) (map[string]string, string, error) {
	var se *model.StateError
	list := model.FieldErrorsOf(err)
	if len(list) == 0 {
		if errors.As(err, &se) {
			return nil, s.errorText(l, err), nil
		}
		return nil, "", err
	}
	if errors.Is(list[0].Kind, model.ErrUnauthenticated) && !slices.Contains(fields, list[0].Field) {
		return nil, "", err
	}
	var placed map[string]string
	var unplaced []string
	for _, fe := range list {
		field := fe.Field
		if a, ok := aliases[field]; ok {
			field = a
		}
		text := fieldSentence(l, fe)
		if slices.Contains(fields, field) {
			if placed == nil {
				placed = map[string]string{}
			}
			if _, taken := placed[field]; !taken {
				placed[field] = text
			}
			continue
		}
		unplaced = append(unplaced, text)
	}
	return placed, strings.Join(unplaced, " "), nil
}

// required reports every name/value pair left empty, in form order, so
// that the reader sees at once all that is missing.
func required(pairs ...string) error {
	var errs []error
	for i := 0; i+1 < len(pairs); i += 2 {
		if strings.TrimSpace(pairs[i+1]) == "" {
			errs = append(errs, model.Invalid(pairs[i], "is required"))
		}
	}
	return model.Collect(errs...)
}

// statusOf is the status a re-rendered form answers with.
func statusOf(err error) int {
	st := errorFor(err).Status
	if st < 400 || st >= 500 || st == http.StatusUnauthorized {
		return http.StatusBadRequest
	}
	return st
}

// setLanguage remembers the reader's choice for a year; the cookie is
// HttpOnly because nothing but the server reads it.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	known := false
	for _, l := range i18n.Languages() {
		known = known || l == code
	}
	if !known {
		return model.ErrNotFound
	}
	http.SetCookie(w, &http.Cookie{
		Name: langCookie, Value: code, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
	return seeOther(w, r, safeNext(r.URL.Query().Get("next")))
}

type dashboardData struct {
	D         reports.Dashboard
	MaxDonor  int64
	MaxLine   int64
	MaxStatus int64
	Anonymous bool
	Charts    []chartView
	Map       mapView
	// LessonsDue counts the lessons due for the coordination group's review.
	LessonsDue int
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) error {
	v := viewerOf(r)
	// The figures and the charts share their reading of the records.
	d, series, err := s.Reports.Front(r.Context(), v)
	if err != nil {
		return err
	}
	if err := s.nameDashboard(r, &d); err != nil {
		return err
	}
	data := dashboardData{D: d, Anonymous: v.Anonymous()}
	charts, err := s.drawCharts(r, series)
	if err != nil {
		return err
	}
	data.Charts = charts
	if data.Map, err = regionMap(s.localizer(r), series.Regions, d.NeedEURMinor); err != nil {
		return err
	}
	if data.LessonsDue, err = s.lessonsDue(r, v); err != nil {
		return err
	}
	for _, row := range d.ByDonor {
		data.MaxDonor = max(data.MaxDonor, row.EURMinor)
	}
	for _, row := range d.ByLine {
		data.MaxLine = max(data.MaxLine, row.EURMinor)
	}
	for _, row := range d.ByStatus {
		data.MaxStatus = max(data.MaxStatus, int64(row.Count))
	}
	return s.show(w, r, http.StatusOK, "dashboard", "dashboard", "dashboard.title", data)
}

// dashboardIn is the viewer's dashboard with its donors and implementers
// named in the reader's language; the report itself knows no language.
func (s *Server) dashboardIn(r *http.Request, v policy.Viewer) (reports.Dashboard, error) {
	d, err := s.Reports.Dashboard(r.Context(), v)
	if err != nil {
		return d, err
	}
	return d, s.nameDashboard(r, &d)
}

// nameDashboard names d's donors and implementers in the reader's language.
func (s *Server) nameDashboard(r *http.Request, d *reports.Dashboard) error {
	names, err := s.orgNames(r)
	if err != nil {
		return err
	}
	for _, rows := range [][]reports.Row{d.ByDonor, d.ByImplementer} {
		for i := range rows {
			if name, ok := names[rows[i].Key]; ok {
				rows[i].Label = name
			}
		}
	}
	return nil
}
