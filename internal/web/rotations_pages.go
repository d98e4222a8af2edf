package web

import (
	"net/http"

	"github.com/cyberaid/cyberaid/internal/governance"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

type rotationsData struct {
	Items     []model.Rotation
	Orgs      map[string]string
	Members   []model.Organisation
	Current   string
	CanManage bool
	Form      struct{ Starts, Ends, Front, Back string }
	Errors    map[string]string
	Error     string
}

func (s *Server) rotationsPage(w http.ResponseWriter, r *http.Request) error {
	return s.showRotations(w, r, http.StatusOK, rotationsData{}, nil)
}

func (s *Server) showRotations(w http.ResponseWriter, r *http.Request, status int, d rotationsData, ferr error) error {
	v := viewerOf(r)
	items, err := s.Governance.Rotations(r.Context(), v)
	if err != nil {
		return err
	}
	l := s.localizer(r)
	if ferr != nil {
		var rest error
		d.Errors, d.Error, rest = s.formErrors(l, ferr, rotationFields, nil)
		if rest != nil {
			return rest
		}
	}
	if d.Orgs, err = s.orgNames(r); err != nil {
		return err
	}
	orgs, err := s.Organisations.Directory(r.Context())
	if err != nil {
		return err
	}
	for _, o := range orgs {
		if o.Participation == model.Member {
			d.Members = append(d.Members, o)
		}
	}
	d.Items, d.CanManage = items, policy.Allowed(v, policy.RotationsManage)
	if cur, ok := governance.Current(items, model.DateOf(s.Now())); ok {
		d.Current = cur.ID
	}
	lay := s.newLayout(r, l, "rotations", l.T("rotations.title"), d)
	if r.URL.Query().Get("done") == "created" && status == http.StatusOK {
		lay.Notice = l.T("notice.rotation.created")
	}
	return s.render(w, r, status, "rotations", lay)
}

func (s *Server) createRotation(w http.ResponseWriter, r *http.Request) error {
	var d rotationsData
	d.Form.Starts, d.Form.Ends = r.PostFormValue("starts"), r.PostFormValue("ends")
	d.Form.Front, d.Form.Back = r.PostFormValue("front_office_org_id"), r.PostFormValue("back_office_org_id")
	in := governance.RotationInput{FrontOfficeOrgID: &d.Form.Front, BackOfficeOrgID: &d.Form.Back}
	var bad []error
	for _, f := range []struct {
		name, v string
		dst     **model.Date
	}{{"starts", d.Form.Starts, &in.Starts}, {"ends", d.Form.Ends, &in.Ends}} {
		if f.v == "" {
			continue
		}
		day, err := model.ParseDate(f.v)
		if err != nil {
			bad = append(bad, model.Invalid(f.name, "is not a date (YYYY-MM-DD)"))
			continue
		}
		*f.dst = &day
	}
	_, err := s.Governance.AddRotation(r.Context(), viewerOf(r), in)
	if bad != nil {
		// A period without its date is refused by the service: nothing
		// was saved, and every fault is named.
		err = model.Collect(append(bad, err)...)
	}
	if err != nil {
		return s.showRotations(w, r, statusOf(err), d, err)
	}
	return seeOther(w, r, "/rotations?done=created")
}
