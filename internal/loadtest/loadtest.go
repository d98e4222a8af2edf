// Package loadtest measures the running server the way its users load it:
// several clients at once asking for the same page, against a bare
// net/http handler that serves the same bytes on the same machine, so that
// a figure says how much of the machine's capacity the platform leaves.
package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Target is one call to measure.
type Target struct {
	Name  string
	Path  string
	Token string // bearer token of the role the call is made as; empty: anonymous
	// Session is the session cookie of the same role, sent instead of the
	// token to the pages, which take no token.
	Session string
}

// authorize makes req as the target's role: a page with its session
// cookie, the API with its bearer token.
func (t Target) authorize(req *http.Request) {
	if t.Session != "" && !strings.HasPrefix(req.URL.Path, "/api/") {
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: t.Session})
		return
	}
	if t.Token != "" {
		req.Header.Set("Authorization", "Bearer "+t.Token)
	}
}

// SessionCookie is the name of the server's session cookie.
const SessionCookie = "cyberaid_session"

// Config says how hard and how long to push.
type Config struct {
	Base     string        // the server, e.g. http://127.0.0.1:8080
	Clients  int           // concurrent clients
	Duration time.Duration // per round and side
	Rounds   int           // rounds, alternating the server and the bare handler
	// PID of the server, to read its peak resident memory; 0 skips it.
	PID int
}

// Round is one timed run of one side.
type Round struct {
	Requests int
	Errors   int
	PerSec   float64
	P50, P99 time.Duration
}

// Result is a target's rounds on both sides.
type Result struct {
	Target Target
	Bytes  int
	// First is how long the first request took, before the rounds: what
	// a reader waits for a figure nobody asked for since the records changed.
	First  time.Duration
	Server []Round
	Bare   []Round
	Err    string // why the call could not be measured
}

// Run measures every target: for each, it fetches the body once, serves
// the same bytes from a bare handler on a loopback port, and then times
// Rounds rounds of each, alternating, so that a busy moment of the machine
// falls on both sides.
func Run(ctx context.Context, cfg Config, targets []Target) ([]Result, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Clients * 2, DisableCompression: true}}
	var out []Result
	for _, t := range targets {
		t0 := time.Now()
		body, ctype, err := fetch(ctx, client, cfg.Base+t.Path, t)
		first := time.Since(t0)
		if err != nil {
			// A call this server does not answer is reported, and the
			// others are still measured.
			out = append(out, Result{Target: t, Err: err.Error()})
			continue
		}
		bare, stop, err := serveBare(body, ctype)
		if err != nil {
			return out, err
		}
		r := Result{Target: t, Bytes: len(body), First: first}
		for range cfg.Rounds {
			r.Server = append(r.Server, round(ctx, client, cfg, cfg.Base+t.Path, t))
			r.Bare = append(r.Bare, round(ctx, client, cfg, bare+t.Path, t))
		}
		stop()
		out = append(out, r)
	}
	return out, nil
}

func fetch(ctx context.Context, c *http.Client, url string, as Target) ([]byte, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, "", err
	}
	as.authorize(req)
	res, err := c.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, "", err
	}
	if res.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("GET %s: %s: %.200s", url, res.Status, body)
	}
	return body, res.Header.Get("Content-Type"), nil
}

// serveBare answers every request with body, as fast as net/http can.
func serveBare(body []byte, ctype string) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	})}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

func round(ctx context.Context, c *http.Client, cfg Config, url string, as Target) Round {
	// Clients stop starting requests at the deadline but finish the one in
	// flight, so that a call slower than a round is still measured.
	deadline := time.Now().Add(cfg.Duration)
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	var wg sync.WaitGroup
	start := time.Now()
	for range cfg.Clients {
		wg.Go(func() {
			var mine []time.Duration
			bad := 0
			for ctx.Err() == nil && time.Now().Before(deadline) {
				t0 := time.Now()
				if err := get(ctx, c, url, as); err != nil {
					if ctx.Err() == nil {
						bad++
					}
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat, errs = append(lat, mine...), errs+bad
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	r := Round{Requests: len(lat), Errors: errs, PerSec: float64(len(lat)) / elapsed.Seconds()}
	if len(lat) > 0 {
		r.P50, r.P99 = lat[len(lat)/2], lat[min(len(lat)-1, len(lat)*99/100)]
	}
	return r
}

func get(ctx context.Context, c *http.Client, url string, as Target) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	as.authorize(req)
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if err == nil && res.StatusCode != http.StatusOK {
		err = fmt.Errorf("%s", res.Status)
	}
	return err
}

// PeakRSS reads the peak resident memory of a process from Linux's /proc.
func PeakRSS(pid int) (int64, error) {
	buf, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(buf)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, errors.New("no VmHWM line in /proc status")
}

// Report writes the results as a Markdown table: for each target the
// server's and the bare handler's minimum, median and maximum over the
// rounds, and the server's throughput as a share of the bare handler's.
func Report(w io.Writer, rs []Result) {
	fmt.Fprintln(w, "| call | bytes | first | cyberaid req/s (min/med/max) | p50 | p99 (max) | bare req/s (min/med/max) | bare p99 | ratio (median) | errors |")
	fmt.Fprintln(w, "|---|---:|---:|---|---:|---:|---|---:|---:|---:|")
	for _, r := range rs {
		if r.Err != "" {
			fmt.Fprintf(w, "| %s | not measured: %s ||||||||| \n", r.Target.Name, strings.ReplaceAll(strings.TrimSpace(r.Err), "|", "/"))
			continue
		}
		s, b := summarise(r.Server), summarise(r.Bare)
		ratio := 0.0
		if b.med > 0 {
			ratio = 100 * s.med / b.med
		}
		fmt.Fprintf(w, "| %s | %d | %s | %.0f / %.0f / %.0f | %s | %s | %.0f / %.0f / %.0f | %s | %.1f %% | %d |\n",
			r.Target.Name, r.Bytes, ms(r.First), s.min, s.med, s.max, ms(s.p50), ms(s.p99), b.min, b.med, b.max, ms(b.p99), ratio, s.errors)
	}
}

type summary struct {
	min, med, max float64
	p50, p99      time.Duration
	errors        int
}

func summarise(rs []Round) summary {
	var s summary
	rates := make([]float64, len(rs))
	for i, r := range rs {
		rates[i] = r.PerSec
		s.p50 = max(s.p50, r.P50)
		s.p99 = max(s.p99, r.P99)
		s.errors += r.Errors
	}
	slices.Sort(rates)
	if len(rates) > 0 {
		s.min, s.med, s.max = rates[0], rates[len(rates)/2], rates[len(rates)-1]
	}
	return s
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
