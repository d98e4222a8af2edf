package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
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

// stagesFailed shows the pledge again with the form's errors.
func (s *Server) stagesFailed(w http.ResponseWriter, r *http.Request, f stagesForms, fields []string, err error) error {
	errs, text, rest := s.formErrors(s.localizer(r), err, fields, map[string]string{"amount_minor": "amount"})
	if rest != nil {
		return rest
	}
	var fe *model.FieldError
	f.Over = errors.As(err, &fe) && fe.Code == pledges.CodeOverDisbursed
	f.Errors = errs
	r = r.WithContext(context.WithValue(r.Context(), stagesFormsKey{}, f))
	return s.showPledge(w, r, statusOf(err), validateForm{}, text)
}

func (s *Server) suspendPledge(w http.ResponseWriter, r *http.Request) error {
	f := stagesForms{Reason: r.PostFormValue("reason")}
	if _, err := s.Pledges.Suspend(r.Context(), viewerOf(r), r.PathValue("id"), f.Reason); err != nil {
		return s.stagesFailed(w, r, f, []string{"reason"}, err)
	}
	return seeOther(w, r, "/pledges/"+r.PathValue("id")+"?done=suspended")
}

func (s *Server) resumePledge(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.Pledges.Resume(r.Context(), viewerOf(r), r.PathValue("id")); err != nil {
		return s.stagesFailed(w, r, stagesForms{}, nil, err)
	}
	return seeOther(w, r, "/pledges/"+r.PathValue("id")+"?done=resumed")
}

func (s *Server) addDisbursement(w http.ResponseWriter, r *http.Request) error {
	f := stagesForms{Amount: r.PostFormValue("amount"), Currency: r.PostFormValue("currency"), Date: r.PostFormValue("date"), Note: r.PostFormValue("note")}
	fields := []string{"amount", "currency", "date", "note", "confirm_over"}
	if err := required("amount", f.Amount, "currency", f.Currency, "date", f.Date); err != nil {
		return s.stagesFailed(w, r, f, fields, err)
	}
	if !money.ValidCurrency(f.Currency) {
		return s.stagesFailed(w, r, f, fields, model.Invalid("currency", "%q is not an ISO 4217 currency code (e.g. EUR, USD, GBP)", f.Currency))
	}
	amount, err := money.ParseAmount(f.Amount, f.Currency)
	if err != nil {
		return s.stagesFailed(w, r, f, fields, err)
	}
	date, err := model.ParseDate(strings.TrimSpace(f.Date))
	if err != nil {
		return s.stagesFailed(w, r, f, fields, model.Invalid("date", "must be a date in the form YYYY-MM-DD"))
	}
	in := pledges.DisbursementInput{AmountMinor: &amount, Currency: &f.Currency, Date: &date, Note: &f.Note, ConfirmOver: r.PostFormValue("confirm_over") == "1"}
	if _, err := s.Pledges.Disburse(r.Context(), viewerOf(r), r.PathValue("id"), in); err != nil {
		return s.stagesFailed(w, r, f, fields, err)
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
