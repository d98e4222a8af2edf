package store

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// ViewedPages read lessons, proposals and notifications a viewer may see,
// sorted and counted in the database as SortedPages do: each applies
// policy.AudienceOf's decision as SQL, so a total never counts a row the
// viewer could not read.
type ViewedPages interface {
	PageLessons(ctx context.Context, f model.LessonFilter, a policy.Audience, s model.Sort, after string, limit int) ([]model.Lesson, error)
	CountLessons(ctx context.Context, f model.LessonFilter, a policy.Audience) (int, error)
	PageProposals(ctx context.Context, f model.ProposalFilter, a policy.Audience, s model.Sort, after string, limit int) ([]model.Proposal, error)
	CountProposals(ctx context.Context, f model.ProposalFilter, a policy.Audience) (int, error)
	// PageNotifications reads f.UserID's notifications about records a
	// sees (its own account counts as one).
	PageNotifications(ctx context.Context, f model.NotificationFilter, a policy.Audience, s model.Sort, after string, limit int) ([]model.Notification, error)
	// CountNotifications returns how many of them there are, and how many
	// of those are unread.
	CountNotifications(ctx context.Context, f model.NotificationFilter, a policy.Audience) (total, unread int, err error)
	// SortOrganisations and SortUsers page the whole directory, which
	// every reader of it sees whole.
	SortOrganisations(ctx context.Context, s model.Sort, after string, limit int) ([]model.Organisation, error)
	SortUsers(ctx context.Context, s model.Sort, after string, limit int) ([]model.User, error)
}

// Migration 00025 indexes (expression, id) for each of these.
var lessonSortColumns = map[string]sortColumn{
	"created": {expr: "id"},
	"title":   {expr: "title", text: true},
	"status":  {expr: "status", text: true},
	"review":  {expr: "COALESCE(review_on, '')", text: true, pg: "COALESCE(review_on, DATE '0001-01-01')"},
}

var proposalSortColumns = map[string]sortColumn{
	"created": {expr: "id"},
	"title":   {expr: "title", text: true},
	"status":  {expr: "status", text: true},
	"decided": {expr: "COALESCE(closed_at, '')", text: true, pg: "COALESCE(closed_at, TIMESTAMPTZ '0001-01-01 00:00:00+00')"},
}

var notificationSortColumns = map[string]sortColumn{
	"created": {expr: "id"},
}

var organisationSortColumns = map[string]sortColumn{
	"name":          {expr: "name", text: true},
	"kind":          {expr: "kind", text: true},
	"participation": {expr: "participation", text: true},
	"country":       {expr: "country", text: true},
}

// A user's first role by name, and its organisation's name: the directory
// is small, so these sort without an index of their own.
var userSortColumns = map[string]sortColumn{
	"name":         {expr: "name", text: true},
	"email":        {expr: "email", text: true},
	"role":         {expr: "COALESCE((SELECT min(ur.role) FROM user_roles ur WHERE ur.user_id = users.id), '')", text: true},
	"organisation": {expr: "(SELECT o.name FROM organisations o WHERE o.id = users.org_id)", text: true},
}

func proposalShape(t string) shape {
	return shape{tlp: t + ".tlp", owner: t + ".proposer_org_id", beneficiary: t + ".subject_org_id"}
}

// lessonAbout is the shape of a lesson with what it is about: a
// requirement, a pledge, or nothing. A lesson's beneficiary is that of its
// record (policy.LessonResource).
func lessonAbout(link string) func(t string) shape {
	return func(t string) shape {
		s := shape{tlp: t + ".tlp", owner: t + ".author_org_id", grant: grantLesson, namedOnly: true}
		switch link {
		case "requirement":
			s.beneficiary = "(SELECT lb.beneficiary_org_id FROM requirements lb WHERE lb.id = " + t + ".link_id)"
			s.parent = requirementShape
			s.parentFrom = func(t string) string { return "requirements lpar WHERE lpar.id = " + t + ".link_id" }
		case "pledge":
			s.beneficiary = "(SELECT " + pledgeShape("lb").beneficiary + " FROM pledges lb WHERE lb.id = " + t + ".link_id)"
			s.parent = pledgeShape
			s.parentFrom = func(t string) string { return "pledges lpar WHERE lpar.id = " + t + ".link_id" }
		default:
			return s
		}
		s.parentAlias = func(string) string { return "lpar" }
		s.orphan = func(string) string { return "1 = 0" }
		return s
	}
}

// lessonRecordExists: a lesson about a record that is gone is seen by no
// one (lessons.Service.visible).
func lessonRecordExists(t string) string {
	return "(" + t + ".link = 'none' OR (" + t + ".link = 'requirement' AND EXISTS (SELECT 1 FROM requirements lx WHERE lx.id = " + t + ".link_id))" +
		" OR (" + t + ".link IN ('pledge', 'delivery') AND EXISTS (SELECT 1 FROM pledges lx WHERE lx.id = " + t + ".link_id AND " +
		"(lx.requirement_id IS NULL OR EXISTS (SELECT 1 FROM requirements ly WHERE ly.id = lx.requirement_id)))))"
}

// lessonsSeen is the filter f and the audience a as conditions.
func lessonsSeen(f model.LessonFilter, a policy.Audience) ([]string, []any) {
	conds := []string{lessonRecordExists("lessons")}
	var args []any
	if f.Status != "" {
		conds, args = append(conds, "lessons.status = ?"), append(args, string(f.Status))
	}
	if !f.DueBy.IsZero() {
		conds = append(conds, "lessons.status IN ('proposed', 'accepted') AND lessons.review_on IS NOT NULL AND lessons.review_on <= ?")
		args = append(args, f.DueBy)
	}
	if f.LinkID != "" {
		// Only a viewer who sees the record reads which one a lesson is about.
		conds, args = append(conds, "lessons.link_id = ?"), append(args, f.LinkID)
		if !a.All {
			req, rargs := visibleSQL(a, "lr", requirementShape("lr"))
			pl, pargs := visibleSQL(a, "lp", pledgeShape("lp"))
			conds = append(conds, "((lessons.link = 'requirement' AND EXISTS (SELECT 1 FROM requirements lr WHERE lr.id = lessons.link_id AND "+req+"))"+
				" OR (lessons.link IN ('pledge', 'delivery') AND EXISTS (SELECT 1 FROM pledges lp WHERE lp.id = lessons.link_id AND "+pl+")))")
			args = append(append(args, rargs...), pargs...)
		}
	}
	if a.All {
		return conds, args
	}
	var or []string
	for _, k := range []struct{ cond, link string }{
		{"lessons.link = 'none'", "none"},
		{"lessons.link = 'requirement'", "requirement"},
		{"lessons.link IN ('pledge', 'delivery')", "pledge"},
	} {
		vis, vargs := visibleSQL(a, "lessons", lessonAbout(k.link)("lessons"))
		or, args = append(or, "("+k.cond+" AND "+vis+")"), append(args, vargs...)
	}
	return append(conds, "("+or[0]+" OR "+or[1]+" OR "+or[2]+")"), args
}

// PageLessons returns up to limit lessons matching f that a sees, in
// order s, after the lesson whose id is after.
func (q *queries) PageLessons(ctx context.Context, f model.LessonFilter, a policy.Audience, s model.Sort, after string, limit int) ([]model.Lesson, error) {
	conds, args := lessonsSeen(f, a)
	if err := q.cursorSeen(ctx, "lessons", conds, args, after); err != nil {
		return nil, pageErr(err, "page lessons")
	}
	query, qargs := q.page(q.sortedBy("lessons", lessonSortColumns, s), lessonSelect, conds, args, after, limit)
	ls, err := queryAll(ctx, q.rd, scanLesson, query, qargs...)
	if err == nil {
		err = q.loadLessonGrants(ctx, ls)
	}
	return ls, pageErr(err, "page lessons")
}

// CountLessons counts the lessons matching f that a sees.
func (q *queries) CountLessons(ctx context.Context, f model.LessonFilter, a policy.Audience) (int, error) {
	conds, args := lessonsSeen(f, a)
	n, err := q.count(ctx, "lessons", conds, args)
	return n, dbErr(err, "count lessons")
}

// proposalsSeen is the filter f and the audience a as conditions.
func proposalsSeen(f model.ProposalFilter, a policy.Audience) ([]string, []any) {
	var conds []string
	var args []any
	if f.Status != "" {
		conds, args = append(conds, "status = ?"), append(args, string(f.Status))
	}
	if f.Kind != "" {
		conds, args = append(conds, "kind = ?"), append(args, string(f.Kind))
	}
	vis, vargs := visibleSQL(a, "proposals", proposalShape("proposals"))
	return append(conds, vis), append(args, vargs...)
}

// PageProposals returns up to limit proposals matching f that a sees, in
// order s, after the proposal whose id is after.
func (q *queries) PageProposals(ctx context.Context, f model.ProposalFilter, a policy.Audience, s model.Sort, after string, limit int) ([]model.Proposal, error) {
	conds, args := proposalsSeen(f, a)
	if err := q.cursorSeen(ctx, "proposals", conds, args, after); err != nil {
		return nil, pageErr(err, "page proposals")
	}
	query, qargs := q.page(q.sortedBy("proposals", proposalSortColumns, s), proposalColumns, conds, args, after, limit)
	ps, err := queryAll(ctx, q.rd, scanProposal, query, qargs...)
	if err == nil {
		err = q.loadElectorates(ctx, ps)
	}
	return ps, pageErr(err, "page proposals")
}

// CountProposals counts the proposals matching f that a sees.
func (q *queries) CountProposals(ctx context.Context, f model.ProposalFilter, a policy.Audience) (int, error) {
	conds, args := proposalsSeen(f, a)
	n, err := q.count(ctx, "proposals", conds, args)
	return n, dbErr(err, "count proposals")
}

// notificationsSeen is the filter f and the audience a as conditions: a
// notification is read only while its record is (notify's seen).
func notificationsSeen(f model.NotificationFilter, a policy.Audience) ([]string, []any) {
	conds, args := []string{"user_id = ?"}, []any{f.UserID}
	if f.Unread {
		conds = append(conds, "read_at IS NULL")
	}
	or := []string{"(object_type = 'account' AND object_id = ?)"}
	args = append(args, a.UserID)
	for _, k := range []struct {
		typ, table string
		shape      func(string) shape
	}{
		{"proposal", "proposals", proposalShape},
		{"requirement", "requirements", requirementShape},
		{"pledge", "pledges", pledgeShape},
	} {
		vis, vargs := visibleSQL(a, "nx", k.shape("nx"))
		or = append(or, "(object_type = '"+k.typ+"' AND EXISTS (SELECT 1 FROM "+k.table+" nx WHERE nx.id = notifications.object_id AND "+vis+"))")
		args = append(args, vargs...)
	}
	cond := "(" + or[0]
	for _, o := range or[1:] {
		cond += " OR " + o
	}
	return append(conds, cond+")"), args
}

func (q *queries) PageNotifications(ctx context.Context, f model.NotificationFilter, a policy.Audience, s model.Sort, after string, limit int) ([]model.Notification, error) {
	conds, args := notificationsSeen(f, a)
	if err := q.cursorSeen(ctx, "notifications", conds, args, after); err != nil {
		return nil, pageErr(err, "page notifications")
	}
	query, qargs := q.page(q.sortedBy("notifications", notificationSortColumns, s), notificationColumns, conds, args, after, limit)
	ns, err := queryAll(ctx, q.rd, scanNotification, query, qargs...)
	return ns, pageErr(err, "page notifications")
}

func (q *queries) CountNotifications(ctx context.Context, f model.NotificationFilter, a policy.Audience) (int, int, error) {
	conds, args := notificationsSeen(f, a)
	var total, read int
	err := q.rd.row(ctx, "SELECT count(*), count(read_at) FROM notifications"+where(conds), args...).Scan(&total, &read)
	return total, total - read, dbErr(err, "count notifications")
}

// sortedByName is sortedBy for a list whose own order is by name.
func (q *queries) sortedByName(table string, cols map[string]sortColumn, s model.Sort) sorted {
	if _, ok := cols[s.Field]; !ok {
		return sorted{table: table, col: cols["name"]}
	}
	return q.sortedBy(table, cols, s)
}

func (q *queries) SortOrganisations(ctx context.Context, s model.Sort, after string, limit int) ([]model.Organisation, error) {
	if err := q.cursorSeen(ctx, "organisations", nil, nil, after); err != nil {
		return nil, pageErr(err, "page organisations")
	}
	query, args := q.page(q.sortedByName("organisations", organisationSortColumns, s), organisationColumns, nil, nil, after, limit)
	orgs, err := queryAll(ctx, q.rd, scanOrganisation, query, args...)
	return orgs, pageErr(err, "page organisations")
}

func (q *queries) SortUsers(ctx context.Context, s model.Sort, after string, limit int) ([]model.User, error) {
	if err := q.cursorSeen(ctx, "users", nil, nil, after); err != nil {
		return nil, pageErr(err, "page users")
	}
	query, args := q.page(q.sortedByName("users", userSortColumns, s), userColumns, nil, nil, after, limit)
	users, err := queryAll(ctx, q.rd, scanUser, query, args...)
	if err == nil {
		err = q.loadRoles(ctx, users)
	}
	return users, pageErr(err, "page users")
}
