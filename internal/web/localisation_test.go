package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestAuditListsFollowTheDomain reads the domain packages for the object
// types and actions they write to the audit log, and fails on one the
// audit page's lists lack: the catalogue test checks only what the lists
// name, so a type missing from them reaches the page as a message id.
func TestAuditListsFollowTheDomain(t *testing.T) {
	t.Parallel()
	objects, actions := map[string]string{}, map[string]string{}
	files, err := filepath.Glob("../*/*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	// consts are the file's string constants: a type named once as a
	// constant (requirements.ReviewObject) counts as its value.
	var consts map[string]string
	lit := func(e ast.Expr) (string, bool) {
		if id, ok := e.(*ast.Ident); ok {
			v, ok := consts[id.Name]
			return v, ok
		}
		b, ok := e.(*ast.BasicLit)
		if !ok || b.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(b.Value)
		return s, err == nil
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || strings.Contains(name, "/web/") || strings.Contains(name, "/store/") || strings.Contains(name, "/demo/") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		consts = map[string]string{}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i < len(vs.Values) {
						if b, ok := vs.Values[i].(*ast.BasicLit); ok && b.Kind == token.STRING {
							if v, err := strconv.Unquote(b.Value); err == nil {
								consts[n.Name] = v
							}
						}
					}
				}
			}
		}
		recordsType := ""
		var recordsCalls []string
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CompositeLit:
				// Only the audit's own records: other structs (IATI's) have
				// fields of the same names.
				typ := ""
				switch tt := n.Type.(type) {
				case *ast.SelectorExpr:
					typ = tt.Sel.Name
				case *ast.Ident:
					typ = tt.Name
				case *ast.IndexExpr:
					if s, ok := tt.X.(*ast.SelectorExpr); ok {
						typ = s.Sel.Name
					}
				}
				if typ != "Change" && typ != "Notification" && typ != "Records" {
					return true
				}
				for _, e := range n.Elts {
					kv, ok := e.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					key, ok := kv.Key.(*ast.Ident)
					if !ok {
						continue
					}
					v, ok := lit(kv.Value)
					if !ok {
						continue
					}
					where := fset.Position(kv.Pos()).String()
					switch key.Name {
					case "ObjectType":
						objects[v] = where
					case "Action":
						actions[v] = where
					case "Type":
						recordsType = v
					}
				}
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				where := fset.Position(n.Pos()).String()
				// governance: s.record(ctx, q, actor, "action", "object", …)
				if sel.Sel.Name == "record" && len(n.Args) >= 5 {
					if a, ok := lit(n.Args[3]); ok {
						actions[a] = where
					}
					if o, ok := lit(n.Args[4]); ok {
						objects[o] = where
					}
				}
				// audit.Records[T].Record(ctx, q, v, "action", before, after)
				if x, ok := sel.X.(*ast.SelectorExpr); ok && x.Sel.Name == "audit" && sel.Sel.Name == "Record" && len(n.Args) == 6 {
					if a, ok := lit(n.Args[3]); ok {
						recordsCalls = append(recordsCalls, a+"@"+where)
					}
				}
			}
			return true
		})
		if recordsType != "" {
			objects[recordsType] = name
			for _, c := range recordsCalls {
				a, where, _ := strings.Cut(c, "@")
				actions[recordsType+"."+a] = where
			}
		}
	}
	if len(objects) < 8 || len(actions) < 30 {
		t.Fatalf("found only %d object types and %d actions; is the walk broken?", len(objects), len(actions))
	}
	for o, where := range objects {
		if !slices.Contains(auditObjects, o) {
			t.Errorf("object type %q (%s) is not in auditObjects", o, where)
		}
	}
	for a, where := range actions {
		if !slices.Contains(auditActions, a) && !strings.HasPrefix(a, "test.") {
			t.Errorf("audit action %q (%s) is not in auditActions", a, where)
		}
	}
}
