package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cyberaid/cyberaid/internal/cli"
)

// syncBuffer is an output a running command writes to while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// server is `cyberaid serve` running in this process until stop.
type server struct {
	stdout, stderr *syncBuffer
	stop           context.CancelFunc
	done           chan int
	url            string
}

func startServe(t *testing.T, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{stdout: &syncBuffer{}, stderr: &syncBuffer{}, stop: cancel, done: make(chan int, 1)}
	args = append([]string{"serve", "--data-dir", t.TempDir(), "--addr", "127.0.0.1:0", "--job-interval", "1h"}, args...)
	go func() { s.done <- cli.Run(ctx, args, strings.NewReader(""), s.stdout, s.stderr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(time.Minute):
			t.Error("serve did not stop")
		}
	})
	s.url = s.waitFor(t, func() string { return s.stdout.String() }, regexp.MustCompile(`running at (http://\S+)`))
	return s
}

// waitFor polls a growing output until re matches it, and returns the
// first group.
func (s *server) waitFor(t *testing.T, out func() string, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(out()); m != nil {
			return m[1]
		}
		select {
		case code := <-s.done:
			t.Fatalf("serve exited %d: %s\n%s", code, s.stdout.String(), s.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("no %s in:\n%s", re, out())
	return ""
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestMetricsListener: metrics are served on their own listener only, with
// the requests, the pools, the jobs and the audit log.
func TestMetricsListener(t *testing.T) {
	s := startServe(t, "--metrics-addr", "127.0.0.1:0")
	metricsURL := s.waitFor(t, s.stderr.String, regexp.MustCompile(`"serving metrics" url=(http://\S+)`))
	if code, _ := get(t, s.url+"/healthz"); code != 200 {
		t.Fatalf("healthz: %d", code)
	}
	if code, _ := get(t, s.url+"/metrics"); code != 404 {
		t.Fatalf("the public port must not serve metrics: %d", code)
	}
	want := []string{
		`cyberaid_http_requests_total{route="GET /healthz",status="200"} 1`,
		`cyberaid_http_request_duration_seconds_bucket{route="GET /healthz"`,
		`go_sql_open_connections{db_name="sqlite_writer"}`,
		`go_sql_in_use_connections{db_name="sqlite_reader"}`,
		`go_sql_idle_connections{db_name="sqlite_reader"}`,
		`cyberaid_jobs_runs_total{job="verify the audit log"} 1`,
		`cyberaid_audit_log_size `,
		`cyberaid_audit_last_verification_ok 1`,
	}
	var text string
	// The jobs run once at start, beside the first requests.
	for range 500 {
		var code int
		code, text = get(t, metricsURL)
		if code != 200 {
			t.Fatalf("metrics: %d %s", code, text)
		}
		if strings.Contains(text, `cyberaid_jobs_runs_total{job="verify the audit log"} 1`) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("metrics lack %s", w)
		}
	}
	if strings.Contains(text, "cyberaid_audit_last_verification_timestamp_seconds 0\n") {
		t.Error("the verification at start is not reported")
	}
	// The profiles are the operators' too, and only theirs.
	base := strings.TrimSuffix(metricsURL, "/metrics")
	if code, body := get(t, base+"/debug/pprof/heap?debug=1"); code != 200 || !strings.Contains(body, "heap profile") {
		t.Errorf("heap profile on the metrics listener: %d %.100s", code, body)
	}
	if code, _ := get(t, s.url+"/debug/pprof/heap"); code == 200 {
		t.Error("the public port serves profiles")
	}
}

// TestMetricsOffByDefault: without --metrics-addr nothing listens for them.
func TestMetricsOffByDefault(t *testing.T) {
	s := startServe(t)
	if strings.Contains(s.stderr.String(), "serving metrics") {
		t.Fatal("metrics are served without --metrics-addr")
	}
	if code, _ := get(t, s.url+"/metrics"); code != 404 {
		t.Fatalf("/metrics on the public port: %d", code)
	}
}

// slowRequest starts a sign-in whose body is only half sent, so that its
// handler is under way, reading, when the server is told to stop.
func slowRequest(t *testing.T, url string) (net.Conn, string) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	body := `{"email":"nobody@test.example","password":"not the password"}`
	head := "POST /api/v1/auth/token HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: " +
		itoa(len(body)) + "\r\n\r\n"
	if _, err := io.WriteString(conn, head+body[:10]); err != nil {
		t.Fatal(err)
	}
	// Let the server read the head and start the handler.
	time.Sleep(200 * time.Millisecond)
	return conn, body[10:]
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// TestGracefulShutdown: on the signal the server stops accepting, answers
// the request under way, and exits 0.
func TestGracefulShutdown(t *testing.T) {
	s := startServe(t, "--shutdown-grace", "30s")
	conn, rest := slowRequest(t, s.url)
	s.stop()
	select {
	case code := <-s.done:
		t.Fatalf("serve exited %d with a request under way", code)
	case <-time.After(300 * time.Millisecond):
	}
	if _, err := net.DialTimeout("tcp", strings.TrimPrefix(s.url, "http://"), time.Second); err == nil {
		t.Error("still accepting connections after the signal")
	}
	if _, err := io.WriteString(conn, rest); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request under way was not answered: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Errorf("answered %d", res.StatusCode)
	}
	select {
	case code := <-s.done:
		s.done <- code // for the cleanup
		if code != 0 {
			t.Fatalf("exit code %d: %s", code, s.stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not exit after the last request")
	}
	if !strings.Contains(s.stderr.String(), "stopped") {
		t.Errorf("log: %s", s.stderr.String())
	}
}

// TestShutdownGraceElapses: a request that outlasts the grace period is cut
// off, and the exit code says the stop was not clean.
func TestShutdownGraceElapses(t *testing.T) {
	s := startServe(t, "--shutdown-grace", "300ms")
	slowRequest(t, s.url)
	s.stop()
	select {
	case code := <-s.done:
		s.done <- code
		if code != 1 || !strings.Contains(s.stderr.String(), "grace period ended") {
			t.Fatalf("exit code %d: %s", code, s.stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not exit after the grace period")
	}
}
