package accounts

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/policy"
)

// Total counts the users, for the administrator's list: every user is
// listed to whoever may manage users, so the count is the table's.
func (s *Service) Total(ctx context.Context, actor policy.Viewer) (int, error) {
	if err := policy.Require(actor, policy.UsersManage); err != nil {
		return 0, err
	}
	return s.store.CountUsers(ctx)
}
