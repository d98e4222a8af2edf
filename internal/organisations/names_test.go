package organisations_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/organisations"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

func ref[T any](v T) *T { return &v }

// TestNamesInEachLanguage: an organisation keeps its name in Ukrainian and
// in French beside the English one; a reader sees the name of their
// language, or the English name where none was given.
func TestNamesInEachLanguage(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := organisations.NewService(db, func() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) })
		sys := policy.System()
		ssscip, err := s.Create(ctx, sys, organisations.Input{
			Name:          ref("State Service of Special Communications and Information Protection of Ukraine"),
			NameUK:        ref("  Державна служба спеціального зв’язку та захисту інформації України "),
			NameFR:        ref("Service national des communications spéciales et de la protection de l’information d’Ukraine"),
			Kind:          ref(model.KindBeneficiaryAgency),
			Participation: ref(model.Beneficiary), Country: ref("UA"),
		})
		if err != nil {
			t.Fatal(err)
		}
		ee, err := s.Create(ctx, sys, organisations.Input{
			Name: ref("Estonia"), Kind: ref(model.KindState), Participation: ref(model.Member), Country: ref("EE"),
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx, sys, ssscip.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.NameUK != "Державна служба спеціального зв’язку та захисту інформації України" || got.NameFR == "" {
			t.Errorf("stored names: %q, %q", got.NameUK, got.NameFR)
		}
		for lang, want := range map[string]string{
			"en": "State Service of Special Communications and Information Protection of Ukraine",
			"uk": "Державна служба спеціального зв’язку та захисту інформації України",
			"fr": "Service national des communications spéciales et de la protection de l’information d’Ukraine",
		} {
			names, err := s.NamesIn(ctx, lang)
			if err != nil {
				t.Fatal(err)
			}
			if names[ssscip.ID] != want {
				t.Errorf("%s: %q, want %q", lang, names[ssscip.ID], want)
			}
			if names[ee.ID] != "Estonia" {
				t.Errorf("%s: a name given only in English reads %q", lang, names[ee.ID])
			}
		}

		// An update that leaves them out keeps them; an empty one clears it.
		if _, err := s.Update(ctx, sys, ssscip.ID, organisations.Input{Country: ref("UA")}, noRoles); err != nil {
			t.Fatal(err)
		}
		got, _ = s.Get(ctx, sys, ssscip.ID)
		if got.NameFR == "" || got.NameUK == "" {
			t.Error("an update without names cleared them")
		}
		if _, err := s.Update(ctx, sys, ssscip.ID, organisations.Input{NameFR: ref(" ")}, noRoles); err != nil {
			t.Fatal(err)
		}
		got, _ = s.Get(ctx, sys, ssscip.ID)
		if got.NameFR != "" || got.NameIn("fr") != got.Name {
			t.Errorf("cleared French name: %q, shown as %q", got.NameFR, got.NameIn("fr"))
		}

		_, err = s.Create(ctx, sys, organisations.Input{
			Name: ref("Moldova"), NameFR: ref("Mol\x00dova"), Kind: ref(model.KindState), Participation: ref(model.Observer), Country: ref("MD"),
		})
		var fe *model.FieldError
		if !errors.As(err, &fe) || fe.Field != "name_fr" {
			t.Errorf("a control character in the French name: %v", err)
		}
	})
}

func noRoles([]model.Role, model.Organisation) error { return nil }
