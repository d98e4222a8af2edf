package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Run is the conformance suite: every backend must pass it unchanged. Each
// test runs in parallel on a fresh database from open.
func Run(t *testing.T, open func(t testing.TB) *store.DB) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s *store.DB)
	}{
		{"Migrate", testMigrate},
		{"Organisations", testOrganisations},
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"APITokens", testAPITokens},
		{"Requirements", testRequirements},
		{"RequirementFilters", testRequirementFilters},
		{"RequirementSearch", testRequirementSearch},
		{"RequirementPaging", testRequirementPaging},
		{"Validations", testValidations},
		{"Pledges", testPledges},
		{"PledgeFilters", testPledgeFilters},
		{"CreatePledges", testCreatePledges},
		{"CreateRequirements", testCreateRequirements},
		{"TruncateRefused", testTruncateRefused},
		{"Rates", testRates},
		{"HeldRates", testHeldRates},
		{"HeldRatesWhileWritten", testHeldRatesWhileWritten},
		{"ProvisionalValues", testProvisionalValues},
		{"Counters", testCounters},
		{"ConcurrentCounters", testConcurrentCounters},
		{"ConcurrentUpdates", testConcurrentUpdates},
		{"LoginAttempts", testLoginAttempts},
		{"ConcurrentLoginAttempts", testConcurrentLoginAttempts},
		{"TOTPSteps", testTOTPSteps},
		{"PasswordHash", testSetPasswordHash},
		{"RevokeUserTokens", testRevokeUserAPITokens},
		{"SSOProviders", testSSOProviders},
		{"SignInFlows", testSignInFlows},
		{"Passkeys", testPasskeys},
		{"SessionDevices", testSessionDevices},
		{"Audit", testAudit},
		{"AuditAppendOnly", testAuditAppendOnly},
		{"ConcurrentAudit", testConcurrentAudit},
		{"AuditBatches", testAuditBatches},
		{"InTxRollback", testInTxRollback},
		{"GroupCommit", testGroupCommit},
		{"PledgeClasses", testPledgeClasses},
		{"Proposals", testProposals},
		{"Rotations", testRotations},
		{"Meetings", testMeetings},
		{"ConstraintErrors", testConstraintErrors},
		{"Pages", testPages},
		{"SortedPages", testSortedPages},
		{"AudienceTotals", testAudienceTotals},
		{"PledgePagesByArms", testPledgePagesByArms},
		{"FullTextSearch", testFullTextSearch},
		{"HiddenCursor", testHiddenCursor},
		{"SortedOffers", testSortedOffers},
		{"QueryMatchesBeneficiaryNames", testQueryMatchesBeneficiaryNames},
		{"ViewedPages", testViewedPages},
		{"RequirementChanges", testRequirementChanges},
		{"RequirementBounds", testRequirementBounds},
		{"RequirementListVersions", testRequirementListVersions},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open(t))
		})
	}
}

// An instant with microseconds and a zone other than UTC: the store must
// return the same instant in UTC.
var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589793000, time.FixedZone("EET", 2*3600))

func ctxOf(t *testing.T) context.Context { return t.Context() }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want %v", err, target)
	}
	var se *sqlite.Error
	var pe *pgconn.PgError
	if errors.As(err, &se) || errors.As(err, &pe) {
		t.Fatalf("error %q wraps the driver's %T: callers must not come to depend on it", err, err)
	}
}

func same[T any](t *testing.T, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got\n\t%+v\nwant\n\t%+v", got, want)
	}
}

func newOrg(t *testing.T, s store.Queries, name string) model.Organisation {
	t.Helper()
	o := model.Organisation{Name: name, Kind: model.KindState, Participation: model.Member, Country: "EE"}
	must(t, s.CreateOrganisation(ctxOf(t), &o))
	return o
}

func newUser(t *testing.T, s store.Queries, orgID, email string, roles ...model.Role) model.User {
	t.Helper()
	u := model.User{OrgID: orgID, Email: email, Name: "User " + email, Roles: roles, PasswordHash: "hash", Language: "uk"}
	must(t, s.CreateUser(ctxOf(t), &u))
	return u
}

func newRequirement(t *testing.T, s store.Queries, orgID string, edit func(r *model.Requirement)) model.Requirement {
	t.Helper()
	r := model.Requirement{
		Title: "Firewalls", Description: "Next-generation firewalls for substations",
		BeneficiaryOrgID: orgID, Sector: "energy", Category: "hardware_software", LineOfEffort: model.LineSupport,
		Priority: model.PriorityHigh, EstimatedEURMinor: 100_000_00, Quantity: 10, Unit: "unit",
		TLP: model.TLPAmber, Status: model.ReqDraft,
	}
	if edit != nil {
		edit(&r)
	}
	must(t, s.CreateRequirement(ctxOf(t), &r))
	return r
}

func newPledge(t *testing.T, s store.Queries, donorID, requirementID string, edit func(p *model.Pledge)) model.Pledge {
	t.Helper()
	p := model.Pledge{
		DonorOrgID: donorID, RequirementID: requirementID, AmountMinor: 50_000_00, Currency: "EUR", EURMinor: 50_000_00,
		Rate: "1", Kind: model.PledgeMoney, Channel: model.ChannelMechanism, Status: model.PledgeProposed,
		Review: model.ReviewNotRequired, TLP: model.TLPGreen,
	}
	if edit != nil {
		edit(&p)
	}
	must(t, s.CreatePledge(ctxOf(t), &p))
	return p
}

func requirementIDs(rs []model.Requirement) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

func pledgeIDs(ps []model.Pledge) []string {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return ids
}

// newestFirst orders ids as lists do.
func newestFirst(ids ...string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	slices.Reverse(out)
	return out
}

// ascending is the order of access lists.
func ascending(ids ...string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

func testMigrate(t *testing.T, s *store.DB) {
	if d := s.Dialect(); d != "sqlite" && d != "postgres" {
		t.Fatalf("Dialect() = %q", d)
	}
	// Migrating an up-to-date database changes nothing.
	must(t, s.Migrate(ctxOf(t)))
	n, err := s.CountOrganisations(ctxOf(t))
	must(t, err)
	if n != 0 {
		t.Fatalf("a new database has %d organisations", n)
	}
}

func testOrganisations(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	o := model.Organisation{Name: "Ministry of Digital Transformation", Kind: model.KindBeneficiaryAgency,
		Participation: model.Beneficiary, Country: "UA", CreatedAt: t0}
	must(t, s.CreateOrganisation(ctx, &o))
	if u, err := uuid.Parse(o.ID); err != nil || u.Version() != 7 {
		t.Fatalf("new id %q is not a UUIDv7", o.ID)
	}
	if !o.CreatedAt.Equal(t0) || o.CreatedAt.Location() != time.UTC || !o.UpdatedAt.Equal(t0) {
		t.Fatalf("times = %v, %v; want %v in UTC", o.CreatedAt, o.UpdatedAt, t0)
	}
	got, err := s.OrganisationByID(ctx, o.ID)
	must(t, err)
	same(t, got, o)

	o.Name, o.Participation, o.UpdatedAt = "Ministry of Digital Transformation of Ukraine", model.Member, t0.Add(time.Hour)
	must(t, s.UpdateOrganisation(ctx, &o))
	got, err = s.OrganisationByID(ctx, o.ID)
	must(t, err)
	same(t, got, o)

	_, err = s.OrganisationByID(ctx, "missing")
	wantErr(t, err, model.ErrNotFound)
	wantErr(t, s.UpdateOrganisation(ctx, &model.Organisation{ID: "missing", Name: "x", Kind: model.KindNGO, Participation: model.Contributor}), model.ErrNotFound)

	given := model.Organisation{ID: "org-estonia", Name: "Estonia", Kind: model.KindState, Participation: model.Member}
	must(t, s.CreateOrganisation(ctx, &given))
	wantErr(t, s.CreateOrganisation(ctx, &given), model.ErrDuplicate)
	newOrg(t, s, "Zambia")
	newOrg(t, s, "Canada")

	list, err := s.ListOrganisations(ctx)
	must(t, err)
	var names []string
	for _, o := range list {
		names = append(names, o.Name)
	}
	same(t, names, []string{"Canada", "Estonia", "Ministry of Digital Transformation of Ukraine", "Zambia"})
	n, err := s.CountOrganisations(ctx)
	must(t, err)
	if n != 4 {
		t.Fatalf("CountOrganisations = %d, want 4", n)
	}
}

func testUsers(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	org := newOrg(t, s, "Estonia")
	other := newOrg(t, s, "Poland")

	u := model.User{OrgID: org.ID, Email: "Kadri.Tamm@Example.EE", Name: "Kadri Tamm",
		Roles: []model.Role{model.RoleDonor, model.RoleAdmin, model.RoleDonor}, Disabled: true,
		PasswordHash: "$argon2id$v=19$...", TOTPSecret: "JBSWY3DPEHPK3PXP", Language: "et", CreatedAt: t0}
	must(t, s.CreateUser(ctx, &u))
	if u.Email != "kadri.tamm@example.ee" {
		t.Fatalf("email stored as %q, want it lower-cased", u.Email)
	}
	same(t, u.Roles, []model.Role{model.RoleAdmin, model.RoleDonor})

	got, err := s.UserByID(ctx, u.ID)
	must(t, err)
	same(t, got, u)
	got, err = s.UserByEmail(ctx, "KADRI.TAMM@example.ee")
	must(t, err)
	same(t, got, u)

	err = s.CreateUser(ctx, &model.User{OrgID: org.ID, Email: "kadri.TAMM@example.ee", Roles: []model.Role{model.RoleViewer}})
	wantErr(t, err, model.ErrDuplicate)
	if !strings.Contains(err.Error(), "users.email") {
		t.Fatalf("duplicate error %q does not name the column", err)
	}

	u.Roles, u.Disabled, u.Name, u.UpdatedAt = []model.Role{model.RoleViewer}, false, "Kadri", t0.Add(time.Minute)
	must(t, s.UpdateUser(ctx, &u))
	got, err = s.UserByID(ctx, u.ID)
	must(t, err)
	same(t, got, u)

	b := newUser(t, s, org.ID, "b@example.ee", model.RoleDelegate)
	c := newUser(t, s, other.ID, "a@example.pl")
	all, err := s.ListUsers(ctx, "")
	must(t, err)
	same(t, all, []model.User{c, b, u})
	mine, err := s.ListUsers(ctx, org.ID)
	must(t, err)
	same(t, mine, []model.User{b, u})
	n, err := s.CountUsers(ctx)
	must(t, err)
	if n != 3 {
		t.Fatalf("CountUsers = %d, want 3", n)
	}

	_, err = s.UserByID(ctx, "missing")
	wantErr(t, err, model.ErrNotFound)
	_, err = s.UserByEmail(ctx, "nobody@example.ee")
	wantErr(t, err, model.ErrNotFound)
	wantErr(t, s.UpdateUser(ctx, &model.User{ID: "missing", OrgID: org.ID, Email: "x@example.ee"}), model.ErrNotFound)
}

func testSessions(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	org := newOrg(t, s, "Estonia")
	u := newUser(t, s, org.ID, "a@example.ee")
	v := newUser(t, s, org.ID, "b@example.ee")

	live := model.Session{TokenHash: "h-live", UserID: u.ID, CSRFToken: "csrf", CreatedAt: t0, ExpiresAt: t0.Add(12 * time.Hour)}
	old := model.Session{TokenHash: "h-old", UserID: u.ID, CSRFToken: "csrf2", CreatedAt: t0.Add(-48 * time.Hour), ExpiresAt: t0.Add(-time.Hour)}
	others := model.Session{TokenHash: "h-other", UserID: v.ID, CSRFToken: "csrf3", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	for _, x := range []model.Session{live, old, others} {
		must(t, s.CreateSession(ctx, x))
	}
	wantErr(t, s.CreateSession(ctx, live), model.ErrDuplicate)

	got, err := s.SessionByTokenHash(ctx, "h-live")
	must(t, err)
	if got.TokenHash != live.TokenHash || got.UserID != u.ID || got.CSRFToken != "csrf" ||
		!got.CreatedAt.Equal(t0) || !got.ExpiresAt.Equal(live.ExpiresAt) || got.ExpiresAt.Location() != time.UTC {
		t.Fatalf("session = %+v, want %+v", got, live)
	}

	must(t, s.DeleteExpiredSessions(ctx, t0))
	_, err = s.SessionByTokenHash(ctx, "h-old")
	wantErr(t, err, model.ErrNotFound)
	_, err = s.SessionByTokenHash(ctx, "h-live")
	must(t, err)

	must(t, s.DeleteSession(ctx, "h-live"))
	must(t, s.DeleteSession(ctx, "h-live"))
	_, err = s.SessionByTokenHash(ctx, "h-live")
	wantErr(t, err, model.ErrNotFound)

	must(t, s.CreateSession(ctx, model.Session{TokenHash: "h-2", UserID: u.ID, CSRFToken: "c", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
	must(t, s.DeleteUserSessions(ctx, u.ID))
	_, err = s.SessionByTokenHash(ctx, "h-2")
	wantErr(t, err, model.ErrNotFound)
	_, err = s.SessionByTokenHash(ctx, "h-other")
	must(t, err)

	// The holder, as the four reads apart.
	holder := newUser(t, s, org.ID, "c@example.ee", model.RoleDonor, model.RoleDelegate)
	must(t, s.CreateSession(ctx, model.Session{TokenHash: "h-3", UserID: holder.ID, CSRFToken: "c3", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour),
		UserAgent: "Firefox", Address: "192.0.2.1", LastUsedAt: &t0, Method: model.SignInPassword}))
	// Its versions: the head of a log of two events, and the holder's own
	// notifications, one of three read, not another user's.
	must(t, s.AppendAuditEvents(ctx, []model.AuditEvent{auditEvent(1, "genesis", "r1", "", ""), auditEvent(2, "hash-1", "r1", "", "")}))
	read := t0
	for _, n := range []model.Notification{
		{UserID: holder.ID, Kind: model.NotifySecurity, ObjectType: "account", ObjectID: holder.ID, Mail: model.MailNone, ReadAt: &read},
		{UserID: holder.ID, Kind: model.NotifySecurity, ObjectType: "account", ObjectID: holder.ID, Mail: model.MailNone},
		{UserID: holder.ID, Kind: model.NotifySecurity, ObjectType: "account", ObjectID: holder.ID, Mail: model.MailNone},
		{UserID: u.ID, Kind: model.NotifySecurity, ObjectType: "account", ObjectID: u.ID, Mail: model.MailNone},
	} {
		must(t, s.AddNotification(ctx, &n))
	}
	holderAsApart(t, s, s.SessionHolder, s.SessionByTokenHash, func(x model.Session) string { return x.UserID }, "h-other", "h-3", "h-live",
		func(userID string) model.Versions {
			total, read, head, err := s.NotificationVersion(ctx, userID)
			must(t, err)
			return model.Versions{Head: head, Total: total, Read: read}
		})
}

// holderAsApart holds a holder read in one statement (SessionHolder,
// APITokenHolder) to the reads apart, for hashes: the row as byHash reads
// it, the user as UserByID does (roles included), their organisation as
// OrganisationByID and the versions as versionsOf reads them for the
// user; the last hash's holder has two roles, and missing names no row.
func holderAsApart[T any](t *testing.T, s *store.DB, holder func(context.Context, string) (T, model.User, model.Organisation, model.Versions, error),
	byHash func(context.Context, string) (T, error), userOf func(T) string, other, withRoles, missing string, versionsOf func(userID string) model.Versions) {
	t.Helper()
	ctx := ctxOf(t)
	for _, hash := range []string{other, withRoles} {
		gotRow, gotU, gotO, gotV, err := holder(ctx, hash)
		must(t, err)
		if want := versionsOf(userOf(gotRow)); gotV != want {
			t.Errorf("the versions read with %s: %+v, want %+v", hash, gotV, want)
		}
		wantRow, err := byHash(ctx, hash)
		must(t, err)
		wantU, err := s.UserByID(ctx, userOf(wantRow))
		must(t, err)
		wantO, err := s.OrganisationByID(ctx, wantU.OrgID)
		must(t, err)
		same(t, gotRow, wantRow)
		same(t, gotU, wantU)
		same(t, gotO, wantO)
		if hash == withRoles && len(gotU.Roles) != 2 {
			t.Errorf("the holder's roles: %v, want donor and delegate", gotU.Roles)
		}
	}
	_, _, _, _, err := holder(ctx, missing)
	wantErr(t, err, model.ErrNotFound)
}

func testAPITokens(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	org := newOrg(t, s, "Estonia")
	u := newUser(t, s, org.ID, "a@example.ee")

	tok := model.APIToken{ID: "tok-1", UserID: u.ID, TokenHash: "th-1", CreatedAt: t0, ExpiresAt: t0.AddDate(0, 0, 90)}
	must(t, s.CreateAPIToken(ctx, tok))
	wantErr(t, s.CreateAPIToken(ctx, model.APIToken{ID: "tok-2", UserID: u.ID, TokenHash: "th-1", CreatedAt: t0, ExpiresAt: t0}), model.ErrDuplicate)
	must(t, s.CreateAPIToken(ctx, model.APIToken{UserID: u.ID, TokenHash: "th-3", CreatedAt: t0, ExpiresAt: t0}))

	got, err := s.APITokenByHash(ctx, "th-1")
	must(t, err)
	if got.ID != "tok-1" || got.UserID != u.ID || !got.CreatedAt.Equal(t0) || !got.ExpiresAt.Equal(tok.ExpiresAt) || got.RevokedAt != nil {
		t.Fatalf("token = %+v, want %+v", got, tok)
	}
	if got, err := s.APITokenByHash(ctx, "th-3"); err != nil || got.ID == "" {
		t.Fatalf("token without id: %+v, %v; want one assigned", got, err)
	}

	at := t0.Add(time.Hour)
	must(t, s.RevokeAPIToken(ctx, "tok-1", at))
	must(t, s.RevokeAPIToken(ctx, "tok-1", at.Add(time.Hour)))
	got, err = s.APITokenByHash(ctx, "th-1")
	must(t, err)
	if got.RevokedAt == nil || !got.RevokedAt.Equal(at) {
		t.Fatalf("revoked at %v, want the first revocation %v", got.RevokedAt, at)
	}
	wantErr(t, s.RevokeAPIToken(ctx, "missing", at), model.ErrNotFound)
	_, err = s.APITokenByHash(ctx, "missing")
	wantErr(t, err, model.ErrNotFound)

	// The holder, as the three reads apart.
	holder := newUser(t, s, org.ID, "b@example.ee", model.RoleDonor, model.RoleDelegate)
	must(t, s.CreateAPIToken(ctx, model.APIToken{ID: "tok-4", UserID: holder.ID, TokenHash: "th-4", CreatedAt: t0, ExpiresAt: t0.AddDate(0, 0, 1)}))
	must(t, s.AppendAuditEvents(ctx, []model.AuditEvent{auditEvent(1, "genesis", "r1", "", "")}))
	must(t, s.AddNotification(ctx, &model.Notification{UserID: holder.ID, Kind: model.NotifySecurity, ObjectType: "account", ObjectID: holder.ID, Mail: model.MailNone}))
	holderAsApart(t, s, s.APITokenHolder, s.APITokenByHash, func(x model.APIToken) string { return x.UserID }, "th-1", "th-4", "missing",
		func(string) model.Versions {
			// A token's answers show no notifications: the head alone.
			head, err := s.AuditHeadSeq(ctx)
			must(t, err)
			return model.Versions{Head: head}
		})
}

func testRequirements(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	ben := newOrg(t, s, "Ukrenergo")
	shared1, shared2 := newOrg(t, s, "Estonia"), newOrg(t, s, "Poland")
	u := newUser(t, s, ben.ID, "a@example.ua", model.RoleRequester)
	w := newUser(t, s, ben.ID, "b@example.ua", model.RoleValidator)

	validated := t0.Add(30 * time.Minute)
	r := model.Requirement{
		Ref: "REQ-2025-0001", Title: "Захист підстанцій", Description: "EDR for 40 substations near Київ",
		BeneficiaryOrgID: ben.ID, Sector: "energy", Category: "edr", LineOfEffort: model.LineStrengthen,
		Priority: model.PriorityCritical, EstimatedEURMinor: 1_250_000_00, Quantity: 40, Unit: "licence",
		NeededBy: model.NewDate(2025, 9, 30), Region: "Kyivska", TLP: model.TLPAmberStrict, Status: model.ReqValidated,
		CreatedBy: u.ID, ValidatedAt: &validated, CreatedAt: t0,
		SharedOrgIDs: []string{shared2.ID, shared1.ID, shared2.ID}, NamedUserIDs: []string{w.ID},
	}
	must(t, s.CreateRequirement(ctx, &r))
	same(t, r.SharedOrgIDs, ascending(shared1.ID, shared2.ID))
	got, err := s.RequirementByID(ctx, r.ID)
	must(t, err)
	same(t, got, r)

	// Updating replaces the access lists.
	r.Title, r.Status, r.SharedOrgIDs, r.NamedUserIDs = "Захист підстанцій (2)", model.ReqInDelivery, []string{shared1.ID}, nil
	r.NeededBy, r.ValidatedAt, r.UpdatedAt = model.Date{}, nil, t0.Add(2*time.Hour)
	must(t, s.UpdateRequirement(ctx, &r))
	got, err = s.RequirementByID(ctx, r.ID)
	must(t, err)
	same(t, got, r)

	// Read and change in one transaction, as services do.
	must(t, s.InTx(ctx, func(q store.Queries) error {
		r, err := q.RequirementByID(ctx, r.ID)
		if err != nil {
			return err
		}
		r.Status = model.ReqDelivered
		return q.UpdateRequirement(ctx, &r)
	}))
	got, err = s.RequirementByID(ctx, r.ID)
	must(t, err)
	if got.Status != model.ReqDelivered {
		t.Fatalf("status = %s after the transaction, want delivered", got.Status)
	}

	// A reference is optional until given, and unique once given.
	n1 := newRequirement(t, s, ben.ID, nil)
	n2 := newRequirement(t, s, ben.ID, nil)
	if n1.Ref != "" || n2.Ref != "" {
		t.Fatal("refs were invented")
	}
	err = s.CreateRequirement(ctx, &model.Requirement{Ref: "REQ-2025-0001", Title: "dup", BeneficiaryOrgID: ben.ID, Sector: "energy",
		Category: "edr", LineOfEffort: model.LineSupport, Priority: model.PriorityLow, TLP: model.TLPGreen, Status: model.ReqDraft})
	wantErr(t, err, model.ErrDuplicate)

	_, err = s.RequirementByID(ctx, "missing")
	wantErr(t, err, model.ErrNotFound)
	missing := r
	missing.ID = "missing"
	wantErr(t, s.UpdateRequirement(ctx, &missing), model.ErrNotFound)
}

func testRequirementFilters(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	a, b := newOrg(t, s, "Ukrenergo"), newOrg(t, s, "Naftogaz")
	r1 := newRequirement(t, s, a.ID, func(r *model.Requirement) { r.Status = model.ReqValidated })
	r2 := newRequirement(t, s, a.ID, func(r *model.Requirement) { r.Sector = "telecom" })
	r3 := newRequirement(t, s, b.ID, func(r *model.Requirement) { r.Category = "training" })
	r4 := newRequirement(t, s, b.ID, func(r *model.Requirement) { r.LineOfEffort = model.LineSustain })
	r5 := newRequirement(t, s, b.ID, func(r *model.Requirement) { r.Priority = model.PriorityLow })

	for _, tc := range []struct {
		name string
		f    model.RequirementFilter
		want []string
	}{
		{"all", model.RequirementFilter{}, newestFirst(r1.ID, r2.ID, r3.ID, r4.ID, r5.ID)},
		{"status", model.RequirementFilter{Status: model.ReqValidated}, []string{r1.ID}},
		{"sector", model.RequirementFilter{Sector: "telecom"}, []string{r2.ID}},
		{"category", model.RequirementFilter{Category: "training"}, []string{r3.ID}},
		{"line", model.RequirementFilter{Line: model.LineSustain}, []string{r4.ID}},
		{"priority", model.RequirementFilter{Priority: model.PriorityLow}, []string{r5.ID}},
		{"beneficiary", model.RequirementFilter{Beneficiary: a.ID}, newestFirst(r1.ID, r2.ID)},
		{"combined", model.RequirementFilter{Beneficiary: b.ID, Sector: "energy", Priority: model.PriorityHigh}, newestFirst(r3.ID, r4.ID)},
		{"none", model.RequirementFilter{Status: model.ReqClosed}, nil},
	} {
		got, err := s.ListRequirements(ctx, tc.f, "", 0)
		must(t, err)
		if ids := requirementIDs(got); !slices.Equal(ids, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, ids, tc.want)
		}
	}
}

func testRequirementSearch(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	org := newOrg(t, s, "Ukrenergo")
	kyiv := newRequirement(t, s, org.ID, func(r *model.Requirement) {
		r.Ref, r.Title, r.Description = "REQ-2025-0007", "Мережевий захист", "Підстанції Київ та область"
	})
	lviv := newRequirement(t, s, org.ID, func(r *model.Requirement) {
		r.Ref, r.Title, r.Description = "REQ-2025-0008", "SIEM licences", "For the regional centre in ЛЬВІВ, 100% funded"
	})
	odd := newRequirement(t, s, org.ID, func(r *model.Requirement) {
		r.Ref, r.Title, r.Description = "REQ-2025-0009", "Backup_power", `1000 units, path C:\ops`
	})

	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"київ", []string{kyiv.ID}},
		{"КИЇВ", []string{kyiv.ID}},
		{"львів", []string{lviv.ID}},
		{"siem", []string{lviv.ID}},
		{"req-2025-0008", []string{lviv.ID}},
		{"  мережевий  ", []string{kyiv.ID}},
		{"100%", []string{lviv.ID}}, // "%" is no wildcard, or "1000" would match
		{"h_c", nil},                // "_" is no wildcard, or "path c" would match
		{"p_power", []string{odd.ID}},
		{`c:\ops`, []string{odd.ID}},
		{"req-2025", newestFirst(kyiv.ID, lviv.ID, odd.ID)},
		{"nothing like it", nil},
	} {
		got, err := s.ListRequirements(ctx, model.RequirementFilter{Query: tc.q}, "", 0)
		must(t, err)
		if ids := requirementIDs(got); !slices.Equal(ids, tc.want) {
			t.Errorf("query %q: got %v, want %v", tc.q, ids, tc.want)
		}
	}

	// The text searched follows updates.
	kyiv.Description = "Одеса"
	must(t, s.UpdateRequirement(ctx, &kyiv))
	got, err := s.ListRequirements(ctx, model.RequirementFilter{Query: "київ"}, "", 0)
	must(t, err)
	if len(got) != 0 {
		t.Fatalf("search matched the old description: %v", requirementIDs(got))
	}
}

func testRequirementPaging(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	org := newOrg(t, s, "Ukrenergo")
	shared := newOrg(t, s, "Estonia")
	var all []string
	for i := range 7 {
		r := newRequirement(t, s, org.ID, func(r *model.Requirement) {
			r.Title = fmt.Sprintf("Requirement %d", i)
			if i%2 == 0 {
				r.SharedOrgIDs = []string{shared.ID}
			}
		})
		all = append(all, r.ID)
	}
	var seen []string
	after := ""
	for page := 0; ; page++ {
		got, err := s.ListRequirements(ctx, model.RequirementFilter{}, after, 3)
		must(t, err)
		if len(got) == 0 {
			break
		}
		if page > 3 || len(got) > 3 {
			t.Fatalf("page %d has %d items", page, len(got))
		}
		for _, r := range got {
			// Each item on a page carries its own access list.
			if shares := slices.Contains(r.SharedOrgIDs, shared.ID); shares != (slices.Index(all, r.ID)%2 == 0) {
				t.Fatalf("requirement %s has access list %v", r.Title, r.SharedOrgIDs)
			}
		}
		seen = append(seen, requirementIDs(got)...)
		after = got[len(got)-1].ID
	}
	same(t, seen, newestFirst(all...))
}

func testValidations(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	org := newOrg(t, s, "Ukrenergo")
	val := newUser(t, s, org.ID, "v@example.ua", model.RoleValidator)
	r := newRequirement(t, s, org.ID, nil)
	second := model.ValidationRecord{ID: "v2", RequirementID: r.ID, Decision: model.DecisionApprove, Comment: "Добре", UserID: val.ID, At: t0.Add(time.Hour)}
	first := model.ValidationRecord{ID: "v1", RequirementID: r.ID, Decision: model.DecisionReturn, Comment: "Specify the quantity", UserID: val.ID, At: t0}
	must(t, s.AddValidation(ctx, second))
	must(t, s.AddValidation(ctx, first))
	got, err := s.Validations(ctx, r.ID)
	must(t, err)
	first.At, second.At = first.At.UTC(), second.At.UTC()
	same(t, got, []model.ValidationRecord{first, second})

	wantErr(t, s.AddValidation(ctx, model.ValidationRecord{RequirementID: "missing", Decision: model.DecisionApprove, UserID: val.ID, At: t0}), model.ErrInvalid)
	none, err := s.Validations(ctx, "missing")
	must(t, err)
	if len(none) != 0 {
		t.Fatalf("validations of a missing requirement: %v", none)
	}
}

func testPledges(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	ben, donor, shared := newOrg(t, s, "Ukrenergo"), newOrg(t, s, "Japan"), newOrg(t, s, "Estonia")
	u := newUser(t, s, donor.ID, "donor@example.jp", model.RoleDonor)
	r := newRequirement(t, s, ben.ID, nil)

	p := model.Pledge{
		DonorOrgID: donor.ID, RequirementID: r.ID, AmountMinor: 15_000_000, Currency: "JPY", EURMinor: 93_376_49,
		Rate: "160.64", RateDate: model.NewDate(2025, 3, 13), PledgeDate: model.NewDate(2025, 3, 14),
		Kind: model.PledgeInKind, Description: "Servers", Channel: model.ChannelMechanism, Status: model.PledgeConfirmed,
		Review: model.ReviewApproved, ReviewComment: "Aligned", TLP: model.TLPRed, CreatedBy: u.ID, CreatedAt: t0,
		SharedOrgIDs: []string{shared.ID}, NamedUserIDs: []string{u.ID},
	}
	must(t, s.CreatePledge(ctx, &p))
	got, err := s.PledgeByID(ctx, p.ID)
	must(t, err)
	same(t, got, p)

	p.Status, p.SharedOrgIDs, p.NamedUserIDs, p.UpdatedAt = model.PledgeInDelivery, nil, []string{u.ID}, t0.Add(time.Hour)
	must(t, s.UpdatePledge(ctx, &p))
	got, err = s.PledgeByID(ctx, p.ID)
	must(t, err)
	same(t, got, p)

	// A bilateral report may name no requirement and carry no dates.
	bilateral := newPledge(t, s, donor.ID, "", func(p *model.Pledge) { p.Channel = model.ChannelBilateral })
	got, err = s.PledgeByID(ctx, bilateral.ID)
	must(t, err)
	same(t, got, bilateral)

	other := newRequirement(t, s, ben.ID, nil)
	p3 := newPledge(t, s, donor.ID, other.ID, nil)
	p4 := newPledge(t, s, shared.ID, r.ID, nil)
	newRequirement(t, s, ben.ID, nil)

	list, err := s.PledgesForRequirements(ctx, []string{r.ID, other.ID, r.ID})
	must(t, err)
	// Grouped by requirement, each requirement's newest first.
	byRequirement := map[string][]string{r.ID: newestFirst(p.ID, p4.ID), other.ID: {p3.ID}}
	want := append(slices.Clone(byRequirement[min(r.ID, other.ID)]), byRequirement[max(r.ID, other.ID)]...)
	same(t, pledgeIDs(list), want)
	if i := slices.IndexFunc(list, func(got model.Pledge) bool { return got.ID == p.ID }); list[i].NamedUserIDs[0] != u.ID {
		t.Fatalf("PledgesForRequirements lost the access list: %+v", list[i])
	}
	list, err = s.PledgesForRequirements(ctx, nil)
	must(t, err)
	if len(list) != 0 {
		t.Fatalf("PledgesForRequirements(nil) = %v", pledgeIDs(list))
	}

	_, err = s.PledgeByID(ctx, "missing")
	wantErr(t, err, model.ErrNotFound)
	missing := p
	missing.ID = "missing"
	wantErr(t, s.UpdatePledge(ctx, &missing), model.ErrNotFound)
	err = s.CreatePledge(ctx, &model.Pledge{DonorOrgID: donor.ID, RequirementID: "missing", Currency: "EUR", Kind: model.PledgeMoney,
		Channel: model.ChannelMechanism, Status: model.PledgeProposed, Review: model.ReviewNotRequired, TLP: model.TLPGreen})
	wantErr(t, err, model.ErrInvalid)
}

func testPledgeFilters(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	ben, d1, d2 := newOrg(t, s, "Ukrenergo"), newOrg(t, s, "Japan"), newOrg(t, s, "Germany")
	r1, r2 := newRequirement(t, s, ben.ID, nil), newRequirement(t, s, ben.ID, nil)
	p1 := newPledge(t, s, d1.ID, r1.ID, nil)
	p2 := newPledge(t, s, d1.ID, r2.ID, func(p *model.Pledge) { p.Status = model.PledgeWithdrawn })
	p3 := newPledge(t, s, d2.ID, r1.ID, func(p *model.Pledge) { p.Channel = model.ChannelBilateral })
	p4 := newPledge(t, s, d2.ID, "", func(p *model.Pledge) { p.Channel = model.ChannelBilateral })

	for _, tc := range []struct {
		name string
		f    model.PledgeFilter
		want []string
	}{
		{"all", model.PledgeFilter{}, newestFirst(p1.ID, p2.ID, p3.ID, p4.ID)},
		{"requirement", model.PledgeFilter{RequirementID: r1.ID}, newestFirst(p1.ID, p3.ID)},
		{"donor", model.PledgeFilter{DonorOrgID: d1.ID}, newestFirst(p1.ID, p2.ID)},
		{"status", model.PledgeFilter{Status: model.PledgeWithdrawn}, []string{p2.ID}},
		{"channel", model.PledgeFilter{Channel: model.ChannelBilateral}, newestFirst(p3.ID, p4.ID)},
		{"combined", model.PledgeFilter{DonorOrgID: d2.ID, RequirementID: r1.ID}, []string{p3.ID}},
	} {
		got, err := s.ListPledges(ctx, tc.f, "", 0)
		must(t, err)
		if ids := pledgeIDs(got); !slices.Equal(ids, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, ids, tc.want)
		}
	}

	var seen []string
	for after := ""; ; {
		got, err := s.ListPledges(ctx, model.PledgeFilter{}, after, 3)
		must(t, err)
		if len(got) == 0 {
			break
		}
		seen = append(seen, pledgeIDs(got)...)
		after = got[len(got)-1].ID
	}
	same(t, seen, newestFirst(p1.ID, p2.ID, p3.ID, p4.ID))
}

func testRates(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	day := model.NewDate
	// The ECB's rates of those days, and two typing errors corrected later.
	_, err := s.NewestRateDay(ctx)
	wantErr(t, err, model.ErrNotFound)
	n, err := s.PutRates(ctx, []model.Rate{
		{Date: day(2025, 3, 13), Currency: "USD", Rate: "1.0380"},
		{Date: day(2025, 3, 14), Currency: "USD", Rate: "1.0898"},
		{Date: day(2025, 3, 14), Currency: "USD", Rate: "1.0889"}, // a correction in the same file
		{Date: day(2025, 3, 14), Currency: "JPY", Rate: "161.88"},
	})
	must(t, err)
	if n != 3 {
		t.Fatalf("PutRates wrote %d, want 3", n)
	}

	for _, tc := range []struct {
		currency string
		day      model.Date
		want     model.Rate
	}{
		{"USD", day(2025, 3, 13), model.Rate{Date: day(2025, 3, 13), Currency: "USD", Rate: "1.0380"}},
		{"USD", day(2025, 3, 14), model.Rate{Date: day(2025, 3, 14), Currency: "USD", Rate: "1.0889"}},
		{"USD", day(2025, 3, 16), model.Rate{Date: day(2025, 3, 14), Currency: "USD", Rate: "1.0889"}}, // a Sunday
		{"JPY", day(2026, 1, 1), model.Rate{Date: day(2025, 3, 14), Currency: "JPY", Rate: "161.88"}},
	} {
		got, err := s.RateOnOrBefore(ctx, tc.currency, tc.day)
		must(t, err)
		same(t, got, tc.want)
	}
	_, err = s.RateOnOrBefore(ctx, "USD", day(2025, 3, 12))
	wantErr(t, err, model.ErrNotFound)
	_, err = s.RateOnOrBefore(ctx, "GBP", day(2025, 3, 14))
	wantErr(t, err, model.ErrNotFound)

	// Importing again replaces.
	_, err = s.PutRates(ctx, []model.Rate{{Date: day(2025, 3, 13), Currency: "USD", Rate: "1.083"}})
	must(t, err)
	got, err := s.RateOnOrBefore(ctx, "USD", day(2025, 3, 13))
	must(t, err)
	if got.Rate != "1.083" {
		t.Fatalf("rate = %s after reimport, want 1.083", got.Rate)
	}
	newest, err := s.NewestRateDay(ctx)
	must(t, err)
	same(t, newest, day(2025, 3, 14))

	// A long history goes in several batches.
	all, err := money.BundledRates()
	must(t, err)
	var many []model.Rate
	for _, r := range all {
		if r.Currency == "CHF" && len(many) < 1000 {
			many = append(many, r)
		}
	}
	n, err = s.PutRates(ctx, many)
	must(t, err)
	if n != 1000 {
		t.Fatalf("PutRates wrote %d, want 1000", n)
	}
	count, err := s.CountRates(ctx)
	must(t, err)
	if count != 1003 {
		t.Fatalf("CountRates = %d, want 1003", count)
	}
}

// testProvisionalValues: the flags of a value taken at an older rate, or of
// none, are kept, and the provisional records are found again.
func testProvisionalValues(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	ben, donor := newOrg(t, s, "Ukrenergo"), newOrg(t, s, "United States")
	u := newUser(t, s, donor.ID, "donor@example.org", model.RoleDonor)
	r := newRequirement(t, s, ben.ID, nil)
	// 2026-06-01 valued at the newest rate held, the ECB's of 2026-04-13.
	provisional := newPledge(t, s, donor.ID, r.ID, func(p *model.Pledge) {
		p.AmountMinor, p.Currency, p.EURMinor, p.Rate = 100_000_00, "USD", 85_587_13, "1.1684"
		p.RateDate, p.PledgeDate, p.RateProvisional = model.NewDate(2026, 4, 13), model.NewDate(2026, 6, 1), true
	})
	unvalued := newPledge(t, s, donor.ID, "", func(p *model.Pledge) {
		p.Channel, p.BeneficiaryOrgID, p.Sector, p.Category = model.ChannelBilateral, ben.ID, "energy", "other"
		p.AmountMinor, p.Currency, p.EURMinor, p.Rate, p.NoEURValue = 2_000_000_00, "XDR", 0, "", true
		p.PledgeDate = model.NewDate(2017, 2, 6)
	})
	newPledge(t, s, donor.ID, r.ID, nil)
	got, err := s.PledgeByID(ctx, unvalued.ID)
	must(t, err)
	same(t, got.NoEURValue, true)
	ps, err := s.ProvisionalPledges(ctx)
	must(t, err)
	if len(ps) != 1 || ps[0].ID != provisional.ID || !ps[0].RateProvisional {
		t.Fatalf("provisional pledges %+v, want only %s", ps, provisional.ID)
	}
	provisional.RateProvisional = false
	must(t, s.UpdatePledge(ctx, &provisional))
	ps, err = s.ProvisionalPledges(ctx)
	must(t, err)
	same(t, len(ps), 0)

	o := model.Offer{
		DonorOrgID: donor.ID, Title: "EDR licences", Kind: model.PledgeMoney, AmountMinor: 100_000_00, Currency: "USD",
		EURMinor: 85_587_13, Rate: "1.1684", RateDate: model.NewDate(2026, 4, 13), OfferDate: model.NewDate(2026, 6, 1),
		RateProvisional: true, ValidUntil: model.NewDate(2026, 12, 31), Status: model.OfferOpen, Review: model.ReviewNotRequired,
		TLP: model.TLPGreen, CreatedBy: u.ID,
	}
	must(t, s.CreateOffer(ctx, &o))
	os, err := s.ProvisionalOffers(ctx)
	must(t, err)
	if len(os) != 1 || os[0].ID != o.ID || !os[0].RateProvisional {
		t.Fatalf("provisional offers %+v, want only %s", os, o.ID)
	}
	o.RateProvisional = false
	must(t, s.UpdateOffer(ctx, &o))
	os, err = s.ProvisionalOffers(ctx)
	must(t, err)
	same(t, len(os), 0)
}

func testCounters(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	for want := int64(1); want <= 3; want++ {
		got, err := s.NextCounter(ctx, "requirement-2025")
		must(t, err)
		if got != want {
			t.Fatalf("NextCounter = %d, want %d", got, want)
		}
	}
	got, err := s.NextCounter(ctx, "requirement-2026")
	must(t, err)
	if got != 1 {
		t.Fatalf("a new counter starts at %d, want 1", got)
	}
}

func testConcurrentCounters(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	const workers, each = 6, 5
	var mu sync.Mutex
	var got []int64
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for range workers {
		wg.Go(func() {
			for range each {
				err := s.InTx(ctx, func(q store.Queries) error {
					v, err := q.NextCounter(ctx, "c")
					if err != nil {
						return err
					}
					mu.Lock()
					got = append(got, v)
					mu.Unlock()
					return nil
				})
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	slices.Sort(got)
	for i, v := range got {
		if v != int64(i+1) {
			t.Fatalf("counter values %v are not 1..%d", got, workers*each)
		}
	}
}

// testConcurrentUpdates checks that a read-modify-write in InTx is
// serialised: RequirementByID and PledgeByID lock the row.
func testConcurrentUpdates(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	org := newOrg(t, s, "Ukrenergo")
	r := newRequirement(t, s, org.ID, func(r *model.Requirement) { r.Quantity = 0 })
	p := newPledge(t, s, org.ID, r.ID, func(p *model.Pledge) { p.AmountMinor = 0 })
	const workers = 8
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			errs <- s.InTx(ctx, func(q store.Queries) error {
				r, err := q.RequirementByID(ctx, r.ID)
				if err != nil {
					return err
				}
				p, err := q.PledgeByID(ctx, p.ID)
				if err != nil {
					return err
				}
				time.Sleep(time.Millisecond)
				r.Quantity++
				p.AmountMinor++
				if err := q.UpdateRequirement(ctx, &r); err != nil {
					return err
				}
				return q.UpdatePledge(ctx, &p)
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	gotR, err := s.RequirementByID(ctx, r.ID)
	must(t, err)
	gotP, err := s.PledgeByID(ctx, p.ID)
	must(t, err)
	if gotR.Quantity != workers || gotP.AmountMinor != workers {
		t.Fatalf("after %d increments: quantity %d, amount %d", workers, gotR.Quantity, gotP.AmountMinor)
	}
}

func auditEvent(seq int64, prev string, objectID string, before, after string) model.AuditEvent {
	e := model.AuditEvent{
		Seq: seq, At: t0.Add(time.Duration(seq) * time.Second).UTC(), ActorUserID: "user-1", ActorOrgID: "org-1",
		Action: "requirement.update", ObjectType: "requirement", ObjectID: objectID,
		PayloadHash: fmt.Sprintf("payload-%d", seq), PrevHash: prev, Hash: fmt.Sprintf("hash-%d", seq),
	}
	if before != "" {
		e.Before = json.RawMessage(before)
	}
	if after != "" {
		e.After = json.RawMessage(after)
	}
	return e
}

func testAudit(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	_, err := s.LastAuditEvent(ctx)
	wantErr(t, err, model.ErrNotFound)

	// The JSON is odd on purpose: spacing, key order and escapes must survive.
	e1 := auditEvent(1, "genesis", "r1", "", `{"title":"Захист","b":1,  "a":[1.50, "\u00e9"]}`)
	e2 := auditEvent(2, "hash-1", "r2", `{"z":null}`, `{"z":true}`)
	e3 := auditEvent(3, "hash-2", "r1", `{}`, "")
	e3.ActorUserID, e3.ActorOrgID, e3.Action = "", "", "system.expire"
	for _, e := range []model.AuditEvent{e1, e2, e3} {
		must(t, s.InTx(ctx, func(q store.Queries) error { return q.AppendAuditEvent(ctx, e) }))
	}
	wantErr(t, s.AppendAuditEvent(ctx, e3), model.ErrDuplicate)

	last, err := s.LastAuditEvent(ctx)
	must(t, err)
	same(t, last, e3)
	all, err := s.ListAuditEvents(ctx, model.AuditFilter{}, 0, 0)
	must(t, err)
	same(t, all, []model.AuditEvent{e1, e2, e3})
	if string(all[0].After) != string(e1.After) || all[0].Before != nil || all[2].After != nil {
		t.Fatal("before/after did not round-trip byte for byte")
	}

	for _, tc := range []struct {
		name  string
		f     model.AuditFilter
		after int64
		limit int
		want  []model.AuditEvent
	}{
		{"after", model.AuditFilter{}, 1, 0, []model.AuditEvent{e2, e3}},
		{"limit", model.AuditFilter{}, 0, 2, []model.AuditEvent{e1, e2}},
		{"object", model.AuditFilter{ObjectType: "requirement", ObjectID: "r1"}, 0, 0, []model.AuditEvent{e1, e3}},
		{"object after", model.AuditFilter{ObjectID: "r1"}, 1, 0, []model.AuditEvent{e3}},
		{"type", model.AuditFilter{ObjectType: "pledge"}, 0, 0, nil},
	} {
		got, err := s.ListAuditEvents(ctx, tc.f, tc.after, tc.limit)
		must(t, err)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %d events %+v, want %+v", tc.name, len(got), got, tc.want)
		}
	}
}

// testTruncateRefused: on PostgreSQL a TRUNCATE skips the row triggers
// that keep the totals, the versions and the search index in step with
// the records (migration 00050); it is refused on every table they
// follow, also by CASCADE. SQLite has no TRUNCATE.
func testTruncateRefused(t *testing.T, s *store.DB) {
	if s.Dialect() != "postgres" {
		return
	}
	ctx := ctxOf(t)
	ben := newOrg(t, s, "Ukrenergo")
	r := newRequirement(t, s, ben.ID, nil)
	for _, table := range []string{"access_grants", "lessons", "meetings", "offers", "organisations", "pledges",
		"proposals", "receipts", "requirements", "search_documents", "validations"} {
		_, err := s.SQLDB().ExecContext(ctx, "TRUNCATE "+table+" CASCADE")
		if err == nil || !strings.Contains(err.Error(), "TRUNCATE of "+table+" is refused") {
			t.Errorf("TRUNCATE %s CASCADE: %v, want it refused", table, err)
		}
	}
	got, err := s.RequirementByID(ctx, r.ID)
	must(t, err)
	same(t, got, r)
}

func testAuditAppendOnly(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	e := auditEvent(1, "genesis", "r1", "", `{"a":1}`)
	must(t, s.AppendAuditEvent(ctx, e))
	db := s.SQLDB()
	for _, stmt := range []string{
		"UPDATE audit_events SET action = 'forged' WHERE seq = 1",
		"DELETE FROM audit_events WHERE seq = 1",
		"DELETE FROM audit_events",
	} {
		if _, err := db.ExecContext(ctx, stmt); err == nil {
			t.Errorf("%s: succeeded, want it refused", stmt)
		}
	}
	if s.Dialect() == "postgres" {
		if _, err := db.ExecContext(ctx, "TRUNCATE audit_events"); err == nil {
			t.Error("TRUNCATE succeeded, want it refused")
		}
	}
	got, err := s.ListAuditEvents(ctx, model.AuditFilter{}, 0, 0)
	must(t, err)
	same(t, got, []model.AuditEvent{e})

	// The test helpers can still tamper, for tests of verification.
	SetAuditField(t, s, 1, "after", `{"a":2}`)
	got, err = s.ListAuditEvents(ctx, model.AuditFilter{}, 0, 0)
	must(t, err)
	if string(got[0].After) != `{"a":2}` {
		t.Fatalf("after tampering: %s", got[0].After)
	}
	DeleteAuditEvent(t, s, 1)
	_, err = s.LastAuditEvent(ctx)
	wantErr(t, err, model.ErrNotFound)
}

// testConcurrentAudit appends from several transactions at once, each
// chaining onto the head it reads: LastAuditEvent must serialise them.
func testConcurrentAudit(t *testing.T, s *store.DB) {
	AppendConcurrently(t, s, nil)
}

// AppendConcurrently appends to s's empty audit log from six transactions
// at once, four times each, every one chaining onto the head it reads with
// a pause before appending, and checks the chain they leave. first, unless
// nil, runs at the start of each transaction.
func AppendConcurrently(t *testing.T, s *store.DB, first func(context.Context, store.Queries) error) {
	ctx := ctxOf(t)
	const workers, each = 6, 4
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for range each {
				errs <- s.InTx(ctx, func(q store.Queries) error {
					if first != nil {
						if err := first(ctx, q); err != nil {
							return err
						}
					}
					seq, prev := int64(1), "genesis"
					head, err := q.LastAuditEvent(ctx)
					switch {
					case err == nil:
						seq, prev = head.Seq+1, head.Hash
					case !errors.Is(err, model.ErrNotFound):
						return err
					}
					time.Sleep(time.Millisecond)
					return q.AppendAuditEvent(ctx, auditEvent(seq, prev, fmt.Sprintf("w%d", w), "", ""))
				})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	all, err := s.ListAuditEvents(ctx, model.AuditFilter{}, 0, 0)
	must(t, err)
	if len(all) != workers*each {
		t.Fatalf("%d events, want %d", len(all), workers*each)
	}
	for i, e := range all {
		if e.Seq != int64(i+1) || (i > 0 && e.PrevHash != all[i-1].Hash) {
			t.Fatalf("event %d (seq %d) does not chain onto its predecessor", i, e.Seq)
		}
	}
}

func testInTxRollback(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	org := newOrg(t, s, "Ukrenergo")
	boom := errors.New("boom")
	var created model.Organisation
	var req model.Requirement
	err := s.InTx(ctx, func(q store.Queries) error {
		created = newOrg(t, q, "Rolled back")
		newUser(t, q, created.ID, "gone@example.ua", model.RoleAdmin)
		req = newRequirement(t, q, org.ID, func(r *model.Requirement) { r.SharedOrgIDs = []string{created.ID} })
		if _, err := q.NextCounter(ctx, "c"); err != nil {
			return err
		}
		must(t, q.AppendAuditEvent(ctx, auditEvent(1, "genesis", "x", "", "")))
		if _, err := q.PutRates(ctx, []model.Rate{{Date: model.NewDate(2025, 1, 2), Currency: "USD", Rate: "1.0321"}}); err != nil {
			return err
		}
		// The transaction sees its own writes.
		if _, err := q.OrganisationByID(ctx, created.ID); err != nil {
			return err
		}
		return boom
	})
	wantErr(t, err, boom)
	_, err = s.OrganisationByID(ctx, created.ID)
	wantErr(t, err, model.ErrNotFound)
	_, err = s.UserByEmail(ctx, "gone@example.ua")
	wantErr(t, err, model.ErrNotFound)
	_, err = s.RequirementByID(ctx, req.ID)
	wantErr(t, err, model.ErrNotFound)
	_, err = s.LastAuditEvent(ctx)
	wantErr(t, err, model.ErrNotFound)
	if n, err := s.CountRates(ctx); err != nil || n != 0 {
		t.Fatalf("rates after rollback: %d, %v", n, err)
	}
	if v, err := s.NextCounter(ctx, "c"); err != nil || v != 1 {
		t.Fatalf("counter after rollback = %d, %v; want 1", v, err)
	}

	// A panic rolls back too, and goes on up.
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the panic was swallowed")
			}
		}()
		_ = s.InTx(ctx, func(q store.Queries) error {
			created = newOrg(t, q, "Panicked")
			panic("boom")
		})
	}()
	_, err = s.OrganisationByID(ctx, created.ID)
	wantErr(t, err, model.ErrNotFound)

	// The database is usable afterwards.
	newOrg(t, s, "After")
}

func testConstraintErrors(t *testing.T, s *store.DB) {
	ctx := ctxOf(t)
	org := newOrg(t, s, "Ukrenergo")
	u := newUser(t, s, org.ID, "a@example.ua")

	// A reference to nothing is invalid input, not a driver error.
	err := s.CreateUser(ctx, &model.User{OrgID: "missing", Email: "x@example.ua"})
	wantErr(t, err, model.ErrInvalid)
	err = s.CreateSession(ctx, model.Session{TokenHash: "h", UserID: "missing", CSRFToken: "c", CreatedAt: t0, ExpiresAt: t0})
	wantErr(t, err, model.ErrInvalid)

	// So is a code outside its list.
	err = s.CreateOrganisation(ctx, &model.Organisation{Name: "x", Kind: "club", Participation: model.Member})
	wantErr(t, err, model.ErrInvalid)
	u.Roles = []model.Role{"overlord"}
	wantErr(t, s.UpdateUser(ctx, &u), model.ErrInvalid)

	// A failed multi-statement write leaves nothing half done: the user
	// keeps its roles and the requirement is not created without its list.
	got, err := s.UserByID(ctx, u.ID)
	must(t, err)
	if len(got.Roles) != 0 || got.Email != "a@example.ua" {
		t.Fatalf("user changed by a failed update: %+v", got)
	}
	err = s.CreateRequirement(ctx, &model.Requirement{Ref: "REQ-X", Title: "x", BeneficiaryOrgID: org.ID, Sector: "energy", Category: "edr",
		LineOfEffort: model.LineSupport, Priority: model.PriorityLow, TLP: model.TLPRed, Status: model.ReqDraft,
		NamedUserIDs: []string{"missing"}})
	wantErr(t, err, model.ErrInvalid)
	list, err := s.ListRequirements(ctx, model.RequirementFilter{Query: "req-x"}, "", 0)
	must(t, err)
	if len(list) != 0 {
		t.Fatal("a requirement was created although its access list failed")
	}
}
