// Package apptest builds a running cyberaid over a real database with a
// cast of organisations and users, for the HTTP and browser tests.
package apptest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/demo"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/organisations"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Password is every test user's password.
const Password = "correct horse battery staple"

// AccountsConfig is the production configuration with argon2 made cheap,
// so that a test suite can sign in hundreds of times.
func AccountsConfig() accounts.Config {
	c := accounts.Defaults
	c.Params = accounts.Params{Memory: 8 * 1024, Time: 1, Threads: 1}
	return c
}

// Cast is who takes part in a test.
type Cast struct {
	Orgs  map[string]model.Organisation // by short name: "ua", "ssscip", "power", "ee", "us", "eu", "company", "ngo", "former"
	Users map[string]model.User         // by short name: "admin", "coordinator", "validator", "requester", … ("validator_tech" and "validator_ia" are in working groups)
}

// User returns the user with short name n and their organisation as a viewer.
func (c Cast) Viewer(n string) policy.Viewer {
	u := c.Users[n]
	for _, o := range c.Orgs {
		if o.ID == u.OrgID {
			return policy.ViewerFor(u, o)
		}
	}
	return policy.Viewer{}
}

// New builds the program over s and populates it with the cast.
func New(t testing.TB, s store.Store, now func() time.Time) (*app.App, Cast) {
	t.Helper()
	return NewWith(t, s, app.Options{Now: now})
}

// NewWith is New with further options (a mailer, a base URL); the cheap
// password hashing is always used.
func NewWith(t testing.TB, s store.Store, o app.Options) (*app.App, Cast) {
	t.Helper()
	o.Accounts = AccountsConfig()
	if o.Reviews == nil {
		// The cast's validator belongs to no working group: a world that
		// asks for one review lets a single decision validate, as most
		// tests need. Tests of the two reviews ask for both.
		o.Reviews = []model.WorkingGroup{model.GroupTechnical}
	}
	a, err := app.New(s, o)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rates, err := testRates()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutRates(ctx, rates); err != nil {
		t.Fatal(err)
	}
	c := Cast{Orgs: map[string]model.Organisation{}, Users: map[string]model.User{}}
	orgs := []struct {
		key, name, country string
		kind               model.OrgKind
		part               model.Participation
	}{
		{"ua", "Ukraine", "UA", model.KindState, model.Member},
		{"ssscip", "State Service of Special Communications", "UA", model.KindBeneficiaryAgency, model.Beneficiary},
		{"power", "Regional Power Distributor", "UA", model.KindBeneficiaryAgency, model.Beneficiary},
		{"ee", "Estonia", "EE", model.KindState, model.Member},
		{"us", "United States", "US", model.KindState, model.Member},
		{"eu", "European Union", "", model.KindInternationalOrg, model.Observer},
		{"company", "Shieldworks Ltd", "FI", model.KindPrivateCompany, model.Contributor},
		{"ngo", "Cyber Volunteers", "", model.KindNGO, model.Contributor},
		{"former", "Formerland", "FO", model.KindState, model.Former},
	}
	for _, o := range orgs {
		name, kind, part, country := o.name, o.kind, o.part, o.country
		org, err := a.Organisations.Create(ctx, policy.System(), organisations.Input{Name: &name, Kind: &kind, Participation: &part, Country: &country})
		if err != nil {
			t.Fatalf("create %s: %v", o.key, err)
		}
		c.Orgs[o.key] = org
	}
	users := []struct {
		key, org string
		roles    []model.Role
	}{
		{"admin", "ee", []model.Role{model.RoleAdmin}},
		{"coordinator", "ee", []model.Role{model.RoleCoordinator}},
		{"validator", "ua", []model.Role{model.RoleValidator}},
		{"requester", "ssscip", []model.Role{model.RoleRequester}},
		{"requester2", "power", []model.Role{model.RoleRequester}},
		{"donor", "us", []model.Role{model.RoleDonor}},
		{"donor_ee", "ee", []model.Role{model.RoleDonor}},
		{"donor_eu", "eu", []model.Role{model.RoleDonor}},
		{"donor_company", "company", []model.Role{model.RoleDonor}},
		{"donor_ngo", "ngo", []model.Role{model.RoleDonor}},
		{"delegate", "ee", []model.Role{model.RoleDelegate}},
		{"delegate_ua", "ua", []model.Role{model.RoleDelegate}},
		{"delegate_us", "us", []model.Role{model.RoleDelegate}},
		{"viewer", "eu", []model.Role{model.RoleViewer}},
		{"former", "former", []model.Role{model.RoleViewer}},
	}
	// A validator of each working group, for the two reviews.
	groups := map[string]model.WorkingGroup{"validator_tech": model.GroupTechnical, "validator_ia": model.GroupInteragency}
	for _, key := range []string{"validator_tech", "validator_ia"} {
		users = append(users, struct {
			key, org string
			roles    []model.Role
		}{key, "ua", []model.Role{model.RoleValidator}})
	}
	for _, u := range users {
		created, err := a.Accounts.Create(ctx, policy.System(), accounts.NewUser{
			OrgID: c.Orgs[u.org].ID, Email: u.key + "@test.example", Name: u.key, Roles: u.roles, Password: Password,
			WorkingGroup: groups[u.key],
		})
		if err != nil {
			t.Fatalf("create %s: %v", u.key, err)
		}
		c.Users[u.key] = created.User
	}
	return a, c
}

// testRates are the ECB's real reference rates a test world starts with:
// every currency since the start of 2026, and the US dollar since 1999.
// The whole bundled history (over 200,000 rates) takes seconds to load,
// too long for every test world; it is parsed once per test binary and
// filtered once here.
var testRates = sync.OnceValues(func() ([]model.Rate, error) {
	all, err := money.BundledRates()
	if err != nil {
		return nil, err
	}
	since := model.NewDate(2026, 1, 1)
	var out []model.Rate
	for _, r := range all {
		if r.Currency == "USD" || !r.Date.Before(since) {
			out = append(out, r)
		}
	}
	return out, nil
})

// Generated builds the program over s, filled by demo.Generate at scale sc,
// and returns it with the viewer of every demo account, by e-mail.
func Generated(t testing.TB, s store.Store, sc demo.Scale) (*app.App, map[string]policy.Viewer) {
	t.Helper()
	clock := &demo.Clock{}
	a, err := app.New(s, app.Options{Accounts: AccountsConfig(), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	accts, err := demo.Generate(ctx, a, clock, Password, sc, nil)
	if err != nil {
		t.Fatal(err)
	}
	viewers := make(map[string]policy.Viewer, len(accts))
	for _, acct := range accts {
		u, err := s.UserByEmail(ctx, acct.Email)
		if err != nil {
			t.Fatal(err)
		}
		org, err := s.OrganisationByID(ctx, u.OrgID)
		if err != nil {
			t.Fatal(err)
		}
		viewers[acct.Email] = policy.ViewerFor(u, org)
	}
	return a, viewers
}
