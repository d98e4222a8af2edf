package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"
)

// Writer is one account that pledges: its bearer token and the requirements
// open to pledges that it may see.
type Writer struct {
	Name         string
	Token        string
	Requirements []string
}

// WriteResult is the rounds of pledging, and the first refusal met, if any.
type WriteResult struct {
	Clients   int
	Rounds    []Round
	FirstFail string
}

// pledgeCurrencies are those the pledges are made in, in turn: the euro,
// and currencies valued at the ECB rate, so that each write reads a rate.
var pledgeCurrencies = []string{"EUR", "USD", "GBP", "PLN"}

// RunWrites has cfg.Clients clients create pledges through the API for
// cfg.Duration, cfg.Rounds times; client i acts as writers[i mod n] and
// pledges on its requirements in turn, the clients of one writer each on
// others, so that pledges spread over the requirements as donors' do. A pledge counts once the server has
// acknowledged it (201): by then it and its audit event are committed.
func RunWrites(ctx context.Context, cfg Config, writers []Writer) (WriteResult, error) {
	res := WriteResult{Clients: cfg.Clients}
	for _, w := range writers {
		if len(w.Requirements) == 0 {
			return res, fmt.Errorf("%s sees no requirement open to pledges", w.Name)
		}
	}
	if len(writers) == 0 {
		return res, fmt.Errorf("no account to pledge as")
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Clients * 2, DisableCompression: true}}
	var failOnce sync.Once
	fail := func(msg string) { failOnce.Do(func() { res.FirstFail = msg }) }
	for range cfg.Rounds {
		deadline := time.Now().Add(cfg.Duration)
		var mu sync.Mutex
		var lat []time.Duration
		errs := 0
		var wg sync.WaitGroup
		start := time.Now()
		// Writer w's clients are w, w+n, w+2n…: the m-th of them pledges on
		// its requirements m, m+per, m+2·per…
		per := (cfg.Clients + len(writers) - 1) / len(writers)
		for c := range cfg.Clients {
			w, m := writers[c%len(writers)], c/len(writers)
			wg.Go(func() {
				var mine []time.Duration
				bad := 0
				for j := 0; ctx.Err() == nil && time.Now().Before(deadline); j++ {
					body, _ := json.Marshal(map[string]any{
						"requirement_id": w.Requirements[(m+j*per)%len(w.Requirements)],
						"amount_minor":   100_000 + int64(j%97)*1_000,
						"currency":       pledgeCurrencies[j%len(pledgeCurrencies)],
						"description":    "Load test pledge",
					})
					t0 := time.Now()
					if err := post(ctx, client, cfg.Base+"/api/v1/pledges", w.Token, body); err != nil {
						if ctx.Err() == nil {
							bad++
							fail(err.Error())
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
		res.Rounds = append(res.Rounds, r)
	}
	return res, ctx.Err()
}

func post(ctx context.Context, c *http.Client, url, token string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	answer, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err == nil && res.StatusCode != http.StatusCreated {
		err = fmt.Errorf("POST %s: %s: %.200s", url, res.Status, answer)
	}
	return err
}

// openRequirements lists up to limit requirements open to pledges that the
// token's holder sees.
func openRequirements(ctx context.Context, base, token string, limit int) ([]string, error) {
	var ids []string
	for _, status := range []string{"validated", "in_delivery"} {
		cursor := ""
		for len(ids) < limit {
			q := url.Values{"status": {status}, "limit": {"200"}}
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			body, _, err := fetch(ctx, http.DefaultClient, base+"/api/v1/requirements?"+q.Encode(), Target{Token: token})
			if err != nil {
				return nil, err
			}
			var page struct {
				Items []struct {
					ID string `json:"id"`
				} `json:"items"`
				Next string `json:"next"`
			}
			if err := json.Unmarshal(body, &page); err != nil {
				return nil, err
			}
			for _, it := range page.Items {
				ids = append(ids, it.ID)
			}
			if page.Next == "" {
				break
			}
			cursor = page.Next
		}
	}
	return ids[:min(len(ids), limit)], nil
}

// ReportWrites writes the rounds of pledging as a Markdown table, and the
// median, minimum and maximum of the acknowledged pledges per second.
func ReportWrites(w io.Writer, r WriteResult) {
	fmt.Fprintf(w, "| round | clients | acknowledged pledges | pledges/s | p50 | p99 | errors |\n|---:|---:|---:|---:|---:|---:|---:|\n")
	for i, rd := range r.Rounds {
		fmt.Fprintf(w, "| %d | %d | %d | %.0f | %s | %s | %d |\n", i+1, r.Clients, rd.Requests, rd.PerSec, ms(rd.P50), ms(rd.P99), rd.Errors)
	}
	s := summarise(r.Rounds)
	fmt.Fprintf(w, "\npledges/s over %d rounds: min %.0f, median %.0f, max %.0f; worst p50 %s, worst p99 %s\n", len(r.Rounds), s.min, s.med, s.max, ms(s.p50), ms(s.p99))
	if r.FirstFail != "" {
		fmt.Fprintf(w, "first refusal: %s\n", r.FirstFail)
	}
}
