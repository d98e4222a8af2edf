package notify_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/demo"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/notify"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestSeenAsRecordsShow: the records notifications name are decided
// together, a requirement by the organisations engaged on it; on a
// generated set of every label and status, for every demo account and a
// stranger to all of it, a notification of a requirement or a pledge is
// seen exactly when its record read whole is shown, one of a record that
// is gone by no one, and one of an account by its owner only.
func TestSeenAsRecordsShow(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := t.Context()
		a, accounts := apptest.Generated(t, s, demo.Scale{Requirements: 120, Pledges: 600, Seed: 5})
		reqs, err := s.ListRequirements(ctx, model.RequirementFilter{}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := s.ListPledges(ctx, model.PledgeFilter{}, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		var ns []model.Notification
		for _, r := range reqs {
			ns = append(ns, model.Notification{ObjectType: "requirement", ObjectID: r.ID})
		}
		for _, p := range ps {
			ns = append(ns, model.Notification{ObjectType: "pledge", ObjectID: p.ID})
		}
		gone := "01890000-0000-7000-8000-000000000000"
		ns = append(ns, model.Notification{ObjectType: "pledge", ObjectID: gone}, model.Notification{ObjectType: "requirement", ObjectID: gone})
		viewers := []policy.Viewer{{UserID: "01890000-0000-7000-8000-00000000000f"}}
		for _, v := range accounts {
			viewers = append(viewers, v)
		}
		for _, v := range viewers {
			own := append(slices.Clip(ns), model.Notification{ObjectType: "account", ObjectID: v.UserID}, model.Notification{ObjectType: "account", ObjectID: gone})
			got, err := notify.Seen(ctx, s, v, own)
			if err != nil {
				t.Fatal(err)
			}
			shown := 0
			for i, n := range own {
				var want bool
				switch n.ObjectType {
				case "requirement":
					_, err = a.Requirements.Get(ctx, v, n.ObjectID)
					want = err == nil
				case "pledge":
					_, err = a.Pledges.Get(ctx, v, n.ObjectID)
					want = err == nil
				case "account":
					want, err = n.ObjectID == v.UserID, nil
				}
				if err != nil && !errors.Is(err, model.ErrNotFound) && !errors.Is(err, model.ErrForbidden) {
					t.Fatal(err)
				}
				if got[i] != want {
					t.Errorf("%s: %s %s seen %v, its record shown %v", v.UserID, n.ObjectType, n.ObjectID, got[i], want)
				}
				if want {
					shown++
				}
			}
			if shown < 2 && v.Org.ID != "" {
				t.Errorf("%s sees %d records: the set tells nothing of them", v.UserID, shown)
			}
		}
	})
}
