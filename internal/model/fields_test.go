package model_test

import (
	"errors"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
)

func TestApplyFields(t *testing.T) {
	title, tlp := "Grid", model.TLPAmber
	rec := struct {
		Title string
		TLP   model.TLP
		IDs   []string
	}{Title: "Grid", TLP: model.TLPClear}
	same, green, bad := "Grid", model.TLPGreen, model.TLP("pink")

	// A field given with its current value is given, not changed.
	changed, err := model.ApplyFields(model.Text("title", &same, &rec.Title, 1, 10))
	if err != nil || changed {
		t.Fatalf("same title: changed %v, %v", changed, err)
	}
	given, err := model.ApplyGiven(model.Text("title", &same, &rec.Title, 1, 10))
	if err != nil || !given {
		t.Fatalf("same title: given %v, %v", given, err)
	}
	// Quiet fields change the record but not the answer; nil fields are left.
	changed, err = model.ApplyFields(model.Quiet(model.Label(&tlp, &rec.TLP)), model.IDs(nil, &rec.IDs))
	if err != nil || changed || rec.TLP != model.TLPAmber || rec.IDs != nil {
		t.Fatalf("quiet label: changed %v, %v, %+v", changed, err, rec)
	}
	// The first field at fault is the one reported; later ones are not applied.
	_, err = model.ApplyFields(model.Label(&bad, &rec.TLP), model.Text("title", &title, &rec.Title, 5, 10))
	var fe *model.FieldError
	if !errors.As(err, &fe) || fe.Field != "tlp" || !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("bad label: %v", err)
	}
	ids := []string{"b", "a", "b"}
	changed, err = model.ApplyFields(model.Label(&green, &rec.TLP), model.IDs(&ids, &rec.IDs))
	if err != nil || !changed || rec.TLP != model.TLPGreen || len(rec.IDs) != 2 || rec.IDs[0] != "a" {
		t.Fatalf("label and ids: changed %v, %v, %+v", changed, err, rec)
	}
}
