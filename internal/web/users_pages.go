package web

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"image/png"
	"net/http"
	"slices"

	"github.com/pquerna/otp"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/model"
)

type userForm struct {
	OrgID, Email, Name string
	Roles              []string
	WithTOTP           bool
	WorkingGroup       string
	Errors             map[string]string
	Error              string
}

type usersData struct {
	Users []model.User
	Orgs  []model.Organisation
	Names map[string]string
	Form  userForm
	// Created is the account just made; its TOTP enrolment is shown on this
	// one answer and never again.
	Created *accounts.Created
	TOTPQR  template.URL
	Nav     listNav
}

var userFields = []string{"org_id", "email", "name", "roles", "working_group", "password", "with_totp"}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) error {
	return s.showUsers(w, r, http.StatusOK, usersData{}, nil)
}

func (s *Server) showUsers(w http.ResponseWriter, r *http.Request, status int, data usersData, err error) error {
	v := viewerOf(r)
	l := s.localizer(r)
	if err != nil {
		var rest error
		data.Form.Errors, data.Form.Error, rest = s.formErrors(l, err, userFields, map[string]string{"org": "org_id"})
		if rest != nil {
			return rest
		}
		status = statusOf(err)
	}
	order, serr := readSort(r, model.UserSorts, model.Sort{})
	if serr != nil {
		return serr
	}
	users, next, uerr := s.Accounts.Page(r.Context(), v, order, r.URL.Query().Get("cursor"), listPage)
	if uerr != nil {
		return uerr
	}
	total, terr := s.Accounts.Total(r.Context(), v)
	if terr != nil {
		return terr
	}
	data.Nav = navFor(r, model.UserSorts, order, len(users), next, total)
	orgs, oerr := s.Organisations.List(r.Context(), v)
	if oerr != nil {
		return oerr
	}
	data.Users, data.Orgs, data.Names = users, orgs, map[string]string{}
	for _, o := range orgs {
		data.Names[o.ID] = o.NameIn(l.Lang())
	}
	lay := s.newLayout(r, l, "users", l.T("users.title"), data)
	if data.Created != nil {
		lay.Notice = l.T("notice.user.created", map[string]any{"Email": data.Created.Email})
	} else if id := r.URL.Query().Get("created"); id != "" {
		// The new account may sort onto another page than this one.
		all, err := s.Accounts.List(r.Context(), v)
		if err != nil {
			return err
		}
		for _, u := range all {
			if u.ID == id {
				lay.Notice = l.T("notice.user.created", map[string]any{"Email": u.Email})
			}
		}
	}
	return s.render(w, r, status, "users", lay)
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return model.Invalid("", "the form could not be read")
	}
	f := userForm{
		OrgID: r.PostFormValue("org_id"), Email: r.PostFormValue("email"), Name: r.PostFormValue("name"),
		Roles: r.PostForm["roles"], WithTOTP: r.PostFormValue("with_totp") == "on",
		WorkingGroup: r.PostFormValue("working_group"),
	}
	in := accounts.NewUser{
		OrgID: f.OrgID, Email: f.Email, Name: f.Name, Password: r.PostFormValue("password"), WithTOTP: f.WithTOTP,
		WorkingGroup: model.WorkingGroup(f.WorkingGroup),
	}
	for _, role := range f.Roles {
		in.Roles = append(in.Roles, model.Role(role))
	}
	created, err := s.Accounts.Create(r.Context(), viewerOf(r), in)
	if err != nil {
		return s.showUsers(w, r, 0, usersData{Form: f}, err)
	}
	if created.TOTPURL == "" {
		return seeOther(w, r, "/users?created="+created.ID)
	}
	// The enrolment secret exists only in this answer: render it rather
	// than redirect, and let no cache keep it (render sets no-store).
	data := usersData{Created: &created, TOTPQR: qrDataURL(created.TOTPURL)}
	return s.showUsers(w, r, http.StatusCreated, data, nil)
}

// qrDataURL draws the enrolment URL as a QR code for authenticator apps.
// A data: URL keeps the secret out of any other request and any log.
func qrDataURL(otpURL string) template.URL {
	key, err := otp.NewKeyFromURL(otpURL)
	if err != nil {
		return ""
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return ""
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return ""
	}
	// The URL is built here from a PNG we encoded, never from input.
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))
}

// HasRole refills a role checkbox of a refused form.
func (f userForm) HasRole(role string) bool { return slices.Contains(f.Roles, role) }
