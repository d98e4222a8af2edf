package obs_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/obs"
)

// TestHandlerAddsTheRequestID: a record logged with a request's context
// names its id, through loggers derived with With too; one without does not.
func TestHandlerAddsTheRequestID(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(obs.NewHandler(slog.NewTextHandler(&buf, nil))).With("component", "web")
	ctx := obs.WithRequestID(context.Background(), "abc-1")
	log.InfoContext(ctx, "with")
	log.Info("without")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "request_id=abc-1") || !strings.Contains(lines[0], "component=web") ||
		strings.Contains(lines[1], "request_id") {
		t.Fatalf("lines:\n%s", buf.String())
	}
	if id := obs.NewRequestID(); !obs.ValidRequestID(id) || id == obs.NewRequestID() {
		t.Fatalf("fresh ids: %q", id)
	}
}
