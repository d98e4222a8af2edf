package web_test

import (
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/web"
)

// TestKeptAnswersFollowEveryChange: the API's reads are kept between
// changes (kept.go). After each step of a random sequence of changes (new,
// relabelled, shared, withdrawn requirements; pledges made, relabelled,
// withdrawn; offers made and withdrawn; a day passing), every member of
// the cast reads every kept route through the API twice, and both answers
// equal those of a server that keeps none, and the lists equal what the
// services compute at that moment: a kept answer never outlives a change,
// and never reaches anyone else. The kept pages likewise, each read in the
// member's own browser sessions, after their notifications are read or
// added and after the log's background verification too (none of which is
// audited), and in the other language. The test's clock moves only with a
// day: the audit log's page, whose checkpoint is signed when it is made,
// is then the same made anew (TestAuditPageKept holds it to its time).
func TestKeptAnswersFollowEveryChange(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		now := time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		a, cast := apptest.New(t, s, clock)
		web.KeepEverything(a.Web)
		srv := httptest.NewServer(a.Web)
		defer srv.Close()
		cl := &client{t: t, base: srv.URL, http: srv.Client(), tokens: map[string]string{}}
		twin, err := web.Uncached(a.Web.Deps)
		if err != nil {
			t.Fatal(err)
		}
		fresh := httptest.NewServer(twin)
		defer fresh.Close()
		rng := rand.New(rand.NewPCG(2026, 12))
		pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
		today := func() model.Date { return model.DateOf(clock()) }
		named := func(l model.TLP) *[]string {
			if l != model.TLPRed {
				return nil
			}
			return &[]string{cast.Users[pick([]string{"donor", "donor_company", "viewer", "requester2"})].ID}
		}
		label := func() *model.TLP { return &model.TLPs[rng.IntN(len(model.TLPs))] }
		requesters := []string{"requester", "requester2"}
		donors := []string{"donor", "donor_ee", "donor_company", "donor_ngo"}
		var reqs []string
		var pls, ofs []owned

		var check func(step string)
		viewers := []string{"", "donor", "donor_company", "donor_ngo", "requester", "requester2", "coordinator", "viewer"}
		// Each member's two browser sessions, the same on both servers:
		// a session's CSRF token is in every page it is shown.
		sessions := map[string][]string{"": {""}}
		startSessions := func() {
			for _, as := range viewers[1:] {
				id, _, _, err := a.Accounts.Token(ctx, cl.token(as))
				if err != nil {
					t.Fatal(err)
				}
				sessions[as] = nil
				for range 2 {
					token, _, err := a.Accounts.StartSession(ctx, id)
					if err != nil {
						t.Fatal(err)
					}
					sessions[as] = append(sessions[as], token)
				}
			}
		}
		startSessions()
		// readOne marks read an unread notification of someone in the cast.
		readOne := func() (model.Notification, bool) {
			for _, i := range rng.Perm(len(viewers) - 1) {
				as := viewers[1+i]
				ns, err := a.Notify.List(ctx, cast.Viewer(as))
				if err != nil {
					t.Fatal(err)
				}
				for _, n := range ns {
					if n.ReadAt == nil {
						if err := a.Notify.MarkRead(ctx, cast.Viewer(as), n.ID); err != nil {
							t.Fatal(err)
						}
						return n, true
					}
				}
			}
			return model.Notification{}, false
		}
		ops := []func() string{
			func() string {
				as, l := pick(requesters), label()
				r, err := a.Requirements.Create(ctx, cast.Viewer(as), requirements.Input{
					Title: ptr("Need"), Sector: ptr(model.Sectors[rng.IntN(len(model.Sectors))]), Category: ptr(model.Categories[rng.IntN(len(model.Categories))]),
					LineOfEffort: ptr(model.LineStrengthen), Priority: ptr(model.Priorities[rng.IntN(len(model.Priorities))]),
					EstimatedEURMinor: ptr(int64(1+rng.IntN(100)) * 10_000_00), NeededBy: ptr(today().AddDays(60)), TLP: l, NamedUserIDs: named(*l),
				})
				if err != nil {
					t.Fatalf("create requirement: %v", err)
				}
				reqs = append(reqs, r.ID)
				if _, err := a.Requirements.Submit(ctx, cast.Viewer(as), r.ID); err != nil {
					t.Fatalf("submit: %v", err)
				}
				if rng.IntN(4) > 0 {
					if _, err := a.Requirements.Validate(ctx, cast.Viewer("validator"), r.ID, model.DecisionApprove, ""); err != nil {
						t.Fatalf("validate: %v", err)
					}
				}
				return "a requirement"
			},
			func() string {
				if len(reqs) == 0 {
					return ""
				}
				as, l := pick(donors), label()
				for range 8 {
					p, err := a.Pledges.Create(ctx, cast.Viewer(as), pledges.Input{RequirementID: ptr(pick(reqs)), AmountMinor: ptr(int64(1+rng.IntN(50)) * 1_000_00),
						Currency: ptr(pick([]string{"EUR", "USD"})), TLP: l, NamedUserIDs: named(*l)})
					if err == nil {
						pls = append(pls, owned{p.ID, as})
						return "a pledge"
					}
				}
				return ""
			},
			func() string {
				if len(pls) == 0 {
					return ""
				}
				p, l := pls[rng.IntN(len(pls))], label()
				if _, err := a.Pledges.Update(ctx, cast.Viewer(p.by), p.id, pledges.Input{TLP: l, NamedUserIDs: named(*l)}); err != nil {
					return ""
				}
				return "a pledge relabelled"
			},
			func() string {
				if len(pls) == 0 {
					return ""
				}
				p := pls[rng.IntN(len(pls))]
				if _, err := a.Pledges.Withdraw(ctx, cast.Viewer(p.by), p.id); err != nil {
					return ""
				}
				return "a pledge withdrawn"
			},
			func() string {
				if len(reqs) == 0 {
					return ""
				}
				id, l := pick(reqs), label()
				for _, as := range requesters {
					if _, err := a.Requirements.Update(ctx, cast.Viewer(as), id, requirements.Input{TLP: l, NamedUserIDs: named(*l)}); err == nil {
						return "a requirement relabelled"
					}
				}
				return ""
			},
			func() string {
				if len(reqs) == 0 {
					return ""
				}
				org := cast.Orgs[pick([]string{"us", "company", "ngo", "eu", "power"})].ID
				if _, err := a.Requirements.Share(ctx, cast.Viewer("coordinator"), pick(reqs), []string{org}); err != nil {
					return ""
				}
				return "a requirement shared"
			},
			func() string {
				if len(reqs) == 0 {
					return ""
				}
				id := pick(reqs)
				for _, as := range requesters {
					if _, err := a.Requirements.Withdraw(ctx, cast.Viewer(as), id); err == nil {
						return "a requirement withdrawn"
					}
				}
				return ""
			},
			func() string {
				as, l := pick(donors), label()
				o, err := a.Offers.Create(ctx, cast.Viewer(as), offers.Input{Title: ptr("Licences"), Kind: ptr(model.PledgeMoney),
					AmountMinor: ptr(int64(1+rng.IntN(20)) * 10_000_00), Currency: ptr("EUR"), ValidUntil: ptr(today().AddDays(rng.IntN(3))),
					TLP: l, NamedUserIDs: named(*l)})
				if err != nil {
					t.Fatalf("create offer: %v", err)
				}
				ofs = append(ofs, owned{o.ID, as})
				return "an offer"
			},
			func() string {
				if len(ofs) == 0 {
					return ""
				}
				o := ofs[rng.IntN(len(ofs))]
				if _, err := a.Offers.Update(ctx, cast.Viewer(o.by), o.id, offers.Input{Status: ptr(model.OfferWithdrawn)}); err != nil {
					return ""
				}
				return "an offer withdrawn"
			},
			func() string { // no change: the kept answers are served
				return "nothing"
			},
			func() string { // a notification read, then one added as a job adds them: neither is audited
				n, ok := readOne()
				if !ok {
					return ""
				}
				check("a notification read before another came")
				again := model.Notification{UserID: n.UserID, Kind: n.Kind, ObjectType: n.ObjectType, ObjectID: n.ObjectID,
					Subject: n.Subject, Mail: model.MailNone}
				if err := s.AddNotification(ctx, &again); err != nil {
					t.Fatal(err)
				}
				return "a notification added alone"
			},
			func() string { // the background job verifies the log: not audited, shown on the audit page
				v, err := a.AuditLog.VerifyNow(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if err := s.FinishAuditVerification(ctx, v); err != nil {
					t.Fatal(err)
				}
				return "the log verified"
			},
			func() string { // a read mark, which is not audited, changes the pages' menu
				if _, ok := readOne(); !ok {
					return ""
				}
				return "a notification read"
			},
			func() string { // an offer usable today only, read just before midnight, and read again just after
				mu.Lock()
				y, m, d := now.Date()
				now = time.Date(y, m, d, 23, 58, 0, 0, time.UTC)
				mu.Unlock()
				// New tokens first, each an audit event: after them, only the
				// day tells the answers apart.
				clear(cl.tokens)
				for _, as := range viewers {
					if as != "" {
						cl.token(as)
					}
				}
				startSessions()
				if _, err := a.Offers.Create(ctx, cast.Viewer("donor"), offers.Input{Title: ptr("Licences"), Kind: ptr(model.PledgeMoney),
					AmountMinor: ptr(int64(10_000_00)), Currency: ptr("EUR"), ValidUntil: ptr(today()), TLP: ptr(model.TLPClear)}); err != nil {
					t.Fatalf("create offer: %v", err)
				}
				check("an offer usable today only")
				mu.Lock()
				now = now.Add(4 * time.Minute)
				mu.Unlock()
				return "a day"
			},
		}

		lists := []struct {
			path   string
			direct func(v policy.Viewer) (any, error)
		}{
			{"/api/v1/requirements", func(v policy.Viewer) (any, error) {
				return asListing(a.Requirements.Page(ctx, v, model.RequirementFilter{}, model.Sort{}, "", 0))
			}},
			{"/api/v1/requirements?sector=energy", func(v policy.Viewer) (any, error) {
				return asListing(a.Requirements.Page(ctx, v, model.RequirementFilter{Sector: "energy"}, model.Sort{}, "", 0))
			}},
			{"/api/v1/pledges", func(v policy.Viewer) (any, error) {
				return asListing(a.Pledges.Page(ctx, v, model.PledgeFilter{}, model.Sort{}, "", 0))
			}},
			{"/api/v1/offers", func(v policy.Viewer) (any, error) {
				return asListing(a.Offers.Page(ctx, v, model.OfferFilter{}, model.Sort{}, "", 0))
			}},
		}
		check = func(step string) {
			t.Helper()
			for _, as := range viewers {
				var v policy.Viewer
				if as != "" {
					v = cast.Viewer(as)
				}
				for _, l := range lists {
					want, err := l.direct(v)
					if err != nil {
						t.Fatalf("%s: %q %s directly: %v", step, as, l.path, err)
					}
					for _, read := range []string{"first", "second"} {
						code, b := cl.do(as, "GET", l.path, "")
						if code != http.StatusOK {
							t.Fatalf("%s: %q %s: %d %s", step, as, l.path, code, b)
						}
						var got any
						if err := json.Unmarshal(b, &got); err != nil {
							t.Fatal(err)
						}
						if !reflect.DeepEqual(got, want) {
							t.Fatalf("after %s, %q's %s read %s through the API:\n%s\nwant, as computed now:\n%s", step, as, l.path, read, b, mustJSON(t, want))
						}
					}
				}
				uncached := &client{t: t, base: fresh.URL, http: fresh.Client(), tokens: cl.tokens}
				for _, path := range keptPaths(reqs, pls, ofs) {
					wantCode, want := uncached.do(as, "GET", path, "")
					for _, read := range []string{"first", "second"} {
						if code, b := cl.do(as, "GET", path, ""); code != wantCode || string(b) != string(want) {
							t.Fatalf("after %s, %q's %s read %s through the API: %d %s\nwant, from a server that keeps nothing: %d %s", step, as, path, read, code, b, wantCode, want)
						}
					}
				}
				for _, path := range keptPages(reqs, pls, ofs) {
					for i, session := range sessions[as] {
						for _, lang := range []string{"en", "uk"}[:2-i] {
							wantCode, want := readPage(t, fresh.URL+path, session, lang)
							for _, read := range []string{"first", "second"} {
								if code, b := readPage(t, srv.URL+path, session, lang); code != wantCode || b != want {
									t.Fatalf("after %s, %q's page %s in %s, session %d, read %s: %d %s\nwant, from a server that keeps nothing: %d %s", step, as, path, lang, i+1, read, code, b, wantCode, want)
								}
							}
						}
					}
				}
			}
		}
		check("the start")
		var steps []string
		// Two requirements and a pledge, each kind of step once, then any.
		order := []int{0, 0, 1}
		for i := range ops {
			order = append(order, i)
		}
		for len(steps) < 36 {
			i := rng.IntN(len(ops))
			if len(order) > 0 {
				i, order = order[0], order[1:]
			}
			if step := ops[i](); step != "" {
				steps = append(steps, step)
				check(step)
			}
		}
		for _, want := range []string{"a pledge", "a pledge withdrawn", "a requirement relabelled", "a requirement shared", "an offer withdrawn", "a day", "nothing", "a notification read", "a notification added alone", "the log verified"} {
			if !slices.Contains(steps, want) {
				t.Errorf("the sequence took no step %q: %v", want, steps)
			}
		}
	})
}

// owned is a record and the short name of who made it.
type owned struct{ id, by string }

// keptPaths are the reads kept.go keeps (routes.go), of the newest
// records.
func keptPaths(reqs []string, pls, ofs []owned) []string {
	paths := []string{"/api/v1/deconfliction", "/api/v1/reports/summary?by=sector", "/api/v1/reports/summary?by=donor",
		"/api/v1/reports/charts", "/api/v1/search?q=need", "/api/v1/results", "/api/v1/audit?limit=20"}
	for _, id := range reqs[max(0, len(reqs)-3):] {
		paths = append(paths, "/api/v1/requirements/"+id, "/api/v1/matching/suggestions?requirement="+id)
	}
	for _, p := range pls[max(0, len(pls)-2):] {
		paths = append(paths, "/api/v1/pledges/"+p.id)
	}
	for _, o := range ofs[max(0, len(ofs)-2):] {
		paths = append(paths, "/api/v1/offers/"+o.id)
	}
	return paths
}

// keptPages are the pages kept.go keeps (routes.go), of the newest records.
func keptPages(reqs []string, pls, ofs []owned) []string {
	paths := []string{"/", "/requirements", "/requirements?sector=energy", "/pledges", "/offers", "/search?q=need", "/results", "/deconfliction",
		"/notifications", "/notifications?show=unread", "/audit", "/audit?object_type=pledge"}
	for _, id := range reqs[max(0, len(reqs)-2):] {
		paths = append(paths, "/requirements/"+id)
	}
	for _, p := range pls[max(0, len(pls)-2):] {
		paths = append(paths, "/pledges/"+p.id)
	}
	for _, o := range ofs[max(0, len(ofs)-2):] {
		paths = append(paths, "/offers/"+o.id)
	}
	return paths
}

// readPage reads a page as a browser in session (none: a visitor) whose
// language is lang.
func readPage(t *testing.T, url, session, lang string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Language", lang)
	if session != "" {
		req.AddCookie(&http.Cookie{Name: "cyberaid_session", Value: session})
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

// asListing is a listing as the API encodes it, decoded as any JSON is.
func asListing[T any](l model.Listing[T], err error) (any, error) {
	if err != nil {
		return nil, err
	}
	var next *string
	if l.Next != "" {
		next = &l.Next
	}
	items := any(l.Items)
	if len(l.Items) == 0 {
		items = []any{}
	}
	b, err := json.Marshal(map[string]any{"items": items, "next": next, "total": l.Total})
	if err != nil {
		return nil, err
	}
	var out any
	return out, json.Unmarshal(b, &out)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
