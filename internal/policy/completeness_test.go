package policy_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// TestPermissionListIsComplete reads permissions.go and checks that the
// matrix (allPermissions) and the oracle (readPermissions, rolesFor) know
// every Permission it declares, so that a new permission cannot go untested.
func TestPermissionListIsComplete(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "permissions.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var declared []policy.Permission
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Permission" {
				continue
			}
			for _, val := range vs.Values {
				lit, ok := val.(*ast.BasicLit)
				if !ok {
					t.Fatalf("a Permission constant is not a string literal: %T", val)
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				declared = append(declared, policy.Permission(s))
			}
		}
	}
	if len(declared) == 0 {
		t.Fatal("found no Permission constants in permissions.go")
	}
	for _, p := range declared {
		if !slices.Contains(allPermissions, p) {
			t.Errorf("%s is declared in permissions.go but missing from allPermissions", p)
		}
		_, byRole := rolesFor[p]
		if byRole == slices.Contains(readPermissions, p) {
			t.Errorf("%s must be in exactly one of the oracle's readPermissions and rolesFor", p)
		}
	}
	for _, p := range allPermissions {
		if !slices.Contains(declared, p) {
			t.Errorf("%s is in allPermissions but not declared in permissions.go", p)
		}
	}
}

// TestOracleKnowsEveryRole: every role of model.Roles grants something in
// the oracle, or is one the oracle knows to grant nothing yet.
func TestOracleKnowsEveryRole(t *testing.T) {
	grantless := []model.Role{model.RoleDelegate, model.RoleViewer}
	for _, r := range model.Roles {
		known := slices.Contains(grantless, r)
		for _, roles := range rolesFor {
			known = known || slices.Contains(roles, r)
		}
		if !known {
			t.Errorf("the oracle does not know the role %q", r)
		}
	}
}
