package web

import (
	"encoding/xml"
	"net/http"
	"time"

	"github.com/cyberaid/cyberaid/internal/governance"
	"github.com/cyberaid/cyberaid/internal/model"
)

type publicData struct {
	Statements []governance.View
	Orgs       map[string]string
	Members    []model.Organisation
	Observers  []model.Organisation
}

// publicPage is the mechanism's public face: no sign-in, only what is
// public by nature (adopted statements, who takes part).
func (s *Server) publicPage(w http.ResponseWriter, r *http.Request) error {
	st, err := s.Governance.Published(r.Context())
	if err != nil {
		return err
	}
	d := publicData{Statements: st}
	if d.Members, d.Observers, err = s.Governance.Participants(r.Context()); err != nil {
		return err
	}
	if d.Orgs, err = s.orgNames(r); err != nil {
		return err
	}
	return s.show(w, r, http.StatusOK, "public", "public", "public.title", d)
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Link    []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
}

type atomEntry struct {
	Title   string     `xml:"title"`
	ID      string     `xml:"id"`
	Updated string     `xml:"updated"`
	Link    atomLink   `xml:"link"`
	Authors []atomName `xml:"author"`
	Content atomText   `xml:"content"`
}

type atomName struct {
	Name string `xml:"name"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

// statementsFeed serves the published statements as Atom (RFC 4287); the
// signatories are the entry's authors.
func (s *Server) statementsFeed(w http.ResponseWriter, r *http.Request) error {
	st, err := s.Governance.Published(r.Context())
	if err != nil {
		return err
	}
	orgs, err := s.orgNames(r)
	if err != nil {
		return err
	}
	base := s.siteURL(r)
	feed := atomFeed{Title: s.localizer(r).T("public.feed_title"), ID: base + "/public/statements.atom",
		Link: []atomLink{{Href: base + "/public/statements.atom", Rel: "self"}, {Href: base + "/public"}}}
	updated := time.Unix(0, 0).UTC()
	for _, v := range st {
		at := v.UpdatedAt
		if v.ClosedAt != nil {
			at = *v.ClosedAt
		}
		if at.After(updated) {
			updated = at
		}
		e := atomEntry{Title: v.Title, ID: "urn:uuid:" + v.ID, Updated: at.UTC().Format(time.RFC3339),
			Link: atomLink{Href: base + "/public#statement-" + v.ID}, Content: atomText{Type: "text", Text: v.PublishedText}}
		for _, sig := range v.Signatories {
			e.Authors = append(e.Authors, atomName{Name: orgs[sig.OrgID]})
		}
		feed.Entries = append(feed.Entries, e)
	}
	feed.Updated = updated.Format(time.RFC3339)
	out, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	_, err = w.Write(append([]byte(xml.Header), out...))
	return err
}
