package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

func testLoginAttempts(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	const window = 15 * time.Minute
	take := func(key string, at time.Time) (bool, time.Time) {
		t.Helper()
		ok, start, err := s.TakeLoginAttempt(ctx, key, at, at.Add(-window), 3)
		must(t, err)
		return ok, start
	}
	for i := range 3 {
		at := t0.Add(time.Duration(i) * time.Minute)
		if ok, start := take("a@example.ee", at); !ok || !start.Equal(t0) {
			t.Fatalf("attempt %d: ok %v, window from %v, want from %v", i+1, ok, start, t0)
		}
	}
	if ok, _ := take("a@example.ee", t0.Add(3*time.Minute)); ok {
		t.Fatal("a fourth attempt in the window was allowed")
	}
	if ok, _ := take("b@example.ee", t0.Add(3*time.Minute)); !ok {
		t.Fatal("one key's attempts limited another")
	}
	// A released attempt is given back.
	must(t, s.ReleaseLoginAttempt(ctx, "a@example.ee"))
	must(t, s.ReleaseLoginAttempt(ctx, "a@example.ee"))
	if ok, _ := take("a@example.ee", t0.Add(4*time.Minute)); !ok {
		t.Fatal("released attempts were not given back")
	}
	// The window is over exactly when it has lasted its length, compared
	// as instants whatever the zone and fraction.
	if ok, _ := take("a@example.ee", t0.Add(window-time.Microsecond).UTC()); ok {
		t.Fatal("the window ended early")
	}
	later := t0.Add(window).Truncate(time.Second).Add(time.Second)
	if ok, start := take("a@example.ee", later); !ok || !start.Equal(later.UTC()) {
		t.Fatalf("after the window: ok %v, window from %v, want a new one from %v", ok, start, later)
	}
	// Clearing forgets the key and every stale one, nothing else.
	must(t, s.ClearLoginAttempts(ctx, "a@example.ee", later.Add(-time.Hour)))
	for range 3 {
		if ok, _ := take("a@example.ee", later); !ok {
			t.Fatal("a cleared key is still limited")
		}
	}
	take("b@example.ee", t0.Add(4*time.Minute))
	take("b@example.ee", t0.Add(4*time.Minute))
	if ok, _ := take("b@example.ee", t0.Add(5*time.Minute)); ok {
		t.Fatal("clearing one key cleared another")
	}
	must(t, s.ClearLoginAttempts(ctx, "c@example.ee", t0.Add(time.Hour)))
	if ok, _ := take("b@example.ee", t0.Add(5*time.Minute)); !ok {
		t.Fatal("a stale key was kept")
	}
}

// testConcurrentLoginAttempts is a burst of attempts at the same moment:
// exactly max of them may go ahead, on every backend.
func testConcurrentLoginAttempts(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	const workers, max = 16, 5
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	start := make(chan struct{})
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ok, _, err := s.TakeLoginAttempt(ctx, "burst@example.ee", t0, t0.Add(-time.Minute), max)
			if err != nil {
				t.Error(err)
				return
			}
			if ok {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	if allowed != max {
		t.Fatalf("%d of %d simultaneous attempts allowed, want %d", allowed, workers, max)
	}
}

func testTOTPSteps(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	u := newUser(t, s, newOrg(t, s, "Estonia").ID, "totp@example.ee", model.RoleAdmin)
	other := newUser(t, s, newOrg(t, s, "Latvia").ID, "other@example.ee", model.RoleAdmin)
	use := func(id string, step int64) bool {
		t.Helper()
		ok, err := s.UseTOTPStep(ctx, id, step)
		must(t, err)
		return ok
	}
	if !use(u.ID, 58_000_000) {
		t.Fatal("a first step was refused")
	}
	if use(u.ID, 58_000_000) {
		t.Fatal("the same step was accepted twice")
	}
	if use(u.ID, 57_999_999) {
		t.Fatal("an older step was accepted after a newer one")
	}
	if !use(u.ID, 58_000_001) || !use(other.ID, 58_000_000) {
		t.Fatal("a newer step, or another user's, was refused")
	}
	// The step is the user's own: rewriting the account keeps it.
	got, err := s.UserByID(ctx, u.ID)
	must(t, err)
	got.Name = "Renamed"
	must(t, s.UpdateUser(ctx, &got))
	if use(u.ID, 58_000_001) {
		t.Fatal("updating the user reset its last step")
	}

	// Many sign-ins with one code at once: one wins.
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.UseTOTPStep(ctx, u.ID, 58_000_002)
			if err != nil {
				t.Error(err)
				return
			}
			if ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("one code accepted %d times at once", wins)
	}
}

func testSetPasswordHash(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	u := newUser(t, s, newOrg(t, s, "Estonia").ID, "pw@example.ee", model.RoleAdmin)
	ok, err := s.SetPasswordHash(ctx, u.ID, "not the hash", "new")
	must(t, err)
	if ok {
		t.Fatal("a hash was replaced although it had changed meanwhile")
	}
	ok, err = s.SetPasswordHash(ctx, u.ID, u.PasswordHash, "new")
	must(t, err)
	got, err := s.UserByID(ctx, u.ID)
	must(t, err)
	if !ok || got.PasswordHash != "new" {
		t.Fatalf("hash %q after replacing it (%v)", got.PasswordHash, ok)
	}
}

func testRevokeUserAPITokens(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	org := newOrg(t, s, "Estonia")
	u := newUser(t, s, org.ID, "tokens@example.ee", model.RoleAdmin)
	other := newUser(t, s, org.ID, "keeps@example.ee", model.RoleAdmin)
	earlier := t0.Add(-time.Hour).UTC()
	must(t, s.CreateAPIToken(ctx, model.APIToken{ID: "t1", UserID: u.ID, TokenHash: "h1", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
	must(t, s.CreateAPIToken(ctx, model.APIToken{ID: "t2", UserID: u.ID, TokenHash: "h2", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour), RevokedAt: &earlier}))
	must(t, s.CreateAPIToken(ctx, model.APIToken{ID: "t3", UserID: other.ID, TokenHash: "h3", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
	must(t, s.RevokeUserAPITokens(ctx, u.ID, t0))
	for _, c := range []struct {
		hash string
		want *time.Time
	}{{"h1", ptrTo(t0.UTC())}, {"h2", &earlier}, {"h3", nil}} {
		tok, err := s.APITokenByHash(ctx, c.hash)
		must(t, err)
		switch {
		case c.want == nil && tok.RevokedAt != nil:
			t.Errorf("%s: another user's token was revoked", c.hash)
		case c.want != nil && (tok.RevokedAt == nil || !tok.RevokedAt.Equal(*c.want)):
			t.Errorf("%s: revoked at %v, want %v", c.hash, tok.RevokedAt, c.want)
		}
	}
}

func ptrTo[T any](v T) *T { return &v }
