package policy

import (
	"context"
	"slices"

	"github.com/cyberaid/cyberaid/internal/model"
)

// CheckNamed makes sure a RED record names real users, its author v first,
// so that nobody writes a record they cannot read back. It completes named
// in place; user looks a user up by id (the store's UserByID).
func CheckNamed(ctx context.Context, v Viewer, tlp model.TLP, named *[]string, user func(ctx context.Context, id string) (model.User, error)) error {
	if tlp != model.TLPRed {
		return nil
	}
	if !slices.Contains(*named, v.UserID) {
		*named = append(*named, v.UserID)
		slices.Sort(*named)
	}
	for _, id := range *named {
		if _, err := user(ctx, id); err != nil {
			return model.Invalid("named_user_ids", "no user has the id %q", id)
		}
	}
	return nil
}
