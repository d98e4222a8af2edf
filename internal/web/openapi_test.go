package web

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/cyberaid/cyberaid/internal/web/openapitest"
)

func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapitest.Load(OpenAPISpec())
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi %q, want 3.0.3 (kin-openapi validates 3.0 fully)", doc.OpenAPI)
	}
	onDisk, err := os.ReadFile("openapi/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(onDisk, OpenAPISpec()) {
		t.Error("the embedded document differs from openapi/openapi.json")
	}
}

// apiRoute is one /api/v1 route of routes.go.
type apiRoute struct {
	pattern    string // "GET /api/v1/requirements/{id}"
	permission string // the policy constant, or "" for none
}

// apiRoutes reads routes.go and returns every mux.Handle("METHOD /api/v1/…",
// s.api(perm, …)) it declares.
func apiRoutes(t *testing.T) map[string]apiRoute {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "routes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]apiRoute{}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 2 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Handle" {
			return true
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		pattern, err := strconv.Unquote(lit.Value)
		if err != nil {
			t.Fatal(err)
		}
		method, path, hasMethod := strings.Cut(pattern, " ")
		if !hasMethod || !strings.HasPrefix(path, "/api/v1/") {
			return true // the catch-all "/api/", and the HTML pages
		}
		r := apiRoute{pattern: method + " " + path}
		wrap, ok := call.Args[1].(*ast.CallExpr)
		if fn, isSel := wrap.Fun.(*ast.SelectorExpr); !ok || !isSel || fn.Sel.Name != "api" || len(wrap.Args) != 2 {
			t.Errorf("routes.go: %s is not served by s.api(permission, handler)", pattern)
			return true
		}
		switch perm := wrap.Args[0].(type) {
		case *ast.Ident: // none
			if perm.Name != "none" {
				r.permission = perm.Name
			}
		case *ast.SelectorExpr: // p.RequirementsCreate
			r.permission = perm.Sel.Name
		default:
			t.Errorf("routes.go: cannot read the permission of %s", pattern)
		}
		if _, dup := routes[r.pattern]; dup {
			t.Errorf("routes.go: %s declared twice", r.pattern)
		}
		routes[r.pattern] = r
		return true
	})
	if len(routes) == 0 {
		t.Fatal("found no /api/v1 route in routes.go")
	}
	return routes
}

func specOperations(doc *openapi3.T) map[string]*openapi3.Operation {
	ops := map[string]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops[method+" "+path] = op
		}
	}
	return ops
}

// TestOpenAPICoversEveryRoute holds routes.go and the OpenAPI document to
// the same operations, with security that matches each route's permission.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	routes := apiRoutes(t)
	ops := specOperations(doc)
	for _, pattern := range slices.Sorted(maps.Keys(routes)) {
		if ops[pattern] == nil {
			t.Errorf("%s is served (routes.go) but not described in openapi.json", pattern)
		}
	}
	for _, pattern := range slices.Sorted(maps.Keys(ops)) {
		if _, ok := routes[pattern]; !ok {
			t.Errorf("%s is described in openapi.json but not served (routes.go)", pattern)
		}
	}

	// Routes that need no permission but whose handler still needs a bearer.
	bearerOnly := map[string]bool{"DELETE /api/v1/auth/token": true, "GET /api/v1/notifications": true}
	for pattern, r := range routes {
		op := ops[pattern]
		if op == nil {
			continue
		}
		sec := doc.Security
		if op.Security != nil {
			sec = *op.Security
		}
		anonymous := len(sec) == 0 || slices.ContainsFunc(sec, func(alt openapi3.SecurityRequirement) bool { return len(alt) == 0 })
		switch {
		case r.permission != "" && anonymous:
			t.Errorf("%s needs the permission %s, so a bearer, but openapi.json lets anonymous callers in", pattern, r.permission)
		case r.permission == "" && !anonymous && !bearerOnly[pattern]:
			t.Errorf("%s answers anonymous callers, but openapi.json demands a bearer", pattern)
		}
		want := []string{"400", "401", "500"}
		if r.permission != "" {
			want = append(want, "403")
		}
		for _, status := range want {
			if op.Responses.Status(mustAtoi(t, status)) == nil {
				t.Errorf("%s: openapi.json lists no %s response", pattern, status)
			}
		}
	}

	// The document's path templates reach the very routes they describe.
	mux := http.NewServeMux()
	(&Server{}).routes(mux)
	for pattern := range ops {
		method, path, _ := strings.Cut(pattern, " ")
		concrete := regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(path, "some-id")
		_, matched := mux.Handler(httptest.NewRequest(method, concrete, nil))
		if matched != pattern {
			t.Errorf("%s %s reaches the route %q, not %q", method, concrete, matched, pattern)
		}
	}
}

func mustAtoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestOpenAPIConventions keeps the document to the conventions of the API contract (README, "API").
func TestOpenAPIConventions(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	errorSchema := doc.Components.Schemas["Error"]
	if errorSchema == nil {
		t.Fatal("no Error schema")
	}
	ids := map[string]string{}
	for pattern, op := range specOperations(doc) {
		if op.OperationID == "" || op.Summary == "" || len(op.Tags) == 0 {
			t.Errorf("%s: needs an operationId, a summary and a tag", pattern)
		}
		if other, dup := ids[op.OperationID]; dup {
			t.Errorf("%s and %s share the operationId %s", pattern, other, op.OperationID)
		}
		ids[op.OperationID] = pattern
		if rb := op.RequestBody; rb != nil && !fileUpload(rb.Value) {
			mt := rb.Value.Content.Get("application/json")
			if up := rb.Value.Content.Get("multipart/form-data"); up != nil && len(rb.Value.Content) == 1 {
				// An upload: the file in the part named file (DESIGN §5).
				if f := up.Schema.Value.Properties["file"]; f == nil || f.Value.Format != "binary" || !slices.Contains(up.Schema.Value.Required, "file") {
					t.Errorf("%s: an upload takes its file in the required binary part named file", pattern)
				}
			} else if mt == nil || len(rb.Value.Content) != 1 {
				t.Errorf("%s: the request body must be application/json only", pattern)
			} else if ap := mt.Schema.Value.AdditionalProperties.Has; ap == nil || *ap {
				t.Errorf("%s: the request body must be additionalProperties: false, as the server refuses unknown fields", pattern)
			}
			if !rb.Value.Required {
				t.Errorf("%s: the request body must be required", pattern)
			}
			if op.Responses.Status(http.StatusRequestEntityTooLarge) == nil {
				t.Errorf("%s: takes a body, so may answer 413", pattern)
			}
		}
		for status, res := range op.Responses.Map() {
			if code, err := strconv.Atoi(status); err == nil && code >= 400 {
				mt := res.Value.Content.Get("application/json")
				if mt == nil || mt.Schema.Value != errorSchema.Value {
					t.Errorf("%s: the %s response must be the Error schema", pattern, status)
				}
			}
		}
	}
	// Money is integer minor units, instants date-time, currencies codes.
	for name, ref := range doc.Components.Schemas {
		for prop, p := range ref.Value.Properties {
			v := p.Value
			where := name + "." + prop
			switch {
			case strings.HasSuffix(prop, "_minor"):
				if !v.Type.Is("integer") || v.Format != "int64" {
					t.Errorf("%s: money is an int64 integer", where)
				}
			case strings.HasSuffix(prop, "_at") || prop == "at":
				if !v.Type.Is("string") || v.Format != "date-time" {
					t.Errorf("%s: an instant is a date-time string", where)
				}
			case strings.HasSuffix(prop, "_date"):
				if !v.Type.Is("string") || v.Format != "date" {
					t.Errorf("%s: a day is a date string", where)
				}
			case prop == "currency":
				if v.Pattern != "^[A-Z]{3}$" && !(len(v.AllOf) == 1 && v.AllOf[0].Value.Pattern == "^[A-Z]{3}$") {
					t.Errorf("%s: a currency is three capitals", where)
				}
			}
		}
	}
}

func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	s := &Server{}
	get := func(header http.Header) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/api/v1/openapi.json", nil)
		maps.Copy(req.Header, header)
		rec := httptest.NewRecorder()
		if err := s.apiOpenAPI(rec, req); err != nil {
			t.Fatal(err)
		}
		return rec
	}
	rec := get(nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, Content-Type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	if !bytes.Equal(rec.Body.Bytes(), OpenAPISpec()) {
		t.Error("the body is not the document")
	}
	etag := rec.Header().Get("ETag")
	if !strings.HasPrefix(etag, `"`) {
		t.Fatalf("ETag %q", etag)
	}
	for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
		if rec := get(http.Header{"If-None-Match": {inm}}); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Errorf("If-None-Match %s: status %d, %d bytes", inm, rec.Code, rec.Body.Len())
		}
	}
	if rec := get(http.Header{"If-None-Match": {`"other"`}}); rec.Code != http.StatusOK {
		t.Errorf("a stale ETag: status %d", rec.Code)
	}
}

// recorder collects what a Validator reports instead of failing the test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestOpenAPIValidatorCatchesDrift shows that openapitest fails exchanges
// that break the document, and only those.
func TestOpenAPIValidatorCatchesDrift(t *testing.T) {
	t.Parallel()
	const org = `{"id":"o1","name":"Estonia","kind":"state","participation":"member","country":"EE","created_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z"}`
	const notFound = `{"error":{"code":"not_found","message":"no such record, or you may not see it"}}`
	type answer struct {
		status int
		body   string
	}
	var next answer
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if next.status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer realm="cyberaid"`)
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(next.status)
		io.WriteString(w, next.body)
	}))
	defer srv.Close()

	for _, c := range []struct {
		name           string
		method, path   string
		bearer, body   string
		answer         answer
		wantComplaints bool
	}{
		{"conforming", "GET", "/api/v1/organisations/o1", "t", "", answer{200, org}, false},
		{"undescribed field", "GET", "/api/v1/organisations/o1", "t", "", answer{200, strings.Replace(org, `"id"`, `"secret":1,"id"`, 1)}, true},
		{"missing field", "GET", "/api/v1/organisations/o1", "t", "", answer{200, strings.Replace(org, `"name":"Estonia",`, "", 1)}, true},
		{"code outside its enum", "GET", "/api/v1/organisations/o1", "t", "", answer{200, strings.Replace(org, `"state"`, `"planet"`, 1)}, true},
		{"undocumented status", "GET", "/api/v1/organisations/o1", "t", "", answer{418, notFound}, true},
		{"error without its envelope", "GET", "/api/v1/organisations/o1", "t", "", answer{404, `{"code":"not_found"}`}, true},
		{"anonymous on a protected route, refused", "GET", "/api/v1/organisations/o1", "", "", answer{401, `{"error":{"code":"unauthenticated","message":"sign in first"}}`}, false},
		{"anonymous on a protected route, served", "GET", "/api/v1/organisations/o1", "", "", answer{200, org}, true},
		{"bad request refused", "POST", "/api/v1/organisations", "t", `{"name":"X","colour":"red"}`, answer{400, `{"error":{"code":"invalid_colour","message":"is not a field","field":"colour"}}`}, false},
		{"bad request accepted", "POST", "/api/v1/organisations", "t", `{"name":"X","colour":"red"}`, answer{201, org}, true},
		{"unknown path refused", "GET", "/api/v1/nothing", "t", "", answer{404, notFound}, false},
		{"unknown path served", "GET", "/api/v1/nothing", "t", "", answer{200, `{}`}, true},
		{"page, not checked", "GET", "/requirements", "", "", answer{200, `<html>`}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			v := openapitest.NewValidatorFor(rec, OpenAPISpec())
			client := &http.Client{Transport: v.RoundTripper(nil)}
			next = c.answer
			var body io.Reader
			if c.body != "" {
				body = strings.NewReader(c.body)
			}
			req, err := http.NewRequest(c.method, srv.URL+c.path, body)
			if err != nil {
				t.Fatal(err)
			}
			if c.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if c.bearer != "" {
				req.Header.Set("Authorization", "Bearer "+c.bearer)
			}
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if string(got) != c.answer.body {
				t.Errorf("the caller read %q, want %q", got, c.answer.body)
			}
			if complained := len(rec.errs) > 0; complained != c.wantComplaints {
				t.Errorf("complaints %q, want some: %v", rec.errs, c.wantComplaints)
			}
			op := c.method + " " + c.path
			if c.path == "/api/v1/organisations/o1" {
				op = c.method + " /api/v1/organisations/{id}"
			}
			counted := v.Counts()[op] == 1
			if wantCounted := !c.wantComplaints && slices.Contains(v.Operations(), op); counted != wantCounted {
				t.Errorf("counted %v, want %v", counted, wantCounted)
			}
			left := v.Uncovered()
			if slices.Contains(v.Operations(), op) && counted == slices.Contains(left, op) {
				t.Errorf("Uncovered %v disagrees with the count of %s", left, op)
			}
			if len(left) < len(v.Operations())-1 {
				t.Errorf("Uncovered lists %d of %d operations", len(left), len(v.Operations()))
			}
		})
	}
}

// fileUpload reports a request body that is one file sent as
// multipart/form-data in a part named file (a document upload), the only
// body the API takes in another form than JSON.
func fileUpload(rb *openapi3.RequestBody) bool {
	mt := rb.Content.Get("multipart/form-data")
	if mt == nil || len(rb.Content) != 1 || mt.Schema == nil || mt.Schema.Value == nil {
		return false
	}
	file := mt.Schema.Value.Properties["file"]
	return file != nil && file.Value != nil && file.Value.Format == "binary"
}
