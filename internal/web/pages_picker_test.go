package web_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/lessons"
)

// unknownID is well formed and names no record.
const unknownID = "00000000-0000-4000-8000-000000000000"

func pickForm(kind, find string) url.Values {
	return url.Values{"pick": {"1"}, "link": {kind}, "find": {find}, "title": {"Kept title"},
		"what_happened": {"Kept account"}, "tlp": {"green"}}
}

// The picker without script: its search button sends the form back with
// the records found, as radio buttons, and keeps what was typed.
func TestLessonPickerSearchStep(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	coord := s.as("coordinator")
	res, body := coord.submit("/lessons", pickForm("requirement", "Requirement"))
	if res.StatusCode != http.StatusOK {
		t.Fatalf("search step: %d", res.StatusCode)
	}
	mustContain(t, "search step", body, "Kept title", "Kept account", `value="green" selected`,
		`type="radio"`, `value="`+s.ids["validated"]+`"`, `value="`+s.ids["clear"]+`"`,
		"Requirement validated", "REQ-2026-", "Records found: ")
	if n, err := s.app.Lessons.List(t.Context(), s.cast.Viewer("coordinator"), lessonsFilter()); err != nil || len(n) != 0 {
		t.Fatalf("the search step saved a lesson: %v %v", n, err)
	}

	// A pledge is found through the words of its requirement.
	_, body = coord.submit("/lessons", pickForm("delivery", "Requirement validated"))
	mustContain(t, "pledge search", body, `value="`+s.ids["pledge"]+`"`, "United States", "USD")

	// No match says so.
	_, body = coord.submit("/lessons", pickForm("requirement", "nothingmatchesthis"))
	mustContain(t, "no match", body, "No record you can see matches these words.")

	// Choosing a record and saving links the lesson to it.
	form := pickForm("requirement", "Requirement")
	form.Del("pick")
	form.Set("link_id", s.ids["validated"])
	res, _ = coord.submit("/lessons", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", res.StatusCode)
	}
	id := strings.TrimSuffix(strings.TrimPrefix(res.Header.Get("Location"), "/lessons/"), "?done=created")
	les, err := s.app.Lessons.Get(t.Context(), s.cast.Viewer("coordinator"), id)
	if err != nil || les.LinkID != s.ids["validated"] || les.Title != "Kept title" {
		t.Fatalf("saved lesson %+v %v", les, err)
	}

	// A form opened on a record shows the record by its title, chosen.
	_, body = coord.get("/lessons/new?link=requirement&link_id={validated}")
	mustContain(t, "opened on a record", body, "Requirement validated", `value="`+s.ids["validated"]+`" checked`)
}

// Someone who may not see a record is never offered it, and naming its id
// is refused exactly as an unknown id is.
func TestLessonPickerHidesWhatTheViewerMayNotSee(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	company := s.as("donor_company")
	_, body := company.submit("/lessons", pickForm("requirement", "Requirement"))
	mustContain(t, "company search", body, `value="`+s.ids["clear"]+`"`, "Requirement clear")
	for _, hidden := range []string{"validated", "draft", "submitted"} {
		if strings.Contains(body, s.ids[hidden]) || strings.Contains(body, "Requirement "+hidden) {
			t.Errorf("the picker offers the %s requirement to a company that may not see it", hidden)
		}
	}
	_, body = company.submit("/lessons", pickForm("pledge", "Requirement validated"))
	if strings.Contains(body, s.ids["pledge"]) {
		t.Error("the picker offers a pledge the company may not see")
	}

	// The script's search answers the same records.
	res, js := company.get("/records/pick?kind=requirement&q=Requirement")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("pick JSON: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	var out struct {
		Items []struct{ ID, Title, Ref, Status string }
		Count string
	}
	if err := json.Unmarshal([]byte(js), &out); err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, it := range out.Items {
		found[it.ID] = true
		if it.Ref == "" || it.Status == "" {
			t.Errorf("item without reference or status: %+v", it)
		}
	}
	if !found[s.ids["clear"]] || found[s.ids["validated"]] || found[s.ids["draft"]] {
		t.Errorf("pick JSON offers %v", out.Items)
	}
	if out.Count != "Records found: "+itoa(len(out.Items)) {
		t.Errorf("count %q", out.Count)
	}

	refusal := func(id string) (int, string) {
		form := pickForm("requirement", "")
		form.Del("pick")
		form.Set("link_id", id)
		res, body := company.submit("/lessons", form)
		m := fieldError.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no message beside the record for %s:\n%s", id, body)
		}
		return res.StatusCode, strings.ReplaceAll(html.UnescapeString(m[1]), id, "ID")
	}
	hiddenStatus, hiddenText := refusal(s.ids["validated"])
	unknownStatus, unknownText := refusal(unknownID)
	if hiddenStatus != unknownStatus || hiddenText != unknownText || hiddenStatus < 400 {
		t.Errorf("a hidden record answers %d %q, an unknown one %d %q", hiddenStatus, hiddenText, unknownStatus, unknownText)
	}

	// Nor does a form opened on a hidden record show anything of it.
	_, body = company.get("/lessons/new?link=requirement&link_id={validated}")
	if strings.Contains(body, "Requirement validated") || strings.Contains(body, `value="`+s.ids["validated"]+`"`) {
		t.Error("the form shows a hidden record it was opened on")
	}
}

// fieldError is the message beside the picker's list of records.
var fieldError = regexp.MustCompile(`<p class="field-error" id="f-link_id-error"><span class="visually-hidden">[^<]*</span>([^<]*)</p>`)

func lessonsFilter() lessons.Filter { return lessons.Filter{} }

// One submit of the lesson form names every fault at once, in the summary
// and beside each field, and keeps what was typed.
func TestLessonFormReportsEveryFault(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	coord := s.as("coordinator")
	for name, c := range map[string]struct {
		form   url.Values
		fields []string
	}{
		"no title, an unknown record": {url.Values{"title": {""}, "link": {"requirement"}, "link_id": {unknownID},
			"what_learned": {"Kept learning"}, "tlp": {"green"}}, []string{"title", "link_id"}},
		"no title, no date": {url.Values{"title": {" "}, "link": {"none"}, "review_on": {"someday"},
			"what_learned": {"Kept learning"}, "tlp": {"green"}}, []string{"title", "review_on"}},
		"no record chosen, a bad label": {url.Values{"title": {"A title"}, "link": {"pledge"},
			"what_learned": {"Kept learning"}, "tlp": {"purple"}}, []string{"link_id", "tlp"}},
	} {
		res, body := coord.submit("/lessons", c.form)
		if res.StatusCode != http.StatusBadRequest && res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", name, res.StatusCode)
		}
		want := []string{"There is a problem", "Kept learning"}
		for _, f := range c.fields {
			want = append(want, `href="#f-`+f+`"`, `id="f-`+f+`-error"`)
		}
		mustContain(t, name, body, want...)
	}
}
