package web

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

func init() {
	codeLists["recipient_type"] = func() []string { return strs(model.RecipientTypes) }
	codeLists["working_group"] = func() []string { return strs(model.WorkingGroups) }
	codeLists["review_state"] = func() []string { return strs(model.ReviewStates) }
	codeLists["reviews.score"] = func() []string { return []string{"technical_capacity", "relevance", "strategic_importance"} }
	codeLists["intake.action"] = func() []string { return []string{"created", "updated"} }
	errorCodes = append(errorCodes, "no_working_group", "review_not_required", "already_reviewed", "score_not_for_group",
		"not_validator", "not_draft", "too_many_rows", "file_too_large", "not_beneficiary")
	auditActions = append(auditActions, "requirement_review.record", "user.update")
}

// scoreFields are the score inputs of the review form, by the service's
// field names.
var scoreFields = map[string]string{
	"scores.technical_capacity":   "technical_capacity",
	"scores.relevance":            "relevance",
	"scores.strategic_importance": "strategic_importance",
}

// reviewPanel is the validation screen: both reviews side by side, and
// the caller's own group's form when it still has to review.
type reviewPanel struct {
	Reviews requirements.Reviews
	// Columns are the required groups in order, each with its review in
	// the current round, if given.
	Columns []reviewColumn
	// Group is the caller's working group when it may review now.
	Group model.WorkingGroup
	// GroupProblem tells a validator why it cannot review (no group).
	GroupProblem string
	// ScoreInputs are the scores Group gives; Scale the marks offered.
	ScoreInputs []string
	Scale       []string
}

type reviewColumn struct {
	Group  model.WorkingGroup
	Review *model.ValidationRecord
}

// reviewPanelFor reads the reviews v may see of a requirement; nil when
// v may not see them.
func (s *Server) reviewPanelFor(r *http.Request, v policy.Viewer, view requirements.View, can requirementActions) (*reviewPanel, error) {
	if !policy.SeesReviews(v, policy.RequirementResource(view.Requirement, view.Pledges)) {
		return nil, nil
	}
	rv, err := s.Requirements.Reviews(r.Context(), v, view.ID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p := &reviewPanel{Reviews: rv}
	for _, g := range rv.Required {
		p.Columns = append(p.Columns, reviewColumn{Group: g, Review: rv.Of(g)})
	}
	if can.Validate {
		g, err := s.Requirements.ReviewerGroup(r.Context(), v)
		var fe *model.FieldError
		switch {
		case errors.As(err, &fe):
			p.GroupProblem = s.errorText(s.localizer(r), err)
		case err != nil:
			return nil, err
		case rv.Of(g) == nil:
			p.Group = g
			p.Scale = []string{"1", "2", "3", "4", "5"}
			p.ScoreInputs = []string{"strategic_importance"}
			if g == model.GroupTechnical {
				p.ScoreInputs = []string{"technical_capacity", "relevance"}
			}
		}
	}
	if len(rv.Current) == 0 && len(rv.Earlier) == 0 && view.Status != model.ReqSubmitted {
		return nil, nil
	}
	return p, nil
}

// scoresOf reads the score inputs of the review form; an empty one is no score.
func scoresOf(r *http.Request) (*model.Scores, error) {
	var sc model.Scores
	given := false
	for field, input := range scoreFields {
		v := strings.TrimSpace(r.PostFormValue(input))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, model.Invalid(field, "must be a whole number from 1 to 5")
		}
		switch input {
		case "technical_capacity":
			sc.TechnicalCapacity = &n
		case "relevance":
			sc.Relevance = &n
		case "strategic_importance":
			sc.StrategicImportance = &n
		}
		given = true
	}
	if !given {
		return nil, nil
	}
	return &sc, nil
}

// bulkReviewData is the outcome of a bulk review, one line per requirement.
type bulkReviewData struct {
	Decision string
	Lines    []bulkLine
	Done     int
}

type bulkLine struct {
	ID, Ref, Title string
	Problem        string
}

// bulkReview records one decision and comment on each chosen requirement,
// each as its own review, and shows what became of each.
func (s *Server) bulkReview(w http.ResponseWriter, r *http.Request) error {
	v := viewerOf(r)
	l := s.localizer(r)
	decision := model.ValidationDecision(r.PostFormValue("decision"))
	out, err := s.Requirements.BulkReview(r.Context(), v, r.PostForm["ids"], decision, r.PostFormValue("comment"))
	if err != nil {
		var fe *model.FieldError
		if errors.As(err, &fe) {
			return s.show(w, r, statusOf(err), "bulk_review", "requirements", "bulk.title",
				bulkReviewData{Decision: string(decision), Lines: []bulkLine{{Problem: s.errorText(l, err)}}})
		}
		return err
	}
	data := bulkReviewData{Decision: string(decision)}
	for _, o := range out {
		line := bulkLine{ID: o.ID}
		if o.Err != nil {
			line.Problem = s.errorText(l, o.Err)
			// A requirement the caller may not see is named by the id it
			// sent, and nothing else.
			if got, err := s.Requirements.Get(r.Context(), v, o.ID); err == nil {
				line.Ref, line.Title = got.Ref, got.Title
			}
		} else {
			line.Ref, line.Title = o.Requirement.Ref, o.Requirement.Title
			data.Done++
		}
		data.Lines = append(data.Lines, line)
	}
	return s.show(w, r, http.StatusOK, "bulk_review", "requirements", "bulk.title", data)
}

// importData is the spreadsheet intake page.
type importData struct {
	// Orgs are the beneficiaries a coordinator may import for.
	Orgs     []model.Organisation
	OrgID    string
	Result   *requirements.ImportResult
	Problems []requirements.RowProblem
	Errors   map[string]string
	Error    string
}

func (s *Server) importOrgs(r *http.Request, v policy.Viewer) ([]model.Organisation, error) {
	if v.Has(model.RoleRequester) {
		return nil, nil
	}
	all, err := s.Organisations.List(r.Context(), v)
	if err != nil {
		return nil, err
	}
	var out []model.Organisation
	for _, o := range all {
		if o.Kind == model.KindBeneficiaryAgency || o.Participation == model.Beneficiary {
			out = append(out, o)
		}
	}
	return out, nil
}

func (s *Server) requirementsImportPage(w http.ResponseWriter, r *http.Request) error {
	orgs, err := s.importOrgs(r, viewerOf(r))
	if err != nil {
		return err
	}
	return s.show(w, r, http.StatusOK, "requirements_import", "requirements", "intake.title", importData{Orgs: orgs})
}

func (s *Server) importRequirements(w http.ResponseWriter, r *http.Request) error {
	v := viewerOf(r)
	l := s.localizer(r)
	orgs, err := s.importOrgs(r, v)
	if err != nil {
		return err
	}
	data := importData{Orgs: orgs, OrgID: r.FormValue("org_id")}
	fail := func(err error) error {
		var ie *requirements.ImportError
		if errors.As(err, &ie) {
			data.Problems = importProblemsIn(l, ie.Problems)
			data.Error = l.T("intake.refused")
			return s.show(w, r, http.StatusUnprocessableEntity, "requirements_import", "requirements", "intake.title", data)
		}
		errs, text, rest := s.formErrors(l, err, []string{"file", "org_id"}, nil)
		if rest != nil {
			return rest
		}
		data.Errors, data.Error = errs, text
		return s.show(w, r, statusOf(err), "requirements_import", "requirements", "intake.title", data)
	}
	file, header, err := r.FormFile("file")
	if err != nil {
		return fail(model.Invalid("file", "%s", l.T("intake.file_required")))
	}
	defer file.Close()
	res, err := s.Requirements.Import(r.Context(), v, data.OrgID, header.Filename, file)
	if err != nil {
		return fail(err)
	}
	data.Result = &res
	return s.show(w, r, http.StatusOK, "requirements_import", "requirements", "intake.title", data)
}

// requirementsTemplate downloads the intake template.
func (s *Server) requirementsTemplate(w http.ResponseWriter, r *http.Request) error {
	var buf bytes.Buffer
	file := r.PathValue("file")
	name := "requirements-" + file
	switch file {
	case "template.xlsx":
		if err := requirements.WriteTemplateXLSX(&buf); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	case "template.csv":
		if err := requirements.WriteTemplateCSV(&buf); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	default:
		return model.ErrNotFound
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, err := w.Write(buf.Bytes())
	return err
}

// setWorkingGroup is the administrator's change of a validator's group.
func (s *Server) setWorkingGroup(w http.ResponseWriter, r *http.Request) error {
	g := model.WorkingGroup(r.PostFormValue("working_group"))
	if _, err := s.Accounts.Update(r.Context(), viewerOf(r), r.PathValue("id"), accountsChange(g)); err != nil {
		return s.showUsers(w, r, 0, usersData{}, err)
	}
	return seeOther(w, r, "/users")
}
