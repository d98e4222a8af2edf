package model_test

import (
	"errors"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
)

func TestUnexpected(t *testing.T) {
	if model.Unexpected(nil, "create pledge") != nil {
		t.Fatal("no error became one")
	}
	// A domain error keeps its message: it is what the caller is shown.
	for _, err := range []error{model.ErrNotFound, model.Invalid("title", "is required"), model.Conflict("closed", "is closed"), model.ErrDuplicate} {
		if got := model.Unexpected(err, "create pledge"); got != err {
			t.Errorf("%v became %v", err, got)
		}
	}
	disk := errors.New("disk I/O error")
	got := model.Unexpected(disk, "validate requirement %s", "r1")
	if got.Error() != "validate requirement r1: disk I/O error" || !errors.Is(got, disk) {
		t.Fatalf("unexpected error wrapped as %v", got)
	}
}
