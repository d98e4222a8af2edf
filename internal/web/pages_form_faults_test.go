package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// mustShowFaults checks a refused submit: the form comes back with every
// field at fault in its summary, each linked to its input and worded
// beside it, and with what was typed.
func mustShowFaults(t *testing.T, what string, res *http.Response, body string, fields []string, kept ...string) {
	t.Helper()
	if res.StatusCode != http.StatusBadRequest && res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("%s: %d, want the form again", what, res.StatusCode)
	}
	want := []string{`class="error-summary"`}
	for _, f := range fields {
		want = append(want, `href="#f-`+f+`"`, `id="f-`+f+`-error"`)
	}
	mustContain(t, what, body, append(want, kept...)...)
}

// head is the audit log's last event: every write records one in its own
// transaction, so a refused submit leaves it where it was.
func (s *site) head() int64 {
	s.t.Helper()
	seq, err := s.app.Audit.Head(context.Background(), s.cast.Viewer("admin"))
	if err != nil {
		s.t.Fatal(err)
	}
	return seq
}

// submitRefused submits a form that must be refused and checks that
// nothing was written.
func (b *browser) submitRefused(path string, form url.Values) (*http.Response, string) {
	b.s.t.Helper()
	before := b.s.head()
	res, body := b.submit(path, form)
	if after := b.s.head(); after != before {
		b.s.t.Errorf("POST %s: the refused form wrote %d audit events", path, after-before)
	}
	return res, body
}

// mustListFaults sends an API request that must be refused and checks that
// its answer lists each of fields.
func (s *site) mustListFaults(t *testing.T, as, method, path, body string, fields ...string) {
	t.Helper()
	c := &client{t: t, base: s.srv.URL, tokens: map[string]string{}, http: http.DefaultClient}
	c.token(as)
	before := s.head()
	code, e := c.sendIn("", as, method, s.expand(path), body)
	if code != http.StatusBadRequest && code != http.StatusUnprocessableEntity {
		t.Errorf("%s %s: %d, want 400 or 422", method, path, code)
	}
	var got []string
	for _, f := range e.Errors {
		got = append(got, f.Field)
	}
	for _, f := range fields {
		if !slices.Contains(got, f) {
			t.Errorf("%s %s: errors name %v, want %s among them", method, path, got, f)
		}
	}
	if len(fields) > 0 && e.Error.Field != got[0] {
		t.Errorf("%s %s: the error names %q, the first of the list %q", method, path, e.Error.Field, got[0])
	}
	if after := s.head(); after != before {
		t.Errorf("%s %s: the refused request wrote %d audit events", method, path, after-before)
	}
}

func TestPledgeFormReportsEveryFault(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	donor := s.as("donor")
	res, body := donor.submitRefused("/pledges", url.Values{
		"requirement_id": {s.ids["validated"]}, "amount": {"12x"}, "currency": {"EUR"}, "kind": {"in_kind"},
		"description": {""}, "channel": {"mechanism"}, "tlp": {"amber"}, "pledge_date": {"2099-01-01"},
	})
	mustShowFaults(t, "pledge", res, body, []string{"amount", "description", "pledge_date"}, `value="12x"`, `value="2099-01-01"`)
	s.mustListFaults(t, "donor", "POST", "/api/v1/pledges",
		`{"requirement_id":"{validated}","amount_minor":-5,"currency":"XXX","kind":"in_kind"}`,
		"amount_minor", "currency", "description")
}
