// Package organisations is who takes part in the mechanism and how: members
// decide, observers discuss, contributors give, beneficiaries receive.
package organisations

import (
	"context"
	"errors"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

type Service struct {
	store Store
	now   func() time.Time
}

func NewService(s Store, now func() time.Time) *Service {
	return &Service{store: s, now: now}
}

// Input is an organisation as an administrator writes it; on update, nil
// fields stay unchanged.
type Input struct {
	Name          *string              `json:"name"`
	Kind          *model.OrgKind       `json:"kind"`
	Participation *model.Participation `json:"participation"`
	Country       *string              `json:"country"`
	// NameUK and NameFR are optional; an empty one clears it.
	NameUK *string `json:"name_uk"`
	NameFR *string `json:"name_fr"`
}

// ValidCountry reports whether code is an ISO 3166-1 alpha-2 country.
func ValidCountry(code string) bool {
	if len(code) != 2 || strings.ToUpper(code) != code {
		return false
	}
	r, err := language.ParseRegion(code)
	return err == nil && r.IsCountry() && r.String() == code
}

// apply writes the given fields onto o, checking each; every field at
// fault is reported at once.
func (in Input) apply(o *model.Organisation) error {
	var errs []error
	if in.Name != nil {
		n, err := model.CleanText("name", *in.Name, 1, model.MaxTitle)
		errs = append(errs, err)
		if err == nil {
			o.Name = n
		}
	}
	for _, tr := range []struct {
		field string
		in    *string
		out   *string
	}{{"name_uk", in.NameUK, &o.NameUK}, {"name_fr", in.NameFR, &o.NameFR}} {
		if tr.in == nil {
			continue
		}
		n, err := model.CleanText(tr.field, *tr.in, 0, model.MaxTitle)
		errs = append(errs, err)
		if err == nil {
			*tr.out = n
		}
	}
	kindOK, partOK := true, true
	if in.Kind != nil {
		if in.Kind.Valid() {
			o.Kind = *in.Kind
		} else {
			kindOK = false
			errs = append(errs, model.Invalid("kind", "%q is not a kind; use state, international_org, private_company, ngo or beneficiary_agency", *in.Kind))
		}
	}
	if in.Participation != nil {
		if in.Participation.Valid() {
			o.Participation = *in.Participation
		} else {
			partOK = false
			errs = append(errs, model.Invalid("participation", "%q is not a participation; use member, observer, applicant, contributor, beneficiary or former", *in.Participation))
		}
	}
	countryOK := true
	if in.Country != nil {
		c := strings.ToUpper(strings.TrimSpace(*in.Country))
		if c != "" && !ValidCountry(c) {
			countryOK = false
			errs = append(errs, model.Invalid("country", "%q is not an ISO 3166-1 alpha-2 country code (e.g. UA, EE)", *in.Country))
		} else {
			o.Country = c
		}
	}
	// How kind, participation and country fit together is judged only on
	// values that are themselves right.
	if kindOK && countryOK && o.Kind == model.KindState && o.Country == "" {
		errs = append(errs, model.Invalid("country", "is required for a state"))
	}
	if kindOK && partOK {
		switch {
		case o.Participation == model.Contributor && !o.IsBusiness():
			errs = append(errs, model.Broken("participation", "contributor_not_business", "contributors are companies and NGOs; a %s is a member, observer or applicant", o.Kind))
		case o.Kind == model.KindBeneficiaryAgency && o.Participation != model.Beneficiary && o.Participation != model.Former:
			errs = append(errs, model.Broken("participation", "agency_not_beneficiary", "a beneficiary agency takes part as a beneficiary"))
		}
	}
	return model.Collect(errs...)
}

// Create adds an organisation, for an administrator or the operator's
// command line (policy.System).
func (s *Service) Create(ctx context.Context, actor policy.Viewer, in Input) (model.Organisation, error) {
	if err := policy.Require(actor, policy.OrganisationsManage); err != nil {
		return model.Organisation{}, err
	}
	now := s.now().UTC()
	o := model.Organisation{CreatedAt: now, UpdatedAt: now}
	if err := model.Collect(model.CheckRequired(
		model.Required{Field: "name", Missing: in.Name == nil},
		model.Required{Field: "kind", Missing: in.Kind == nil},
		model.Required{Field: "participation", Missing: in.Participation == nil},
	), in.apply(&o)); err != nil {
		return model.Organisation{}, err
	}
	err := s.store.InTx(ctx, func(q store.Queries) error {
		if err := q.CreateOrganisation(ctx, &o); err != nil {
			if errors.Is(err, model.ErrDuplicate) {
				return model.Broken("name", "name_taken", "an organisation is already called %q", o.Name)
			}
			return err
		}
		_, err := audit.Record(ctx, q, now, audit.Actor{UserID: actor.UserID, OrgID: actor.Org.ID}, audit.Change{
			Action: "organisation.create", ObjectType: "organisation", ObjectID: o.ID, After: o,
		})
		return err
	})
	return o, err
}

// Update changes an organisation; its users' roles must still fit it.
func (s *Service) Update(ctx context.Context, actor policy.Viewer, id string, in Input, checkRoles func([]model.Role, model.Organisation) error) (model.Organisation, error) {
	if err := policy.Require(actor, policy.OrganisationsManage); err != nil {
		return model.Organisation{}, err
	}
	var out model.Organisation
	err := s.store.InTx(ctx, func(q store.Queries) error {
		o, err := q.OrganisationByID(ctx, id)
		if err != nil {
			return err
		}
		before := o
		if err := in.apply(&o); err != nil {
			return err
		}
		users, err := q.ListUsers(ctx, o.ID)
		if err != nil {
			return err
		}
		for _, u := range users {
			if err := checkRoles(u.Roles, o); err != nil {
				return model.Broken("participation", "roles_no_longer_fit", "%s holds roles the organisation could no longer have (%v); change them first", u.Email, err)
			}
		}
		o.UpdatedAt = s.now().UTC()
		// Leaving ends its users' sign-ins at once, with the change.
		if o.Participation == model.Former && before.Participation != model.Former {
			for _, u := range users {
				if err := q.DeleteUserSessions(ctx, u.ID); err != nil {
					return err
				}
				if err := q.RevokeUserAPITokens(ctx, u.ID, o.UpdatedAt); err != nil {
					return err
				}
			}
		}
		if err := q.UpdateOrganisation(ctx, &o); err != nil {
			if errors.Is(err, model.ErrDuplicate) {
				return model.Broken("name", "name_taken", "an organisation is already called %q", o.Name)
			}
			return err
		}
		out = o
		_, err = audit.Record(ctx, q, o.UpdatedAt, audit.Actor{UserID: actor.UserID, OrgID: actor.Org.ID}, audit.Change{
			Action: "organisation.update", ObjectType: "organisation", ObjectID: o.ID, Before: before, After: o,
		})
		return err
	})
	return out, err
}

func (s *Service) Get(ctx context.Context, v policy.Viewer, id string) (model.Organisation, error) {
	if err := policy.Require(v, policy.OrganisationsRead); err != nil {
		return model.Organisation{}, err
	}
	return s.store.OrganisationByID(ctx, id)
}

func (s *Service) List(ctx context.Context, v policy.Viewer) ([]model.Organisation, error) {
	if err := policy.Require(v, policy.OrganisationsRead); err != nil {
		return nil, err
	}
	return s.store.ListOrganisations(ctx)
}

// Directory returns every organisation by name, for any viewer: who takes
// part in the mechanism is public, and the name of the organisation behind
// a record is part of the record (the policy has already decided who sees
// the record), so pages name them and forms offer them.
func (s *Service) Directory(ctx context.Context) ([]model.Organisation, error) {
	return s.store.ListOrganisations(ctx)
}

// Names maps every organisation's id to its name (see Directory).
func (s *Service) Names(ctx context.Context) (map[string]string, error) {
	return s.NamesIn(ctx, "en")
}

// NamesIn maps every organisation's id to its name for a reader of lang
// (see Organisation.NameIn).
func (s *Service) NamesIn(ctx context.Context, lang string) (map[string]string, error) {
	orgs, err := s.Directory(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(orgs))
	for _, o := range orgs {
		out[o.ID] = o.NameIn(lang)
	}
	return out, nil
}

// Page returns up to limit organisations in order (by name unless asked)
// after cursor (as model.SortCursor wrote it), and the cursor of the next
// page ("" at the end).
func (s *Service) Page(ctx context.Context, v policy.Viewer, order model.Sort, cursor string, limit int) ([]model.Organisation, string, error) {
	if err := policy.Require(v, policy.OrganisationsRead); err != nil {
		return nil, "", err
	}
	after, err := model.ReadSortCursor(order, cursor)
	if err != nil {
		return nil, "", err
	}
	orgs, next, err := model.FillPage(after, limit, func(after string, n int) ([]model.Organisation, error) {
		return s.store.SortOrganisations(ctx, order, after, n)
	}, func(o model.Organisation) (model.Organisation, bool, error) { return o, true, nil },
		func(o model.Organisation) string { return o.ID })
	return orgs, model.SortCursor(order, next), err
}
