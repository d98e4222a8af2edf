// Package app wires cyberaid together: one store, the domain services over
// it, and the web server over them. The command line and the tests build the
// program the same way, through New.
package app

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/coordination"
	"github.com/cyberaid/cyberaid/internal/delivery"
	"github.com/cyberaid/cyberaid/internal/documents"
	"github.com/cyberaid/cyberaid/internal/exchange"
	"github.com/cyberaid/cyberaid/internal/governance"
	"github.com/cyberaid/cyberaid/internal/i18n"
	"github.com/cyberaid/cyberaid/internal/indicators"
	"github.com/cyberaid/cyberaid/internal/jobs"
	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/notify"
	"github.com/cyberaid/cyberaid/internal/obs"
	"github.com/cyberaid/cyberaid/internal/offers"
	"github.com/cyberaid/cyberaid/internal/organisations"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/reports"
	"github.com/cyberaid/cyberaid/internal/requirements"
	"github.com/cyberaid/cyberaid/internal/search"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/web"
)

// Options are what may differ between deployments and tests.
type Options struct {
	Accounts      accounts.Config
	Log           *slog.Logger
	Now           func() time.Time
	SecureCookies bool
	// Mailer sends notification e-mail; nil sends none.
	Mailer notify.Mailer
	// BaseURL is where the site is reached, for links in e-mails, feeds and
	// exported files.
	BaseURL string
	// IATIPublisher is who IATI exports are published as; empty fields keep
	// exchange.DefaultPublisher.
	IATIPublisher exchange.Publisher
	// AuditKey is the Ed25519 note signer key that signs the audit log's
	// checkpoints (see audit.LoadKey); empty, a key is made for this run
	// only, which suits tests.
	AuditKey string
	// Metrics counts requests and jobs; nil counts nothing.
	Metrics *obs.Metrics
	// MaxDocumentSize is the largest file a document may be, in bytes;
	// zero keeps documents.DefaultMaxSize.
	MaxDocumentSize int64
	// Reviews are the working groups whose approval validates a
	// requirement; nil means both (requirements.DefaultReviews).
	Reviews []model.WorkingGroup
}

// App is the program's services over one store.
type App struct {
	Store         store.Store
	Accounts      *accounts.Service
	Audit         *audit.Service
	AuditLog      *audit.Log
	Organisations *organisations.Service
	Requirements  *requirements.Service
	Pledges       *pledges.Service
	Reports       *reports.Service
	Delivery      *delivery.Service
	Lessons       *lessons.Service
	Governance    *governance.Service
	Notify        *notify.Service
	Exchange      *exchange.Service
	Offers        *offers.Service
	Coordination  *coordination.Service
	Indicators    *indicators.Service
	Documents     *documents.Service
	Search        *search.Service
	Web           *web.Server
	// Now is the clock every service reads.
	Now func() time.Time
	// started is when this process built the program: its first audit
	// verification runs then.
	started time.Time
}

// The store satisfies the part of it each service declares; a method
// missing from the store fails here, at compile time.
var (
	_ audit.Store         = store.Store(nil)
	_ coordination.Store  = store.Store(nil)
	_ delivery.Store      = store.Store(nil)
	_ documents.Store     = store.Store(nil)
	_ indicators.Store    = store.Store(nil)
	_ exchange.Store      = store.Store(nil)
	_ governance.Store    = store.Store(nil)
	_ lessons.Store       = store.Store(nil)
	_ notify.Store        = store.Store(nil)
	_ offers.Store        = store.Store(nil)
	_ organisations.Store = store.Store(nil)
	_ pledges.Store       = store.Store(nil)
	_ reports.Store       = store.Store(nil)
	_ requirements.Store  = store.Store(nil)
	_ search.Store        = store.Store(nil)
)

// AuditVerifyInterval is how often one of the servers verifies the whole
// audit log in the background.
const AuditVerifyInterval = time.Hour

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
	texts, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	if o.AuditKey == "" {
		if o.AuditKey, _, err = audit.GenerateKey(audit.DefaultKeyName); err != nil {
			return nil, err
		}
	}
	a := &App{Now: o.Now, Store: s, started: o.Now()}
	if a.AuditLog, err = audit.NewLog(s, o.AuditKey, o.Now); err != nil {
		return nil, err
	}
	if a.Accounts, err = accounts.NewService(s, o.Now, o.Accounts); err != nil {
		return nil, err
	}
	// Each service is built from the ones it needs, so this reads in the
	// order of their dependencies and a missing one does not compile.
	a.Notify = notify.NewService(s, o.Now, o.Mailer, texts)
	a.Notify.BaseURL = o.BaseURL
	// The sign-in service tells users of changes to how they sign in.
	a.Accounts.SetNotifier(a.Notify)
	if err := a.Accounts.EnablePasskeys(o.BaseURL); err != nil {
		return nil, err
	}
	a.Organisations = organisations.NewService(s, o.Now)
	a.Pledges = pledges.NewService(s, o.Now, o.Accounts.BeneficiaryCountry, a.Notify)
	a.Lessons = lessons.NewService(s, o.Now)
	a.Governance = governance.NewService(s, o.Now, governance.PublicFigures(s, a.Pledges), a.Notify, a.Lessons.VisibleByID)
	a.Offers = offers.NewService(s, o.Now, a.Pledges)
	// The log shows a record's events only to who may see the record, as
	// the record's own package decides; the requirements service in turn
	// reads a requirement's history through the log. The lookups are what
	// the log needs of those packages, so it is built after them and before
	// requirements. An alert's lookup needs only the store, not the
	// coordination service (which needs requirements): no cycle remains.
	lookups := audit.Lookups{
		"lesson":   a.Lessons.AuditObject,
		"proposal": a.Governance.ProposalAuditObject,
		"meeting":  a.Governance.MeetingAuditObject,
		"offer":    a.Offers.AuditObject,
		"alert":    coordination.AlertAuditObject(s),
		// A requirement's reviews are read by who may see it unvalidated.
		requirements.ReviewObject: requirements.ReviewAuditObject(s),
	}
	a.Audit = audit.NewService(s, lookups)
	a.Requirements = requirements.NewService(s, o.Now, a.Audit, a.Notify)
	if err := a.Requirements.RequireReviews(o.Reviews); err != nil {
		return nil, err
	}
	// Indicators and documents hang on records the log already describes;
	// their own lookups join the log's once they exist.
	a.Indicators = indicators.NewService(s, o.Now, a.Requirements)
	a.Documents = documents.NewService(s, o.Now, func(ctx context.Context, kind model.DocumentRecord, id string) (policy.Resource, error) {
		return a.Audit.Resource(ctx, string(kind), id)
	})
	if o.MaxDocumentSize > 0 {
		a.Documents.MaxSize = o.MaxDocumentSize
	}
	lookups["indicator"] = a.Indicators.AuditObject
	lookups["document"] = a.Documents.AuditObject
	a.Reports = reports.NewService(s, a.Requirements, a.Pledges)
	a.Pledges.CountWith(a.Reports)
	a.Pledges.ParentsFrom(a.Requirements)
	a.Delivery = delivery.NewService(s, o.Now)
	if a.Exchange, err = exchange.NewService(s, o.Now, o.Accounts.BeneficiaryCountry, o.IATIPublisher, a.Pledges, a.Offers, a.Lessons); err != nil {
		return nil, err
	}
	a.Coordination = coordination.NewService(s, o.Now, coordination.DefaultConfig(), a.Requirements, a.Offers, a.Pledges)
	a.Search = newSearch(s, a)
	a.Web, err = web.New(web.Deps{
		Ready: a.Ready, Schema: s.SchemaStatus, Accounts: a.Accounts, Audit: a.Audit, AuditLog: a.AuditLog, Organisations: a.Organisations,
		Requirements: a.Requirements, Pledges: a.Pledges, Reports: a.Reports,
		Delivery: a.Delivery, Lessons: a.Lessons, Governance: a.Governance, Notify: a.Notify,
		Exchange: a.Exchange,
		Offers:   a.Offers, Coordination: a.Coordination, Search: a.Search,
		Indicators: a.Indicators, Documents: a.Documents,
		Log: o.Log, Now: o.Now, SecureCookies: o.SecureCookies, BaseURL: o.BaseURL,
		Metrics: o.Metrics,
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Ready reports whether the program can serve: its database answers.
func (a *App) Ready(ctx context.Context) error {
	_, err := a.Store.CountOrganisations(ctx)
	return err
}

// Jobs is the background work every serving process runs; each job claims
// its work in the database, so several processes may run them together.
func (a *App) Jobs() []jobs.Job {
	return []jobs.Job{
		{Name: "close proposals at their deadline", Run: a.Governance.CloseDue},
		{Name: "remind members a day before a deadline", Run: a.Governance.RemindDue},
		{Name: "send notification e-mail", Run: a.Notify.SendMail},
		{Name: "verify the audit log", Run: a.AuditLog.VerifyJob(a.started, AuditVerifyInterval)},
		{Name: "count the audit log for its readers", Run: a.countAuditForReaders()},
	}
}

// countAuditForReaders counts the audit log once a process for each person
// who may read it: a reader's total is counted over every event the first
// time (seconds at a million events) and only brought forward after, so
// that their first look at the log after a start finds it counted.
func (a *App) countAuditForReaders() func(context.Context) (int, error) {
	var done atomic.Bool
	return func(ctx context.Context) (int, error) {
		if done.Load() {
			return 0, nil
		}
		readers, err := a.Accounts.ViewersWith(ctx, policy.AuditRead)
		if err != nil {
			return 0, err
		}
		for i, v := range readers {
			if _, err := a.Audit.Count(ctx, v, model.AuditFilter{}); err != nil {
				return i, err
			}
		}
		done.Store(true)
		return len(readers), nil
	}
}
