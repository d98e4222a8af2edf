package web_test

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestAuditPage: the page shows the signed checkpoint and what the last
// background verification found, without verifying the log itself.
func TestAuditPage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	admin := s.as("admin")
	_, body := admin.get("/audit")
	mustContain(t, "before any verification", body, "not been verified yet", "Signed checkpoint", "cyberaid-audit\n", "Events in the tree")

	ctx := context.Background()
	for _, j := range s.app.Jobs() {
		if j.Name == "verify the audit log" {
			if n, err := j.Run(ctx); err != nil || n != 1 {
				t.Fatalf("the verification job: %d %v", n, err)
			}
		}
	}
	_, body = admin.get("/audit")
	mustContain(t, "after a verification", body, "The chain is intact", "every hour")

	// A log edited since: the page says so once the next verification ran.
	db := s.app.Store.(*store.DB)
	storetest.SetAuditField(t, db, 2, "action", "user.delete")
	v, err := s.app.AuditLog.VerifyNow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.FinishAuditVerification(ctx, v); err != nil {
		t.Fatal(err)
	}
	_, body = admin.get("/audit")
	mustContain(t, "after tampering", body, "The chain is broken at event 2")
}

// TestAuditPageKept: the audit log's page is kept while the log's head and
// its last verification stand, and shows the checkpoint signed when it was
// made, with that time: the same checkpoint as one signed now, byte for
// byte. An audited change, or a verification, makes it anew.
func TestAuditPageKept(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	a, cast := apptest.New(t, storetest.OpenSQLite(t), clock)
	srv := httptest.NewServer(a.Web)
	defer srv.Close()
	ctx := context.Background()
	cl := &client{t: t, base: srv.URL, http: srv.Client(), tokens: map[string]string{}}
	id, _, _, err := a.Accounts.Token(ctx, cl.token("admin"))
	if err != nil {
		t.Fatal(err)
	}
	session, _, err := a.Accounts.StartSession(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	read := func(step string) string {
		t.Helper()
		code, b := readPage(t, srv.URL+"/audit", session, "en")
		if code != http.StatusOK {
			t.Fatalf("%s: the audit page: %d %s", step, code, b)
		}
		return b
	}
	signedAt := regexp.MustCompile(`<dt>Signed</dt><dd><time datetime="([^"]+)"`)
	note := regexp.MustCompile(`(?s)<pre class="checkpoint">(.*?)</pre>`)
	shows := func(step, page string, at time.Time) {
		t.Helper()
		if m := signedAt.FindStringSubmatch(page); m == nil || m[1] != at.Format("2006-01-02T15:04:05Z") {
			t.Errorf("%s: the checkpoint's time: %q, want %s", step, m, at.Format(time.RFC3339))
		}
		cp, err := a.AuditLog.Sign(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if m := note.FindStringSubmatch(page); m == nil || html.UnescapeString(m[1]) != string(cp.Note) {
			t.Errorf("%s: the page's checkpoint: %q, want the log's now:\n%s", step, m, cp.Note)
		}
	}

	first := read("the first view")
	shows("the first view", first, clock())
	advance(10 * time.Minute)
	if again := read("ten minutes later"); again != first {
		t.Errorf("ten minutes later, with no change, the page was made anew:\n%s", again)
	}
	shows("ten minutes later", first, clock().Add(-10*time.Minute))

	if _, err := a.Offers.Create(ctx, cast.Viewer("donor"), offers.Input{Title: ref("Licences"), Kind: ref(model.PledgeMoney),
		AmountMinor: ref(int64(10_000_00)), Currency: ref("EUR"), ValidUntil: ref(model.DateOf(clock()).AddDays(30)), TLP: ref(model.TLPClear)}); err != nil {
		t.Fatal(err)
	}
	shows("after an offer", read("after an offer"), clock())

	advance(5 * time.Minute)
	v, err := a.AuditLog.VerifyNow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Store.(*store.DB).FinishAuditVerification(ctx, v); err != nil {
		t.Fatal(err)
	}
	verified := read("after a verification")
	mustContain(t, "after a verification", verified, "The chain is intact")
	shows("after a verification", verified, clock())
}
