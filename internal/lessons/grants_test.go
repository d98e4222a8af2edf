package lessons_test

import (
	"context"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// A lesson's access list names users only: an organisation's grant, which
// no service writes, opens it to no one, in the list's total as in its
// rows and in a reading.
func TestOrganisationGrantOpensNoLesson(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, s *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)
		a, cast := apptest.New(t, s, func() time.Time { return now })
		strict, err := a.Lessons.Create(ctx, cast.Viewer("coordinator"), lessons.Input{
			Title: ptr("Keep the keys apart"), TLP: ptr(model.TLPAmberStrict), ReviewOn: ptr(model.DateOf(now).AddDays(5)),
		})
		if err != nil {
			t.Fatal(err)
		}
		grant := `INSERT INTO access_grants (object_type, object_id, org_id) VALUES ('lesson', ?, ?)`
		if s.Dialect() == "postgres" {
			grant = `INSERT INTO access_grants (object_type, object_id, org_id) VALUES ('lesson', $1, $2)`
		}
		if _, err := s.SQLDB().ExecContext(ctx, grant, strict.ID, cast.Orgs["us"].ID); err != nil {
			t.Fatal(err)
		}
		page, err := a.Lessons.Page(ctx, cast.Viewer("donor"), lessons.Filter{}, model.Sort{}, "", 50)
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != len(page.Items) {
			t.Errorf("the donor's total is %d, but its page shows %d lessons", page.Total, len(page.Items))
		}
		for _, l := range page.Items {
			if l.ID == strict.ID {
				t.Error("an organisation's grant opened an AMBER+STRICT lesson to it")
			}
		}
	})
}
