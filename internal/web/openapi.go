package web

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
)

// openAPISpec is the OpenAPI 3.0 description of the /api/v1 JSON API
// (the API contract (README, "API")). It is the contract external clients build on; the API tests
// check every exchange against it.
//
//go:embed openapi/openapi.json
var openAPISpec []byte

// openAPIETag changes whenever the document does, so that clients can cache it.
var openAPIETag = func() string {
	sum := sha256.Sum256(openAPISpec)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}()

// OpenAPISpec returns a copy of the OpenAPI document served at
// GET /api/v1/openapi.json.
func OpenAPISpec() []byte { return slices.Clone(openAPISpec) }

// apiOpenAPI serves the OpenAPI document, answering 304 to a client that
// already holds this version.
func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("ETag", openAPIETag)
	h.Set("Cache-Control", "no-cache")
	if etagMatches(r.Header.Get("If-None-Match"), openAPIETag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(openAPISpec)
	}
	return nil
}

// etagMatches reports whether an If-None-Match header names etag, weakly
// compared as RFC 9110 §13.1.2 requires.
func etagMatches(header, etag string) bool {
	for candidate := range strings.SplitSeq(header, ",") {
		candidate = strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if candidate == "*" || candidate == etag {
			return true
		}
	}
	return false
}
