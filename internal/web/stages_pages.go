package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// stagesForms is what the suspension or disbursement form sent, kept to
// show it again with its errors.
type stagesForms struct {
	Reason                       string
	Amount, Currency, Date, Note string
	// Over is set when the tranche would take the sum past the pledge's
	// value: the form asks the donor to confirm.
	Over   bool
	Errors map[string]string
}

type stagesFormsKey struct{}

// stagesPanel is the stages section of a pledge's page: suspension,
// disbursements and funder.
type stagesPanel struct {
	Disbursements []model.Disbursement
	CanSuspend    bool
	CanResume     bool
	CanDisburse   bool
	// Money: tranches apply; in-kind help follows its milestones.
	Money  bool
	Common []string
	Others []string
	Today  string
	Form   stagesForms
}

func (s *Server) stagesPanelFor(r *http.Request, p model.Pledge, res policy.Resource) (*stagesPanel, error) {
	v := viewerOf(r)
	ds, err := s.Pledges.Disbursements(r.Context(), v, p.ID)
	if err != nil {
		return nil, err
	}
	can := func(perm policy.Permission) bool { return policy.Authorize(v, perm, res) == nil }
	sp := &stagesPanel{
		Disbursements: ds.Items,
		Money:         p.Kind == model.PledgeMoney,
		CanSuspend:    p.Status.Suspendable() && can(policy.PledgesSuspend),
		CanResume:     p.Status == model.PledgeSuspended && can(policy.PledgesSuspend),
		Common:        commonCurrencies, Others: otherCurrencies,
		Today: model.DateOf(s.Now()).String(),
	}
	sp.CanDisburse = sp.Money && p.Status.Disbursable() && can(policy.PledgesDisburse)
	if f, ok := r.Context().Value(stagesFormsKey{}).(stagesForms); ok {
		sp.Form = f
	}
	if sp.Form.Currency == "" {
		sp.Form.Currency = p.Currency
	}
	return sp, nil
}

// The tranche's inputs sit on the pledge's page beside the milestone's:
// their ids carry a prefix.
var (
	trancheFields  = []string{"tranche-amount", "tranche-currency", "tranche-date", "tranche-note", "confirm-over"}
	trancheAliases = map[string]string{
		"amount": "tranche-amount", "amount_minor": "tranche-amount", "currency": "tranche-currency",
		"date": "tranche-date", "note": "tranche-note", "confirm_over": "confirm-over",
	}
)

// stagesFailed shows the pledge again with the form's errors, listed in
// the summary at the top of the page.
func (s *Server) stagesFailed(w http.ResponseWriter, r *http.Request, f stagesForms, fields []string, aliases map[string]string, err error) error {
	errs, text, rest := s.formErrors(s.localizer(r), err, fields, aliases)
	if rest != nil {
		return rest
	}
	var fe *model.FieldError
	f.Over = errors.As(err, &fe) && fe.Code == pledges.CodeOverDisbursed
	f.Errors = errs
	ctx := context.WithValue(r.Context(), stagesFormsKey{}, f)
	if errs != nil {
		ctx = context.WithValue(ctx, refusedFormKey{}, &refusedForm{status: statusOf(err), summary: problemsIn(fields, errs, text)})
		text = ""
	}
	return s.showPledge(w, r.WithContext(ctx), statusOf(err), validateForm{}, text)
}

func (s *Server) suspendPledge(w http.ResponseWriter, r *http.Request) error {
	f := stagesForms{Reason: r.PostFormValue("reason")}
	if _, err := s.Pledges.Suspend(r.Context(), viewerOf(r), r.PathValue("id"), f.Reason); err != nil {
		return s.stagesFailed(w, r, f, []string{"reason"}, nil, err)
	}
	return seeOther(w, r, "/pledges/"+r.PathValue("id")+"?done=suspended")
}

func (s *Server) resumePledge(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.Pledges.Resume(r.Context(), viewerOf(r), r.PathValue("id")); err != nil {
		return s.stagesFailed(w, r, stagesForms{}, nil, nil, err)
	}
	return seeOther(w, r, "/pledges/"+r.PathValue("id")+"?done=resumed")
}

func (s *Server) addDisbursement(w http.ResponseWriter, r *http.Request) error {
	f := stagesForms{Amount: r.PostFormValue("amount"), Currency: r.PostFormValue("currency"), Date: r.PostFormValue("date"), Note: r.PostFormValue("note")}
	v := viewerOf(r)
	in := pledges.DisbursementInput{Currency: &f.Currency, Note: &f.Note, ConfirmOver: r.PostFormValue("confirm_over") == "1"}
	if f.Currency == "" {
		in.Currency = nil
	}
	var errs []error
	var err error
	if in.AmountMinor, err = amountIn(f.Amount, f.Currency, s.localizer(r).Lang()); err != nil {
		errs = append(errs, err)
	}
	if d := strings.TrimSpace(f.Date); d != "" {
		if date, err := model.ParseDate(d); err != nil {
			errs = append(errs, model.Invalid("date", "must be a date in the form YYYY-MM-DD"))
		} else {
			in.Date = &date
		}
	}
	if perr := model.Collect(errs...); perr != nil {
		// The service still names every other fault, so that one submit
		// shows them all.
		return s.stagesFailed(w, r, f, trancheFields, trancheAliases, model.Collect(perr, s.Pledges.CheckDisbursement(v, in)))
	}
	if _, err := s.Pledges.Disburse(r.Context(), v, r.PathValue("id"), in); err != nil {
		return s.stagesFailed(w, r, f, trancheFields, trancheAliases, err)
	}
	return seeOther(w, r, "/pledges/"+r.PathValue("id")+"?done=disbursed#h-disbursements")
}

// funders are the organisations whose money a pledge of the viewer's
// organisation may pass through: those that give through the mechanism,
// the viewer's own aside.
func (s *Server) funders(r *http.Request) ([]model.Organisation, error) {
	v := viewerOf(r)
	orgs, err := s.Organisations.List(r.Context(), v)
	if err != nil {
		return nil, err
	}
	out := make([]model.Organisation, 0, len(orgs))
	for _, o := range orgs {
		if o.ID != v.Org.ID && policy.CanDonate(o) {
			out = append(out, o)
		}
	}
	return out, nil
}
