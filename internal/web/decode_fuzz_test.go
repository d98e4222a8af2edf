package web

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/coordination"
	"github.com/cyberaid/cyberaid/internal/delivery"
	"github.com/cyberaid/cyberaid/internal/governance"
	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
	"github.com/cyberaid/cyberaid/internal/organisations"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

// apiInputs makes a fresh value of every type an API handler decodes a
// request body into.
var apiInputs = []func() any{
	func() any { return new(delivery.MilestoneInput) },
	func() any { return new(delivery.ReceiptInput) },
	func() any { return new(lessons.Input) },
	func() any { return new(coordination.PlanInput) },
	func() any { return new(coordination.ApplyInput) },
	func() any { return new(acknowledgeRequest) },
	func() any { return new(offers.Input) },
	func() any { return new(validateRequest) },
	func() any { return new(organisations.Input) },
	func() any { return new(pledges.Input) },
	func() any { return new(governance.Input) },
	func() any { return new(governance.PositionInput) },
	func() any { return new(governance.CommentInput) },
	func() any { return new(governance.RotationInput) },
	func() any { return new(governance.MeetingInput) },
	func() any { return new(requirements.Input) },
	func() any { return new(shareRequest) },
	func() any { return new(tokenRequest) },
	func() any { return new(accounts.NewUser) },
}

// FuzzDecode decodes arbitrary bodies into the API input kind picks. A body
// is accepted or refused as bad input with a message, an error code, and
// a field that is the input's own or one the body itself wrote; never a
// panic.
func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, kind byte, body []byte) {
		dst := apiInputs[int(kind)%len(apiInputs)]()
		r := httptest.NewRequest("POST", "/api/v1/x", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		err := decode(r, dst)
		if err == nil || errors.Is(err, errBodyTooLarge) {
			return
		}
		var fe *model.FieldError
		if !errors.As(err, &fe) || !errors.Is(err, model.ErrInvalid) || fe.Message == "" || !strings.HasPrefix(fe.Code, "invalid_") {
			t.Fatalf("%T: error %#v is not bad input with a code and a message", dst, err)
		}
		if fe.Field == "" {
			return
		}
		top, _, _ := strings.Cut(fe.Field, ".")
		if !jsonFieldOf(reflect.TypeOf(dst).Elem(), top) && !bytes.Contains(bytes.ToLower(body), []byte(strings.ToLower(top))) && !bytes.Contains(body, []byte(`\`)) {
			t.Fatalf("%T: error names field %q, which is neither the input's nor in the body %q", dst, fe.Field, body)
		}
	})
}

// jsonFieldOf reports whether struct type typ (or a struct it embeds) has
// a field called name in JSON.
func jsonFieldOf(typ reflect.Type, name string) bool {
	if typ.Kind() != reflect.Struct {
		return false
	}
	for i := range typ.NumField() {
		sf := typ.Field(i)
		tag, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if sf.Anonymous && tag == "" && jsonFieldOf(sf.Type, name) {
			return true
		}
		if tag == name || (tag == "" && strings.EqualFold(sf.Name, name)) {
			return true
		}
	}
	return false
}
