// Package demo fills an empty database with a realistic picture of the
// mechanism (members, beneficiaries, needs in every state, pledges in several
// currencies), so that `cyberaid serve --demo` and the README show the
// platform at work. Everything goes through the domain services, acting as
// the users who would do it, so the demo's audit log verifies like a real one.
package demo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/organisations"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/rates"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

// Domain is the demo users' e-mail domain; .example is reserved (RFC 2606),
// so no demo address can reach a real mailbox.
const Domain = "demo.cyberaid.example"

// Account is one demo sign-in, for the README and the `serve --demo` banner.
type Account struct {
	Role  string
	Email string
	Org   string
}

// ErrNotEmpty refuses to mix demo records into a database that has others.
var ErrNotEmpty = errors.New("demo data goes only into an empty database")

// Empty reports whether the database has no organisation yet, which is when
// the demo may be seeded.
func Empty(ctx context.Context, a *app.App) (bool, error) {
	n, err := a.Store.CountOrganisations(ctx)
	if err != nil {
		return false, err
	}
	return n == 0, nil
}

// Seed creates the demo organisations, users, requirements and pledges; every
// demo user signs in with password. a must run on clock: the requirements,
// validations, pledges, milestones and receipts are spread over two years
// in the order they would have happened, each written at its moment. It
// returns one sign-in per role, and ErrNotEmpty when the database already
// holds organisations.
func Seed(ctx context.Context, a *app.App, clock *Clock, password string) ([]Account, error) {
	empty, err := Empty(ctx, a)
	if err != nil {
		return nil, err
	}
	if !empty {
		return nil, ErrNotEmpty
	}
	if err := loadRates(ctx, a); err != nil {
		return nil, err
	}
	now := a.Now()
	s := &seeder{
		a: a, today: model.DateOf(now),
		orgs:     map[string]model.Organisation{},
		users:    map[string]policy.Viewer{},
		reqs:     map[string]model.Requirement{},
		pledgeAt: map[string]time.Time{},
		tl:       newTimeline(),
	}
	s.start, s.end = window(now)
	// The organisations and their people are there before the first need.
	clock.set(s.start.Add(-14 * 24 * time.Hour))
	if err := s.createOrganisations(ctx); err != nil {
		clock.set(time.Time{})
		return nil, err
	}
	if err := s.createUsers(ctx, password); err != nil {
		clock.set(time.Time{})
		return nil, err
	}
	clock.set(time.Time{})
	s.planPledges()
	s.planRequirements()
	s.planDeliveries()
	s.planStages()
	if err := s.tl.play(ctx, clock); err != nil {
		return nil, err
	}
	if err := s.refreshRequirements(ctx); err != nil {
		return nil, err
	}
	if err := s.createLesson(ctx); err != nil {
		return nil, err
	}
	if err := s.createGovernance(ctx); err != nil {
		return nil, err
	}
	if err := s.createOffers(ctx); err != nil {
		return nil, err
	}
	if err := s.createResults(ctx); err != nil {
		return nil, err
	}
	out := make([]Account, 0, len(bannerAccounts))
	for _, key := range bannerAccounts {
		v := s.users[key]
		role := string(v.Roles[0])
		out = append(out, Account{Role: role, Email: email(key), Org: v.Org.Name})
	}
	return out, nil
}

func email(local string) string { return local + "@" + Domain }

// loadRates gives a database without the ECB's history the bundled table,
// without which no pledge in a currency other than the euro can be valued.
// Rates already there were imported on purpose and are kept. `serve` has
// given a new database the history already, held until written.
func loadRates(ctx context.Context, a *app.App) error {
	missing, err := rates.HistoryMissing(ctx, a.Store)
	if err != nil || !missing {
		return err
	}
	all, err := money.BundledRates()
	if err != nil {
		return err
	}
	_, err = a.Store.AddRates(ctx, all)
	return err
}

type seeder struct {
	a     *app.App
	today model.Date
	orgs  map[string]model.Organisation
	users map[string]policy.Viewer
	reqs  map[string]model.Requirement

	// The history: its span, its steps, and the moment of each pledge by
	// pledgeKey.
	start, end time.Time
	tl         *timeline
	pledgeAt   map[string]time.Time
	// submitted counts the submitted needs seeded so far.
	submitted int
}

func pledgeKey(req, by string) string { return req + "/" + by }

func ptr[T any](v T) *T { return &v }

// operator is the command line's actor: organisations and accounts are
// created as `cyberaid org add` and `cyberaid user add` would.
var operator = policy.System()

func (s *seeder) createOrganisations(ctx context.Context) error {
	for _, o := range orgSpecs {
		org, err := s.a.Organisations.Create(ctx, operator, organisations.Input{
			Name: ptr(o.name), Kind: ptr(o.kind), Participation: ptr(o.participation), Country: ptr(o.country),
			NameUK: ptr(orgNames[o.key].uk), NameFR: ptr(orgNames[o.key].fr),
		})
		if err != nil {
			return fmt.Errorf("demo organisation %s: %w", o.name, err)
		}
		s.orgs[o.key] = org
	}
	return nil
}

func (s *seeder) createUsers(ctx context.Context, password string) error {
	// The password is published with the demo: its accounts share one
	// hash, made with the production parameters, rather than spend a second
	// of argon2 at every start.
	shared, err := s.a.Accounts.ShareHash(password)
	if err != nil {
		return err
	}
	for _, u := range userSpecs {
		org := s.orgs[u.org]
		c, err := s.a.Accounts.Create(ctx, operator, accounts.NewUser{
			OrgID: org.ID, Email: email(u.local), Name: u.name, Roles: u.roles, Password: password,
			WorkingGroup: workingGroups[u.local], Shared: shared,
		})
		if err != nil {
			return fmt.Errorf("demo user %s: %w", email(u.local), err)
		}
		s.users[u.local] = policy.ViewerFor(c.User, org)
	}
	return nil
}

func (s *seeder) userIDs(keys []string) *[]string {
	if len(keys) == 0 {
		return nil
	}
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = s.users[k].UserID
	}
	return &ids
}

// planRequirements puts each need's life on the timeline: drafted, submitted,
// perhaps returned and revised, then decided, and validated well before the
// first pledge made on it.
func (s *seeder) planRequirements() {
	validator := s.users["validator"]
	coordinator := s.users["coordinator"]
	first := map[string]time.Time{}
	for _, p := range pledgeSpecs {
		if p.req == "" {
			continue
		}
		at := s.pledgeAt[pledgeKey(p.req, p.by)]
		if f, ok := first[p.req]; !ok || at.Before(f) {
			first[p.req] = at
		}
	}
	for _, r := range reqSpecs {
		s.planRequirement(r, first[r.key], validator, coordinator)
	}
}

// planRequirement works back from the decision: to a pledged need, some
// weeks before its first pledge; to another, at a moment of the history
// that suits its state (drafts and submissions are recent).
func (s *seeder) planRequirement(r reqSpec, firstPledge time.Time, validator, coordinator policy.Viewer) {
	tl, req := s.tl, s.a.Requirements
	author := s.users[r.by]
	fail := func(err error) error {
		if err != nil {
			return fmt.Errorf("demo requirement %q: %w", r.title, err)
		}
		return nil
	}
	named := r.named
	if r.tlp == model.TLPRed && slices.Contains(named, "validator") {
		// Both working groups review a RED need: both are named on it.
		named = append(slices.Clone(named), "validator.interagency")
	}
	target := r.status
	if target == model.ReqWithdrawn {
		target = r.withdrawnFrom
	}
	span := s.end.Sub(s.start)
	var decided time.Time
	switch {
	case !firstPledge.IsZero():
		decided = firstPledge.Add(-tl.days(10, 50))
	case target == model.ReqDraft || target == model.ReqSubmitted:
		decided = s.end.Add(-tl.days(3, 40))
	default:
		decided = s.start.Add(span/8 + time.Duration(tl.rng.Int64N(int64(span*3/4))))
	}
	submitted := decided.Add(-tl.days(5, 25))
	var returned, revised, resubmitted time.Time
	if r.revise != nil {
		resubmitted = submitted
		revised = resubmitted.Add(-tl.days(1, 3))
		returned = revised.Add(-tl.days(2, 8))
		submitted = returned.Add(-tl.days(3, 10))
	}
	created := submitted.Add(-tl.days(1, 10))
	if min := s.start.Add(24 * time.Hour); created.Before(min) {
		// Bring the whole life inside the history, keeping its order.
		shift := min.Sub(created)
		for _, t := range []*time.Time{&created, &submitted, &returned, &revised, &resubmitted, &decided} {
			if !t.IsZero() {
				*t = t.Add(shift)
			}
		}
	}

	var id string
	tl.at(created, func(ctx context.Context) error {
		in := requirements.Input{
			Title: ptr(r.title), Description: ptr(r.description),
			Sector: ptr(r.sector), Category: ptr(r.category), LineOfEffort: ptr(r.line), Priority: ptr(r.priority),
			EstimatedEURMinor: ptr(r.eur * 100), Quantity: ptr(r.quantity), Unit: ptr(r.unit),
			Region: ptr(r.region), TLP: ptr(r.tlp), NamedUserIDs: s.userIDs(named),
			RecipientType: ptr(recipientOf(r)),
		}
		if r.neededIn > 0 {
			in.NeededBy = ptr(s.today.AddDays(r.neededIn))
		}
		created, err := req.Create(ctx, author, in)
		if err != nil {
			return fail(err)
		}
		id = created.ID
		s.reqs[r.key] = created
		return nil
	})
	if target != model.ReqDraft {
		tl.at(submitted, func(ctx context.Context) error {
			_, err := req.Submit(ctx, author, id)
			return fail(err)
		})
	}
	// The first working group the platform asks for decides a return or a
	// rejection; an approval takes each group's, with its scores.
	groups := req.RequiredReviews()
	validator = s.reviewerOf(groups[0], validator)
	if r.revise != nil {
		tl.at(returned, func(ctx context.Context) error {
			_, err := req.Validate(ctx, validator, id, model.DecisionReturn, r.revise.comment)
			return fail(err)
		})
		tl.at(revised, func(ctx context.Context) error {
			_, err := req.Update(ctx, author, id, requirements.Input{
				EstimatedEURMinor: ptr(r.revise.eur * 100), Description: ptr(r.revise.description),
			})
			return fail(err)
		})
		tl.at(resubmitted, func(ctx context.Context) error {
			_, err := req.Submit(ctx, author, id)
			return fail(err)
		})
	}
	switch target {
	case model.ReqValidated:
		// Each group the platform asks for reviews in turn, two days apart;
		// the last approval validates the need.
		for i, g := range groups {
			at := decided.Add(-time.Duration(len(groups)-1-i) * 48 * time.Hour)
			tl.at(at, func(ctx context.Context) error {
				_, err := req.Review(ctx, s.reviewerOf(g, validator), id, demoReview(g, r.comment))
				return fail(err)
			})
		}
	case model.ReqSubmitted:
		// Every other submitted need has its first review: the list shows
		// needs waiting for each group.
		s.submitted++
		if len(groups) > 1 && s.submitted%2 == 0 {
			tl.at(decided, func(ctx context.Context) error {
				_, err := req.Review(ctx, s.reviewerOf(groups[0], validator), id, demoReview(groups[0], "Technically sound; the interagency group to weigh its priority."))
				return fail(err)
			})
		}
	case model.ReqReturned, model.ReqRejected:
		d := map[model.RequirementStatus]model.ValidationDecision{model.ReqReturned: model.DecisionReturn, model.ReqRejected: model.DecisionReject}[target]
		tl.at(decided, func(ctx context.Context) error {
			_, err := req.Validate(ctx, validator, id, d, r.comment)
			return fail(err)
		})
	}
	last := decided
	if len(r.sharedWith) > 0 {
		last = decided.Add(3 * time.Hour)
		tl.at(last, func(ctx context.Context) error {
			orgIDs := make([]string, len(r.sharedWith))
			for i, k := range r.sharedWith {
				orgIDs[i] = s.orgs[k].ID
			}
			_, err := req.Share(ctx, coordinator, id, orgIDs)
			return fail(err)
		})
	}
	if r.status == model.ReqWithdrawn {
		// Withdrawn after whatever came before it, sharing included.
		last = last.Add(tl.days(7, 30))
		if last.After(s.end) {
			last = s.end
		}
		tl.at(last, func(ctx context.Context) error {
			_, err := req.Withdraw(ctx, s.users[r.withdrawnBy], id)
			return fail(err)
		})
	}
}

// refreshRequirements reads back each need as its history left it.
func (s *seeder) refreshRequirements(ctx context.Context) error {
	for _, r := range reqSpecs {
		got, err := s.a.Requirements.Get(ctx, s.users[r.by], s.reqs[r.key].ID)
		if err != nil {
			return fmt.Errorf("demo requirement %q: %w", r.title, err)
		}
		s.reqs[r.key] = got.Requirement
	}
	return nil
}

// planPledges spreads the pledges over the history in the order of their
// age in pledgeSpecs, the oldest some ten weeks after the history starts,
// the newest a few days before it ends.
func (s *seeder) planPledges() {
	// The back office reviews contributors' pledges in this demo.
	reviewer := s.users["coordinator.warsaw"]
	oldest := 1
	for _, p := range pledgeSpecs {
		oldest = max(oldest, p.daysAgo)
	}
	from := s.start.Add(75 * 24 * time.Hour)
	span := s.end.Add(-5 * 24 * time.Hour).Sub(from)
	for _, p := range pledgeSpecs {
		at := from.Add(time.Duration(float64(span) * float64(oldest-p.daysAgo) / float64(oldest))).Add(s.tl.days(0, 0))
		s.pledgeAt[pledgeKey(p.req, p.by)] = at
		s.tl.at(at, func(ctx context.Context) error {
			if err := s.pledge(ctx, p, reviewer, at); err != nil {
				return fmt.Errorf("demo pledge of %s %d %s on %q: %w", p.by, p.amount, p.currency, p.req, err)
			}
			return nil
		})
	}
}

func (s *seeder) pledge(ctx context.Context, p pledgeSpec, reviewer policy.Viewer, at time.Time) error {
	svc := s.a.Pledges
	donor := s.users[p.by]
	digits, err := money.MinorUnits(p.currency)
	if err != nil {
		return err
	}
	amount := p.amount
	for range digits {
		amount *= 10
	}
	in := pledges.Input{
		AmountMinor: ptr(amount), Currency: ptr(p.currency),
		Kind: ptr(model.PledgeMoney), Channel: ptr(model.ChannelMechanism),
		PledgeDate: ptr(dateOf(at)), TLP: ptr(p.tlp), NamedUserIDs: s.userIDs(p.named),
	}
	if p.req != "" {
		in.RequirementID = ptr(s.reqs[p.req].ID)
	}
	if p.description != "" {
		in.Description = ptr(p.description)
	}
	if p.inKind != "" {
		in.Kind, in.Description = ptr(model.PledgeInKind), ptr(p.inKind)
	}
	if p.bilateral {
		in.Channel = ptr(model.ChannelBilateral)
	}
	if p.to != "" {
		start := dateOf(at)
		end := model.DateOf(start.Time().AddDate(0, p.months, -1))
		in.BeneficiaryOrgID, in.Sector, in.Category = ptr(s.orgs[p.to].ID), ptr(p.sector), ptr(p.category)
		in.PeriodStart, in.PeriodEnd = &start, &end
	}
	res, err := svc.Create(ctx, donor, in)
	if err != nil {
		return err
	}
	id := res.ID
	if p.reviewed {
		if _, err := svc.Review(ctx, reviewer, id, model.DecisionApprove, p.reviewNote); err != nil {
			return err
		}
	}
	switch p.status {
	case model.PledgeConfirmed:
		_, err = svc.Confirm(ctx, donor, id)
	case model.PledgeWithdrawn:
		if _, err = svc.Confirm(ctx, donor, id); err == nil {
			// The donor's programme changes some weeks later.
			withdrawn := at.Add(s.tl.days(20, 60))
			if withdrawn.After(s.end) {
				withdrawn = s.end
			}
			s.tl.at(withdrawn, func(ctx context.Context) error {
				_, err := svc.Withdraw(ctx, donor, id)
				return err
			})
		}
	}
	return err
}

// reviewerOf is the demo validator who reviews for group g.
func (s *seeder) reviewerOf(g model.WorkingGroup, fallback policy.Viewer) policy.Viewer {
	for local, group := range workingGroups {
		if group == g {
			return s.users[local]
		}
	}
	return fallback
}

// demoReview is an approval with the scores group g gives.
func demoReview(g model.WorkingGroup, comment string) requirements.ReviewInput {
	in := requirements.ReviewInput{Decision: model.DecisionApprove, Comment: comment, Scores: &model.Scores{}}
	if g == model.GroupTechnical {
		in.Scores.TechnicalCapacity, in.Scores.Relevance = ptr(4), ptr(5)
	} else {
		in.Scores.StrategicImportance = ptr(4)
	}
	return in
}

// recipientOf says who receives a demo need, from its organisation.
func recipientOf(r reqSpec) model.RecipientType {
	switch r.by {
	case "requester":
		return "central_executive_body"
	case "requester.energy", "requester.water":
		return "critical_infrastructure_operator"
	case "requester.registers":
		return "state_owned_enterprise"
	case "requester.telecom":
		return "critical_infrastructure_operator"
	}
	return model.RecipientOther
}
