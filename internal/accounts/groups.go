package accounts

import (
	"context"
	"slices"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// checkWorkingGroup refuses a working group that is not one, or one given
// to a user who does not validate: only validators review.
func checkWorkingGroup(g model.WorkingGroup, roles []model.Role) error {
	if g == "" {
		return nil
	}
	if !g.Valid() {
		return model.Invalid("working_group", "%q is not a working group; use technical or interagency", g)
	}
	if !slices.Contains(roles, model.RoleValidator) {
		return model.Broken("working_group", "not_validator", "only a validator belongs to a working group")
	}
	return nil
}

// UserChange is what an administrator changes on an account; nil fields
// stay as they are.
type UserChange struct {
	// WorkingGroup is the validators' group; "" takes the user out of any.
	WorkingGroup *model.WorkingGroup `json:"working_group"`
}

// Update changes an account, for an administrator, with its audit event.
func (s *Service) Update(ctx context.Context, actor policy.Viewer, id string, in UserChange) (model.User, error) {
	if err := policy.Require(actor, policy.UsersManage); err != nil {
		return model.User{}, err
	}
	var out model.User
	err := s.store.InTx(ctx, func(q store.Queries) error {
		u, err := q.UserByID(ctx, id)
		if err != nil {
			return err
		}
		before := u
		if in.WorkingGroup != nil {
			if err := checkWorkingGroup(*in.WorkingGroup, u.Roles); err != nil {
				return err
			}
			u.WorkingGroup = *in.WorkingGroup
		}
		u.UpdatedAt = s.now().UTC()
		if err := q.UpdateUser(ctx, &u); err != nil {
			return err
		}
		out = u
		_, err = audit.Record(ctx, q, u.UpdatedAt, audit.By(actor), audit.Change{
			Action: "user.update", ObjectType: "user", ObjectID: u.ID, Before: before, After: u,
		})
		return err
	})
	return out, err
}
