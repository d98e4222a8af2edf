package web

import (
	"context"
	"net/http"

	"github.com/cyberaid/cyberaid/internal/delivery"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// deliveryForms is what a delivery form sent, kept to show it again with
// its errors next to the fields.
type deliveryForms struct {
	Kind, Date, Note string
	Outcome, RNote   string
	Errors           map[string]string
}

type deliveryFormsKey struct{}

// deliveryPanel is the delivery section of a pledge's page.
type deliveryPanel struct {
	Track      delivery.Track
	Kinds      []model.MilestoneKind
	CanStep    bool
	CanReceipt bool
	CanLesson  bool
	Form       deliveryForms
	Today      string
}

// deliveryPanelFor builds the delivery section of pledge p, whose policy
// resource is res, for the viewer of r.
func (s *Server) deliveryPanelFor(r *http.Request, p model.Pledge, res policy.Resource) (*deliveryPanel, error) {
	v := viewerOf(r)
	t, err := s.Delivery.Get(r.Context(), v, p.ID)
	if err != nil {
		return nil, err
	}
	can := func(perm policy.Permission) bool { return policy.Authorize(v, perm, res) == nil }
	inDelivery := p.Status == model.PledgeInDelivery || p.Status == model.PledgeDelivered
	d := &deliveryPanel{
		Track: t, Kinds: model.MilestoneKinds,
		CanStep:    (p.Status == model.PledgeConfirmed || inDelivery) && can(policy.PledgesDeliver),
		CanReceipt: inDelivery && can(policy.PledgesReceipt),
		Today:      model.DateOf(s.Now()).String(),
		CanLesson:  policy.Require(v, policy.LessonsCreate) == nil,
	}
	if f, ok := r.Context().Value(deliveryFormsKey{}).(deliveryForms); ok {
		d.Form = f
	}
	return d, nil
}

// deliveryFailed shows the pledge again with the form's errors.
func (s *Server) deliveryFailed(w http.ResponseWriter, r *http.Request, f deliveryForms, fields []string, err error) error {
	errs, text, rest := s.formErrors(s.localizer(r), err, fields, nil)
	if rest != nil {
		return rest
	}
	f.Errors = errs
	ctx := context.WithValue(r.Context(), deliveryFormsKey{}, f)
	if errs != nil {
		// The faults are listed in the summary at the top of the page.
		ctx = context.WithValue(ctx, refusedFormKey{}, &refusedForm{status: statusOf(err), summary: problemsIn(fields, errs, text)})
		text = ""
	}
	return s.showPledge(w, r.WithContext(ctx), statusOf(err), validateForm{}, text)
}

func (s *Server) addMilestone(w http.ResponseWriter, r *http.Request) error {
	f := deliveryForms{Kind: r.PostFormValue("kind"), Date: r.PostFormValue("date"), Note: r.PostFormValue("note")}
	fields := []string{"kind", "date", "note"}
	in := delivery.MilestoneInput{Note: &f.Note}
	if f.Kind != "" {
		kind := model.MilestoneKind(f.Kind)
		in.Kind = &kind
	}
	var derr error
	if f.Date != "" {
		date, err := model.ParseDate(f.Date)
		if err != nil {
			derr = model.Invalid("date", "%v", err)
		} else {
			in.Date = &date
		}
	}
	_, err := s.Delivery.AddMilestone(r.Context(), viewerOf(r), r.PathValue("id"), in)
	if derr != nil {
		// A milestone without a date is refused by the service: nothing
		// was saved, and every fault is named.
		err = model.Collect(derr, err)
	}
	if err != nil {
		return s.deliveryFailed(w, r, f, fields, err)
	}
	return seeOther(w, r, "/pledges/"+r.PathValue("id")+"?done=milestone#h-delivery")
}

func (s *Server) confirmReceipt(w http.ResponseWriter, r *http.Request) error {
	f := deliveryForms{Outcome: r.PostFormValue("outcome"), RNote: r.PostFormValue("note")}
	in := delivery.ReceiptInput{Note: &f.RNote}
	if f.Outcome != "" {
		o := model.ReceiptOutcome(f.Outcome)
		in.Outcome = &o
	}
	_, err := s.Delivery.Receipt(r.Context(), viewerOf(r), r.PathValue("id"), in)
	if err != nil {
		// The receipt form's note is named apart from the milestone's.
		var renamed []error
		for _, fe := range model.FieldErrorsOf(err) {
			if fe.Field == "note" {
				fe = &model.FieldError{Kind: fe.Kind, Field: "rnote", Code: fe.Code, Message: fe.Message, MessageID: fe.MessageID, Data: fe.Data}
			}
			renamed = append(renamed, fe)
		}
		if renamed != nil {
			err = model.Collect(renamed...)
		}
		return s.deliveryFailed(w, r, f, []string{"outcome", "rnote"}, err)
	}
	return seeOther(w, r, "/pledges/"+r.PathValue("id")+"?done=receipt_"+f.Outcome+"#h-delivery")
}

func (s *Server) closeRequirement(w http.ResponseWriter, r *http.Request) error {
	req, err := s.Delivery.Close(r.Context(), viewerOf(r), r.PathValue("id"))
	if err != nil {
		return s.actionFailed(w, r, validateForm{}, err)
	}
	return seeOther(w, r, "/requirements/"+req.ID+"?done=closed")
}
