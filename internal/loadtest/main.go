package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
)

// calls are what every role asks for most: the lists with and without a
// filter, one record, the figures. {requirement}, {open} and {offer} are
// replaced by the id of the first requirement, validated requirement and
// offer the role's own lists show.
type call struct{ name, path string }

var calls = []call{
	{"requirements, first page", "/api/v1/requirements"},
	{"requirements, sector=energy", "/api/v1/requirements?sector=energy"},
	{"requirement detail", "/api/v1/requirements/{requirement}"},
	{"pledges, first page", "/api/v1/pledges"},
	{"offers, first page", "/api/v1/offers"},
	{"offer detail", "/api/v1/offers/{offer}"},
	{"suggestions for a requirement", "/api/v1/matching/suggestions?requirement={open}"},
	{"summary by sector", "/api/v1/reports/summary?by=sector"},
	{"summary by donor", "/api/v1/reports/summary?by=donor"},
	{"search", "/api/v1/search?q=energy"},
	{"charts", "/api/v1/reports/charts"},
	{"results", "/api/v1/results"},
	{"notifications", "/api/v1/notifications"},
	{"audit log", "/api/v1/audit"},
	{"deconfliction", "/api/v1/deconfliction"},
	{"dashboard page", "/"},
	{"requirements page", "/requirements"},
	{"requirement page", "/requirements/{requirement}"},
	{"pledges page", "/pledges"},
	{"offers page", "/offers"},
	{"search page", "/search?q=energy"},
	{"audit page", "/audit"},
	{"deconfliction page", "/deconfliction"},
	{"notifications page", "/notifications"},
}

// chosen reports whether the call named name is among those --only asks
// for: names containing one of its comma-separated words, or every call.
func chosen(name, only string) bool {
	if only == "" {
		return true
	}
	for w := range strings.SplitSeq(only, ",") {
		if w = strings.TrimSpace(w); w != "" && strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// isPage tells the calls answered as pages, which are read with the
// session cookie rather than the token.
func isPage(path string) bool { return !strings.HasPrefix(path, "/api/") }

// Main is the command: it signs in as each demo account asked for, and
// measures every call as that account.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg Config
	fs.StringVar(&cfg.Base, "base", "http://127.0.0.1:8080", "address of the running server")
	fs.IntVar(&cfg.Clients, "clients", 8, "concurrent clients")
	fs.DurationVar(&cfg.Duration, "duration", 5*time.Second, "length of each round of each side")
	fs.IntVar(&cfg.Rounds, "rounds", 3, "rounds, alternating the server and the bare handler")
	fs.IntVar(&cfg.PID, "pid", 0, "process id of the server, to report its peak resident memory")
	accounts := fs.String("as", "coordinator,donor.company", "demo accounts (the part before @) to measure as, comma-separated")
	domain := fs.String("domain", "demo.cyberaid.example", "e-mail domain of the accounts")
	password := fs.String("password", "demo-password-2026", "their password")
	only := fs.String("only", "", "measure only the calls whose name contains one of these comma-separated words")
	write := fs.String("write", "", `"pledges": measure writes instead, each client creating pledges through the API as a donor (--as, by default the demo's state and organisation donors)`)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *write != "" {
		if *write != "pledges" {
			fmt.Fprintf(stderr, "loadtest: --write %q: only pledges can be written\n", *write)
			return 2
		}
		asGiven := false
		fs.Visit(func(f *flag.Flag) { asGiven = asGiven || f.Name == "as" })
		if !asGiven {
			*accounts = strings.Join(stateDonors, ",")
		}
		return writePledges(ctx, cfg, strings.Split(*accounts, ","), *domain, *password, stdout, stderr)
	}
	var targets []Target
	for _, who := range strings.Split(*accounts, ",") {
		token, err := signIn(ctx, cfg.Base, who+"@"+*domain, *password)
		if err != nil {
			fmt.Fprintf(stderr, "loadtest: sign in as %s: %v\n", who, err)
			return 1
		}
		session, err := signInSession(ctx, cfg.Base, who+"@"+*domain, *password)
		if err != nil {
			fmt.Fprintf(stderr, "loadtest: sign in to the pages as %s: %v\n", who, err)
			return 1
		}
		ids := map[string]string{}
		for key, list := range firstOf {
			if !slices.ContainsFunc(calls, func(c call) bool { return chosen(c.name, *only) && strings.Contains(c.path, key) }) {
				continue
			}
			id, err := firstID(ctx, cfg.Base, token, list)
			if err != nil {
				fmt.Fprintf(stderr, "loadtest: %s: %v\n", who, err)
				return 1
			}
			ids[key] = id
		}
		for _, c := range calls {
			if !chosen(c.name, *only) {
				continue
			}
			path, missing := c.path, false
			for key, id := range ids {
				if strings.Contains(path, key) {
					path, missing = strings.ReplaceAll(path, key, id), missing || id == ""
				}
			}
			if missing {
				continue
			}
			t := Target{Name: who + ": " + c.name, Path: path, Token: token}
			if isPage(c.path) {
				t.Token, t.Session = "", session
			}
			targets = append(targets, t)
		}
	}
	rs, err := Run(ctx, cfg, targets)
	Report(stdout, rs)
	if cfg.PID != 0 {
		if rss, err := PeakRSS(cfg.PID); err == nil {
			fmt.Fprintf(stdout, "\nserver peak resident memory: %.0f MB\n", float64(rss)/(1<<20))
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "loadtest: %v\n", err)
		return 1
	}
	return 0
}

// stateDonors are the demo's donors whose pledges need no alignment review,
// as most pledges are made.
var stateDonors = []string{"donor", "donor.uk", "donor.de", "donor.dk", "donor.ca", "donor.se", "donor.pl", "donor.fr", "donor.ee", "donor.eu"}

func writePledges(ctx context.Context, cfg Config, who []string, domain, password string, stdout, stderr io.Writer) int {
	var writers []Writer
	for _, w := range who {
		token, err := signIn(ctx, cfg.Base, w+"@"+domain, password)
		if err != nil {
			fmt.Fprintf(stderr, "loadtest: sign in as %s: %v\n", w, err)
			return 1
		}
		reqs, err := openRequirements(ctx, cfg.Base, token, model.MaxPage)
		if err != nil {
			fmt.Fprintf(stderr, "loadtest: %s: %v\n", w, err)
			return 1
		}
		writers = append(writers, Writer{Name: w, Token: token, Requirements: reqs})
	}
	res, err := RunWrites(ctx, cfg, writers)
	ReportWrites(stdout, res)
	if cfg.PID != 0 {
		if rss, err := PeakRSS(cfg.PID); err == nil {
			fmt.Fprintf(stdout, "\nserver peak resident memory: %.0f MB\n", float64(rss)/(1<<20))
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "loadtest: %v\n", err)
		return 1
	}
	return 0
}

func signIn(ctx context.Context, base, email, password string) (string, error) {
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/auth/token", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.Token == "" {
		return "", fmt.Errorf("%s: no token (%v)", res.Status, err)
	}
	return out.Token, nil
}

// signInSession signs in through the sign-in form, as a browser does, and
// returns the session cookie the pages take.
func signInSession(ctx context.Context, base, email, password string) (string, error) {
	form := url.Values{"email": {email}, "password": {password}, "next": {"/"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/signin", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == SessionCookie && c.Value != "" {
			return c.Value, nil
		}
	}
	return "", fmt.Errorf("%s: no session cookie (an account with a second factor cannot be measured on the pages)", res.Status)
}

// firstOf are the lists whose first record stands for each placeholder
// of calls.
var firstOf = map[string]string{
	"{requirement}": "/api/v1/requirements?limit=1",
	"{open}":        "/api/v1/requirements?status=validated&limit=1",
	"{offer}":       "/api/v1/offers?limit=1",
}

// firstID is the id of the first record the list at path shows, "" when
// it shows none.
func firstID(ctx context.Context, base, token, path string) (string, error) {
	body, _, err := fetch(ctx, http.DefaultClient, base+path, Target{Token: token})
	if err != nil {
		return "", err
	}
	var out struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return "", err
	}
	if len(out.Items) == 0 {
		return "", nil
	}
	return out.Items[0].ID, nil
}
