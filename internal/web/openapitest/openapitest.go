// Package openapitest checks HTTP exchanges with the /api/v1 JSON API against
// its OpenAPI description (internal/web/openapi/openapi.json), so that tests
// prove the server keeps the contract external clients build on.
//
// Wrap a test client's transport with a Validator's RoundTripper: every
// request and response to a path under /api/ is checked, and each mismatch
// fails the test with the method, path, status and the validator's reason.
// Other paths (the HTML pages) pass through unchecked.
//
//	v := openapitest.NewValidator(t)
//	client := &http.Client{Transport: v.RoundTripper(http.DefaultTransport)}
//	… exercise the API …
//	if left := v.Uncovered(); len(left) > 0 {
//		t.Errorf("operations never exercised: %v", left)
//	}
//
// The checks:
//   - The operation must be in the description. An exchange the description
//     lacks is accepted only when the server refuses it with 404 or 405 and
//     an error body.
//   - The request must match the description (parameters, body). A request
//     that does not is accepted only when the server refuses it with a 4xx
//     status, so that tests may send bad input on purpose; a server that
//     accepts such a request (2xx, 3xx) or fails on it (5xx) fails the test.
//   - A request without an Authorization header to an operation whose
//     security requires a bearer must be answered 401.
//   - The response status must be documented for the operation, and the
//     headers and body must match it. Response objects must declare every
//     property they carry: the Validator treats every response object schema
//     that lists properties as if it had additionalProperties: false, so that
//     a field the server adds without describing it fails the tests. (The
//     document itself leaves responses open, so that clients tolerate
//     additions.)
//
// Send JSON bodies with Content-Type: application/json, the only type the
// document describes. HEAD requests and 304 answers are not checked.
//
// Faults are reported on the t given to NewValidator, or on the t a request's
// context carries (see WithT), with the method, path, status and reason.
//
// Security requirements are not enforced on requests: any bearer, or none,
// passes request validation, and the server's answer is checked instead.
package openapitest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// SpecFile is where the OpenAPI document lives, relative to the module root.
const SpecFile = "internal/web/openapi/openapi.json"

// Validator checks exchanges against the OpenAPI document and counts the
// exchanges that passed, per operation. It is safe for concurrent use.
type Validator struct {
	t      testing.TB
	doc    *openapi3.T
	router routers.Router
	opts   *openapi3filter.Options

	mu     sync.Mutex
	counts map[string]int // by operation, "GET /api/v1/requirements/{id}"
}

// NewValidator loads and validates the OpenAPI document from the source
// tree (SpecFile), failing t at once if it is unusable. Failures of the
// exchanges checked later are reported on t too.
func NewValidator(t testing.TB) *Validator {
	t.Helper()
	path, err := specPath()
	if err != nil {
		t.Fatalf("openapitest: %v", err)
	}
	spec, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("openapitest: %v", err)
	}
	return NewValidatorFor(t, spec)
}

// NewValidatorFor is NewValidator for a given document, such as the one the
// server embeds (web.OpenAPISpec()).
func NewValidatorFor(t testing.TB, spec []byte) *Validator {
	t.Helper()
	doc, err := Load(spec)
	if err != nil {
		t.Fatalf("openapitest: %v", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("openapitest: build router: %v", err)
	}
	closeResponseObjects(doc)
	v := &Validator{
		t:      t,
		doc:    doc,
		router: router,
		opts: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
			SkipSettingDefaults:   true,
			AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		},
		counts: map[string]int{},
	}
	// One line per fault, saying where, rather than kin's dump of the schema.
	v.opts.WithCustomSchemaErrorFunc(func(err *openapi3.SchemaError) string {
		return fmt.Sprintf("at /%s: %s", strings.Join(err.JSONPointer(), "/"), err.Reason)
	})
	for _, op := range v.Operations() {
		v.counts[op] = 0
	}
	return v
}

// Load parses an OpenAPI document and validates it against the OpenAPI 3
// rules, examples and defaults included.
func Load(spec []byte) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("load the OpenAPI document: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("the OpenAPI document is invalid: %w", err)
	}
	return doc, nil
}

// specPath finds SpecFile: next to this package's source, or else under the
// module root above the working directory (a test runs in its package's
// directory).
func specPath() (string, error) {
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		p := filepath.Join(filepath.Dir(file), "..", "openapi", "openapi.json")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			p := filepath.Join(dir, filepath.FromSlash(SpecFile))
			if _, err := os.Stat(p); err != nil {
				return "", err
			}
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("cannot find " + SpecFile + ": no go.mod above the working directory")
		}
		dir = parent
	}
}

// Operations lists every operation of the document, as "METHOD /path",
// sorted.
func (v *Validator) Operations() []string {
	var ops []string
	for path, item := range v.doc.Paths.Map() {
		for method := range item.Operations() {
			ops = append(ops, method+" "+path)
		}
	}
	slices.Sort(ops)
	return ops
}

// Counts reports, per operation ("METHOD /path"), how many exchanges passed
// every check.
func (v *Validator) Counts() map[string]int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return maps.Clone(v.counts)
}

// Uncovered lists the operations ("METHOD /path", sorted) that no exchange
// has yet exercised successfully, so that a test can demand that every one
// is exercised at least once.
func (v *Validator) Uncovered() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	var out []string
	for op, n := range v.counts {
		if n == 0 {
			out = append(out, op)
		}
	}
	slices.Sort(out)
	return out
}

type tbKey struct{}

// WithT returns a copy of ctx that makes a Validator report the faults of a
// request made with it on t (a subtest, say) rather than on the t the
// Validator was made with.
func WithT(ctx context.Context, t testing.TB) context.Context {
	return context.WithValue(ctx, tbKey{}, t)
}

// RoundTripper returns a transport that sends each request through next
// (http.DefaultTransport when nil) and checks the exchange. The caller still
// reads the whole response body, which the check has buffered.
func (v *Validator) RoundTripper(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &roundTripper{v: v, next: next}
}

type roundTripper struct {
	v    *Validator
	next http.RoundTripper
}

func (rt *roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.HasPrefix(req.URL.Path, "/api/") {
		return rt.next.RoundTrip(req)
	}
	var reqBody []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("openapitest: read the request body: %w", err)
		}
		reqBody = b
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	res, err := rt.next.RoundTrip(req)
	if err != nil {
		return res, err
	}
	resBody, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("openapitest: read the response body: %w", err)
	}
	res.Body = io.NopCloser(bytes.NewReader(resBody))
	rt.v.check(req, reqBody, res, resBody)
	return res, nil
}

// check validates one exchange, reports what is wrong on v.t, and counts
// the exchange against its operation when nothing is.
func (v *Validator) check(req *http.Request, reqBody []byte, res *http.Response, resBody []byte) {
	ctx := context.Background()
	t := v.t
	if rt, ok := req.Context().Value(tbKey{}).(testing.TB); ok {
		t = rt
	}
	where := fmt.Sprintf("%s %s → %d", req.Method, req.URL.RequestURI(), res.StatusCode)

	// The validators read the request again: give them their own copy.
	vreq := req.Clone(ctx)
	vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := v.router.FindRoute(vreq)
	if err != nil {
		if res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusMethodNotAllowed {
			if err := v.checkErrorBody(res, resBody); err != nil {
				t.Errorf("openapi: %s: an undescribed operation is refused, but not with an error body: %v", where, err)
			}
			return
		}
		t.Errorf("openapi: %s: the server answers an operation the OpenAPI document lacks: %v", where, err)
		return
	}
	op := route.Method + " " + route.Path
	ok := true

	in := &openapi3filter.RequestValidationInput{
		Request:    vreq,
		PathParams: params,
		Route:      route,
		Options:    v.opts,
	}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil && !isClientError(res.StatusCode) {
		// A request the document refuses must be refused by the server too.
		t.Errorf("openapi: %s (%s): the request does not match the OpenAPI document, yet the server did not refuse it: %v", where, op, err)
		ok = false
	}

	if v.requiresBearer(route.Operation) && req.Header.Get("Authorization") == "" && res.StatusCode != http.StatusUnauthorized {
		t.Errorf("openapi: %s (%s): the operation requires a bearer token, yet an anonymous request was not answered 401", where, op)
		ok = false
	}

	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 res.StatusCode,
		Header:                 res.Header,
		Body:                   io.NopCloser(bytes.NewReader(resBody)),
		Options:                v.opts,
	}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		t.Errorf("openapi: %s (%s): the response does not match the OpenAPI document: %v\nbody: %s", where, op, err, truncate(resBody))
		ok = false
	}

	if ok {
		v.mu.Lock()
		v.counts[op]++
		v.mu.Unlock()
	}
}

func isClientError(status int) bool { return status >= 400 && status < 500 }

// requiresBearer reports whether op's security demands a bearer token, that
// is whether it offers no anonymous alternative.
func (v *Validator) requiresBearer(op *openapi3.Operation) bool {
	sec := v.doc.Security
	if op.Security != nil {
		sec = *op.Security
	}
	if len(sec) == 0 {
		return false
	}
	for _, alt := range sec {
		if len(alt) == 0 {
			return false
		}
	}
	return true
}

// checkErrorBody checks a response against the document's Error schema.
func (v *Validator) checkErrorBody(res *http.Response, body []byte) error {
	mt, _, err := mime.ParseMediaType(res.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return fmt.Errorf("the Content-Type %q is not application/json", res.Header.Get("Content-Type"))
	}
	ref := v.doc.Components.Schemas["Error"]
	if ref == nil || ref.Value == nil {
		return errors.New("the OpenAPI document has no Error schema")
	}
	var value any
	if err := json.Unmarshal(body, &value); err != nil {
		return fmt.Errorf("the body is not JSON: %w (body: %s)", err, truncate(body))
	}
	if err := ref.Value.VisitJSON(value, openapi3.MultiErrors(), openapi3.VisitAsResponse()); err != nil {
		return fmt.Errorf("%w (body: %s)", err, truncate(body))
	}
	return nil
}

// closeResponseObjects makes every object schema a response uses, and that
// lists its properties, refuse properties it does not list. Members of an
// allOf stay open, since each lists only part of the properties.
func closeResponseObjects(doc *openapi3.T) {
	var responseSchemas []*openapi3.SchemaRef
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.Responses == nil {
				continue
			}
			for _, res := range op.Responses.Map() {
				if res == nil || res.Value == nil {
					continue
				}
				for _, mt := range res.Value.Content {
					responseSchemas = append(responseSchemas, mt.Schema)
				}
			}
		}
	}
	partial := map[*openapi3.Schema]bool{}
	visit := func(roots []*openapi3.SchemaRef, fn func(*openapi3.Schema)) {
		seen := map[*openapi3.Schema]bool{}
		var walk func(ref *openapi3.SchemaRef)
		walk = func(ref *openapi3.SchemaRef) {
			if ref == nil || ref.Value == nil || seen[ref.Value] {
				return
			}
			s := ref.Value
			seen[s] = true
			fn(s)
			for _, p := range s.Properties {
				walk(p)
			}
			walk(s.Items)
			walk(s.AdditionalProperties.Schema)
			for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
				for _, x := range group {
					walk(x)
				}
			}
		}
		for _, r := range roots {
			walk(r)
		}
	}
	everything := slices.Collect(maps.Values(doc.Components.Schemas))
	visit(append(everything, responseSchemas...), func(s *openapi3.Schema) {
		for _, x := range s.AllOf {
			if x != nil && x.Value != nil {
				partial[x.Value] = true
			}
		}
	})
	visit(responseSchemas, func(s *openapi3.Schema) {
		if !partial[s] && len(s.Properties) > 0 && s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil {
			no := false
			s.AdditionalProperties.Has = &no
		}
	})
}

func truncate(b []byte) string {
	const max = 2000
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}
