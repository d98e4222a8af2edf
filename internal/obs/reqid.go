// Package obs is what makes a running cyberaid observable: request ids
// carried in the context and added to every log record made with it, and
// the Prometheus metrics, kept in a registry of their own.
package obs

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"log/slog"
)

type requestIDKey struct{}

// WithRequestID returns ctx carrying the request id id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID is the request id ctx carries, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// maxRequestID bounds an id taken from a client: it is logged on every line.
const maxRequestID = 64

// ValidRequestID says whether a client's X-Request-Id may be kept: 1 to 64
// letters, digits, dots, underscores and hyphens, so that it can never forge
// a log field or a header.
func ValidRequestID(id string) bool {
	if id == "" || len(id) > maxRequestID {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewRequestID returns a fresh random id (80 bits, 16 characters).
func NewRequestID() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return idEncoding.EncodeToString(b[:])
}

// contextHandler adds the request id of the record's context to the record.
type contextHandler struct{ slog.Handler }

// NewHandler wraps h so that every record logged with a context that
// carries a request id names it, as request_id: the lines of one request
// can then be found together, and matched with what the client was told.
func NewHandler(h slog.Handler) slog.Handler {
	if _, ok := h.(contextHandler); ok {
		return h
	}
	return contextHandler{h}
}

func (h contextHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r = r.Clone()
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h contextHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return contextHandler{h.Handler.WithAttrs(as)}
}

func (h contextHandler) WithGroup(name string) slog.Handler {
	return contextHandler{h.Handler.WithGroup(name)}
}
