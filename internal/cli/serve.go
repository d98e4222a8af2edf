package cli

import (
	"context"
	"errors"
	"fmt"
	"github.com/cyberaid/cyberaid/internal/documents"
	"log/slog"
	"net"
	"net/http"
	httppprof "net/http/pprof"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"time"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/demo"
	"github.com/cyberaid/cyberaid/internal/jobs"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/notify"
	"github.com/cyberaid/cyberaid/internal/obs"
	"github.com/cyberaid/cyberaid/internal/rates"
	"github.com/cyberaid/cyberaid/internal/store"
)

// DemoPassword is every demo account's password; the demo prints it.
const DemoPassword = "demo-password-2026"

func (e *env) serve(args []string) error {
	fs, db := newFlagSet("serve", e)
	addr := fs.String("addr", envOr("CYBERAID_ADDR", ":8080"), "address to listen on")
	withDemo := fs.Bool("demo", false, "fill an empty database with the demonstration data set")
	secure := fs.Bool("secure-cookies", envOr("CYBERAID_SECURE_COOKIES", "") == "true", "mark cookies Secure (set when served over HTTPS, directly or behind a proxy)")
	debug := fs.Bool("debug", false, "log every refused request")
	smtpAddr := fs.String("smtp-addr", envOr("CYBERAID_SMTP_ADDR", ""), "host:port of the SMTP submission server for notification e-mail (none: no e-mail)")
	smtpFrom := fs.String("smtp-from", envOr("CYBERAID_SMTP_FROM", ""), "From address of notification e-mail")
	smtpUser := fs.String("smtp-username", envOr("CYBERAID_SMTP_USERNAME", ""), "SMTP user name (with CYBERAID_SMTP_PASSWORD in the environment)")
	baseURL := fs.String("base-url", envOr("CYBERAID_BASE_URL", ""), "the site's public address, for links in e-mail, feeds and IATI files (e.g. https://cyberaid.example.org); by default the address each request came to")
	pub := iatiPublisherFlags(fs)
	keyFile := auditKeyFlag(fs)
	jobInterval := fs.Duration("job-interval", envDuration("CYBERAID_JOB_INTERVAL", time.Minute), "how often background jobs (deadlines, reminders, mail) look for work")
	metricsAddr := fs.String("metrics-addr", envOr("CYBERAID_METRICS_ADDR", ""), "address of a separate listener serving Prometheus metrics at /metrics (none: no metrics)")
	maxDocMB := fs.Int64("max-document-size", envInt64("CYBERAID_MAX_DOCUMENT_SIZE", documents.DefaultMaxSize>>20), "the largest file a document attached to a record may be, in MB")
	var reviews reviewsFlag
	fs.Var(&reviews, "reviews", "the working groups whose approval validates a requirement: technical,interagency (both), technical or interagency (also CYBERAID_REVIEWS)")
	if env := envOr("CYBERAID_REVIEWS", ""); env != "" {
		if err := reviews.Set(env); err != nil {
			return usageError{"CYBERAID_REVIEWS: " + err.Error()}
		}
	}
	memLimitMB := fs.Int64("memory-limit", envInt64("CYBERAID_MEMORY_LIMIT", defaultMemoryLimitMB), "soft limit on the Go heap, in MB, beyond which the collector works harder rather than the heap growing (0: none; GOMEMLIMIT, when set, wins)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file, for go tool pprof")
	grace := fs.Duration("shutdown-grace", envDuration("CYBERAID_SHUTDOWN_GRACE", 30*time.Second), "on SIGINT or SIGTERM, how long to wait for requests and background jobs under way")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *memLimitMB < 0 {
		return fmt.Errorf("--memory-limit: %d is not a size in MB", *memLimitMB)
	}
	setMemoryLimit(*memLimitMB)
	if *maxDocMB < 1 || *maxDocMB > 1024 {
		return fmt.Errorf("--max-document-size: %d is not a size from 1 to 1024 MB", *maxDocMB)
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	level := slog.LevelInfo
	if *debug {
		level = slog.LevelDebug
	}
	log := slog.New(obs.NewHandler(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level})))
	auditKey, err := signerKey(*keyFile, db)
	if err != nil {
		return err
	}
	s, err := e.openWith(db, false)
	if err != nil {
		return err
	}
	defer s.Close()
	writeRates, err := holdBundledRates(e.ctx, s)
	if err != nil {
		return err
	}
	var mailer notify.Mailer
	if *smtpAddr != "" {
		m, err := notify.NewSMTP(notify.SMTPConfig{Addr: *smtpAddr, From: *smtpFrom, Username: *smtpUser, Password: envOr("CYBERAID_SMTP_PASSWORD", "")})
		if err != nil {
			return err
		}
		mailer = m
	}
	var metrics *obs.Metrics
	if *metricsAddr != "" {
		metrics = obs.NewMetrics()
	}
	opts := app.Options{Log: log, SecureCookies: *secure, Mailer: mailer, BaseURL: *baseURL, IATIPublisher: *pub, AuditKey: auditKey, Metrics: metrics, MaxDocumentSize: *maxDocMB << 20, Reviews: reviews}
	// The demo's history is written at its own moments, on a clock the
	// seeding sets; afterwards that clock is the time of day.
	demoClock := &demo.Clock{}
	if *withDemo {
		opts.Now = demoClock.Now
	}
	a, err := app.New(s, opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	var metricsSrv *http.Server
	if metrics != nil {
		if metricsSrv, err = serveMetrics(log, metrics, s, a, *metricsAddr); err != nil {
			return err
		}
	}
	url := "http://" + displayAddr(ln.Addr())
	if err := e.greet(a, demoClock, *withDemo, url); err != nil {
		if metricsSrv != nil {
			metricsSrv.Close()
		}
		return err
	}
	srv := &http.Server{
		Handler:           a.Web,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	// The jobs' work outlives the signal, up to the grace period: a job
	// under way (a mail being sent) finishes rather than being cut off.
	work, stopWork := context.WithCancel(context.WithoutCancel(e.ctx))
	defer stopWork()
	js := a.Jobs()
	if metrics != nil {
		js = jobs.Observed(js, metrics.ObserveJob)
	}
	schedule, stopSchedule := context.WithCancel(e.ctx)
	defer stopSchedule()
	jobsDone := make(chan struct{})
	go func() {
		defer close(jobsDone)
		jobs.Run(schedule, work, log, *jobInterval, js...)
	}()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("serving", "url", url, "database", s.Dialect())
	ratesDone := make(chan struct{})
	go func() {
		defer close(ratesDone)
		if writeRates == nil {
			return
		}
		start := time.Now()
		n, err := writeRates(schedule)
		if err != nil {
			log.Error("writing the bundled ECB rates stopped; the next start writes the rest", "written", n, "err", err)
			return
		}
		log.Info("bundled ECB rates written", "rates", n, "took", time.Since(start).Round(time.Millisecond))
	}()
	var serveErr error
	select {
	case serveErr = <-errc:
		log.Error("server stopped", "err", serveErr)
	case <-e.ctx.Done():
		log.Info("shutting down", "grace", *grace)
	}
	stopSchedule()
	<-ratesDone
	return shutdown(log, *grace, srv, metricsSrv, jobsDone, stopWork, serveErr)
}

// errGraceElapsed is a shutdown that had to cut requests or jobs short.
var errGraceElapsed = errors.New("shutdown: the grace period ended with requests or background jobs still under way")

// shutdown stops accepting connections, then waits up to grace for the
// requests and jobs under way. Past grace, it cuts them off and fails.
func shutdown(log *slog.Logger, grace time.Duration, srv, metricsSrv *http.Server, jobsDone <-chan struct{}, stopWork func(), serveErr error) error {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	var errs []error
	if err := srv.Shutdown(ctx); err != nil {
		errs = append(errs, err)
	}
	select {
	case <-jobsDone:
	case <-ctx.Done():
	}
	if metricsSrv != nil {
		// Scraped to the end: it answers until the rest has stopped.
		if err := metricsSrv.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	if ctx.Err() != nil {
		stopWork()
		srv.Close()
		if metricsSrv != nil {
			metricsSrv.Close()
		}
		<-jobsDone
		log.Error("shutdown cut short", "grace", grace)
		return errGraceElapsed
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}

// serveMetrics publishes the metrics on a listener of their own, so that
// they are never reachable on the public port.
func serveMetrics(log *slog.Logger, m *obs.Metrics, s *store.DB, a *app.App, addr string) (*http.Server, error) {
	for name, db := range s.Pools() {
		if err := m.AddDBPool(name, db); err != nil {
			return nil, err
		}
	}
	err := m.AddAudit(func(ctx context.Context) (obs.AuditStatus, error) {
		size, last, err := a.AuditLog.Status(ctx)
		return obs.AuditStatus{Size: size, LastVerified: last.VerifiedAt, LastOK: last.OK}, err
	}, log)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	// The profiles answer where the time and memory of the running server
	// go. They are on the operators' listener only, never the public one:
	// a heap profile holds fragments of what the server has in memory.
	mux.HandleFunc("GET /debug/pprof/", httppprof.Index)
	mux.HandleFunc("GET /debug/pprof/profile", httppprof.Profile)
	mux.HandleFunc("GET /debug/pprof/trace", httppprof.Trace)
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener stopped", "err", err)
		}
	}()
	log.Info("serving metrics", "url", "http://"+displayAddr(ln.Addr())+"/metrics")
	return srv, nil
}

// greet seeds the demo when asked, and tells the operator how to sign in.
func (e *env) greet(a *app.App, clock *demo.Clock, withDemo bool, url string) error {
	empty, err := demo.Empty(e.ctx, a)
	if err != nil {
		return err
	}
	if withDemo && empty {
		fmt.Fprintln(e.stdout, "Creating the demonstration data set…")
		accounts, err := demo.Seed(e.ctx, a, clock, DemoPassword)
		if err != nil {
			return fmt.Errorf("seed the demo: %w", err)
		}
		fmt.Fprintf(e.stdout, "\ncyberaid is running at %s\n\nDemo accounts (password %q):\n", url, DemoPassword)
		for _, acc := range accounts {
			fmt.Fprintf(e.stdout, "  %-12s %-40s %s\n", acc.Role, acc.Email, acc.Org)
		}
		fmt.Fprintln(e.stdout)
		return nil
	}
	if withDemo {
		fmt.Fprintln(e.stdout, "The database already holds data; the demo is only loaded into an empty one.")
	}
	users, err := a.Store.CountUsers(e.ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "cyberaid is running at %s\n", url)
	if users == 0 {
		fmt.Fprint(e.stdout, `
No one can sign in yet. Create the first organisation and administrator:

  cyberaid org add --name "Coordination office" --kind state --participation member --country EE
  cyberaid user add --org <id printed above> --email you@example.org --role admin --password-stdin

(or run "cyberaid serve --demo" on an empty database to explore with demonstration data)
`)
	}
	return nil
}

// holdBundledRates gives a database without the ECB's history the rates
// shipped with the program, so that pledges in other currencies can be
// valued at once: they are held in memory, where every valuation finds them,
// and the returned function (nil when there is nothing to write) writes
// them while the server already answers. Writing them first took most of a
// new server's start (over 200,000 rows, seconds on a busy machine).
// Rates the database holds already, imported on purpose, are kept.
func holdBundledRates(ctx context.Context, s *store.DB) (func(context.Context) (int, error), error) {
	missing, err := rates.HistoryMissing(ctx, s)
	if err != nil || !missing {
		return nil, err
	}
	all, err := money.BundledRates()
	if err != nil {
		return nil, err
	}
	return s.HoldRates(all), nil
}

// startCPUProfile profiles the process until stop, which writes the file.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpuprofile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

func displayAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || tcp.IP.IsUnspecified() {
		if ok {
			return fmt.Sprintf("localhost:%d", tcp.Port)
		}
	}
	return a.String()
}

// envDuration reads a duration such as "30s" from the environment.
func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(envOr(name, "")); err == nil && d > 0 {
		return d
	}
	return def
}

// defaultMemoryLimitMB keeps the server's resident memory near 200 MB under
// load: the Go heap below this, SQLite's page caches (store.sqliteDSN) and
// the program itself beside it. The live heap of a server at rest is about
// a third of it; the collector only works harder when a burst of requests
// would otherwise double it.
const defaultMemoryLimitMB = 120

// setMemoryLimit sets the Go heap's soft limit, unless the operator set
// GOMEMLIMIT, which the runtime has already applied.
func setMemoryLimit(mb int64) {
	if os.Getenv("GOMEMLIMIT") != "" || mb == 0 {
		return
	}
	debug.SetMemoryLimit(mb << 20)
}

// envInt64 reads a whole number from the environment.
func envInt64(name string, def int64) int64 {
	if n, err := strconv.ParseInt(envOr(name, ""), 10, 64); err == nil {
		return n
	}
	return def
}
