package requirements

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// DefaultReviews are the reviews a requirement needs unless the deployment
// says otherwise: both working groups'.
var DefaultReviews = []model.WorkingGroup{model.GroupTechnical, model.GroupInteragency}

// ParseReviews reads a deployment's list of required reviews, such as
// "technical,interagency" or "technical".
func ParseReviews(s string) ([]model.WorkingGroup, error) {
	var out []model.WorkingGroup
	for _, part := range strings.Split(s, ",") {
		g := model.WorkingGroup(strings.TrimSpace(part))
		if !g.Valid() {
			return nil, model.Invalid("reviews", "%q is not a working group; use technical, interagency or both, separated by a comma", part)
		}
		if slices.Contains(out, g) {
			return nil, model.Invalid("reviews", "names %s twice", g)
		}
		out = append(out, g)
	}
	return out, nil
}

// RequireReviews sets which working groups must approve a requirement
// before it is validated; nil or empty keeps DefaultReviews.
func (s *Service) RequireReviews(groups []model.WorkingGroup) error {
	if len(groups) == 0 {
		s.reviews = DefaultReviews
		return nil
	}
	var out []model.WorkingGroup
	for _, g := range model.WorkingGroups {
		if slices.Contains(groups, g) {
			out = append(out, g)
		}
	}
	for _, g := range groups {
		if !g.Valid() {
			return model.Invalid("reviews", "%q is not a working group", g)
		}
	}
	s.reviews = out
	return nil
}

// RequiredReviews are the working groups whose approval validates a requirement.
func (s *Service) RequiredReviews() []model.WorkingGroup {
	if len(s.reviews) == 0 {
		return DefaultReviews
	}
	return s.reviews
}

// ReviewInput is one working group's review.
type ReviewInput struct {
	Decision model.ValidationDecision `json:"decision"`
	Comment  string                   `json:"comment"`
	Scores   *model.Scores            `json:"scores"`
}

// check cleans the comment and refuses what no group could record.
func (in *ReviewInput) check() error {
	if !in.Decision.Valid() {
		return model.Invalid("decision", "%q is not a decision; use approve, return or reject", in.Decision)
	}
	comment, err := model.CleanText("comment", in.Comment, 0, model.MaxComment)
	if err != nil {
		return err
	}
	if in.Decision != model.DecisionApprove && comment == "" {
		return model.Invalid("comment", "is required to %s a requirement: tell the requester why", in.Decision)
	}
	in.Comment = comment
	return nil
}

// groupOf is the working group whose review the validator userID gives. A
// validator in no group gives the review when the deployment requires only
// one: with a single review there is nothing to tell the groups apart by,
// and such a deployment need not sort its validators into groups.
func (s *Service) groupOf(ctx context.Context, q store.Queries, userID string) (model.WorkingGroup, error) {
	u, err := q.UserByID(ctx, userID)
	if err != nil {
		return "", err
	}
	required := s.RequiredReviews()
	g := u.WorkingGroup
	if g == "" {
		if len(required) == 1 {
			return required[0], nil
		}
		return "", model.Broken("working_group", "no_working_group",
			"you belong to no working group, and this requirement needs the reviews of the %s working groups: ask an administrator to put you in one", joinGroups(required))
	}
	if !slices.Contains(required, g) {
		return "", model.Broken("working_group", "review_not_required",
			"this platform does not ask for the %s working group's review; it needs the review of the %s working group", g, joinGroups(required))
	}
	return g, nil
}

func joinGroups(gs []model.WorkingGroup) string {
	s := make([]string, len(gs))
	for i, g := range gs {
		s[i] = string(g)
	}
	return strings.Join(s, " and ")
}

// roundOf returns the reviews of the requirement's current round.
func roundOf(all []model.ValidationRecord, round int) []model.ValidationRecord {
	var out []model.ValidationRecord
	for _, v := range all {
		if round > 0 && v.Round == round {
			out = append(out, v)
		}
	}
	return out
}

// Review records the caller's working group's review of a submitted
// requirement. A return or a rejection decides at once; an approval
// validates the requirement once every required group approved in this
// round, and otherwise tells the groups still to review.
func (s *Service) Review(ctx context.Context, v policy.Viewer, id string, in ReviewInput) (model.Requirement, error) {
	if err := in.check(); err != nil {
		return model.Requirement{}, err
	}
	var out model.Requirement
	err := s.store.InTx(ctx, func(q store.Queries) error {
		var err error
		out, err = s.reviewIn(ctx, q, v, id, in)
		return err
	})
	return out, model.Unexpected(err, "review requirement %s", id)
}

// reviewIn records a review, whose input check passed, within the caller's
// transaction q.
func (s *Service) reviewIn(ctx context.Context, q store.Queries, v policy.Viewer, id string, in ReviewInput) (model.Requirement, error) {
	var review model.ValidationRecord
	return s.changeIn(ctx, q, v, id, policy.RequirementsValidate, "validate", true, func(q store.Queries, r *model.Requirement) error {
		if r.Status != model.ReqSubmitted {
			return model.Conflict("not_submitted", "only a submitted requirement can be validated; this one is %s", r.Status)
		}
		group, err := s.groupOf(ctx, q, v.UserID)
		if err != nil {
			return err
		}
		var scores model.Scores
		if in.Scores != nil {
			scores = *in.Scores
		}
		if err := scores.Check(group); err != nil {
			return err
		}
		all, err := q.Validations(ctx, r.ID)
		if err != nil {
			return err
		}
		current := roundOf(all, r.ReviewRound)
		for _, prior := range current {
			if prior.WorkingGroup == group {
				return model.Conflict("already_reviewed", "the %s working group has already reviewed this submission", group)
			}
		}
		now := s.now().UTC()
		review = model.ValidationRecord{
			ID: store.NewID(), RequirementID: r.ID, Decision: in.Decision, Comment: in.Comment, UserID: v.UserID, At: now,
			WorkingGroup: group, Round: r.ReviewRound, Scores: scores,
		}
		if err := q.AddValidation(ctx, review); err != nil {
			if errors.Is(err, model.ErrDuplicate) {
				return model.Conflict("already_reviewed", "the %s working group has already reviewed this submission", group)
			}
			return err
		}
		if _, err := audit.Record(ctx, q, now, audit.By(v), audit.Change{
			Action: "requirement_review.record", ObjectType: ReviewObject, ObjectID: r.ID, After: review,
		}); err != nil {
			return err
		}
		switch in.Decision {
		case model.DecisionReturn:
			r.Status = model.ReqReturned
			return nil
		case model.DecisionReject:
			r.Status = model.ReqRejected
			return nil
		}
		approved := map[model.WorkingGroup]bool{group: true}
		for _, prior := range current {
			approved[prior.WorkingGroup] = prior.Decision == model.DecisionApprove
		}
		var waiting []model.WorkingGroup
		for _, g := range s.RequiredReviews() {
			if !approved[g] {
				waiting = append(waiting, g)
			}
		}
		if len(waiting) == 0 {
			r.Status = model.ReqValidated
			r.ValidatedAt = &now
			if s.notify != nil {
				return s.notify.RequirementValidated(ctx, q, *r)
			}
			return nil
		}
		if s.notify != nil {
			for _, g := range waiting {
				if err := s.notify.ReviewAwaited(ctx, q, *r, g); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// ReviewObject is the audit log's object type of the reviews of a
// requirement; its events carry the requirement's id.
const ReviewObject = "requirement_review"

// Reviews are the reviews of a requirement: those of its current round,
// what they still wait for, and those of earlier rounds.
type Reviews struct {
	Round    int                      `json:"round"`
	Required []model.WorkingGroup     `json:"required"`
	Awaiting []model.WorkingGroup     `json:"awaiting"`
	Current  []model.ValidationRecord `json:"current"`
	Earlier  []model.ValidationRecord `json:"earlier"`
	// Reviewers names the validators of these reviews, by user id.
	Reviewers map[string]string `json:"-"`
}

// Of returns the review of group g in the current round, if any.
func (rv Reviews) Of(g model.WorkingGroup) *model.ValidationRecord {
	for i := range rv.Current {
		if rv.Current[i].WorkingGroup == g {
			return &rv.Current[i]
		}
	}
	return nil
}

// Reviews returns the reviews of a requirement. They show how the
// beneficiary government judged the requirement before donors saw it, so
// they are for whoever may see it unvalidated (policy.SeesReviews): anyone
// else gets ErrNotFound, exactly as for a requirement that does not exist.
func (s *Service) Reviews(ctx context.Context, v policy.Viewer, id string) (Reviews, error) {
	r, err := s.store.RequirementByID(ctx, id)
	if err != nil {
		return Reviews{}, err
	}
	pledges, err := s.store.PledgesForRequirements(ctx, []string{r.ID})
	if err != nil {
		return Reviews{}, err
	}
	if !policy.SeesReviews(v, policy.RequirementResource(r, pledges)) {
		return Reviews{}, model.ErrNotFound
	}
	all, err := s.store.Validations(ctx, r.ID)
	if err != nil {
		return Reviews{}, err
	}
	out := Reviews{Round: r.ReviewRound, Required: s.RequiredReviews(), Current: []model.ValidationRecord{}, Earlier: []model.ValidationRecord{}, Awaiting: []model.WorkingGroup{}}
	for _, rec := range all {
		if r.ReviewRound > 0 && rec.Round == r.ReviewRound {
			out.Current = append(out.Current, rec)
		} else {
			out.Earlier = append(out.Earlier, rec)
		}
	}
	if r.Status == model.ReqSubmitted {
		for _, g := range out.Required {
			if out.Of(g) == nil {
				out.Awaiting = append(out.Awaiting, g)
			}
		}
	}
	out.Reviewers = map[string]string{}
	for _, rec := range all {
		if _, done := out.Reviewers[rec.UserID]; done {
			continue
		}
		u, err := s.store.UserByID(ctx, rec.UserID)
		if err != nil {
			return Reviews{}, err
		}
		out.Reviewers[rec.UserID] = cmp.Or(u.Name, u.Email)
	}
	return out, nil
}

// ReviewerGroup is the working group whose review v gives on this
// platform, or the error Review would answer v with.
func (s *Service) ReviewerGroup(ctx context.Context, v policy.Viewer) (model.WorkingGroup, error) {
	if err := policy.Require(v, policy.RequirementsValidate); err != nil {
		return "", err
	}
	var g model.WorkingGroup
	err := s.store.InTx(ctx, func(q store.Queries) error {
		var err error
		g, err = s.groupOf(ctx, q, v.UserID)
		return err
	})
	return g, err
}

// ReviewAuditObject tells the audit log who may read the events of a
// requirement's reviews: whoever may see its reviews.
func ReviewAuditObject(s Store) audit.Lookup {
	return func(ctx context.Context, id string) (audit.Object, error) {
		r, err := s.RequirementByID(ctx, id)
		if err != nil {
			return audit.Object{}, err
		}
		pledges, err := s.PledgesForRequirements(ctx, []string{r.ID})
		if err != nil {
			return audit.Object{}, err
		}
		res := policy.RequirementResource(r, pledges)
		res.Unvalidated = true
		return audit.Object{Now: res}, nil
	}
}

// BulkOutcome is what became of one requirement of a bulk review.
type BulkOutcome struct {
	ID          string            `json:"id"`
	Requirement model.Requirement `json:"-"`
	Err         error             `json:"-"`
}

// MaxBulk bounds the requirements one bulk review decides.
const MaxBulk = 100

// BulkReview records the same decision and comment, as the caller's
// working group's review, on each requirement, each in its own transaction
// with its own audit event. Every requirement gets an outcome: one the
// caller may not act on is reported with its error, never skipped.
func (s *Service) BulkReview(ctx context.Context, v policy.Viewer, ids []string, d model.ValidationDecision, comment string) ([]BulkOutcome, error) {
	if err := policy.Require(v, policy.RequirementsValidate); err != nil {
		return nil, err
	}
	if d != model.DecisionApprove && d != model.DecisionReturn {
		return nil, model.Invalid("decision", "%q cannot be given to several requirements at once; use approve or return", d)
	}
	seen := map[string]bool{}
	var unique []string
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" && !seen[id] {
			seen[id] = true
			unique = append(unique, id)
		}
	}
	if len(unique) == 0 {
		return nil, model.Invalid("ids", "choose at least one requirement")
	}
	if len(unique) > MaxBulk {
		return nil, model.Invalid("ids", "at most %d requirements can be decided at once; %d were chosen", MaxBulk, len(unique))
	}
	in := ReviewInput{Decision: d, Comment: comment}
	if err := in.check(); err != nil {
		return nil, err
	}
	out := make([]BulkOutcome, 0, len(unique))
	for _, id := range unique {
		r, err := s.Review(ctx, v, id, in)
		out = append(out, BulkOutcome{ID: id, Requirement: r, Err: err})
	}
	return out, nil
}

// checkReviewFilter refuses to list what waits for a review this
// deployment does not ask for: nothing ever would.
func (s *Service) checkReviewFilter(f model.RequirementFilter) error {
	if g := f.Review.Group(); g != "" && !slices.Contains(s.RequiredReviews(), g) {
		return model.Invalid("review", "this platform does not ask for the %s working group's review", g)
	}
	return nil
}

// ReviewItem is one requirement's review in ReviewAll.
type ReviewItem struct {
	ID string `json:"id"`
	ReviewInput
}

// ReviewAll records each item's review, as the caller's working group's,
// all or nothing: every item is checked, in order, within one transaction,
// and when any is refused none is recorded. The error then lists every
// refused item, its field named after the item's place in the list
// ("items[3].comment"); a record the item names but cannot be reviewed
// (unknown, hidden, in the wrong state) is at fault in "items[N].id". A
// requirement the caller may not see is refused exactly as an unknown id.
// Each review is its own audit event, as if given alone.
func (s *Service) ReviewAll(ctx context.Context, v policy.Viewer, items []ReviewItem) ([]model.Requirement, error) {
	if err := policy.Require(v, policy.RequirementsValidate); err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, model.Invalid("items", "choose at least one requirement")
	}
	if len(items) > MaxBulk {
		return nil, model.Invalid("items", "at most %d requirements can be decided at once; %d were chosen", MaxBulk, len(items))
	}
	var out []model.Requirement
	err := s.store.InTx(ctx, func(q store.Queries) error {
		// A caller whose group gives no review fails every item alike:
		// that is said once.
		if _, err := s.groupOf(ctx, q, v.UserID); err != nil {
			return err
		}
		out = make([]model.Requirement, 0, len(items))
		var faults []error
		first := map[string]int{}
		for i := range items {
			item := items[i]
			err := checkItem(&item, i, first)
			var r model.Requirement
			if err == nil {
				r, err = s.reviewIn(ctx, q, v, item.ID, item.ReviewInput)
			}
			if err != nil {
				if !itemFault(err) {
					// The transaction itself failed: what the
					// remaining items would say is not known.
					return err
				}
				faults = append(faults, atItem(i, err))
				continue
			}
			out = append(out, r)
		}
		return model.Collect(faults...)
	})
	if err != nil {
		return nil, model.Unexpected(err, "review %d requirements", len(items))
	}
	return out, nil
}

// checkItem checks item i's own input, before its record is read; first
// remembers the place of each id already named, so that one call reviews a
// requirement once.
func checkItem(item *ReviewItem, i int, first map[string]int) error {
	item.ID = strings.TrimSpace(item.ID)
	if item.ID == "" {
		return model.Invalid("id", "is required")
	}
	if j, seen := first[item.ID]; seen {
		return model.Invalid("id", "names the same requirement as items[%d]; review each requirement once", j)
	}
	first[item.ID] = i
	return item.check()
}

// itemFault tells a refusal of one item (its input, its record, its state)
// from a failure of the whole command.
func itemFault(err error) bool {
	for _, e := range []error{model.ErrNotFound, model.ErrForbidden, model.ErrConflict, model.ErrInvalid, model.ErrRule} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// atItem names the fields of item i's fault after its place in the list;
// a fault about the record itself is the fault of the item's id.
func atItem(i int, err error) error {
	prefix := fmt.Sprintf("items[%d]", i)
	var out model.FieldErrors
	for _, fe := range model.FieldErrorsOf(err) {
		c := *fe
		c.Field = prefix + "." + cmp.Or(fe.Field, "id")
		out = append(out, &c)
	}
	switch len(out) {
	case 0:
		return model.AtField(prefix+".id", err)
	case 1:
		return out[0]
	}
	return out
}
