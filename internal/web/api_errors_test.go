package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/apptest"
	"github.com/cyberaid/cyberaid/internal/i18n"
	"github.com/cyberaid/cyberaid/internal/store"
	"github.com/cyberaid/cyberaid/internal/web/openapitest"
)

type errorAnswer struct {
	Error  struct{ Code, Message, Field string }
	Errors []struct{ Code, Message, Field string }
}

// send is client.do with an Accept-Language header.
func (c *client) sendIn(lang, as, method, path, body string) (int, errorAnswer) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token(as))
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	var e errorAnswer
	if err := json.NewDecoder(res.Body).Decode(&e); err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	return res.StatusCode, e
}

// TestAPIErrorLanguage: an error's message follows Accept-Language, its code
// and field never do, and every field at fault is listed at once.
func TestAPIErrorLanguage(t *testing.T) {
	t.Parallel()
	validator := openapitest.NewValidator(t)
	eachBackend(t, func(t *testing.T, s *store.DB) {
		a, _ := apptest.New(t, s, clock)
		srv := httptest.NewServer(a.Web)
		defer srv.Close()
		c := &client{t: t, base: srv.URL, tokens: map[string]string{},
			http: &http.Client{Transport: validator.RoundTripper(http.DefaultTransport)}}

		want := map[string]string{
			"":      "Enter a title.",
			"en":    "Enter a title.",
			"uk":    "Вкажіть назву.",
			"de, *": "Enter a title.",
		}
		if slices.Contains(i18n.Languages(), "fr") {
			want["fr-FR,fr;q=0.9"] = "Saisissez un titre."
		}
		for lang, title := range want {
			code, e := c.sendIn(lang, "requester", "POST", "/api/v1/requirements", `{"estimated_eur_minor": -5}`)
			if code != http.StatusBadRequest || e.Error.Code != "invalid_title" || e.Error.Field != "title" || e.Error.Message != title {
				t.Errorf("%q: %d %+v, want 400 invalid_title %q", lang, code, e.Error, title)
			}
			var fields []string
			for _, f := range e.Errors {
				fields = append(fields, f.Field)
				if f.Message == "" || !strings.HasSuffix(f.Message, ".") {
					t.Errorf("%q: %s is not worded as a sentence: %q", lang, f.Field, f.Message)
				}
			}
			// The negative estimate is at fault too, after the missing fields.
			if !slices.Equal(fields, []string{"title", "sector", "category", "line_of_effort", "priority", "estimated_eur_minor"}) {
				t.Errorf("%q: errors name %v, want every missing field and the negative estimate", lang, fields)
			}
		}

		en, uk := map[string]string{}, map[string]string{}
		for lang, into := range map[string]map[string]string{"en": en, "uk": uk} {
			code, e := c.sendIn(lang, "requester", "GET", "/api/v1/requirements/no-such-id", "")
			if code != http.StatusNotFound || e.Error.Code != "not_found" {
				t.Fatalf("%s: missing record: %d %+v", lang, code, e.Error)
			}
			into["not_found"] = e.Error.Message
			code, e = c.sendIn(lang, "requester", "POST", "/api/v1/requirements", `{"title": "Firewalls", "sector": "energy", "category": "edr", "line_of_effort": "support", "priority": "high", "estimated_eur_minor": 100, "region": "UA-99"}`)
			if code != http.StatusBadRequest || e.Error.Code != "invalid_region" || len(e.Errors) != 0 {
				t.Fatalf("%s: bad region: %d %+v", lang, code, e)
			}
			into["region"] = e.Error.Message
		}
		for k := range en {
			if en[k] == uk[k] || !strings.ContainsAny(uk[k], "абвгдеєжзиіїйклмнопрстуфхцчшщьюя") {
				t.Errorf("%s: the Ukrainian message %q is not Ukrainian (English %q)", k, uk[k], en[k])
			}
		}
		if !strings.Contains(en["region"], "“UA-99”") || !strings.Contains(uk["region"], "«UA-99»") {
			t.Errorf("the region's message does not quote the value as each language does: %q, %q", en["region"], uk["region"])
		}
	})
}
