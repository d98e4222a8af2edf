package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

// commonCurrencies head the currency select: those the mechanism's donors
// pledge in. The rest are the other currencies the ECB publishes a euro
// reference rate for, since a pledge in any other cannot be valued.
var (
	commonCurrencies = []string{"EUR", "USD", "GBP", "CAD", "DKK", "SEK", "PLN", "NOK", "CHF", "JPY"}
	otherCurrencies  = []string{"AUD", "BRL", "CNY", "CZK", "HKD", "HUF", "IDR", "ILS", "INR", "ISK", "KRW", "MXN", "MYR", "NZD", "PHP", "RON", "SGD", "THB", "TRY", "ZAR"}
)

type pledgeForm struct {
	Req         requirements.View
	Amount      string
	Currency    string
	Kind        string
	Description string
	Channel     string
	TLP         string
	PledgeDate  string
	Today       string
	Common      []string
	Others      []string
	Errors      map[string]string
	Error       string

	// Funder is the organisation whose money it is, "" for the donor's
	// own; Funders are those that may fund.
	Funder  string
	Funders []model.Organisation
}

var pledgeFields = []string{"amount", "currency", "kind", "description", "channel", "tlp", "pledge_date", "funder_org_id"}

var pledgeAliases = map[string]string{"amount_minor": "amount"}

// pledgeTarget is the requirement a donor pledges on, refused early when the
// donor could not pledge on it, so that nobody fills in a form in vain.
func (s *Server) pledgeTarget(r *http.Request, id string) (requirements.View, error) {
	v := viewerOf(r)
	view, err := s.Requirements.Get(r.Context(), v, id)
	if err != nil {
		return view, err
	}
	if err := policy.Authorize(v, policy.PledgesCreate, policy.RequirementResource(view.Requirement, view.Pledges)); err != nil {
		return view, err
	}
	if !view.Status.OpenToPledges() {
		return view, model.Broken("requirement_id", "requirement_not_open", "requirement %s is %s; pledges are taken on validated requirements only", view.Ref, view.Status)
	}
	return view, nil
}

func (s *Server) showPledgeForm(w http.ResponseWriter, r *http.Request, f pledgeForm, err error) error {
	l := s.localizer(r)
	f.Common, f.Others = commonCurrencies, otherCurrencies
	f.Today = model.DateOf(s.Now()).String()
	funders, ferr := s.funders(r)
	if ferr != nil {
		return ferr
	}
	f.Funders = funders
	status := http.StatusOK
	if err != nil {
		var rest error
		f.Errors, f.Error, rest = s.formErrors(l, err, pledgeFields, pledgeAliases)
		if rest != nil {
			return rest
		}
		status = statusOf(err)
	}
	return s.render(w, r, status, "pledge_form", s.newLayout(r, l, "pledges", l.T("pledge_form.title"), f))
}

func (s *Server) newPledgePage(w http.ResponseWriter, r *http.Request) error {
	view, err := s.pledgeTarget(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.showPledgeForm(w, r, pledgeForm{
		Req: view, Currency: "EUR", Kind: string(model.PledgeMoney), Channel: string(model.ChannelMechanism),
		TLP: string(view.TLP), PledgeDate: model.DateOf(s.Now()).String(),
	}, nil)
}

// amountIn reads an amount typed in currency, nil when neither is given
// (the service asks for both). An amount in a currency that is none is
// read as euros, to find what else is wrong with it.
func amountIn(amount, currency, lang string) (*int64, error) {
	if strings.TrimSpace(amount) == "" && currency == "" {
		return nil, nil
	}
	if !money.ValidCurrency(currency) {
		currency = "EUR"
	}
	minor, err := money.ParseAmountIn(amount, currency, lang)
	if err != nil {
		return nil, err
	}
	return &minor, nil
}

// input is the pledge as typed. A field that cannot be read is left out
// and its fault returned, the input still whole, so that the service can
// name every other fault with it.
func (f pledgeForm) input(lang string) (pledges.Input, error) {
	var errs []error
	kind, channel, tlp := model.PledgeKind(f.Kind), model.Channel(f.Channel), model.TLP(f.TLP)
	reqID := f.Req.ID
	in := pledges.Input{
		RequirementID: &reqID, Currency: &f.Currency, Kind: &kind,
		Description: &f.Description, Channel: &channel, TLP: &tlp, FunderOrgID: &f.Funder,
	}
	if f.Currency == "" {
		in.Currency = nil
	}
	var err error
	if in.AmountMinor, err = amountIn(f.Amount, f.Currency, lang); err != nil {
		errs = append(errs, err)
	}
	if date, err := model.ParseDate(strings.TrimSpace(f.PledgeDate)); err != nil {
		errs = append(errs, model.Invalid("pledge_date", "must be a date in the form YYYY-MM-DD"))
	} else {
		in.PledgeDate = &date
	}
	return in, model.Collect(errs...)
}

func (s *Server) createPledge(w http.ResponseWriter, r *http.Request) error {
	view, err := s.pledgeTarget(r, r.PostFormValue("requirement_id"))
	if err != nil {
		return err
	}
	f := pledgeForm{
		Req: view, Amount: r.PostFormValue("amount"), Currency: r.PostFormValue("currency"),
		Kind: r.PostFormValue("kind"), Description: r.PostFormValue("description"),
		Channel: r.PostFormValue("channel"), TLP: r.PostFormValue("tlp"), PledgeDate: r.PostFormValue("pledge_date"),
		Funder: r.PostFormValue("funder_org_id"),
	}
	v := viewerOf(r)
	in, perr := f.input(s.localizer(r).Lang())
	if perr != nil {
		return s.showPledgeForm(w, r, f, model.Collect(perr, s.Pledges.Check(r.Context(), v, in)))
	}
	res, err := s.Pledges.Create(r.Context(), v, in)
	if err != nil {
		return s.showPledgeForm(w, r, f, err)
	}
	to := "/pledges/" + res.ID + "?done=created"
	if res.OverCoverage {
		to += "&over=1"
	}
	return seeOther(w, r, to)
}

type pledgesData struct {
	Filter map[string]string
	Items  []model.Pledge
	Reqs   map[string]requirements.View
	Orgs   map[string]string
	Next   string
	Nav    listNav
}

func (s *Server) pledgesPage(w http.ResponseWriter, r *http.Request) error {
	f, err := pledgeFilter(r.URL.Query())
	if err != nil {
		return err
	}
	v := viewerOf(r)
	order, err := model.ParseSort(r.URL.Query().Get("sort"), model.PledgeSorts)
	if err != nil {
		return err
	}
	l, err := s.Pledges.Page(r.Context(), v, f, order, r.URL.Query().Get("cursor"), listPage)
	if err != nil {
		return err
	}
	items, next := l.Items, l.Next
	orgs, err := s.orgNames(r)
	if err != nil {
		return err
	}
	reqs, err := s.requirementsOf(r, items)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	data := pledgesData{
		Filter: map[string]string{
			"status": q.Get("status"), "channel": q.Get("channel"),
			"donor": q.Get("donor"), "requirement": q.Get("requirement"),
		},
		Items: items, Reqs: reqs, Orgs: orgs,
		Nav: navFor(r, model.PledgeSorts, order, len(items), next, l.Total),
	}
	data.Filter["sort"] = order.String()
	if next != "" {
		data.Next = nextPage(r, next)
	}
	return s.show(w, r, http.StatusOK, "pledges", "pledges", "pledges.title", data)
}

// requirementsOf loads the requirements a page of pledges serves, as the
// viewer sees them in a list, in one read; one the viewer may not see is
// simply left out.
func (s *Server) requirementsOf(r *http.Request, items []model.Pledge) (map[string]requirements.View, error) {
	var ids []string
	for _, p := range items {
		if p.RequirementID != "" {
			ids = append(ids, p.RequirementID)
		}
	}
	out := map[string]requirements.View{}
	if len(ids) == 0 {
		return out, nil
	}
	views, err := s.Requirements.Summaries(r.Context(), viewerOf(r), ids)
	if err != nil {
		return nil, err
	}
	for _, view := range views {
		out[view.ID] = view
	}
	return out, nil
}

type pledgeActions struct {
	Confirm, Withdraw, Review bool
}

type pledgeData struct {
	P      model.Pledge
	Req    *requirements.View
	Orgs   map[string]string
	Can    pledgeActions
	Review validateForm
	Error  string
	// Delivery is the pledge's delivery to receipt (delivery_pages.go).
	Delivery *deliveryPanel
	// Stages: suspension, disbursements, funder (stages_pages.go).
	Stages *stagesPanel
}

var pledgeNotices = []string{"created", "confirmed", "withdrawn", "reviewed", "milestone", "receipt_received", "receipt_problem", "suspended", "resumed", "disbursed"}

func (s *Server) pledgePage(w http.ResponseWriter, r *http.Request) error {
	return s.showPledge(w, r, http.StatusOK, validateForm{}, "")
}

func (s *Server) showPledge(w http.ResponseWriter, r *http.Request, status int, rf validateForm, errText string) error {
	v := viewerOf(r)
	p, err := s.Pledges.Get(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	data := pledgeData{P: p, Review: rf, Error: errText}
	var parent *policy.Resource
	if p.RequirementID != "" {
		view, err := s.Requirements.Get(r.Context(), v, p.RequirementID)
		switch {
		case err == nil:
			data.Req = &view
			rr := policy.RequirementResource(view.Requirement, view.Pledges)
			parent = &rr
		case !errors.Is(err, model.ErrNotFound):
			return err
		}
	}
	res := policy.PledgeResource(p, parent)
	can := func(perm policy.Permission) bool { return policy.Authorize(v, perm, res) == nil }
	data.Can = pledgeActions{
		Confirm:  p.Status == model.PledgeProposed && p.Review != model.ReviewPending && can(policy.PledgesConfirm),
		Withdraw: slices.Contains([]model.PledgeStatus{model.PledgeProposed, model.PledgeConfirmed, model.PledgeInDelivery, model.PledgeSuspended}, p.Status) && can(policy.PledgesWithdraw),
		Review:   p.Review == model.ReviewPending && can(policy.PledgesReview),
	}
	if data.Delivery, err = s.deliveryPanelFor(r, p, res); err != nil {
		return err
	}
	if data.Stages, err = s.stagesPanelFor(r, p, res); err != nil {
		return err
	}
	if data.Orgs, err = s.orgNames(r); err != nil {
		return err
	}
	l := s.localizer(r)
	q := r.URL.Query()
	lay := s.newLayout(r, l, "pledges", l.T("pledge.title"), data)
	if status == http.StatusOK {
		if done := q.Get("done"); slices.Contains(pledgeNotices, done) {
			lay.Notice = l.T("notice.pledge." + done)
		}
		if q.Get("over") == "1" {
			lay.Warning = l.T("pledge.over_coverage")
		}
	}
	return s.render(w, r, status, "pledge", lay)
}

func (s *Server) pledgeActionFailed(w http.ResponseWriter, r *http.Request, rf validateForm, err error) error {
	errs, text, rest := s.formErrors(s.localizer(r), err, []string{"decision", "comment"}, nil)
	if rest != nil {
		return rest
	}
	rf.Errors = errs
	return s.showPledge(w, r, statusOf(err), rf, text)
}

func (s *Server) confirmPledge(w http.ResponseWriter, r *http.Request) error {
	res, err := s.Pledges.Confirm(r.Context(), viewerOf(r), r.PathValue("id"))
	if err != nil {
		return s.pledgeActionFailed(w, r, validateForm{}, err)
	}
	return seeOther(w, r, "/pledges/"+res.ID+"?done=confirmed")
}

func (s *Server) withdrawPledge(w http.ResponseWriter, r *http.Request) error {
	res, err := s.Pledges.Withdraw(r.Context(), viewerOf(r), r.PathValue("id"))
	if err != nil {
		return s.pledgeActionFailed(w, r, validateForm{}, err)
	}
	return seeOther(w, r, "/pledges/"+res.ID+"?done=withdrawn")
}

func (s *Server) reviewPledge(w http.ResponseWriter, r *http.Request) error {
	rf := validateForm{Decision: r.PostFormValue("decision"), Comment: r.PostFormValue("comment")}
	res, err := s.Pledges.Review(r.Context(), viewerOf(r), r.PathValue("id"), model.ValidationDecision(rf.Decision), rf.Comment)
	if err != nil {
		return s.pledgeActionFailed(w, r, rf, err)
	}
	return seeOther(w, r, "/pledges/"+res.ID+"?done=reviewed")
}
