package obs

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the program's Prometheus metrics. They live in a registry of
// their own, not the library's global one, so that nothing a dependency
// registers is published by accident. A nil *Metrics records nothing.
type Metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	jobRuns     *prometheus.CounterVec
	jobFailures *prometheus.CounterVec
}

func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cyberaid_http_requests_total",
			Help: "HTTP requests answered, by route pattern and status code.",
		}, []string{"route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "cyberaid_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route"}),
		jobRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cyberaid_jobs_runs_total",
			Help: "Background job runs, by job name.",
		}, []string{"job"}),
		jobFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cyberaid_jobs_failures_total",
			Help: "Background job runs that failed, by job name.",
		}, []string{"job"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.jobRuns, m.jobFailures,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Registry is where further collectors are registered.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// UnmatchedRoute labels the requests no route took: their raw paths would
// let any client create a series per path.
const UnmatchedRoute = "unmatched"

// ObserveRequest counts one answered request. route is the mux's pattern,
// never the path, which holds record ids.
func (m *Metrics) ObserveRequest(route string, status int, d time.Duration) {
	if m == nil {
		return
	}
	if route == "" {
		route = UnmatchedRoute
	}
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}

// ObserveJob counts one run of a background job; err is its failure.
func (m *Metrics) ObserveJob(name string, err error) {
	if m == nil {
		return
	}
	m.jobRuns.WithLabelValues(name).Inc()
	if err != nil {
		m.jobFailures.WithLabelValues(name).Inc()
	}
}

// AddDBPool publishes a connection pool's statistics (open, in use, idle
// connections, waits) as go_sql_* with db_name set to name.
func (m *Metrics) AddDBPool(name string, db *sql.DB) error {
	return m.reg.Register(collectors.NewDBStatsCollector(db, name))
}

// AuditStatus is what the metrics tell of the audit log.
type AuditStatus struct {
	Size uint64 // events in the Merkle tree
	// LastVerified is when the last full verification finished; zero if
	// none has.
	LastVerified time.Time
	LastOK       bool
}

// AddAudit publishes the audit log's size and last verification, read
// through status at each scrape.
func (m *Metrics) AddAudit(status func(ctx context.Context) (AuditStatus, error), log *slog.Logger) error {
	return m.reg.Register(&auditCollector{status: status, log: log})
}

var (
	auditSizeDesc = prometheus.NewDesc("cyberaid_audit_log_size",
		"Events in the audit log's Merkle tree.", nil, nil)
	auditVerifiedDesc = prometheus.NewDesc("cyberaid_audit_last_verification_timestamp_seconds",
		"When the last full verification of the audit log finished (Unix time); 0 if none has.", nil, nil)
	auditOKDesc = prometheus.NewDesc("cyberaid_audit_last_verification_ok",
		"1 if the last full verification of the audit log found it intact, else 0.", nil, nil)
)

// auditScrapeTimeout bounds the database reads of one scrape.
const auditScrapeTimeout = 5 * time.Second

type auditCollector struct {
	status func(ctx context.Context) (AuditStatus, error)
	log    *slog.Logger
}

func (c *auditCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- auditSizeDesc
	ch <- auditVerifiedDesc
	ch <- auditOKDesc
}

func (c *auditCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), auditScrapeTimeout)
	defer cancel()
	st, err := c.status(ctx)
	if err != nil {
		// An invalid metric makes the scrape answer 500, which an alert
		// on the scrape notices; the detail stays in the log.
		if c.log != nil {
			c.log.Error("metrics: reading the audit log's status failed", "err", err)
		}
		ch <- prometheus.NewInvalidMetric(auditSizeDesc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(auditSizeDesc, prometheus.GaugeValue, float64(st.Size))
	var at float64
	if !st.LastVerified.IsZero() {
		at = float64(st.LastVerified.UnixMilli()) / 1000
	}
	ch <- prometheus.MustNewConstMetric(auditVerifiedDesc, prometheus.GaugeValue, at)
	ok := 0.0
	if st.LastOK {
		ok = 1
	}
	ch <- prometheus.MustNewConstMetric(auditOKDesc, prometheus.GaugeValue, ok)
}
