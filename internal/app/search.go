package app

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/search"
	"github.com/cyberaid/cyberaid/internal/store"
)

// newSearch gives the search the read of each kind of record, which asks
// the policy, and the page that shows it.
func newSearch(s store.Store, a *App) *search.Service {
	read := func(get func(ctx context.Context, v policy.Viewer, id string) error) search.Reader { return get }
	return search.NewService(s, map[string]search.Reader{
		"requirement": read(func(ctx context.Context, v policy.Viewer, id string) error {
			_, err := a.Requirements.Get(ctx, v, id)
			return err
		}),
		"pledge": read(func(ctx context.Context, v policy.Viewer, id string) error {
			_, err := a.Pledges.Get(ctx, v, id)
			return err
		}),
		"offer": read(func(ctx context.Context, v policy.Viewer, id string) error {
			_, err := a.Offers.Get(ctx, v, id)
			return err
		}),
		"lesson": read(func(ctx context.Context, v policy.Viewer, id string) error {
			_, err := a.Lessons.Get(ctx, v, id)
			return err
		}),
		"proposal": read(func(ctx context.Context, v policy.Viewer, id string) error {
			_, err := a.Governance.Get(ctx, v, id)
			return err
		}),
		"organisation": read(func(ctx context.Context, v policy.Viewer, id string) error {
			_, err := a.Organisations.Get(ctx, v, id)
			return err
		}),
		// The meetings' pages need the permission as well as the label.
		"meeting": read(func(ctx context.Context, v policy.Viewer, id string) error {
			if err := policy.Require(v, policy.MeetingsRead); err != nil {
				return err
			}
			_, err := a.Governance.Meeting(ctx, v, id)
			return err
		}),
	}, map[string]string{
		"requirement": "/requirements/", "pledge": "/pledges/", "offer": "/offers/", "lesson": "/lessons/",
		"proposal": "/proposals/", "organisation": "/organisations/", "meeting": "/meetings/",
	}).ReadTogether("requirement", a.Requirements.Seen, a.Requirements.Read).
		// Every offer candidate is decided in the database; the page shown is
		// then checked by the policy on the offers read whole, as their own
		// page checks them, so that a fault of the first decision hides an
		// offer rather than shows one.
		ReadTogether("offer", a.Offers.Seen, a.Offers.Read)
}
