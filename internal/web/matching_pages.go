package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/cyberaid/cyberaid/internal/coordination"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

// ---- Offers catalogue ----

type workbenchData struct {
	Open        []requirements.View
	Picked      *requirements.View
	Suggestions []coordination.Suggestion
	// Amounts pre-fill each proposal with what the offer could cover.
	Amounts    map[string]string
	Orgs       map[string]string
	CanPropose bool
	CanPledge  bool
	Error      string
}

func (s *Server) openRequirementsFor(r *http.Request) ([]requirements.View, error) {
	open, err := s.Coordination.OpenToPledges(r.Context(), viewerOf(r))
	if err != nil {
		return nil, err
	}
	// A copy: the list is shared with other requests.
	out := slices.Clone(open)
	slices.SortFunc(out, func(a, b requirements.View) int {
		if c := a.Priority.Rank() - b.Priority.Rank(); c != 0 {
			return c
		}
		return strings.Compare(a.Ref, b.Ref)
	})
	return out, nil
}

func (s *Server) workbenchPage(w http.ResponseWriter, r *http.Request) error {
	return s.showWorkbench(w, r, http.StatusOK, r.URL.Query().Get("requirement"), "")
}

func (s *Server) showWorkbench(w http.ResponseWriter, r *http.Request, status int, reqID, errText string) error {
	v := viewerOf(r)
	l := s.localizer(r)
	open, err := s.openRequirementsFor(r)
	if err != nil {
		return err
	}
	data := workbenchData{Open: open, Error: errText, CanPropose: policy.Allowed(v, policy.MatchingPlan)}
	if reqID != "" {
		view, err := s.Requirements.Get(r.Context(), v, reqID)
		if err != nil {
			return err
		}
		data.Picked = &view
		data.CanPledge = view.Status.OpenToPledges() && policy.Authorize(v, policy.PledgesCreate, policy.RequirementResource(view.Requirement, view.Pledges)) == nil
		data.Suggestions, err = s.Coordination.SuggestForRequirement(r.Context(), v, reqID)
		var fe *model.FieldError
		if errors.As(err, &fe) {
			data.Error, err = s.errorText(l, err), nil
		}
		if err != nil {
			return err
		}
		data.Amounts = map[string]string{}
		for _, sg := range data.Suggestions {
			// Plain digits and a point: what the amount parser reads back.
			c := sg.Reasons.Coverable
			data.Amounts[sg.Offer.ID] = strconv.FormatInt(c/100, 10) + "." + fmt.Sprintf("%02d", c%100)
		}
	}
	if data.Orgs, err = s.orgNames(r); err != nil {
		return err
	}
	lay := s.newLayout(r, l, "matching", l.T("workbench.title"), data)
	if r.URL.Query().Get("done") == "proposed" && status == http.StatusOK {
		lay.Notice = l.T("notice.matching.proposed")
	}
	return s.render(w, r, status, "workbench", lay)
}

// proposePledge is the workbench's one-line plan: a proposed pledge of the
// offering donor on the picked requirement.
func (s *Server) proposePledge(w http.ResponseWriter, r *http.Request) error {
	reqID := r.PostFormValue("requirement_id")
	amount, err := money.ParseAmountIn(r.PostFormValue("amount"), "EUR", s.localizer(r).Lang())
	if err == nil {
		_, err = s.Coordination.Apply(r.Context(), viewerOf(r), coordination.ApplyInput{Lines: []coordination.ApplyLine{
			{OfferID: r.PostFormValue("offer_id"), RequirementID: reqID, EURMinor: amount},
		}})
	}
	if err != nil {
		_, text, rest := s.formErrors(s.localizer(r), err, nil, nil)
		if rest != nil {
			return rest
		}
		return s.showWorkbench(w, r, statusOf(err), reqID, text)
	}
	return seeOther(w, r, "/matching?requirement="+reqID+"&done=proposed")
}

// ---- Allocation plan ----

type planData struct {
	Plan coordination.Plan
	// ByPriority is the plan's EUR per priority code, for the template.
	ByPriority map[string]int64
	Weights    map[string]string
	Orgs       map[string]string
	Error      string
}

func (s *Server) planWeights(r *http.Request) (coordination.Weights, map[string]string, error) {
	cfg := s.Coordination.Settings().Weights
	shown := map[string]string{}
	w := coordination.Weights{}
	for _, p := range model.Priorities {
		raw := strings.TrimSpace(r.FormValue("w_" + string(p)))
		if raw == "" {
			w[p] = cfg[p]
			shown[string(p)] = strconv.FormatInt(cfg[p], 10)
			continue
		}
		shown[string(p)] = raw
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return nil, shown, model.Invalid("weights", "the weight of %s must be a whole number", p)
		}
		w[p] = n
	}
	return w, shown, nil
}

func (s *Server) planPage(w http.ResponseWriter, r *http.Request) error {
	return s.showPlan(w, r, http.StatusOK, "")
}

func (s *Server) showPlan(w http.ResponseWriter, r *http.Request, status int, errText string) error {
	l := s.localizer(r)
	weights, shown, err := s.planWeights(r)
	data := planData{Weights: shown, Error: errText}
	if err == nil {
		data.Plan, err = s.Coordination.Preview(r.Context(), viewerOf(r), coordination.PlanInput{Weights: weights})
	}
	data.ByPriority = map[string]int64{}
	for p, eur := range data.Plan.Totals.ByPriority {
		data.ByPriority[string(p)] = eur
	}
	if err != nil {
		_, text, rest := s.formErrors(l, err, nil, nil)
		if rest != nil {
			return rest
		}
		data.Error, status = text, statusOf(err)
	}
	if data.Orgs, err = s.orgNames(r); err != nil {
		return err
	}
	lay := s.newLayout(r, l, "matching", l.T("plan.title"), data)
	if r.URL.Query().Get("done") == "applied" && status == http.StatusOK {
		lay.Notice = l.T("notice.matching.applied")
	}
	return s.render(w, r, status, "plan", lay)
}

// applyPlan applies the lines the coordinator kept ticked; each line is
// "offer|requirement|eur_minor" as the preview wrote it.
func (s *Server) applyPlan(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return model.Invalid("", "the form could not be read")
	}
	lines := []coordination.ApplyLine{}
	for _, raw := range r.PostForm["line"] {
		parts := strings.Split(raw, "|")
		if len(parts) != 3 {
			return s.showPlan(w, r, http.StatusBadRequest, s.errorText(s.localizer(r), model.Invalid("lines", "a line of the form is malformed")))
		}
		n, err := strconv.ParseInt(parts[2], 10, 64)
		if err != nil {
			return s.showPlan(w, r, http.StatusBadRequest, s.errorText(s.localizer(r), model.Invalid("lines", "a line of the form is malformed")))
		}
		lines = append(lines, coordination.ApplyLine{OfferID: parts[0], RequirementID: parts[1], EURMinor: n})
	}
	if len(lines) == 0 {
		return s.showPlan(w, r, http.StatusBadRequest, s.localizer(r).T("plan.nothing_selected"))
	}
	if _, err := s.Coordination.Apply(r.Context(), viewerOf(r), coordination.ApplyInput{Lines: lines}); err != nil {
		_, text, rest := s.formErrors(s.localizer(r), err, nil, nil)
		if rest != nil {
			return rest
		}
		return s.showPlan(w, r, statusOf(err), text)
	}
	return seeOther(w, r, "/matching/plan?done=applied")
}

// ---- Deconfliction board ----

type boardData struct {
	Filter map[string]string
	// Alerts is one page of the ranked list; Nav says which.
	Alerts []coordination.Alert
	Nav    listNav
	Orgs   map[string]string
	Kinds  []string
	Error  string
	// Failed is the key of the alert whose acknowledgement failed.
	Failed  string
	Comment string
}

// boardPage is how many alerts the board shows at once.
const boardPage = 100

func (s *Server) deconflictionPage(w http.ResponseWriter, r *http.Request) error {
	return s.showBoard(w, r, http.StatusOK, "", "", "")
}

func (s *Server) showBoard(w http.ResponseWriter, r *http.Request, status int, failed, comment, errText string) error {
	f, err := alertFilter(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	// One page at a time: at 100,000 requirements the list holds tens of
	// thousands of alerts, each with its forms, which no browser renders.
	win, err := s.Coordination.AlertsWindow(r.Context(), viewerOf(r), f, q.Get("after"), boardPage)
	if err != nil {
		return err
	}
	orgs, err := s.orgNames(r)
	if err != nil {
		return err
	}
	nav := listNav{From: win.From + 1, To: win.From + len(win.Alerts), Total: win.Total}
	if win.Next != "" {
		next := url.Values{"after": {win.Next}}
		for _, k := range []string{"kind", "open"} {
			if q.Get(k) != "" {
				next.Set(k, q.Get(k))
			}
		}
		nav.Next = "/deconfliction?" + next.Encode()
	}
	data := boardData{
		Filter: map[string]string{"kind": q.Get("kind"), "open": q.Get("open")},
		Alerts: win.Alerts, Nav: nav, Orgs: orgs, Kinds: strs(model.AlertKinds), Failed: failed, Comment: comment, Error: errText,
	}
	l := s.localizer(r)
	lay := s.newLayout(r, l, "deconfliction", l.T("board.title"), data)
	if q.Get("done") == "acknowledged" && status == http.StatusOK {
		lay.Notice = l.T("notice.board.acknowledged")
	}
	return s.render(w, r, status, "deconfliction", lay)
}

// acknowledgeAlert acknowledges the alert of one form, or the alerts ticked
// on the board, which all share the one comment of the bulk form.
func (s *Server) acknowledgeAlert(w http.ResponseWriter, r *http.Request) error {
	if r.PostFormValue("bulk") != "" {
		return s.acknowledgeAlerts(w, r)
	}
	key, comment := r.PostFormValue("key"), r.PostFormValue("comment")
	if _, err := s.Coordination.Acknowledge(r.Context(), viewerOf(r), key, comment); err != nil {
		_, text, rest := s.formErrors(s.localizer(r), err, nil, nil)
		if rest != nil {
			return rest
		}
		return s.showBoard(w, r, statusOf(err), key, comment, text)
	}
	return seeOther(w, r, "/deconfliction?done=acknowledged")
}

func (s *Server) acknowledgeAlerts(w http.ResponseWriter, r *http.Request) error {
	keys, comment := r.PostForm["key"], r.PostFormValue("comment")
	if _, err := s.Coordination.AcknowledgeAll(r.Context(), viewerOf(r), keys, comment); err != nil {
		_, text, rest := s.formErrors(s.localizer(r), err, nil, nil)
		if rest != nil {
			return rest
		}
		return s.showBoard(w, r, statusOf(err), bulkFailed, comment, text)
	}
	return seeOther(w, r, "/deconfliction?done=acknowledged")
}

// bulkFailed marks, in place of an alert's key, that the bulk form failed.
const bulkFailed = "bulk"

// ---- Bilateral reports ----

type bilateralForm struct {
	Amount, Currency, Kind, Description, Beneficiary, Sector, Category string
	PeriodStart, PeriodEnd, Requirement, TLP, PledgeDate, Today        string
	Beneficiaries                                                      []model.Organisation
	Open                                                               []requirements.View
	Common, Others                                                     []string
	Errors                                                             map[string]string
	Error                                                              string
}

var bilateralFields = []string{"requirement_id", "beneficiary_org_id", "sector", "category", "period_start", "period_end", "amount", "currency", "kind", "description", "pledge_date", "tlp"}

func (s *Server) showBilateralForm(w http.ResponseWriter, r *http.Request, f bilateralForm, err error) error {
	l := s.localizer(r)
	f.Common, f.Others = commonCurrencies, otherCurrencies
	f.Today = model.DateOf(s.Now()).String()
	orgs, lerr := s.Organisations.Directory(r.Context())
	if lerr != nil {
		return lerr
	}
	for _, o := range orgs {
		if o.Participation == model.Beneficiary || o.Kind == model.KindBeneficiaryAgency {
			f.Beneficiaries = append(f.Beneficiaries, o)
		}
	}
	if f.Open, lerr = s.openRequirementsFor(r); lerr != nil {
		return lerr
	}
	status := http.StatusOK
	if err != nil {
		var rest error
		f.Errors, f.Error, rest = s.formErrors(l, err, bilateralFields, pledgeAliases)
		if rest != nil {
			return rest
		}
		status = statusOf(err)
	}
	return s.render(w, r, status, "bilateral_form", s.newLayout(r, l, "pledges", l.T("bilateral_form.title"), f))
}

func (s *Server) newBilateralPage(w http.ResponseWriter, r *http.Request) error {
	if !policy.CanDonate(viewerOf(r).Org) {
		return model.ErrForbidden
	}
	today := model.DateOf(s.Now()).String()
	return s.showBilateralForm(w, r, bilateralForm{
		Currency: "EUR", Kind: string(model.PledgeMoney), TLP: string(model.TLPAmber), PledgeDate: today, PeriodStart: today,
	}, nil)
}

// input is the report as typed. A field that cannot be read is left out
// and its fault returned, the input still whole, so that the service can
// name every other fault with it.
func (f bilateralForm) input(lang string) (pledges.Input, error) {
	var errs []error
	kind, tlp, channel := model.PledgeKind(f.Kind), model.TLP(f.TLP), model.ChannelBilateral
	in := pledges.Input{
		Currency: &f.Currency, Kind: &kind, Description: &f.Description, Channel: &channel, TLP: &tlp,
	}
	if f.Currency == "" {
		in.Currency = nil
	}
	var err error
	if in.AmountMinor, err = amountIn(f.Amount, f.Currency, lang); err != nil {
		errs = append(errs, err)
	}
	date := func(field, raw string) *model.Date {
		if strings.TrimSpace(raw) == "" {
			return nil
		}
		d, err := model.ParseDate(strings.TrimSpace(raw))
		if err != nil {
			errs = append(errs, model.Invalid(field, "must be a date in the form YYYY-MM-DD"))
			return nil
		}
		return &d
	}
	in.PledgeDate, in.PeriodStart, in.PeriodEnd = date("pledge_date", f.PledgeDate), date("period_start", f.PeriodStart), date("period_end", f.PeriodEnd)
	if f.Requirement != "" {
		in.RequirementID = &f.Requirement
	} else {
		sector, category := model.Sector(f.Sector), model.Category(f.Category)
		in.BeneficiaryOrgID, in.Sector, in.Category = &f.Beneficiary, &sector, &category
	}
	return in, model.Collect(errs...)
}

func (s *Server) createBilateral(w http.ResponseWriter, r *http.Request) error {
	pf := func(k string) string { return r.PostFormValue(k) }
	f := bilateralForm{
		Amount: pf("amount"), Currency: pf("currency"), Kind: pf("kind"), Description: pf("description"),
		Beneficiary: pf("beneficiary_org_id"), Sector: pf("sector"), Category: pf("category"),
		PeriodStart: pf("period_start"), PeriodEnd: pf("period_end"), Requirement: pf("requirement_id"),
		TLP: pf("tlp"), PledgeDate: pf("pledge_date"),
	}
	v := viewerOf(r)
	in, perr := f.input(s.localizer(r).Lang())
	if perr != nil {
		return s.showBilateralForm(w, r, f, model.Collect(perr, s.Pledges.Check(r.Context(), v, in)))
	}
	res, err := s.Pledges.Create(r.Context(), v, in)
	if err != nil {
		return s.showBilateralForm(w, r, f, err)
	}
	return seeOther(w, r, "/pledges/"+res.ID+"?done=created")
}
