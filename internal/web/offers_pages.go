package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/cyberaid/cyberaid/internal/coordination"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/offers"
	"github.com/cyberaid/cyberaid/internal/policy"
)

type offersData struct {
	Filter   map[string]string
	Statuses []string
	Items    []offers.View
	Orgs     map[string]string
	Next     string
	CanNew   bool
	Nav      listNav
}

func (s *Server) offersPage(w http.ResponseWriter, r *http.Request) error {
	f, err := offerFilter(r.URL.Query())
	if err != nil {
		return err
	}
	v := viewerOf(r)
	order, err := model.ParseSort(r.URL.Query().Get("sort"), model.OfferSorts)
	if err != nil {
		return err
	}
	l, err := s.Offers.Page(r.Context(), v, f, order, r.URL.Query().Get("cursor"), listPage)
	if err != nil {
		return err
	}
	items, next := l.Items, l.Next
	orgs, err := s.orgNames(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	data := offersData{
		Filter:   map[string]string{"status": q.Get("status"), "sector": q.Get("sector"), "category": q.Get("category"), "donor": q.Get("donor")},
		Statuses: strs(model.OfferStatuses),
		Items:    items, Orgs: orgs, CanNew: policy.Allowed(v, policy.OffersCreate) && policy.CanDonate(v.Org),
		Nav: navFor(r, model.OfferSorts, order, len(items), next, l.Total),
	}
	data.Filter["sort"] = order.String()
	if next != "" {
		data.Next = nextPage(r, next)
	}
	return s.show(w, r, http.StatusOK, "offers", "offers", "offers.title", data)
}

type offerForm struct {
	// ID is the offer being edited, "" for a new one.
	ID                                                                          string
	Title, Description, Kind, Amount, Currency, Quantity, Unit, ValidUntil, TLP string
	Sectors, Categories, Lines, Regions                                         []string
	Today                                                                       string
	Common, Others                                                              []string
	Errors                                                                      map[string]string
	Error                                                                       string
}

var offerFields = []string{"title", "description", "kind", "amount", "currency", "quantity", "unit", "sectors", "categories", "lines_of_effort", "regions", "valid_until", "tlp"}

var offerAliases = map[string]string{"amount_minor": "amount"}

func (s *Server) showOfferForm(w http.ResponseWriter, r *http.Request, f offerForm, err error) error {
	l := s.localizer(r)
	f.Common, f.Others = commonCurrencies, otherCurrencies
	f.Today = model.DateOf(s.Now()).String()
	status := http.StatusOK
	if err != nil {
		var rest error
		f.Errors, f.Error, rest = s.formErrors(l, err, offerFields, offerAliases)
		if rest != nil {
			return rest
		}
		status = statusOf(err)
	}
	title := "offer_form.title"
	if f.ID != "" {
		title = "offer_form.edit_title"
	}
	return s.render(w, r, status, "offer_form", s.newLayout(r, l, "offers", l.T(title), f))
}

func (s *Server) newOfferPage(w http.ResponseWriter, r *http.Request) error {
	if !policy.CanDonate(viewerOf(r).Org) {
		return model.ErrForbidden
	}
	return s.showOfferForm(w, r, offerForm{
		Kind: string(model.PledgeMoney), Currency: "EUR", TLP: string(model.TLPAmber),
		ValidUntil: model.DateOf(s.Now()).AddDays(180).String(),
	}, nil)
}

func typed[T ~string](in []string) *[]T {
	out := make([]T, 0, len(in))
	for _, v := range in {
		out = append(out, T(v))
	}
	return &out
}

// input is the offer as typed. A field that cannot be read is left out
// and its fault returned, the input still whole, so that the service can
// name every other fault with it.
func (f offerForm) input(lang string) (offers.Input, error) {
	var errs []error
	kind, tlp := model.PledgeKind(f.Kind), model.TLP(f.TLP)
	in := offers.Input{
		Title: &f.Title, Description: &f.Description, Kind: &kind, Currency: &f.Currency,
		Unit: &f.Unit, TLP: &tlp,
		Sectors: typed[model.Sector](f.Sectors), Categories: typed[model.Category](f.Categories),
		Lines: typed[model.LineOfEffort](f.Lines), Regions: typed[string](f.Regions),
	}
	if f.Currency == "" {
		in.Currency = nil
	}
	var err error
	if in.AmountMinor, err = amountIn(f.Amount, f.Currency, lang); err != nil {
		errs = append(errs, err)
	}
	// An empty date is the zero date, which the service asks for.
	var until model.Date
	if d := strings.TrimSpace(f.ValidUntil); d != "" {
		var err error
		if until, err = model.ParseDate(d); err != nil {
			errs = append(errs, model.Invalid("valid_until", "must be a date in the form YYYY-MM-DD"))
		}
	}
	in.ValidUntil = &until
	qty := int64(0)
	if q := strings.TrimSpace(f.Quantity); q != "" {
		var err error
		if qty, err = strconv.ParseInt(q, 10, 64); err != nil {
			errs = append(errs, model.Invalid("quantity", "must be a whole number"))
		}
	}
	in.Quantity = &qty
	return in, model.Collect(errs...)
}

func (s *Server) createOffer(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return model.Invalid("", "the form could not be read")
	}
	pf := r.PostForm
	f := offerForm{
		Title: pf.Get("title"), Description: pf.Get("description"), Kind: pf.Get("kind"), Amount: pf.Get("amount"),
		Currency: pf.Get("currency"), Quantity: pf.Get("quantity"), Unit: pf.Get("unit"), ValidUntil: pf.Get("valid_until"),
		TLP: pf.Get("tlp"), Sectors: pf["sectors"], Categories: pf["categories"], Lines: pf["lines_of_effort"], Regions: pf["regions"],
	}
	v := viewerOf(r)
	in, perr := f.input(s.localizer(r).Lang())
	if perr != nil {
		return s.showOfferForm(w, r, f, model.Collect(perr, s.Offers.Check(r.Context(), v, in)))
	}
	o, err := s.Offers.Create(r.Context(), v, in)
	if err != nil {
		return s.showOfferForm(w, r, f, err)
	}
	return seeOther(w, r, "/offers/"+o.ID+"?done=created")
}

type offerData struct {
	O           offers.View
	Orgs        map[string]string
	CanWithdraw bool
	CanEdit     bool
	CanReview   bool
	Review      validateForm
	Suggestions []coordination.Suggestion
	// SuggestError says why no suggestion is shown (not usable yet).
	SuggestError string
	Error        string
}

var offerNotices = []string{"created", "updated", "withdrawn", "reviewed"}

func (s *Server) offerPage(w http.ResponseWriter, r *http.Request) error {
	return s.showOffer(w, r, http.StatusOK, validateForm{}, "")
}

func (s *Server) showOffer(w http.ResponseWriter, r *http.Request, status int, rf validateForm, errText string) error {
	v := viewerOf(r)
	o, err := s.Offers.Get(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return err
	}
	l := s.localizer(r)
	res := policy.OfferResource(o.Offer)
	data := offerData{
		O: o, Review: rf, Error: errText,
		CanWithdraw: o.Status == model.OfferOpen && policy.Authorize(v, policy.OffersEdit, res) == nil,
		CanEdit:     o.Status == model.OfferOpen && policy.Authorize(v, policy.OffersEdit, res) == nil,
		CanReview:   o.Review == model.ReviewPending && policy.Authorize(v, policy.OffersReview, res) == nil,
	}
	if policy.Allowed(v, policy.MatchingSuggest) {
		data.Suggestions, err = s.Coordination.SuggestForOffer(r.Context(), v, o.ID)
		var fe *model.FieldError
		if errors.As(err, &fe) {
			data.SuggestError, err = s.errorText(l, err), nil
		}
		if err != nil {
			return err
		}
	}
	if data.Orgs, err = s.orgNames(r); err != nil {
		return err
	}
	lay := s.newLayout(r, l, "offers", l.T("offer.title"), data)
	if done := r.URL.Query().Get("done"); status == http.StatusOK && slices.Contains(offerNotices, done) {
		lay.Notice = l.T("notice.offer." + done)
	}
	return s.render(w, r, status, "offer", lay)
}

func (s *Server) offerActionFailed(w http.ResponseWriter, r *http.Request, rf validateForm, err error) error {
	errs, text, rest := s.formErrors(s.localizer(r), err, []string{"decision", "comment"}, nil)
	if rest != nil {
		return rest
	}
	rf.Errors = errs
	return s.showOffer(w, r, statusOf(err), rf, text)
}

func (s *Server) withdrawOffer(w http.ResponseWriter, r *http.Request) error {
	st := model.OfferWithdrawn
	o, err := s.Offers.Update(r.Context(), viewerOf(r), r.PathValue("id"), offers.Input{Status: &st})
	if err != nil {
		return s.offerActionFailed(w, r, validateForm{}, err)
	}
	return seeOther(w, r, "/offers/"+o.ID+"?done=withdrawn")
}

func (s *Server) reviewOffer(w http.ResponseWriter, r *http.Request) error {
	rf := validateForm{Decision: r.PostFormValue("decision"), Comment: r.PostFormValue("comment")}
	o, err := s.Offers.Review(r.Context(), viewerOf(r), r.PathValue("id"), model.ValidationDecision(rf.Decision), rf.Comment)
	if err != nil {
		return s.offerActionFailed(w, r, rf, err)
	}
	return seeOther(w, r, "/offers/"+o.ID+"?done=reviewed")
}

// ---- Matching workbench ----

func strsOf[T ~string](in []T) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
}

// editableOffer returns the offer v may change; one v may see but not
// change is forbidden, one v may not see is not found.
func (s *Server) editableOffer(r *http.Request) (offers.View, error) {
	v := viewerOf(r)
	o, err := s.Offers.Get(r.Context(), v, r.PathValue("id"))
	if err != nil {
		return offers.View{}, err
	}
	if err := policy.Authorize(v, policy.OffersEdit, policy.OfferResource(o.Offer)); err != nil {
		return offers.View{}, err
	}
	if o.Status != model.OfferOpen {
		return offers.View{}, model.Conflict("not_open", "a %s offer can no longer be changed", o.Status)
	}
	return o, nil
}

func (s *Server) editOfferPage(w http.ResponseWriter, r *http.Request) error {
	o, err := s.editableOffer(r)
	if err != nil {
		return err
	}
	return s.showOfferForm(w, r, offerForm{
		ID: o.ID, Title: o.Title, Description: o.Description, Kind: string(o.Kind),
		Amount: plainAmount(o.AmountMinor, o.Currency), Currency: o.Currency, Quantity: quantityField(o.Quantity), Unit: o.Unit,
		ValidUntil: o.ValidUntil.String(), TLP: string(o.TLP),
		Sectors: strsOf(o.Sectors), Categories: strsOf(o.Categories), Lines: strsOf(o.Lines), Regions: o.Regions,
	}, nil)
}

func quantityField(q int64) string {
	if q == 0 {
		return ""
	}
	return strconv.FormatInt(q, 10)
}

func offerFormOf(pf url.Values) offerForm {
	return offerForm{
		Title: pf.Get("title"), Description: pf.Get("description"), Kind: pf.Get("kind"), Amount: pf.Get("amount"),
		Currency: pf.Get("currency"), Quantity: pf.Get("quantity"), Unit: pf.Get("unit"), ValidUntil: pf.Get("valid_until"),
		TLP: pf.Get("tlp"), Sectors: pf["sectors"], Categories: pf["categories"], Lines: pf["lines_of_effort"], Regions: pf["regions"],
	}
}

// updateOffer sends the service only what the donor changed, as a PATCH
// would: an untouched amount is not valued again at today's rate, and an
// untouched offer does not go back to the alignment review.
func (s *Server) updateOffer(w http.ResponseWriter, r *http.Request) error {
	o, err := s.editableOffer(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return model.Invalid("", "the form could not be read")
	}
	f := offerFormOf(r.PostForm)
	f.ID = o.ID
	v := viewerOf(r)
	in, perr := f.input(s.localizer(r).Lang())
	onlyChanged(&in, o.Offer)
	if perr != nil {
		return s.showOfferForm(w, r, f, model.Collect(perr, s.Offers.CheckUpdate(r.Context(), v, o.ID, in)))
	}
	if _, err := s.Offers.Update(r.Context(), v, o.ID, in); err != nil {
		return s.showOfferForm(w, r, f, err)
	}
	return seeOther(w, r, "/offers/"+o.ID+"?done=updated")
}

func dropIfSame[T comparable](p **T, v T) {
	if *p != nil && **p == v {
		*p = nil
	}
}

func dropIfSameSet[T ~string](p **[]T, v []T) {
	if *p == nil {
		return
	}
	a, b := slices.Clone(**p), slices.Clone(v)
	slices.Sort(a)
	slices.Sort(b)
	if slices.Equal(slices.Compact(a), slices.Compact(b)) {
		*p = nil
	}
}

func onlyChanged(in *offers.Input, o model.Offer) {
	dropIfSame(&in.Title, o.Title)
	dropIfSame(&in.Description, o.Description)
	dropIfSame(&in.Kind, o.Kind)
	dropIfSame(&in.Quantity, o.Quantity)
	dropIfSame(&in.Unit, o.Unit)
	dropIfSame(&in.ValidUntil, o.ValidUntil)
	dropIfSame(&in.TLP, o.TLP)
	dropIfSameSet(&in.Sectors, o.Sectors)
	dropIfSameSet(&in.Categories, o.Categories)
	dropIfSameSet(&in.Lines, o.Lines)
	dropIfSameSet(&in.Regions, o.Regions)
	// An amount is only the same in the same currency.
	if in.AmountMinor != nil && in.Currency != nil && *in.AmountMinor == o.AmountMinor && *in.Currency == o.Currency {
		in.AmountMinor, in.Currency = nil, nil
	}
}
