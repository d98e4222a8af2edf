package store

import (
	"context"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
)

// TestFilteredListsNeedNoSort checks that every list filter walks an index
// in id order: a sort would read every matching row for each page, and a
// filtered export of a large table would read it once per batch.
func TestFilteredListsNeedNoSort(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	pledgeFilters := []model.PledgeFilter{
		{RequirementID: "r"}, {DonorOrgID: "d"}, {Beneficiary: "b"}, {Status: model.PledgeConfirmed}, {Channel: model.ChannelBilateral},
	}
	for _, f := range pledgeFilters {
		conds, args := pledgeConds(f)
		conds, args = keyRange(conds, args, "after", "")
		checkNoSort(t, s, `SELECT id FROM pledges`+where(conds)+` ORDER BY id DESC LIMIT 1000`, args)
	}
	for _, col := range []string{"status", "sector", "category", "line_of_effort", "priority", "beneficiary_org_id"} {
		checkNoSort(t, s, `SELECT id FROM requirements WHERE `+col+` = ? AND id < ? ORDER BY id DESC LIMIT 1000`, []any{"x", "after"})
	}
	checkNoSort(t, s, `SELECT id FROM offers WHERE donor_org_id = ? AND id < ? ORDER BY id DESC LIMIT 1000`, []any{"x", "after"})
}

func checkNoSort(t *testing.T, s *DB, query string, args []any) {
	t.Helper()
	rows, err := s.reader.Query(`EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if p := strings.Join(plan, "; "); strings.Contains(p, "TEMP B-TREE") {
		t.Errorf("%s\nsorts: %s", query, p)
	}
}

// TestViewedSortsUseIndexes checks that each sort of the lessons,
// proposals, notifications and directory lists walks the index migration
// 00025 made for it, for the platform's view where no predicate narrows
// the rows first.
func TestViewedSortsUseIndexes(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		table string
		cols  map[string]sortColumn
		conds []string
		args  []any
	}{
		{"lessons", lessonSortColumns, nil, nil},
		{"proposals", proposalSortColumns, nil, nil},
		{"notifications", notificationSortColumns, []string{"user_id = ?", "read_at IS NULL"}, []any{"u"}},
		{"organisations", organisationSortColumns, nil, nil},
		{"users", map[string]sortColumn{"name": userSortColumns["name"], "email": userSortColumns["email"]}, nil, nil},
	} {
		for field := range c.cols {
			for _, desc := range []bool{false, true} {
				query, args := s.page(s.sortedBy(c.table, c.cols, model.Sort{Field: field, Desc: desc}), "id", c.conds, c.args, "after", 50)
				checkNoSort(t, s, query, args)
			}
		}
	}
}
