// Package app wires cyberaid together: one store, the domain services over
// it, and the web server over them. The command line and the tests build the
// program the same way, through New.
package app

import (
	"log/slog"
	"time"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/organisations"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/reports"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/web"
)

// Options are what may differ between deployments and tests.
type Options struct {
	Accounts      accounts.Config
	Log           *slog.Logger
	Now           func() time.Time
	SecureCookies bool
}

// App is the program's services over one store.
type App struct {
	Store         store.Store
	Accounts      *accounts.Service
	Audit         *audit.Service
	Organisations *organisations.Service
	Requirements  *requirements.Service
	Pledges       *pledges.Service
	Reports       *reports.Service
	Web           *web.Server
	// Now is the clock every service reads.
	Now func() time.Time
}

func New(s store.Store, o Options) (*App, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Accounts.Params.Memory == 0 {
		o.Accounts = accounts.Defaults
	}
	acc, err := accounts.NewService(s, o.Now, o.Accounts)
	if err != nil {
		return nil, err
	}
	a := &App{
		Now:           o.Now,
		Store:         s,
		Accounts:      acc,
		Audit:         audit.NewService(s),
		Organisations: organisations.NewService(s, o.Now),
		Requirements:  requirements.NewService(s, o.Now),
		Pledges:       pledges.NewService(s, o.Now, o.Accounts.BeneficiaryCountry),
	}
	a.Reports = reports.NewService(s, a.Requirements, a.Pledges)
	a.Web, err = web.New(web.Deps{
		Store: s, Accounts: a.Accounts, Audit: a.Audit, Organisations: a.Organisations,
		Requirements: a.Requirements, Pledges: a.Pledges, Reports: a.Reports,
		Log: o.Log, Now: o.Now, SecureCookies: o.SecureCookies,
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}
