package governance

import (
	"context"
	"errors"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// RotationInput is a period of lead organisations.
type RotationInput struct {
	Starts           *model.Date `json:"starts"`
	Ends             *model.Date `json:"ends"`
	FrontOfficeOrgID *string     `json:"front_office_org_id"`
	BackOfficeOrgID  *string     `json:"back_office_org_id"`
}

// Overlaps reports whether two periods (both ends included) share a day.
func Overlaps(a, b model.Rotation) bool {
	return !a.Ends.Before(b.Starts) && !b.Ends.Before(a.Starts)
}

// Current returns the period that covers day, if any.
func Current(rs []model.Rotation, day model.Date) (model.Rotation, bool) {
	for _, r := range rs {
		if !day.Before(r.Starts) && !r.Ends.Before(day) {
			return r, true
		}
	}
	return model.Rotation{}, false
}

// AddRotation adds a period; periods never overlap, and a lead is a member.
func (s *Service) AddRotation(ctx context.Context, v policy.Viewer, in RotationInput) (model.Rotation, error) {
	if err := policy.Require(v, policy.RotationsManage); err != nil {
		return model.Rotation{}, err
	}
	// Every field is judged before any is refused, so that one answer
	// names every fault.
	errs := []error{model.CheckRequired(
		model.Required{Field: "starts", Missing: in.Starts == nil || in.Starts.IsZero()},
		model.Required{Field: "ends", Missing: in.Ends == nil || in.Ends.IsZero()},
		model.Required{Field: "front_office_org_id", Missing: in.FrontOfficeOrgID == nil || *in.FrontOfficeOrgID == ""},
		model.Required{Field: "back_office_org_id", Missing: in.BackOfficeOrgID == nil || *in.BackOfficeOrgID == ""},
	)}
	r := model.Rotation{CreatedAt: s.now().UTC()}
	for _, f := range []struct {
		in  *model.Date
		out *model.Date
	}{{in.Starts, &r.Starts}, {in.Ends, &r.Ends}} {
		if f.in != nil {
			*f.out = *f.in
		}
	}
	for _, f := range []struct {
		in  *string
		out *string
	}{{in.FrontOfficeOrgID, &r.FrontOfficeOrgID}, {in.BackOfficeOrgID, &r.BackOfficeOrgID}} {
		if f.in != nil {
			*f.out = *f.in
		}
	}
	if !r.Starts.IsZero() && !r.Ends.IsZero() && r.Ends.Before(r.Starts) {
		errs = append(errs, model.Broken("ends", "ends_before_starts", "the period ends before it starts"))
	}
	err := s.store.InTx(ctx, func(q store.Queries) error {
		for _, f := range []struct{ field, id string }{{"front_office_org_id", r.FrontOfficeOrgID}, {"back_office_org_id", r.BackOfficeOrgID}} {
			if f.id == "" {
				continue
			}
			o, err := q.OrganisationByID(ctx, f.id)
			switch {
			case errors.Is(err, model.ErrNotFound):
				errs = append(errs, model.Invalid(f.field, "no organisation has the id %q", f.id))
			case err != nil:
				return err
			case o.Participation != model.Member:
				errs = append(errs, model.Broken(f.field, "lead_not_member", "%s is not a member; a lead organisation must be one", o.Name))
			}
		}
		if err := model.Collect(errs...); err != nil {
			return err
		}
		if err := q.LockRotations(ctx); err != nil {
			return err
		}
		existing, err := q.ListRotations(ctx)
		if err != nil {
			return err
		}
		for _, e := range existing {
			if Overlaps(r, e) {
				return model.Broken("starts", "rotation_overlap", "the period overlaps the one from %s to %s", e.Starts, e.Ends)
			}
		}
		if err := q.CreateRotation(ctx, &r); err != nil {
			return err
		}
		return s.record(ctx, q, audit.By(v), "rotation.create", "rotation", r.ID, nil, r)
	})
	return r, err
}

// Rotations lists every period in calendar order. Who leads the offices is
// no secret among participants.
func (s *Service) Rotations(ctx context.Context, v policy.Viewer) ([]model.Rotation, error) {
	if err := policy.Require(v, policy.RotationsRead); err != nil {
		return nil, err
	}
	rs, err := s.store.ListRotations(ctx)
	if rs == nil {
		rs = []model.Rotation{}
	}
	return rs, err
}

// RotationsPage returns up to limit periods in calendar order after the
// cursor, and the cursor of the next page ("" at the end).
func (s *Service) RotationsPage(ctx context.Context, v policy.Viewer, after string, limit int) ([]model.Rotation, string, error) {
	if err := policy.Require(v, policy.RotationsRead); err != nil {
		return nil, "", err
	}
	return model.FillPage(after, limit, func(after string, n int) ([]model.Rotation, error) {
		return s.store.PageRotations(ctx, after, n)
	}, func(r model.Rotation) (model.Rotation, bool, error) { return r, true, nil },
		func(r model.Rotation) string { return r.ID })
}

// CurrentLeads returns the period covering today, for the page header.
func (s *Service) CurrentLeads(ctx context.Context, v policy.Viewer) (model.Rotation, bool, error) {
	rs, err := s.Rotations(ctx, v)
	if err != nil {
		return model.Rotation{}, false, err
	}
	r, ok := Current(rs, model.DateOf(s.now()))
	return r, ok, nil
}
