package web

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"

	"github.com/cyberaid/cyberaid/internal/i18n"
)

func testServer(t *testing.T) *Server {
	t.Helper()
	b, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	st, err := loadStatic()
	if err != nil {
		t.Fatal(err)
	}
	return &Server{i18n: b, static: st}
}

// usedIDs walks a parsed template for every {{t "id"}}. A t whose id is not
// a literal could not be checked here, so it is an error in itself; codes
// are named through label, whose ids the code lists give.
func usedIDs(t *testing.T, where string, n parse.Node, ids map[string]string) {
	switch n := n.(type) {
	case nil:
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			usedIDs(t, where, c, ids)
		}
	case *parse.ActionNode:
		usedIDs(t, where, n.Pipe, ids)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			usedIDs(t, where, c, ids)
		}
	case *parse.CommandNode:
		if id, ok := n.Args[0].(*parse.IdentifierNode); ok && id.Ident == "t" {
			if len(n.Args) < 2 {
				t.Errorf("%s: t without an id", where)
			} else if s, ok := n.Args[1].(*parse.StringNode); ok {
				ids[s.Text] = where
			} else {
				t.Errorf("%s: t %s: the id must be a literal string", where, n.Args[1])
			}
		}
		for _, a := range n.Args {
			usedIDs(t, where, a, ids)
		}
	case *parse.IfNode:
		usedIDs(t, where, n.Pipe, ids)
		usedIDs(t, where, n.List, ids)
		usedIDs(t, where, n.ElseList, ids)
	case *parse.RangeNode:
		usedIDs(t, where, n.Pipe, ids)
		usedIDs(t, where, n.List, ids)
		usedIDs(t, where, n.ElseList, ids)
	case *parse.WithNode:
		usedIDs(t, where, n.Pipe, ids)
		usedIDs(t, where, n.List, ids)
		usedIDs(t, where, n.ElseList, ids)
	case *parse.TemplateNode:
		usedIDs(t, where, n.Pipe, ids)
	}
}

// goIDs finds every l.T("id") in the package's Go files, and the title
// ids handed to s.show.
func goIDs(t *testing.T, ids map[string]string) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			arg := -1
			switch {
			case sel.Sel.Name == "T":
				arg = 0
			case sel.Sel.Name == "show" && len(call.Args) == 7:
				arg = 5
			default:
				return true
			}
			if lit, ok := call.Args[arg].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				id, _ := strconv.Unquote(lit.Value)
				ids[id] = fset.Position(call.Pos()).String()
			}
			return true
		})
	}
}

// TestCatalogueCoversTheUI fails on any text the interface asks for that a
// catalogue lacks: ids in templates, in handlers, and those built from codes.
func TestCatalogueCoversTheUI(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	pages, err := s.loadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for name, tmpl := range pages {
		if !strings.HasPrefix(name, "en/") {
			continue
		}
		for _, tt := range tmpl.Templates() {
			if tt.Tree != nil {
				usedIDs(t, name+":"+tt.Name(), tt.Tree.Root, ids)
			}
		}
	}
	if len(ids) < 100 {
		t.Fatalf("found only %d ids in the templates; is the walk broken?", len(ids))
	}
	goIDs(t, ids)
	for kind, list := range codeLists {
		for _, code := range list() {
			ids[kind+"."+code] = "code list " + kind
		}
	}
	for _, n := range requirementNotices {
		ids["notice.requirement."+n] = "requirementNotices"
	}
	for _, n := range pledgeNotices {
		ids["notice.pledge."+n] = "pledgeNotices"
	}
	for _, c := range errorCodes {
		ids["error.code."+c] = "errorCodes"
	}
	for _, a := range auditActions {
		ids["audit.action."+a] = "auditActions"
	}
	for m := 1; m <= 12; m++ {
		ids[fmt.Sprintf("date.month.%d", m)] = "formatInstant"
	}
	for _, lang := range i18n.Languages() {
		have := s.i18n.IDs(lang)
		for id, where := range ids {
			if !have[id] {
				t.Errorf("%s.json lacks %q (used by %s)", lang, id, where)
			}
		}
	}
}

// TestTemplatesParseForEveryLanguage checks that every page exists in every
// language, so that render never looks up a missing set.
func TestTemplatesParseForEveryLanguage(t *testing.T) {
	t.Parallel()
	s := testServer(t)
	pages, err := s.loadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	names, _ := fs.Glob(templateFS, "templates/*.html")
	want := len(names) - len(shared)
	for _, lang := range i18n.Languages() {
		n := 0
		for k := range pages {
			if strings.HasPrefix(k, lang+"/") {
				n++
			}
		}
		if n != want {
			t.Errorf("%s: %d pages, want %d", lang, n, want)
		}
	}
}

func TestStaticCacheBusting(t *testing.T) {
	t.Parallel()
	st, err := loadStatic()
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.URL("style.css")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u, "/static/style.css?v=") || len(u) < len("/static/style.css?v=")+16 {
		t.Fatalf("URL = %q", u)
	}
	if _, err := st.URL("nope.css"); err == nil {
		t.Error("URL of a missing file must fail")
	}
	get := func(target string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		st.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
		return w
	}
	w := get(u)
	if w.Code != http.StatusOK || !strings.Contains(w.Header().Get("Cache-Control"), "immutable") {
		t.Errorf("current hash: %d %q", w.Code, w.Header().Get("Cache-Control"))
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("Content-Type = %q", ct)
	}
	w = get("/static/style.css?v=stale")
	if w.Code != http.StatusOK || strings.Contains(w.Header().Get("Cache-Control"), "immutable") {
		t.Errorf("stale hash: %d %q", w.Code, w.Header().Get("Cache-Control"))
	}
	if w = get("/static/missing.css"); w.Code != http.StatusNotFound {
		t.Errorf("missing file: %d", w.Code)
	}
}

func TestSafeNext(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                      "/",
		"/requirements?x=1":     "/requirements?x=1",
		"//evil.example/":       "/",
		"/\\evil.example":       "/",
		"https://evil.example/": "/",
		"javascript:alert(1)":   "/",
		"requirements":          "/",
		"/ok\r\nSet-Cookie: x":  "/",
		"/pledges/abc":          "/pledges/abc",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
