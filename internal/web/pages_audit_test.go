package web_test

import (
	"context"
	"testing"

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
