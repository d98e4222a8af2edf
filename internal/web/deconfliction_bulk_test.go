package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/coordination"
	"github.com/cyberaid/cyberaid/internal/model"
)

// TestBulkAcknowledgeOnTheBoard: a coordinator ticks several alerts and
// acknowledges them with one comment; each is audited on its own. Others
// may not, and a key the coordinator cannot act on spoils none.
func TestBulkAcknowledgeOnTheBoard(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	gaps := []string{"gap:" + s.ids["validated"], "gap:" + s.ids["clear"]}
	events := func() int {
		evs, err := s.app.Store.ListAuditEvents(ctx, model.AuditFilter{}, 0, 10_000)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range evs {
			if e.Action == "alert.acknowledge" {
				n++
			}
		}
		return n
	}
	form := func(keys ...string) url.Values {
		return url.Values{"bulk": {"1"}, "key": keys, "comment": {"Reviewed at the weekly meeting"}}
	}

	// Wrong role, and anonymous.
	if res, _ := s.as("donor").submit("/deconfliction/acknowledge", form(gaps...)); res.StatusCode != http.StatusForbidden {
		t.Errorf("donor: %d, want 403", res.StatusCode)
	}
	if res, _ := s.as("").submit("/deconfliction/acknowledge", form(gaps...)); res.StatusCode < 300 || res.StatusCode == http.StatusOK {
		t.Errorf("anonymous: %d, want a refusal", res.StatusCode)
	}

	b := s.as("coordinator")
	_, body := b.get("/deconfliction")
	for _, k := range gaps {
		if !strings.Contains(body, `name="key" value="`+k+`" form="bulk-ack"`) {
			t.Errorf("the board has no box to tick for %s", k)
		}
	}
	// Nothing ticked, then an unknown key among good ones: nothing done.
	if res, body := b.submit("/deconfliction/acknowledge", form()); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, `aria-invalid="true"`) {
		t.Errorf("nothing ticked: %d", res.StatusCode)
	}
	if res, _ := b.submit("/deconfliction/acknowledge", form(gaps[0], "gap:nope")); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown key: %d, want 404", res.StatusCode)
	}
	if n := events(); n != 0 {
		t.Fatalf("%d acknowledgements audited after refusals, want none", n)
	}

	res, _ := b.submit("/deconfliction/acknowledge", form(gaps...))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("bulk acknowledge: %d", res.StatusCode)
	}
	if n := events(); n != len(gaps) {
		t.Errorf("%d acknowledgements audited, want one for each of %d alerts", n, len(gaps))
	}
	alerts, err := s.app.Coordination.Alerts(ctx, s.cast.Viewer("coordinator"), coordination.AlertFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range alerts {
		for _, k := range gaps {
			if a.Key == k && (a.Acknowledged == nil || a.Acknowledged.Comment != "Reviewed at the weekly meeting") {
				t.Errorf("%s acknowledged %+v", k, a.Acknowledged)
			}
		}
	}
}
