// Package offers is the catalogue of what donors offer without a
// requirement: money for some sectors, categories, lines of effort or
// regions, or in-kind help with a declared value. A company's or NGO's offer
// passes the coordinators' alignment review, as its pledges do.
package offers

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/readings"
	"github.com/cyberaid/cyberaid/internal/store"
)

type Service struct {
	audit   audit.Records[model.Offer]
	store   Store
	now     func() time.Time
	pledges *pledges.Service
	// counted keeps list totals per viewer and filter (page.go); counts
	// counts those computed, for the tests.
	counted *readings.Kept
	counts  atomic.Int64
}

// keptCounts bounds the list totals kept: one per viewer and filter asked.
const keptCounts = 256

func NewService(s Store, now func() time.Time, p *pledges.Service) *Service {
	return &Service{audit: audit.Records[model.Offer]{Type: "offer", ID: func(r *model.Offer) string { return r.ID }, Now: now}, store: s, now: now, pledges: p,
		counted: readings.New(keptCounts)}
}

// View is an offer as one viewer sees it: what is left of it counts only the
// pledges drawn from it that the viewer may see.
type View struct {
	model.Offer
	CommittedEURMinor int64 `json:"committed_eur_minor"`
	AvailableEURMinor int64 `json:"available_eur_minor"`
	// Usable: open, past (or spared) the alignment review, still valid.
	Usable bool `json:"usable"`
}

// Input is what a donor writes; on update, nil fields stay unchanged.
type Input struct {
	Title        *string               `json:"title"`
	Description  *string               `json:"description"`
	Kind         *model.PledgeKind     `json:"kind"`
	AmountMinor  *int64                `json:"amount_minor"`
	Currency     *string               `json:"currency"`
	Quantity     *int64                `json:"quantity"`
	Unit         *string               `json:"unit"`
	Sectors      *[]model.Sector       `json:"sectors"`
	Categories   *[]model.Category     `json:"categories"`
	Lines        *[]model.LineOfEffort `json:"lines_of_effort"`
	Regions      *[]string             `json:"regions"`
	ValidUntil   *model.Date           `json:"valid_until"`
	TLP          *model.TLP            `json:"tlp"`
	NamedUserIDs *[]string             `json:"named_user_ids"`
	// Status on update: "withdrawn" takes the offer out of the catalogue.
	Status *model.OfferStatus `json:"status"`
}

const maxQuantity = 1_000_000_000

// apply writes the given fields onto o, checking each. It reports whether
// what is offered changed, which sends a reviewed offer back to review.
func (in Input) apply(o *model.Offer, today model.Date) (changed bool, err error) {
	// What is offered counts as changed whenever the input names it.
	changed, err = model.ApplyGiven(
		model.Text("title", in.Title, &o.Title, 1, model.MaxTitle),
		model.Text("description", in.Description, &o.Description, 0, model.MaxDescription),
		model.Code("kind", in.Kind, &o.Kind, model.PledgeKind.Valid, "%q is not an offer kind; use money or in_kind"),
		model.Amount("amount_minor", in.AmountMinor, &o.AmountMinor, money.MaxMinor, "offer"),
		model.Code("currency", in.Currency, &o.Currency, money.ValidCurrency, "%q is not an ISO 4217 currency code (e.g. EUR, USD, GBP)"),
		model.Set(in.Quantity, &o.Quantity, func(q int64) error {
			if q < 0 || q > maxQuantity {
				return model.Invalid("quantity", "must be between 0 and %d", maxQuantity)
			}
			return nil
		}),
		model.Text("unit", in.Unit, &o.Unit, 0, model.MaxShort),
		model.CodeSet("sectors", in.Sectors, &o.Sectors, model.Sector.Valid),
		model.CodeSet("categories", in.Categories, &o.Categories, model.Category.Valid),
		model.CodeSet("lines_of_effort", in.Lines, &o.Lines, model.LineOfEffort.Valid),
		model.CodeSet("regions", in.Regions, &o.Regions, model.ValidRegion),
		model.Set(in.ValidUntil, &o.ValidUntil, func(d model.Date) error {
			if d.IsZero() {
				return model.Invalid("valid_until", "is required")
			}
			if d.Before(today) {
				return model.Broken("valid_until", "date_in_past", "%s has passed: an offer must still be valid", d)
			}
			return nil
		}),
	)
	errs := []error{err}
	// Who may read an offer is part of what the coordinators reviewed: a
	// new label or a new list of readers sends it back to them.
	relabelled, err := model.ApplyFields(
		model.Label(in.TLP, &o.TLP),
		model.IDs(in.NamedUserIDs, &o.NamedUserIDs),
	)
	errs = append(errs, err)
	changed = changed || relabelled
	if o.Kind == model.PledgeInKind && o.Description == "" {
		errs = append(errs, model.Invalid("description", "is required for an in-kind offer: say what is offered"))
	}
	if err := model.Collect(errs...); err != nil {
		return false, err
	}
	return changed, nil
}

// value prices the offer in euros exactly as a pledge is priced.
func value(ctx context.Context, q store.Queries, o *model.Offer) error {
	v, err := pledges.Value(ctx, q, o.AmountMinor, o.Currency, o.OfferDate, "offer_date")
	if err != nil {
		return err
	}
	o.Rate, o.RateDate, o.EURMinor, o.RateProvisional = v.Rate, v.RateDate, v.EURMinor, v.Provisional
	return nil
}

// Create puts an offer of the donor's own organisation in the catalogue.
func (s *Service) Create(ctx context.Context, v policy.Viewer, in Input) (View, error) {
	o, err := s.create(ctx, v, in, true)
	if err != nil {
		return View{}, err
	}
	return s.viewOf(ctx, v, o)
}

// Check reports every fault Create would find in the input, saving
// nothing, so that a form whose other fields could not even be read still
// lists all its faults at once.
func (s *Service) Check(ctx context.Context, v policy.Viewer, in Input) error {
	_, err := s.create(ctx, v, in, false)
	return err
}

func (s *Service) create(ctx context.Context, v policy.Viewer, in Input, save bool) (model.Offer, error) {
	if err := policy.Require(v, policy.OffersCreate); err != nil {
		return model.Offer{}, err
	}
	if !policy.CanDonate(v.Org) {
		return model.Offer{}, model.ErrForbidden
	}
	errs := []error{model.CheckRequired(
		model.Required{Field: "title", Missing: in.Title == nil},
		model.Required{Field: "amount_minor", Missing: in.AmountMinor == nil},
		model.Required{Field: "currency", Missing: in.Currency == nil},
		model.Required{Field: "valid_until", Missing: in.ValidUntil == nil},
	)}
	if in.Status != nil {
		errs = append(errs, model.Invalid("status", "is set by the catalogue: a new offer is open"))
	}
	now := s.now().UTC()
	today := model.DateOf(now)
	o := model.Offer{
		DonorOrgID: v.Org.ID,
		Kind:       model.PledgeMoney,
		OfferDate:  today,
		Status:     model.OfferOpen,
		Review:     model.ReviewNotRequired,
		TLP:        model.TLPAmber,
		CreatedBy:  v.UserID,
		CreatedAt:  now,
		UpdatedAt:  now,
	}
	_, err := in.apply(&o, today)
	errs = append(errs, err)
	if v.Org.IsBusiness() {
		o.Review = model.ReviewPending
	}
	err = s.store.InTx(ctx, func(q store.Queries) error {
		errs = append(errs, policy.CheckNamed(ctx, v, o.TLP, &o.NamedUserIDs, q.UserByID))
		if err := model.Collect(errs...); err != nil {
			return err
		}
		if err := value(ctx, q, &o); err != nil {
			return err
		}
		if !save {
			return nil
		}
		if err := q.CreateOffer(ctx, &o); err != nil {
			return err
		}
		return s.audit.Record(ctx, q, v, "create", nil, &o)
	})
	return o, model.Unexpected(err, "create offer")
}

// change loads an offer v may act on with perm, lets fn change it, and saves
// it with its audit event in one transaction.
func (s *Service) change(ctx context.Context, v policy.Viewer, id string, perm policy.Permission, action string, fn func(q store.Queries, o *model.Offer) error) (View, error) {
	return s.changeIf(ctx, v, id, perm, action, true, fn)
}

// changeIf is change, saving nothing unless save: with it false, it only
// reports what change would refuse.
func (s *Service) changeIf(ctx context.Context, v policy.Viewer, id string, perm policy.Permission, action string, save bool, fn func(q store.Queries, o *model.Offer) error) (View, error) {
	var out model.Offer
	err := s.store.InTx(ctx, func(q store.Queries) error {
		o, err := q.OfferByID(ctx, id)
		if err != nil {
			return err
		}
		if err := policy.Authorize(v, perm, policy.OfferResource(o)); err != nil {
			return err
		}
		before := o
		if err := fn(q, &o); err != nil {
			return err
		}
		if !save {
			out = o
			return nil
		}
		o.UpdatedAt = s.now().UTC()
		if err := q.UpdateOffer(ctx, &o); err != nil {
			return err
		}
		out = o
		return s.audit.Record(ctx, q, v, action, &before, &o)
	})
	if err != nil {
		return View{}, model.Unexpected(err, "%s offer %s", action, id)
	}
	return s.viewOf(ctx, v, out)
}

// Update changes an open offer, or withdraws it. A company's or NGO's offer
// whose substance changes goes back to alignment review.
func (s *Service) Update(ctx context.Context, v policy.Viewer, id string, in Input) (View, error) {
	return s.update(ctx, v, id, in, true)
}

// CheckUpdate reports every fault Update would find in the input, saving
// nothing.
func (s *Service) CheckUpdate(ctx context.Context, v policy.Viewer, id string, in Input) error {
	_, err := s.update(ctx, v, id, in, false)
	return err
}

func (s *Service) update(ctx context.Context, v policy.Viewer, id string, in Input, save bool) (View, error) {
	action := "update"
	if in.Status != nil {
		if *in.Status != model.OfferWithdrawn {
			return View{}, model.Invalid("status", "%q cannot be set; use withdrawn to take the offer out of the catalogue", *in.Status)
		}
		action = "withdraw"
	}
	return s.changeIf(ctx, v, id, policy.OffersEdit, action, save, func(q store.Queries, o *model.Offer) error {
		if o.Status != model.OfferOpen {
			return model.Conflict("not_open", "a %s offer can no longer be changed", o.Status)
		}
		today := model.DateOf(s.now())
		changed, err := in.apply(o, today)
		if err := model.Collect(err, policy.CheckNamed(ctx, v, o.TLP, &o.NamedUserIDs, q.UserByID)); err != nil {
			return err
		}
		if in.Status != nil {
			o.Status = model.OfferWithdrawn
		}
		if changed && o.Review != model.ReviewNotRequired {
			o.Review, o.ReviewComment = model.ReviewPending, ""
		}
		if in.AmountMinor != nil || in.Currency != nil {
			o.OfferDate = today
			return value(ctx, q, o)
		}
		return nil
	})
}

// Review is a coordinator's alignment decision on a company's or NGO's offer.
func (s *Service) Review(ctx context.Context, v policy.Viewer, id string, d model.ValidationDecision, comment string) (View, error) {
	var errs []error
	switch d {
	case model.DecisionApprove, model.DecisionReject:
	case "":
		errs = append(errs, model.Invalid("decision", "is required"))
	default:
		errs = append(errs, model.Invalid("decision", "%q is not a review decision; use approve or reject", d))
	}
	comment, err := model.CleanText("comment", comment, 0, model.MaxComment)
	errs = append(errs, err)
	if err == nil && d == model.DecisionReject && comment == "" {
		errs = append(errs, model.Invalid("comment", "is required to reject an offer: tell the donor why"))
	}
	if err := model.Collect(errs...); err != nil {
		return View{}, err
	}
	return s.change(ctx, v, id, policy.OffersReview, "review", func(_ store.Queries, o *model.Offer) error {
		if o.Review != model.ReviewPending {
			return model.Conflict("no_review_pending", "this offer is not awaiting an alignment review")
		}
		o.ReviewComment = comment
		if d == model.DecisionApprove {
			o.Review = model.ReviewApproved
			return nil
		}
		o.Review, o.Status = model.ReviewRejected, model.OfferRejected
		return nil
	})
}
