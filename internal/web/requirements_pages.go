package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

const listPage = 50

type requirementsData struct {
	Filter    map[string]string
	Items     []requirements.View
	Orgs      map[string]string
	Next      string
	Filtered  bool
	CanCreate bool
	Nav       listNav
	// CanReview offers the bulk review of submitted requirements;
	// CanImport the spreadsheet intake.
	CanReview bool
	CanImport bool
}

func (s *Server) requirementsPage(w http.ResponseWriter, r *http.Request) error {
	f, err := requirementFilter(r.URL.Query())
	if err != nil {
		return err
	}
	v := viewerOf(r)
	order, err := model.ParseSort(r.URL.Query().Get("sort"), model.RequirementSorts)
	if err != nil {
		return err
	}
	l, err := s.Requirements.Page(r.Context(), v, f, order, r.URL.Query().Get("cursor"), listPage)
	if err != nil {
		return err
	}
	items, next := l.Items, l.Next
	orgs, err := s.orgNames(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	data := requirementsData{
		Filter: map[string]string{
			"status": q.Get("status"), "sector": q.Get("sector"), "category": q.Get("category"),
			"line": q.Get("line"), "priority": q.Get("priority"), "q": q.Get("q"),
			"recipient_type": q.Get("recipient_type"), "review": q.Get("review"),
		},
		Items: items, Orgs: orgs, Filtered: f != model.RequirementFilter{},
		CanCreate: policy.Allowed(v, policy.RequirementsCreate),
		Nav:       navFor(r, model.RequirementSorts, order, len(items), next, l.Total),
		CanReview: policy.Allowed(v, policy.RequirementsValidate),
		CanImport: policy.Allowed(v, policy.RequirementsImport),
	}
	data.Filter["sort"] = order.String()
	if next != "" {
		data.Next = nextPage(r, next)
	}
	return s.show(w, r, http.StatusOK, "requirements", "requirements", "requirements.title", data)
}

// nextPage is the current list with its filters and the next cursor.
func nextPage(r *http.Request, cursor string) string {
	q := r.URL.Query()
	q.Set("cursor", cursor)
	return r.URL.Path + "?" + q.Encode()
}

// requirementActions are the buttons a viewer is offered. They are decided
// by the policy on the record and its state, as the service will decide
// them again when the button is used.
type requirementActions struct {
	Submit, Validate, Withdraw, Edit, Pledge, Close bool
	// FindOffers links to the matching workbench, which lists the
	// requirements still open to pledges.
	FindOffers bool
}

func requirementActionsFor(v policy.Viewer, view requirements.View) requirementActions {
	res := policy.RequirementResource(view.Requirement, view.Pledges)
	can := func(p policy.Permission) bool { return policy.Authorize(v, p, res) == nil }
	st := view.Status
	return requirementActions{
		Submit:     (st == model.ReqDraft || st == model.ReqReturned) && can(policy.RequirementsSubmit),
		Validate:   st == model.ReqSubmitted && can(policy.RequirementsValidate),
		Withdraw:   !slices.Contains([]model.RequirementStatus{model.ReqWithdrawn, model.ReqClosed, model.ReqRejected}, st) && can(policy.RequirementsWithdraw),
		Edit:       editable(st) && can(policy.RequirementsEdit),
		Pledge:     st.OpenToPledges() && can(policy.PledgesCreate),
		Close:      st == model.ReqDelivered && can(policy.RequirementsClose),
		FindOffers: (st == model.ReqValidated || st == model.ReqInDelivery) && policy.Allowed(v, policy.MatchingSuggest),
	}
}

func editable(st model.RequirementStatus) bool {
	switch st {
	case model.ReqDraft, model.ReqReturned, model.ReqSubmitted, model.ReqValidated:
		return true
	}
	return false
}

type validateForm struct {
	Decision string
	Comment  string
	Errors   map[string]string
	// Scores are the score inputs as typed, by input name.
	Scores map[string]string
}

type requirementData struct {
	R        requirements.View
	Orgs     map[string]string
	History  requirements.History
	Can      requirementActions
	Validate validateForm
	Error    string
	// Reviews is the validation screen, for who may read the reviews.
	Reviews *reviewPanel
}

// requirementNotices are the ?done= values a redirect after an action may
// carry; anything else shows nothing.
var requirementNotices = []string{"created", "updated", "submitted", "validated", "withdrawn", "closed"}

func (s *Server) requirementPage(w http.ResponseWriter, r *http.Request) error {
	return s.showRequirement(w, r, http.StatusOK, validateForm{}, "")
}

// showRequirement renders the record page, also after a refused action, with
// the refusal beside the form that caused it.
func (s *Server) showRequirement(w http.ResponseWriter, r *http.Request, status int, vf validateForm, errText string) error {
	v := viewerOf(r)
	view, err := s.Requirements.Get(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	hist, err := s.Requirements.History(r.Context(), v, view.ID)
	if err != nil {
		return err
	}
	orgs, err := s.orgNames(r)
	if err != nil {
		return err
	}
	data := requirementData{R: view, Orgs: orgs, History: hist, Can: requirementActionsFor(v, view), Validate: vf, Error: errText}
	if data.Reviews, err = s.reviewPanelFor(r, v, view, data.Can); err != nil {
		return err
	}
	l := s.localizer(r)
	lay := s.newLayout(r, l, "requirements", view.Ref+" · "+view.Title, data)
	if done := r.URL.Query().Get("done"); status == http.StatusOK && slices.Contains(requirementNotices, done) {
		lay.Notice = l.T("notice.requirement." + done)
	}
	return s.render(w, r, status, "requirement", lay)
}

// requirementForm is a draft as typed, kept as text so that a refused form
// comes back exactly as the user left it.
type requirementForm struct {
	ID, Ref, Status string
	Title           string
	Description     string
	Sector          string
	Category        string
	Line            string
	Priority        string
	Estimated       string
	Quantity        string
	Unit            string
	NeededBy        string
	Region          string
	TLP             string
	RecipientType   string
	Errors          map[string]string
	Error           string
}

var requirementFields = []string{"title", "description", "sector", "category", "line_of_effort", "priority", "estimated_eur", "quantity", "unit", "needed_by", "region", "tlp", "recipient_type"}

var requirementAliases = map[string]string{"estimated_eur_minor": "estimated_eur", "amount": "estimated_eur"}

func requirementFormOf(r *http.Request) requirementForm {
	return requirementForm{
		Title: r.PostFormValue("title"), Description: r.PostFormValue("description"),
		Sector: r.PostFormValue("sector"), Category: r.PostFormValue("category"),
		Line: r.PostFormValue("line_of_effort"), Priority: r.PostFormValue("priority"),
		Estimated: r.PostFormValue("estimated_eur"), Quantity: r.PostFormValue("quantity"),
		Unit: r.PostFormValue("unit"), NeededBy: r.PostFormValue("needed_by"),
		Region: r.PostFormValue("region"), TLP: r.PostFormValue("tlp"),
		RecipientType: r.PostFormValue("recipient_type"),
	}
}

func requirementFormFrom(view requirements.View) requirementForm {
	return requirementForm{
		ID: view.ID, Ref: view.Ref, Status: string(view.Status),
		Title: view.Title, Description: view.Description,
		Sector: string(view.Sector), Category: string(view.Category),
		Line: string(view.LineOfEffort), Priority: string(view.Priority),
		Estimated: plainAmount(view.EstimatedEURMinor, "EUR"),
		Quantity:  strconv.FormatInt(view.Quantity, 10), Unit: view.Unit,
		NeededBy: view.NeededBy.String(), Region: view.Region, TLP: string(view.TLP),
		RecipientType: string(view.RecipientType),
	}
}

// plainAmount writes an amount the way ParseAmount reads it back.
func plainAmount(minor int64, code string) string {
	return strings.ReplaceAll(money.FormatMinor(minor, code), ",", "")
}

// input converts the typed form to what the service takes, the amount read
// as lang writes numbers. Selects left on their empty choice are
// "required" here rather than "not a sector" there. Every field the form
// cannot read is reported at once.
// input is the requirement as typed. A field that cannot be read is left
// out and its fault returned, the input still whole, so that the service
// can name every other fault with it.
func (f requirementForm) input(lang string) (requirements.Input, error) {
	errs := []error{required("title", f.Title, "sector", f.Sector, "category", f.Category,
		"line_of_effort", f.Line, "priority", f.Priority, "estimated_eur", f.Estimated, "tlp", f.TLP)}
	sector, category := model.Sector(f.Sector), model.Category(f.Category)
	line, prio, tlp := model.LineOfEffort(f.Line), model.Priority(f.Priority), model.TLP(f.TLP)
	in := requirements.Input{
		Title: &f.Title, Description: &f.Description, Sector: &sector, Category: &category,
		LineOfEffort: &line, Priority: &prio, Unit: &f.Unit, Region: &f.Region, TLP: &tlp,
	}
	if strings.TrimSpace(f.Estimated) != "" {
		if est, err := money.ParseAmountIn(f.Estimated, "EUR", lang); err != nil {
			errs = append(errs, err)
		} else {
			in.EstimatedEURMinor = &est
		}
	}
	qty := int64(1)
	in.Quantity = &qty
	if q := strings.TrimSpace(f.Quantity); q != "" {
		var err error
		if qty, err = strconv.ParseInt(q, 10, 64); err != nil {
			errs = append(errs, model.Invalid("quantity", "must be a whole number"))
			in.Quantity = nil
		}
	}
	var needed model.Date
	in.NeededBy = &needed
	if d := strings.TrimSpace(f.NeededBy); d != "" {
		var err error
		if needed, err = model.ParseDate(d); err != nil {
			errs = append(errs, model.Invalid("needed_by", "must be a date in the form YYYY-MM-DD"))
			in.NeededBy = nil
		}
	}
	if f.RecipientType != "" {
		recipient := model.RecipientType(f.RecipientType)
		in.RecipientType = &recipient
	}
	return in, model.Collect(errs...)
}

// showRequirementForm re-renders a refused draft with the message beside
// its field.
func (s *Server) showRequirementForm(w http.ResponseWriter, r *http.Request, f requirementForm, err error) error {
	l := s.localizer(r)
	title := "requirement_form.new_title"
	if f.ID != "" {
		title = "requirement_form.edit_title"
	}
	status := http.StatusOK
	if err != nil {
		var rest error
		f.Errors, f.Error, rest = s.formErrors(l, err, requirementFields, requirementAliases)
		if rest != nil {
			return rest
		}
		status = statusOf(err)
	}
	return s.render(w, r, status, "requirement_form", s.newLayout(r, l, "requirements", l.T(title), f))
}

func (s *Server) newRequirementPage(w http.ResponseWriter, r *http.Request) error {
	return s.showRequirementForm(w, r, requirementForm{TLP: string(model.TLPAmber), Quantity: "1", RecipientType: string(model.RecipientOther)}, nil)
}

func (s *Server) createRequirement(w http.ResponseWriter, r *http.Request) error {
	f := requirementFormOf(r)
	v := viewerOf(r)
	in, perr := f.input(s.localizer(r).Lang())
	if perr != nil {
		return s.showRequirementForm(w, r, f, model.Collect(perr, s.Requirements.Check(r.Context(), v, in)))
	}
	req, err := s.Requirements.Create(r.Context(), v, in)
	if err != nil {
		return s.showRequirementForm(w, r, f, err)
	}
	return seeOther(w, r, "/requirements/"+req.ID+"?done=created")
}

func (s *Server) editRequirementPage(w http.ResponseWriter, r *http.Request) error {
	v := viewerOf(r)
	view, err := s.Requirements.Get(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := policy.Authorize(v, policy.RequirementsEdit, policy.RequirementResource(view.Requirement, view.Pledges)); err != nil {
		return err
	}
	if !editable(view.Status) {
		return model.Conflict("not_editable", "a %s requirement can no longer be changed", view.Status)
	}
	return s.showRequirementForm(w, r, requirementFormFrom(view), nil)
}

func (s *Server) updateRequirement(w http.ResponseWriter, r *http.Request) error {
	v := viewerOf(r)
	view, err := s.Requirements.Get(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	f := requirementFormOf(r)
	f.ID, f.Ref, f.Status = view.ID, view.Ref, string(view.Status)
	in, perr := f.input(s.localizer(r).Lang())
	if perr != nil {
		return s.showRequirementForm(w, r, f, model.Collect(perr, s.Requirements.CheckUpdate(r.Context(), v, view.ID, in)))
	}
	if _, err := s.Requirements.Update(r.Context(), v, view.ID, in); err != nil {
		return s.showRequirementForm(w, r, f, err)
	}
	return seeOther(w, r, "/requirements/"+view.ID+"?done=updated")
}

// actionFailed shows a refused action on the record page when the refusal
// is something the user can act on; other failures go to pageFail.
func (s *Server) actionFailed(w http.ResponseWriter, r *http.Request, vf validateForm, err error) error {
	l := s.localizer(r)
	errs, text, rest := s.formErrors(l, err, []string{"decision", "comment", "technical_capacity", "relevance", "strategic_importance"}, scoreFields)
	if rest != nil {
		return rest
	}
	vf.Errors = errs
	return s.showRequirement(w, r, statusOf(err), vf, text)
}

func (s *Server) submitRequirement(w http.ResponseWriter, r *http.Request) error {
	req, err := s.Requirements.Submit(r.Context(), viewerOf(r), r.PathValue("id"))
	if err != nil {
		return s.actionFailed(w, r, validateForm{}, err)
	}
	return seeOther(w, r, "/requirements/"+req.ID+"?done=submitted")
}

func (s *Server) validateRequirement(w http.ResponseWriter, r *http.Request) error {
	vf := validateForm{Decision: r.PostFormValue("decision"), Comment: r.PostFormValue("comment"), Scores: map[string]string{}}
	for _, input := range scoreFields {
		vf.Scores[input] = r.PostFormValue(input)
	}
	if vf.Decision == "" {
		return s.actionFailed(w, r, vf, model.Invalid("decision", "is required"))
	}
	scores, err := scoresOf(r)
	if err != nil {
		return s.actionFailed(w, r, vf, err)
	}
	req, err := s.Requirements.Review(r.Context(), viewerOf(r), r.PathValue("id"), requirements.ReviewInput{
		Decision: model.ValidationDecision(vf.Decision), Comment: vf.Comment, Scores: scores,
	})
	if err != nil {
		return s.actionFailed(w, r, vf, err)
	}
	return seeOther(w, r, "/requirements/"+req.ID+"?done=validated")
}

func (s *Server) withdrawRequirement(w http.ResponseWriter, r *http.Request) error {
	req, err := s.Requirements.Withdraw(r.Context(), viewerOf(r), r.PathValue("id"))
	if err != nil {
		return s.actionFailed(w, r, validateForm{}, err)
	}
	return seeOther(w, r, "/requirements/"+req.ID+"?done=withdrawn")
}
