package store

import (
	"context"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
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

func checkNoSort(t *testing.T, s *DB, query string, args []any) string {
	t.Helper()
	p := explain(t, s, query, args)
	if strings.Contains(p, "TEMP B-TREE") {
		t.Errorf("%s\nsorts: %s", query, p)
	}
	return p
}

// explain is the plan of query (Explain), its steps joined by "; ".
func explain(t *testing.T, s *DB, query string, args []any) string {
	t.Helper()
	plan, err := s.Explain(context.Background(), query, args...)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(strings.TrimSpace(plan), "\n", "; ")
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

// viewers stand for each kind of audience the lists serve: a relation of
// every kind (owner, beneficiary, engaged, shared, named) and the
// validation gate appear in one of their predicates.
func viewers() map[string]policy.Viewer {
	viewer := func(kind model.OrgKind, p model.Participation, roles ...model.Role) policy.Viewer {
		return policy.ViewerFor(model.User{ID: "u", OrgID: "o", Roles: roles},
			model.Organisation{ID: "o", Kind: kind, Participation: p})
	}
	return map[string]policy.Viewer{
		"coordinator": viewer(model.KindState, model.Member, model.RoleCoordinator),
		"state donor": viewer(model.KindState, model.Member, model.RoleDonor),
		"company":     viewer(model.KindPrivateCompany, model.Contributor, model.RoleDonor),
		"beneficiary": viewer(model.KindBeneficiaryAgency, model.Beneficiary, model.RoleRequester),
		"visitor":     {},
	}
}

// TestAudiencePlansUseIndexes checks the plans of the requirements,
// pledges and offers lists under each viewer's predicate: the question
// "is the viewer's organisation engaged on this requirement" is one probe of
// (requirement_id, donor_org_id), never a walk of the organisation's
// pledges per requirement (a company's list took half a minute so), and a
// page in any of the list's orders walks that order's index, with no sort of
// every row the viewer sees.
func TestAudiencePlansUseIndexes(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for name, v := range viewers() {
		a := policy.AudienceOf(v)
		rc, ra, err := s.requirementsSeen(ctx, model.RequirementFilter{}, a)
		if err != nil {
			t.Fatal(err)
		}
		pc, pa := pledgesSeen(model.PledgeFilter{}, a, false)
		wc, wa := pledgesSeen(model.PledgeFilter{}, a, true)
		oc, oa := offersSeen(model.OfferFilter{}, a)
		for _, c := range []struct {
			table string
			cols  map[string]sortColumn
			conds []string
			args  []any
		}{
			{"requirements", requirementSortColumns, rc, ra},
			{"pledges", pledgeSortColumns, pc, pa},
			{"offers", offerSortColumns, oc, oa},
		} {
			for field := range c.cols {
				for _, desc := range []bool{false, true} {
					query, args := s.page(s.sortedBy(c.table, c.cols, model.Sort{Field: field, Desc: desc}), "id", c.conds, c.args, "after", 50)
					plan := checkNoSort(t, s, query, args)
					if strings.Contains(plan, "USING INDEX pledges_donor") {
						t.Errorf("%s, %s by %s: the engaged organisation's pledges are walked: %s", name, c.table, field, plan)
					}
				}
			}
			if c.table == "pledges" {
				c.conds, c.args = wc, wa
			}
			plan := explain(t, s, "SELECT count(*) FROM "+c.table+where(c.conds), c.args)
			if strings.Contains(plan, "USING INDEX pledges_donor") {
				t.Errorf("%s, %s total: the engaged organisation's pledges are walked: %s", name, c.table, plan)
			}
		}
	}
}
