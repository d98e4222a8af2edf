package web

import (
	"net/http"
	"strings"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/organisations"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// orgNames names the organisations behind the records a page shows. The
// policy has already decided which records the viewer sees; an
// organisation's name on one of them is part of the record, which is why a
// visitor of a public record sees it too.
// Each is named in the reader's language where the organisation gave one.
func (s *Server) orgNames(r *http.Request) (map[string]string, error) {
	return s.Organisations.NamesIn(r.Context(), s.localizer(r).Lang())
}

type orgGroup struct {
	Participation model.Participation
	Orgs          []model.Organisation
}

type organisationsData struct {
	Groups    []orgGroup
	CanManage bool
	Nav       listNav
}

// organisationsPage shows the whole directory, which is short, grouped by
// participation and each group in the order asked.
func (s *Server) organisationsPage(w http.ResponseWriter, r *http.Request) error {
	v := viewerOf(r)
	order, err := readSort(r, model.OrganisationSorts, model.Sort{})
	if err != nil {
		return err
	}
	var orgs []model.Organisation
	for cursor := ""; ; {
		page, next, err := s.Organisations.Page(r.Context(), v, order, cursor, model.MaxPage)
		if err != nil {
			return err
		}
		orgs = append(orgs, page...)
		if next == "" {
			break
		}
		cursor = next
	}
	data := organisationsData{CanManage: policy.Allowed(v, policy.OrganisationsManage),
		Nav: navFor(r, model.OrganisationSorts, order, len(orgs), "", len(orgs))}
	// Grouped as the mechanism is constituted: those who decide first.
	for _, p := range model.Participations {
		g := orgGroup{Participation: p}
		for _, o := range orgs {
			if o.Participation == p {
				g.Orgs = append(g.Orgs, o)
			}
		}
		if len(g.Orgs) > 0 {
			data.Groups = append(data.Groups, g)
		}
	}
	return s.show(w, r, http.StatusOK, "organisations", "organisations", "organisations.title", data)
}

type organisationData struct {
	O         model.Organisation
	Users     []model.User
	ShowUsers bool
}

func (s *Server) organisationPage(w http.ResponseWriter, r *http.Request) error {
	v := viewerOf(r)
	o, err := s.Organisations.Get(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	data := organisationData{O: o}
	if policy.Allowed(v, policy.UsersManage) {
		users, err := s.Accounts.List(r.Context(), v)
		if err != nil {
			return err
		}
		data.ShowUsers = true
		for _, u := range users {
			if u.OrgID == o.ID {
				data.Users = append(data.Users, u)
			}
		}
	}
	l := s.localizer(r)
	lay := s.newLayout(r, l, "organisations", o.NameIn(l.Lang()), data)
	if r.URL.Query().Get("done") == "created" {
		lay.Notice = l.T("notice.organisation.created")
	}
	return s.render(w, r, http.StatusOK, "organisation", lay)
}

type organisationForm struct {
	Name, Kind, Participation, Country string
	NameUK, NameFR                     string
	Errors                             map[string]string
	Error                              string
}

var organisationFields = []string{"name", "kind", "participation", "country", "name_uk", "name_fr"}

func (s *Server) showOrganisationForm(w http.ResponseWriter, r *http.Request, f organisationForm, err error) error {
	l := s.localizer(r)
	status := http.StatusOK
	if err != nil {
		var rest error
		f.Errors, f.Error, rest = s.formErrors(l, err, organisationFields, nil)
		if rest != nil {
			return rest
		}
		status = statusOf(err)
	}
	return s.render(w, r, status, "organisation_form", s.newLayout(r, l, "organisations", l.T("organisation_form.title"), f))
}

func (s *Server) newOrganisationPage(w http.ResponseWriter, r *http.Request) error {
	return s.showOrganisationForm(w, r, organisationForm{}, nil)
}

func (s *Server) createOrganisation(w http.ResponseWriter, r *http.Request) error {
	f := organisationForm{
		Name: r.PostFormValue("name"), Kind: r.PostFormValue("kind"),
		Participation: r.PostFormValue("participation"), Country: strings.TrimSpace(r.PostFormValue("country")),
		NameUK: r.PostFormValue("name_uk"), NameFR: r.PostFormValue("name_fr"),
	}
	in := organisations.Input{Name: &f.Name, Country: &f.Country, NameUK: &f.NameUK, NameFR: &f.NameFR}
	// A choice left empty is one not made, which the service asks for.
	if f.Kind != "" {
		kind := model.OrgKind(f.Kind)
		in.Kind = &kind
	}
	if f.Participation != "" {
		part := model.Participation(f.Participation)
		in.Participation = &part
	}
	o, err := s.Organisations.Create(r.Context(), viewerOf(r), in)
	if err != nil {
		return s.showOrganisationForm(w, r, f, err)
	}
	return seeOther(w, r, "/organisations/"+o.ID+"?done=created")
}
