package policy

import (
	"reflect"
	"testing"
	"time"
	"unsafe"

	"github.com/cyberaid/cyberaid/internal/model"
)

// TestKeyNamesEveryField changes each field of a viewer in turn, its
// organisation's and unexported ones included, and wants another key each
// time: a field added to Viewer or Organisation and not named by Key would
// let two viewers share what is kept for one of them.
func TestKeyNamesEveryField(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	base := Viewer{UserID: "u1", Roles: []model.Role{model.RoleDonor}, Org: model.Organisation{
		ID: "o1", Name: "Estonia", Kind: model.KindState, Participation: model.Member, Country: "EE",
		CreatedAt: at, UpdatedAt: at, NameUK: "Естонія", NameFR: "Estonie",
	}}
	baseKey := base.Key()
	var changed int
	var walk func(path string, typ reflect.Type, change func(func(reflect.Value)))
	walk = func(path string, typ reflect.Type, change func(func(reflect.Value))) {
		if typ == reflect.TypeOf(time.Time{}) {
			change(func(f reflect.Value) { f.Set(reflect.ValueOf(f.Interface().(time.Time).Add(time.Nanosecond))) })
			changed++
			return
		}
		switch typ.Kind() {
		case reflect.Struct:
			for i := range typ.NumField() {
				field := typ.Field(i)
				walk(path+"."+field.Name, field.Type, func(set func(reflect.Value)) {
					change(func(v reflect.Value) { set(settable(v.Field(i))) })
				})
			}
			return
		case reflect.String:
			change(func(f reflect.Value) { f.SetString(f.String() + "x") })
		case reflect.Bool:
			change(func(f reflect.Value) { f.SetBool(!f.Bool()) })
		case reflect.Slice:
			if typ.Elem().Kind() != reflect.String {
				t.Fatalf("%s is a slice of %s: name it in Key, then teach this test to change it", path, typ.Elem())
			}
			change(func(f reflect.Value) { f.Set(reflect.Append(f, reflect.ValueOf("x").Convert(typ.Elem()))) })
		default:
			t.Fatalf("%s is of kind %s: name it in Key, then teach this test to change it", path, typ.Kind())
		}
		changed++
	}
	walk("Viewer", reflect.TypeOf(base), func(set func(reflect.Value)) {
		v := base
		v.Roles = append([]model.Role(nil), base.Roles...)
		set(reflect.ValueOf(&v).Elem())
		if v.Key() == baseKey {
			t.Errorf("a viewer changed in one field has the key of the one before: %#v", v)
		}
	})
	if changed < 12 {
		t.Fatalf("changed %d fields; the viewer has more", changed)
	}
}

// settable is f, even unexported, as a value the test may set.
func settable(f reflect.Value) reflect.Value {
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
}

// TestKeyParts holds viewers whose parts would run together apart, and
// equal viewers together.
func TestKeyParts(t *testing.T) {
	pairs := [][2]Viewer{
		{{UserID: "ab"}, {UserID: "a", Org: model.Organisation{ID: "b"}}},
		{{Roles: []model.Role{"ab"}}, {Roles: []model.Role{"a", "b"}}},
		{{UserID: "1:a"}, {UserID: "1", Org: model.Organisation{ID: "a"}}},
		{{UserID: "a:b", Org: model.Organisation{Name: "c"}}, {UserID: "a", Org: model.Organisation{ID: "b", Name: ":c"}}},
		{{}, System()},
	}
	for _, p := range pairs {
		if p[0].Key() == p[1].Key() {
			t.Errorf("%#v and %#v share the key %q", p[0], p[1], p[0].Key())
		}
	}
	a := Viewer{UserID: "u", Roles: []model.Role{model.RoleDonor, model.RoleDelegate}}
	b := Viewer{UserID: "u", Roles: []model.Role{model.RoleDonor, model.RoleDelegate}}
	if a.Key() != b.Key() {
		t.Errorf("equal viewers, keys %q and %q", a.Key(), b.Key())
	}
}
