package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// listPage is one page of a counted list as the API answers it; id is the
// record's id, or the event's seq in the audit log.
type listPage struct {
	Items []map[string]any `json:"items"`
	Next  *string          `json:"next"`
	Total int              `json:"total"`
}

func itemKey(it map[string]any) string {
	if id, ok := it["id"].(string); ok {
		return id
	}
	if seq, ok := it["seq"].(float64); ok {
		return strconv.FormatInt(int64(seq), 10)
	}
	return ""
}

// walkList reads path limit records a page and returns every key in order,
// the total, and the answer's status (the first page's when it is not 200).
func walkList(t *testing.T, cl *client, as, path string, limit int, field func(map[string]any) string) ([]string, []string, int, int) {
	t.Helper()
	var keys, fields []string
	total, next := -1, ""
	for range 500 {
		p := path + "&limit=" + strconv.Itoa(limit)
		if next != "" {
			p += "&cursor=" + url.QueryEscape(next)
		}
		code, b := cl.do(as, "GET", p, "")
		if code != http.StatusOK {
			if total >= 0 {
				t.Fatalf("%q %s: %d %s after the first page", as, p, code, b)
			}
			return nil, nil, 0, code
		}
		var pg listPage
		if err := json.Unmarshal(b, &pg); err != nil {
			t.Fatalf("%q %s: %v", as, p, err)
		}
		if total >= 0 && total != pg.Total {
			t.Errorf("%q %s: total changed from %d to %d", as, p, total, pg.Total)
		}
		total = pg.Total
		for _, it := range pg.Items {
			keys = append(keys, itemKey(it))
			if field != nil {
				fields = append(fields, field(it))
			}
		}
		if pg.Next == nil {
			return keys, fields, total, http.StatusOK
		}
		next = *pg.Next
	}
	t.Fatalf("%q %s: the pages never end", as, path)
	return nil, nil, 0, 0
}

func statusOfErr(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, model.ErrUnauthenticated):
		return http.StatusUnauthorized
	case errors.Is(err, model.ErrForbidden):
		return http.StatusForbidden
	}
	return http.StatusInternalServerError
}

func text(key string) func(map[string]any) string {
	return func(it map[string]any) string { s, _ := it[key].(string); return s }
}

// countedList is one list under test: its path with its filters, its
// sorts, what each caller may see of it as the service decides record by
// record (and the status it answers them), and, when a sort's order can be
// read from a field, that field.
type countedList struct {
	path   string
	sorts  []string
	want   func(as string) ([]string, int)
	fields map[string]func(map[string]any) string
	// limit is the page size the list is walked with: 2 unless the list
	// is long (each audit page decides every event of the log for its
	// total).
	limit int
}

// TestCountedListsPerViewer walks the lessons, proposals, notifications,
// audit, organisations and users lists of the API as each caller (anonymous,
// of the wrong role, allowed to see some or all): every order, two records
// a page, gives exactly what the caller may see, in that order, with a
// total that counts nothing hidden; a bad sort or cursor is 400 naming it.
func TestCountedListsPerViewer(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, s *store.DB) {
		mail := &mailbox{got: map[string][]string{}}
		a, c := apptest.NewWith(t, s, app.Options{Now: clock, Mailer: mail})
		d := probeFixture(t, a, c, mail)
		ctx := context.Background()
		srv := httptest.NewServer(a.Web)
		defer srv.Close()
		cl := &client{t: t, base: srv.URL, http: srv.Client(), tokens: map[string]string{}}

		// A notification about a requirement its reader may not see: it
		// is neither listed nor counted.
		donor := d.cast.Viewer("donor")
		reqs, err := s.ListRequirements(ctx, model.RequirementFilter{}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		hidden := ""
		for _, r := range reqs {
			ps, err := s.PledgesForRequirements(ctx, []string{r.ID})
			if err != nil {
				t.Fatal(err)
			}
			if !policy.Visible(donor, policy.RequirementResource(r, ps)) {
				hidden = r.ID
				break
			}
		}
		if hidden == "" {
			t.Fatal("the fixture holds no requirement the donor may not see")
		}
		for i := range 3 {
			kind, typ, id := model.NotifyRequirementValidated, "requirement", hidden
			if i > 0 {
				kind, typ, id = model.NotifySecurity, "account", donor.UserID
			}
			if err := s.AddNotification(ctx, &model.Notification{UserID: donor.UserID, Kind: kind, ObjectType: typ, ObjectID: id,
				Subject: "user.password", Mail: model.MailNone}); err != nil {
				t.Fatal(err)
			}
		}

		// Two lessons due for review: one anyone may read, one a few may.
		for _, tlp := range []model.TLP{model.TLPClear, model.TLPAmberStrict} {
			title, due := "Due "+string(tlp), model.DateOf(clock()).AddDays(-3)
			if _, err := a.Lessons.Create(ctx, d.cast.Viewer("coordinator"), lessons.Input{Title: &title, ReviewOn: &due, TLP: &tlp}); err != nil {
				t.Fatal(err)
			}
		}

		ids := func(n int, id func(int) string) []string {
			out := make([]string, n)
			for i := range out {
				out[i] = id(i)
			}
			return out
		}
		lessonsFor := func(f lessons.Filter) func(as string) ([]string, int) {
			return func(as string) ([]string, int) {
				ls, err := a.Lessons.List(ctx, d.cast.Viewer(as), f)
				return ids(len(ls), func(i int) string { return ls[i].ID }), statusOfErr(err)
			}
		}
		proposalsFor := func(f model.ProposalFilter) func(as string) ([]string, int) {
			return func(as string) ([]string, int) {
				ps, _, err := a.Governance.List(ctx, d.cast.Viewer(as), f, "", 0)
				return ids(len(ps), func(i int) string { return ps[i].ID }), statusOfErr(err)
			}
		}
		auditFor := func(f model.AuditFilter) func(as string) ([]string, int) {
			return func(as string) ([]string, int) {
				var out []string
				var after int64
				for {
					es, err := a.Audit.List(ctx, d.cast.Viewer(as), f, after, 0)
					if err != nil {
						return nil, statusOfErr(err)
					}
					for _, e := range es {
						out = append(out, strconv.FormatInt(e.Seq, 10))
					}
					if len(es) == 0 {
						return out, http.StatusOK
					}
					after = es[len(es)-1].Seq
				}
			}
		}
		lists := []countedList{
			{path: "/api/v1/lessons?x=", sorts: model.LessonSorts, want: lessonsFor(lessons.Filter{}),
				fields: map[string]func(map[string]any) string{"title": text("title"), "status": text("status")}},
			{path: "/api/v1/lessons?due=true", sorts: model.LessonSorts, want: lessonsFor(lessons.Filter{Due: true})},
			{path: "/api/v1/lessons?status=proposed", sorts: []string{"title"}, want: lessonsFor(lessons.Filter{Status: model.LessonProposed})},
			{path: "/api/v1/proposals?x=", sorts: model.ProposalSorts, want: proposalsFor(model.ProposalFilter{}),
				fields: map[string]func(map[string]any) string{"title": text("title"), "status": text("status")}},
			{path: "/api/v1/proposals?status=open", sorts: []string{"title"}, want: proposalsFor(model.ProposalFilter{Status: model.ProposalOpen})},
			{path: "/api/v1/notifications?x=", sorts: model.NotificationSorts, want: func(as string) ([]string, int) {
				ns, err := a.Notify.List(ctx, d.cast.Viewer(as))
				return ids(len(ns), func(i int) string { return ns[i].ID }), statusOfErr(err)
			}},
			{path: "/api/v1/audit?x=", sorts: model.AuditSorts, want: auditFor(model.AuditFilter{}), limit: 100},
			{path: "/api/v1/audit?object_type=requirement", sorts: model.AuditSorts, want: auditFor(model.AuditFilter{ObjectType: "requirement"}), limit: 20},
			{path: "/api/v1/organisations?x=", sorts: model.OrganisationSorts, want: func(as string) ([]string, int) {
				os, err := a.Organisations.List(ctx, d.cast.Viewer(as))
				return ids(len(os), func(i int) string { return os[i].ID }), statusOfErr(err)
			}, fields: map[string]func(map[string]any) string{"name": text("name"), "country": text("country")}},
			{path: "/api/v1/users?x=", sorts: model.UserSorts, want: func(as string) ([]string, int) {
				us, err := a.Accounts.List(ctx, d.cast.Viewer(as))
				return ids(len(us), func(i int) string { return us[i].ID }), statusOfErr(err)
			}, fields: map[string]func(map[string]any) string{"email": text("email")}},
		}
		cast := []string{"", "admin", "coordinator", "validator", "requester", "donor", "donor_company", "viewer"}
		for _, l := range lists {
			all, _ := l.want("coordinator")
			if admin, code := l.want("admin"); code == http.StatusOK && len(admin) > len(all) {
				all = admin
			}
			limit := l.limit
			if limit == 0 {
				limit = 2
			}
			fewer, refused := false, false
			for _, as := range cast {
				want, wantCode := l.want(as)
				for _, sort := range l.sorts {
					for _, sort := range []string{sort, "-" + sort} {
						got, fields, total, code := walkList(t, cl, as, l.path+"&sort="+sort, limit, l.fields[strings.TrimPrefix(sort, "-")])
						if code != wantCode {
							t.Errorf("%q %s sort=%s: %d, want %d", as, l.path, sort, code, wantCode)
							continue
						}
						if code != http.StatusOK {
							refused = true
							continue
						}
						checkSameIDs(t, fmt.Sprintf("%q %s sort=%s", as, l.path, sort), want, got)
						if total != len(want) {
							t.Errorf("%q %s sort=%s: total %d, %d visible", as, l.path, sort, total, len(want))
						}
						if len(want) < len(all) {
							fewer = true
						}
						if fields != nil {
							ordered := slices.IsSorted(fields)
							if strings.HasPrefix(sort, "-") {
								ordered = slices.IsSortedFunc(fields, func(a, b string) int { return strings.Compare(b, a) })
							}
							if !ordered {
								t.Errorf("%q %s sort=%s: %v out of order", as, l.path, sort, fields)
							}
						}
					}
				}
				// The list's own order, and its first page and second.
				got, _, total, code := walkList(t, cl, as, l.path, limit, nil)
				if code == http.StatusOK && (total != len(want) || len(got) != len(want)) {
					t.Errorf("%q %s: %d records, total %d, %d visible", as, l.path, len(got), total, len(want))
				}
			}
			// The directory is whole to whoever may read it; each reader's
			// notifications are their own (the donor's hidden one is below).
			if !fewer && len(all) > 0 && !strings.Contains(l.path, "organisations") && !strings.Contains(l.path, "users") && !strings.Contains(l.path, "notifications") {
				t.Errorf("%s: no caller sees fewer records than another; the test proves nothing of hidden rows", l.path)
			}
			if !refused && !strings.Contains(l.path, "lessons") {
				t.Errorf("%s: no caller is refused", l.path)
			}
		}

		// A bad sort or cursor is 400 naming it.
		code, b := cl.do("admin", "GET", "/api/v1/audit?limit=1&sort=-at", "")
		var first listPage
		if err := json.Unmarshal(b, &first); err != nil || code != http.StatusOK || first.Next == nil {
			t.Fatalf("audit first page: %d %s", code, b)
		}
		for _, bad := range []struct{ as, path, field string }{
			{"donor", "/api/v1/lessons?sort=colour", "sort"},
			{"donor", "/api/v1/lessons?sort=title&sort=status", "sort"},
			{"donor", "/api/v1/lessons?cursor=nope", "cursor"},
			{"donor", "/api/v1/lessons?sort=title&cursor=01890000-0000-7000-8000-000000000000", "cursor"},
			{"donor", "/api/v1/proposals?sort=deadline", "sort"},
			{"donor", "/api/v1/proposals?cursor=title~x", "cursor"},
			{"donor", "/api/v1/notifications?sort=-kind", "sort"},
			{"donor", "/api/v1/notifications?show=some", "show"},
			{"donor", "/api/v1/notifications?cursor=12", "cursor"},
			{"admin", "/api/v1/audit?sort=seq", "sort"},
			{"admin", "/api/v1/audit?cursor=" + url.QueryEscape(*first.Next), "cursor"},
			{"admin", "/api/v1/audit?sort=at&cursor=x", "cursor"},
			{"admin", "/api/v1/organisations?sort=size", "sort"},
			{"admin", "/api/v1/users?sort=password", "sort"},
			{"admin", "/api/v1/users?sort=name&cursor=" + d.users["admin"].ID, "cursor"},
		} {
			code, b := cl.do(bad.as, "GET", bad.path, "")
			var e struct {
				Error struct{ Field string } `json:"error"`
			}
			_ = json.Unmarshal(b, &e)
			if code != http.StatusBadRequest || e.Error.Field != bad.field {
				t.Errorf("%s: %d %s, want 400 naming %s", bad.path, code, b, bad.field)
			}
		}
		stored, err := s.ListNotifications(ctx, donor.UserID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if seen, _ := lists[5].want("donor"); len(seen) >= len(stored) {
			t.Errorf("the donor sees all %d of its notifications, the hidden one too", len(stored))
		}
		code, b = cl.do("donor", "GET", "/api/v1/notifications", "")
		var notes struct {
			Total  int `json:"total"`
			Unread int `json:"unread"`
		}
		if err := json.Unmarshal(b, &notes); err != nil || code != http.StatusOK || notes.Unread > notes.Total || notes.Unread < 2 {
			t.Errorf("donor's notifications: %d %s", code, b)
		}
	})
}

// pageSession signs who in through the sign-in form, as a browser does
// (pages read the session cookie, not a bearer); "" stays anonymous.
func pageSession(t *testing.T, base, who string) func(path string) (int, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) (int, string) {
		t.Helper()
		res, err := hc.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if who != "" {
		form := url.Values{"email": {who + "@test.example"}, "password": {apptest.Password}, "next": {"/"}}
		res, err := hc.PostForm(base+"/signin", form)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in as %s: %d", who, res.StatusCode)
		}
	}
	return get
}

var relLink = regexp.MustCompile(`<a href="([^"]+)" rel="(prev|next)">`)

func pageLink(t *testing.T, body, rel string) string {
	t.Helper()
	for _, m := range relLink.FindAllStringSubmatch(body, -1) {
		if m[2] == rel {
			return html.UnescapeString(m[1])
		}
	}
	t.Fatalf("no %s link in the page", rel)
	return ""
}

// TestCountedListPages: each list page shows its sortable headers, the
// count of what the viewer may see, its filters kept in the URL and its
// pager, which goes to the second page and back; a bad sort is 400.
func TestCountedListPages(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, s *store.DB) {
		mail := &mailbox{got: map[string][]string{}}
		a, c := apptest.NewWith(t, s, app.Options{Now: clock, Mailer: mail})
		d := probeFixture(t, a, c, mail)
		ctx := context.Background()
		srv := httptest.NewServer(a.Web)
		defer srv.Close()
		sessions := map[string]func(string) (int, string){}
		for _, who := range []string{"", "admin", "coordinator", "donor", "viewer"} {
			sessions[who] = pageSession(t, srv.URL, who)
		}

		for _, p := range []struct {
			as, path string
			want     []string
		}{
			{"coordinator", "/lessons?sort=-title&status=proposed", []string{`aria-sort="descending"`, `name="sort" value="-title"`, `value="proposed" selected`}},
			{"coordinator", "/lessons?due=1", []string{`name="due" value="1" checked`}},
			{"donor", "/proposals?sort=decided&status=open", []string{`aria-sort="ascending"`, `status=open&amp;kind=&amp;sort=decided`}},
			{"admin", "/organisations?sort=-country", []string{`aria-sort="descending"`, "Members"}},
			{"admin", "/users?sort=organisation", []string{`aria-sort="ascending"`, `class="org-short"`}},
			{"admin", "/audit?object_type=requirement", []string{`aria-sort="descending"`, `value="requirement" selected`}},
			{"donor", "/notifications?show=unread&sort=created", []string{`value="unread" selected`, `value="created" selected`, `/read?show=unread&amp;sort=created"`}},
		} {
			code, body := sessions[p.as](p.path)
			if code != http.StatusOK || !strings.Contains(body, `class="list-count"`) {
				t.Errorf("%q %s: %d, no count line", p.as, p.path, code)
				continue
			}
			for _, w := range p.want {
				if !strings.Contains(body, w) {
					t.Errorf("%q %s: no %s", p.as, p.path, w)
				}
			}
		}
		for _, bad := range []string{"/lessons?sort=x", "/proposals?sort=x", "/notifications?sort=-x", "/audit?sort=seq", "/organisations?sort=x", "/users?sort=x", "/notifications?show=x"} {
			if code, _ := sessions["admin"](bad); code != http.StatusBadRequest {
				t.Errorf("%s: %d, want 400", bad, code)
			}
		}
		for _, p := range []struct{ as, path string }{{"", "/audit"}, {"donor", "/audit"}, {"coordinator", "/users"}} {
			if code, _ := sessions[p.as](p.path); code != http.StatusUnauthorized && code != http.StatusForbidden && code != http.StatusSeeOther {
				t.Errorf("%q %s: %d, want refused", p.as, p.path, code)
			}
		}

		// Past a page of notifications: to the second page and back.
		viewer := d.cast.Viewer("viewer")
		for range 55 {
			if err := s.AddNotification(ctx, &model.Notification{UserID: viewer.UserID, Kind: model.NotifySecurity, ObjectType: "account",
				ObjectID: viewer.UserID, Subject: "user.password", Mail: model.MailNone}); err != nil {
				t.Fatal(err)
			}
		}
		pg, err := a.Notify.Page(ctx, viewer, false, model.Sort{}, "", 1)
		if err != nil {
			t.Fatal(err)
		}
		n := pg.Total
		_, first := sessions["viewer"]("/notifications?sort=created")
		countLine := func(body string) string {
			i := strings.Index(body, `class="list-count"`)
			j := strings.Index(body[i:], "</p>")
			return body[i : i+j]
		}
		if want := fmt.Sprintf("1–50 of %d", n); !strings.Contains(countLine(first), want) {
			t.Fatalf("first page: %q, want %q", countLine(first), want)
		}
		_, second := sessions["viewer"](pageLink(t, first, "next"))
		if want := fmt.Sprintf("51–%d of %d", n, n); !strings.Contains(countLine(second), want) {
			t.Errorf("second page: %q, want %q", countLine(second), want)
		}
		if _, back := sessions["viewer"](pageLink(t, second, "prev")); countLine(back) != countLine(first) || !strings.Contains(pageLink(t, back, "next"), "sort=created") {
			t.Errorf("back to the first page: %q", countLine(back))
		}
	})
}
