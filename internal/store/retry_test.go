package store_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store/storetest"
)

// TestReadsSurviveAKilledConnection ends the server process of the one
// pooled connection, as a restart or an administrator would, and reads
// again at once: the read is tried once more on a new connection instead
// of failing.
func TestReadsSurviveAKilledConnection(t *testing.T) {
	url := storetest.NewPostgresSchema(t)
	s := storetest.OpenPostgresURL(t, url)
	ctx := context.Background()
	o := model.Organisation{Name: "Estonia", Kind: model.KindState, Participation: model.Member, Country: "EE"}
	if err := s.CreateOrganisation(ctx, &o); err != nil {
		t.Fatal(err)
	}
	pool := s.SQLDB()
	pool.SetMaxOpenConns(1)
	pool.SetMaxIdleConns(1)

	killer, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer killer.Close()
	kill := func() {
		t.Helper()
		var pid int
		if err := pool.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
			t.Fatal(err)
		}
		var done bool
		if err := killer.QueryRowContext(ctx, `SELECT pg_terminate_backend($1)`, pid).Scan(&done); err != nil || !done {
			t.Fatalf("terminate backend %d: %v %v", pid, done, err)
		}
	}

	kill()
	got, err := s.OrganisationByID(ctx, o.ID)
	if err != nil || got.Name != "Estonia" {
		t.Fatalf("one row after the connection was killed: %+v, %v", got, err)
	}
	kill()
	orgs, err := s.ListOrganisations(ctx)
	if err != nil || len(orgs) != 1 {
		t.Fatalf("a list after the connection was killed: %v, %v", orgs, err)
	}
	kill()
	page, err := s.SortOrganisations(ctx, model.Sort{}, "", 10)
	if err != nil || len(page) != 1 {
		t.Fatalf("a page after the connection was killed: %v, %v", page, err)
	}
}
