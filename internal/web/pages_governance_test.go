package web_test

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/governance"
	"github.com/cyberaid/cyberaid/internal/model"
)

func TestGovernancePages(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	delegate := s.as("delegate")

	// A delegate opens a proposal through the form; a bad deadline comes back next to its field.
	form := url.Values{"kind": {"operational_decision"}, "procedure": {"consensus"}, "title": {"Extend the back office"},
		"text": {"Six more months"}, "deadline": {"2026-06-15T10:30"}, "tlp": {"green"}}
	res, body := delegate.submit("/proposals", form)
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("deadline too soon: %d", res.StatusCode)
	}
	mustContain(t, "form error", body, `id="f-deadline-error"`, "at least an hour")
	form.Set("deadline", "2026-06-20T10:00")
	res, _ = delegate.submit("/proposals", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("open: %d", res.StatusCode)
	}
	loc := res.Header.Get("Location")
	id := strings.TrimSuffix(strings.TrimPrefix(loc, "/proposals/"), "?done=opened")
	s.ids["proposal"] = id

	_, body = delegate.get("/proposals/{proposal}")
	mustContain(t, "proposal", body, "Extend the back office", "Positions, member by member", "No answer yet", `id="position-form"`)

	// An objection needs its reason, shown next to the field.
	res, body = delegate.submit("/proposals/{proposal}/positions", url.Values{"position": {"object"}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("objection without reason: %d", res.StatusCode)
	}
	mustContain(t, "reason error", body, `id="f-reason-error"`)
	res, _ = delegate.submit("/proposals/{proposal}/positions", url.Values{"position": {"support"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("support: %d", res.StatusCode)
	}
	_, body = delegate.get("/proposals/{proposal}")
	mustContain(t, "tally", body, "Support 1", `status-stance-support`)

	// An observer reads and comments, has no position form, and is refused a position.
	observer := s.as("viewer")
	_, body = observer.get("/proposals/{proposal}")
	if strings.Contains(body, `id="position-form"`) {
		t.Error("an observer is offered the position form")
	}
	res, _ = observer.submit("/proposals/{proposal}/comments", url.Values{"text": {"The EU supports the aim."}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("observer comment: %d", res.StatusCode)
	}
	res, _ = observer.submit("/proposals/{proposal}/positions", url.Values{"position": {"support"}})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("observer position: %d", res.StatusCode)
	}
	_, body = s.as("delegate").get("/proposals")
	mustContain(t, "list", body, "Extend the back office", "New proposal")

	// Rotation: the coordinator adds today's period; the header shows the leads.
	coord := s.as("coordinator")
	res, body = coord.submit("/rotations", url.Values{"starts": {"2026-06-01"}, "ends": {"2026-05-01"},
		"front_office_org_id": {s.cast.Orgs["ee"].ID}, "back_office_org_id": {s.cast.Orgs["us"].ID}})
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad period: %d", res.StatusCode)
	}
	mustContain(t, "rotation error", body, "ends before it starts")
	res, _ = coord.submit("/rotations", url.Values{"starts": {"2026-06-01"}, "ends": {"2026-12-31"},
		"front_office_org_id": {s.cast.Orgs["ee"].ID}, "back_office_org_id": {s.cast.Orgs["us"].ID}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("rotation: %d", res.StatusCode)
	}
	_, body = observer.get("/")
	mustContain(t, "header", body, `id="current-leads"`, "front office Estonia, back office United States")

	// A statement adopted by the three members is public, with its feed.
	ctx := context.Background()
	kind, proc := model.ProposalStatement, model.ProcedureConsensus
	st, err := s.app.Governance.Open(ctx, s.cast.Viewer("delegate"), governance.Input{Kind: &kind, Procedure: &proc,
		Title: ref("One year of the mechanism"), Text: ref("{member_count} members stand with Ukraine."), Deadline: ref(pagesNow.AddDate(0, 0, 3))})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"delegate", "delegate_ua", "delegate_us"} {
		sup := model.StanceSupport
		if _, err := s.app.Governance.TakePosition(ctx, s.cast.Viewer(d), st.ID, governance.PositionInput{Position: &sup}); err != nil {
			t.Fatal(err)
		}
	}
	anon := s.as("")
	_, body = anon.get("/public")
	mustContain(t, "public page", body, "One year of the mechanism", "3 members stand with Ukraine.", "Estonia", "European Union")
	res, body = anon.get("/public/statements.atom")
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
		t.Fatalf("feed content type %q", ct)
	}
	var feed struct {
		Entries []struct {
			Title   string `xml:"title"`
			Content string `xml:"content"`
			Authors []struct {
				Name string `xml:"name"`
			} `xml:"author"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(body), &feed); err != nil {
		t.Fatal(err)
	}
	if len(feed.Entries) != 1 || feed.Entries[0].Content != "3 members stand with Ukraine." || len(feed.Entries[0].Authors) != 3 {
		t.Fatalf("feed %+v", feed)
	}
	// Meetings: agenda, attendance and minutes.
	m, err := s.app.Governance.CreateMeeting(ctx, s.cast.Viewer("coordinator"), governance.MeetingInput{
		Title: ref("Coordination group, June"), Date: ref(model.DateOf(pagesNow).AddDays(5)), TLP: ref(model.TLPAmber),
		Agenda:    &[]model.AgendaItem{{Kind: model.AgendaProposal, RefID: id, Note: "Back office mandate"}},
		Attendees: &[]string{s.cast.Orgs["ee"].ID}, Minutes: ref("Agreed to extend."),
	})
	if err != nil {
		t.Fatal(err)
	}
	s.ids["meeting"] = m.ID
	_, body = observer.get("/meetings")
	mustContain(t, "meetings", body, "Coordination group, June")
	_, body = observer.get("/meetings/{meeting}")
	mustContain(t, "meeting", body, "Back office mandate", "Agreed to extend.", "Estonia")
	if res, _ := s.as("donor_company").get("/meetings/{meeting}"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("a company reads an AMBER meeting: %d", res.StatusCode)
	}

	// The delegate was told of the proposal, and turns e-mail off for openings.
	_, body = delegate.get("/notifications")
	mustContain(t, "notifications", body, "A proposal opens", "Extend the back office", `name="mail_proposal_opened" checked`)
	res, _ = delegate.submit("/notifications/settings", url.Values{"mail_proposal_closed": {"on"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save settings: %d", res.StatusCode)
	}
	_, body = delegate.get("/notifications")
	if strings.Contains(body, `name="mail_proposal_opened" checked`) || !strings.Contains(body, `name="mail_proposal_closed" checked`) {
		t.Fatal("the e-mail settings were not kept")
	}

	// An application makes the EU an applicant, listed with its application.
	mk := model.ProposalMembership
	app, err := s.app.Governance.Open(ctx, s.cast.Viewer("coordinator"), governance.Input{Kind: &mk, Procedure: &proc,
		Title: ref("The EU applies"), SubjectOrgID: ref(s.cast.Orgs["eu"].ID), Deadline: ref(pagesNow.AddDate(0, 0, 3))})
	if err != nil {
		t.Fatal(err)
	}
	_, body = s.as("viewer").get("/membership")
	mustContain(t, "membership", body, "Applications under consideration", "European Union", "/proposals/"+app.ID)

	// The statement in Ukrainian.
	_, body = s.browser("uk").get("/public")
	mustContain(t, "uk public page", body, "Публічні заяви")
}
