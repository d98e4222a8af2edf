package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/web/openapitest"
)

// TestTrancheAheadIsWordedAsATranche: a tranche dated ahead shares the code
// date_in_future with a pledge dated ahead, whose sentence speaks of
// pledges; the donor must read why a tranche is refused instead.
func TestTrancheAheadIsWordedAsATranche(t *testing.T) {
	t.Parallel()
	validator := openapitest.NewValidator(t)
	eachBackend(t, func(t *testing.T, s *store.DB) {
		a, cast := apptest.New(t, s, clock)
		ids := stagesFixture(t, a, cast)
		srv := httptest.NewServer(a.Web)
		defer srv.Close()
		c := &client{t: t, base: srv.URL, tokens: map[string]string{},
			http: &http.Client{Transport: validator.RoundTripper(http.DefaultTransport)}}
		ahead := testNow.AddDate(0, 0, 3).Format("2006-01-02")
		body := `{"amount_minor":100,"currency":"EUR","date":"` + ahead + `"}`
		for lang, want := range map[string]string{"en": "record a tranche once it is paid", "uk": "транш"} {
			code, e := c.sendIn(lang, "donor", "POST", "/api/v1/pledges/"+ids["confirmed_pledge"]+"/disbursements", body)
			if code != http.StatusUnprocessableEntity || e.Error.Code != "date_in_future" || e.Error.Field != "date" {
				t.Fatalf("%s: %d %+v, want 422 date_in_future on date", lang, code, e.Error)
			}
			if !strings.Contains(e.Error.Message, want) || !strings.Contains(e.Error.Message, ahead) {
				t.Errorf("%s: a tranche dated ahead reads %q, want the date and %q", lang, e.Error.Message, want)
			}
		}
	})
}
