package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/pledges"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// Scale is the size of a generated data set, beyond the demo's own records.
type Scale struct {
	Requirements int
	Pledges      int
	Offers       int
	// Seed makes two runs with the same scale write the same records.
	Seed uint64
}

// Check refuses sizes the generator cannot honour, naming the flag.
func (sc Scale) Check() error {
	switch {
	case sc.Requirements < 0:
		return model.Invalid("requirements", "must not be negative")
	case sc.Pledges < 0:
		return model.Invalid("pledges", "must not be negative")
	case sc.Offers < 0:
		return model.Invalid("offers", "must not be negative")
	case sc.Pledges > 0 && sc.Requirements == 0:
		return model.Invalid("requirements", "must be at least 1 when pledges are asked for: every generated pledge answers a requirement")
	case sc.Requirements > 10_000_000 || sc.Pledges > 100_000_000 || sc.Offers > 10_000_000:
		return model.Invalid("requirements", "the generator writes at most 10 million requirements, 100 million pledges and 10 million offers")
	}
	return nil
}

// Progress hears how far a generation has gone.
type Progress func(what string, done, total int)

// batch is how many records one transaction writes: large enough that
// commits cost little, small enough that a reader is never held up long
// and memory stays flat whatever the scale.
const batch = 5_000

// Generate seeds the demo (its organisations, sign-in accounts and
// records) and then writes the records sc asks for straight through the
// store, as a load test or a walk through a large mechanism needs them:
// every sector, category, line of effort, priority, label and status,
// pledges in several currencies valued at the ECB rate of their date, and
// dates spread over the two years before today. Each batch is one
// transaction with one audit event per record written, so the audit log
// verifies like a real one.
//
// a must run on clock, as for Seed.
func Generate(ctx context.Context, a *app.App, clock *Clock, password string, sc Scale, progress Progress) ([]Account, error) {
	if err := sc.Check(); err != nil {
		return nil, err
	}
	if progress == nil {
		progress = func(string, int, int) {}
	}
	accounts, err := Seed(ctx, a, clock, password)
	if err != nil {
		return nil, err
	}
	g, err := newGenerator(ctx, a, sc.Seed)
	if err != nil {
		return nil, err
	}
	// Each phase starts from statistics of the tables as the last one left
	// them. On PostgreSQL a trigger's query is planned once a session, for
	// the tables' size then, and kept until their statistics change: planned
	// on the demo's few grants, the check whether a pledge has any scanned
	// every grant at each pledge written, as the grants grew with the
	// requirements (0.4 ms a pledge at 100,000 pledges, 4 µs planned anew).
	if err := a.Store.Analyze(ctx); err != nil {
		return nil, err
	}
	if err := g.requirements(ctx, sc.Requirements, progress); err != nil {
		return nil, err
	}
	if err := a.Store.Analyze(ctx); err != nil {
		return nil, err
	}
	// The offers come first: some pledges are drawn from them, as a
	// coordinator's plan draws them.
	if err := g.offers(ctx, sc.Offers, progress); err != nil {
		return nil, err
	}
	// The pledges and their audit events are most of what is written: their
	// indexes are built once, after them, rather than a row at a time.
	err = a.Store.WithoutIndexes(ctx, []string{"pledges", "audit_events"}, func() error {
		return g.pledges(ctx, sc.Pledges, progress)
	})
	if err != nil {
		return nil, err
	}
	// The records were written faster than autovacuum looks: the first
	// readers would otherwise be planned without statistics.
	if err := a.Store.Analyze(ctx); err != nil {
		return nil, err
	}
	return accounts, nil
}

type generator struct {
	a   *app.App
	rnd *rand.Rand
	now time.Time
	// Who the generated records belong to, from the demo's own people.
	beneficiaries []model.Organisation
	donors        []model.Organisation
	requesters    map[string]string // beneficiary organisation → a user who writes its needs
	donorUsers    map[string]string // donor organisation → a user who pledges for it
	validator     string
	coordinator   string
	// open are the generated requirements pledges may answer: validated
	// and later, with their sector, category and beneficiary.
	open []openNeed
	// offered are the generated offers pledges may be drawn from, by donor,
	// sector and category.
	offered map[offerKey][]*drawable
}

type offerKey struct {
	donor    string
	sector   model.Sector
	category model.Category
}

// drawable is an offer as the pledges drawn from it see it: what is left
// of it, in its currency, and when it may be drawn from.
type drawable struct {
	id          string
	line        model.LineOfEffort
	tlp         model.TLP
	currency    string
	left        int64
	from, until model.Date
}

type openNeed struct {
	id          string
	beneficiary string
	sector      model.Sector
	category    model.Category
	line        model.LineOfEffort
	validated   time.Time
	tlp         model.TLP
}

func newGenerator(ctx context.Context, a *app.App, seed uint64) (*generator, error) {
	g := &generator{
		a: a, rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), now: a.Now().UTC(),
		requesters: map[string]string{}, donorUsers: map[string]string{}, offered: map[offerKey][]*drawable{},
	}
	orgs, err := a.Store.ListOrganisations(ctx)
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		users, err := a.Store.ListUsers(ctx, o.ID)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			for _, r := range u.Roles {
				switch r {
				case model.RoleRequester:
					g.requesters[o.ID] = u.ID
				case model.RoleDonor:
					g.donorUsers[o.ID] = u.ID
				case model.RoleValidator:
					g.validator = u.ID
				case model.RoleCoordinator:
					g.coordinator = u.ID
				}
			}
		}
	}
	for _, o := range orgs {
		if _, ok := g.requesters[o.ID]; ok && o.Participation == model.Beneficiary {
			g.beneficiaries = append(g.beneficiaries, o)
		}
		if _, ok := g.donorUsers[o.ID]; ok {
			g.donors = append(g.donors, o)
		}
	}
	if len(g.beneficiaries) == 0 || len(g.donors) == 0 || g.validator == "" || g.coordinator == "" {
		return nil, errors.New("the demo has no requester, donor, validator or coordinator to write generated records as")
	}
	return g, nil
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// weighted picks xs[i] with probability weights[i]/sum(weights).
func weighted[T any](r *rand.Rand, xs []T, weights []int) T {
	sum := 0
	for _, w := range weights {
		sum += w
	}
	n := r.IntN(sum)
	for i, w := range weights {
		if n < w {
			return xs[i]
		}
		n -= w
	}
	return xs[len(xs)-1]
}

// labels are weighted as a mechanism labels its records: mostly GREEN and
// AMBER, a few public, a few for named readers only.
var (
	labels       = []model.TLP{model.TLPClear, model.TLPGreen, model.TLPAmber, model.TLPAmberStrict, model.TLPRed}
	labelWeights = []int{10, 40, 35, 10, 5}
	reqStatuses  = []model.RequirementStatus{model.ReqDraft, model.ReqSubmitted, model.ReqValidated, model.ReqReturned,
		model.ReqRejected, model.ReqInDelivery, model.ReqDelivered, model.ReqClosed, model.ReqWithdrawn}
	reqStatusWeights = []int{4, 6, 55, 3, 2, 14, 8, 5, 3}
	currencies       = []string{"EUR", "EUR", "EUR", "USD", "USD", "GBP", "CHF", "SEK", "PLN", "JPY", "CAD", "NOK", "DKK", "CZK"}
	pledgeStatuses   = []model.PledgeStatus{model.PledgeProposed, model.PledgeConfirmed, model.PledgeInDelivery, model.PledgeDelivered,
		model.PledgeReceived, model.PledgeWithdrawn}
	pledgeStatusWeights = []int{15, 35, 20, 12, 13, 5}
	titles              = []string{
		"EDR licences for %s operators", "Incident response retainer for %s", "Firewall replacement at %s sites",
		"SOC analyst training for %s", "Satellite terminals for %s field teams", "Security audit of %s systems",
		"Restoration of %s data centre equipment", "Backup and recovery for %s registries",
	}
	sectorWords = map[model.Sector]string{
		"energy": "energy", "telecom": "telecom", "government": "state registry", "finance": "banking",
		"transport": "railway", "water": "water utility", "health": "hospital", "other": "municipal",
	}
)

// when spreads dates over the two years before now.
func (g *generator) when() time.Time {
	return g.now.Add(-time.Duration(g.rnd.Int64N(int64(2 * 365 * 24 * time.Hour)))).Truncate(time.Second)
}

func (g *generator) requirements(ctx context.Context, n int, progress Progress) error {
	regions := make([]string, 0, len(model.Regions)+1)
	regions = append(regions, "")
	for _, r := range model.Regions {
		regions = append(regions, r.Code)
	}
	for done := 0; done < n; {
		size := min(batch, n-done)
		rs := make([]model.Requirement, size)
		for i := range rs {
			rs[i] = g.requirement(regions)
		}
		err := g.a.Store.InTx(ctx, func(q store.Queries) error {
			changes := make([]audit.Change, 0, size)
			for i := range rs {
				r := &rs[i]
				year := r.CreatedAt.Year()
				k, err := q.NextCounter(ctx, fmt.Sprintf("requirement-%d", year))
				if err != nil {
					return err
				}
				r.Ref = fmt.Sprintf("REQ-%d-%04d", year, k)
			}
			if err := q.CreateRequirements(ctx, rs); err != nil {
				return err
			}
			for i := range rs {
				changes = append(changes, audit.Change{Action: "requirement.create", ObjectType: "requirement", ObjectID: rs[i].ID, After: rs[i]})
			}
			_, err := audit.RecordAll(ctx, q, g.now, audit.Actor{UserID: g.coordinator}, changes)
			return err
		})
		if err != nil {
			return fmt.Errorf("generate requirements: %w", err)
		}
		for _, r := range rs {
			if r.ValidatedAt != nil {
				g.open = append(g.open, openNeed{r.ID, r.BeneficiaryOrgID, r.Sector, r.Category, r.LineOfEffort, *r.ValidatedAt, r.TLP})
			}
		}
		done += size
		progress("requirements", done, n)
	}
	return nil
}

func (g *generator) requirement(regions []string) model.Requirement {
	ben := pick(g.rnd, g.beneficiaries)
	sector := pick(g.rnd, model.Sectors)
	created := g.when()
	r := model.Requirement{
		Title:             fmt.Sprintf(pick(g.rnd, titles), sectorWords[sector]),
		Description:       "Generated for a test at scale: the need of a beneficiary organisation, as the working groups would validate it.",
		BeneficiaryOrgID:  ben.ID,
		Sector:            sector,
		Category:          pick(g.rnd, model.Categories),
		LineOfEffort:      pick(g.rnd, model.Lines),
		Priority:          pick(g.rnd, model.Priorities),
		EstimatedEURMinor: (10_000 + g.rnd.Int64N(5_000_000)) * 100,
		Quantity:          g.rnd.Int64N(500),
		Unit:              "units",
		NeededBy:          model.DateOf(created.AddDate(0, 3+g.rnd.IntN(18), 0)),
		Region:            pick(g.rnd, regions),
		TLP:               weighted(g.rnd, labels, labelWeights),
		Status:            weighted(g.rnd, reqStatuses, reqStatusWeights),
		CreatedBy:         g.requesters[ben.ID],
		CreatedAt:         created,
	}
	if r.Quantity == 0 {
		r.Unit = ""
	}
	switch r.Status {
	case model.ReqDraft, model.ReqSubmitted, model.ReqReturned, model.ReqRejected:
	case model.ReqWithdrawn:
	default:
		v := created.Add(time.Duration(1+g.rnd.IntN(30*24)) * time.Hour)
		if v.After(g.now) {
			v = g.now
		}
		r.ValidatedAt = &v
	}
	r.UpdatedAt = created
	if r.ValidatedAt != nil {
		r.UpdatedAt = *r.ValidatedAt
	}
	if r.TLP == model.TLPRed {
		r.NamedUserIDs = []string{r.CreatedBy, g.validator, g.coordinator}
	}
	return r
}

func (g *generator) pledges(ctx context.Context, n int, progress Progress) error {
	if n > 0 && len(g.open) == 0 {
		return model.Invalid("requirements", "none of the generated requirements was validated, so no pledge can answer one: ask for more requirements")
	}
	for done := 0; done < n; {
		size := min(batch, n-done)
		err := g.a.Store.InTx(ctx, func(q store.Queries) error {
			valuer := pledges.NewValuer(q)
			ps := make([]model.Pledge, size)
			drawnFrom := make([]string, size)
			for i := range ps {
				p, offer, err := g.pledge(ctx, valuer)
				if err != nil {
					return err
				}
				ps[i], drawnFrom[i] = p, offer
			}
			if err := q.CreatePledges(ctx, ps); err != nil {
				return err
			}
			for i, offer := range drawnFrom {
				if offer == "" {
					continue
				}
				if err := q.LinkOfferPledge(ctx, model.OfferPledge{OfferID: offer, PledgeID: ps[i].ID}); err != nil {
					return err
				}
			}
			changes := make([]audit.Change, len(ps))
			for i := range ps {
				changes[i] = audit.Change{Action: "pledge.create", ObjectType: "pledge", ObjectID: ps[i].ID, After: ps[i]}
			}
			_, err := audit.RecordAll(ctx, q, g.now, audit.Actor{UserID: g.coordinator}, changes)
			return err
		})
		if err != nil {
			return fmt.Errorf("generate pledges: %w", err)
		}
		done += size
		progress("pledges", done, n)
	}
	return nil
}

// pledge returns a pledge answering one of the open requirements, and the
// offer it was drawn from ("" for none).
func (g *generator) pledge(ctx context.Context, valuer *pledges.Valuer) (model.Pledge, string, error) {
	need := pick(g.rnd, g.open)
	donor := pick(g.rnd, g.donors)
	day := need.validated.Add(time.Duration(g.rnd.Int64N(int64(g.now.Sub(need.validated)) + 1)))
	cur := pick(g.rnd, currencies)
	digits := 2
	if cur == "JPY" {
		digits = 0
	}
	amount := 1_000 + g.rnd.Int64N(2_000_000)
	for range digits {
		amount *= 10
	}
	p := model.Pledge{
		DonorOrgID: donor.ID, RequirementID: need.id, AmountMinor: amount, Currency: cur,
		PledgeDate: model.DateOf(day), Kind: model.PledgeMoney, Channel: model.ChannelMechanism,
		Status: weighted(g.rnd, pledgeStatuses, pledgeStatusWeights), Review: model.ReviewNotRequired,
		TLP: need.tlp, BeneficiaryOrgID: need.beneficiary, Sector: need.sector, Category: need.category,
		CreatedBy: g.donorUsers[donor.ID], CreatedAt: day, UpdatedAt: day,
	}
	offer := g.drawn(&p, need.line)
	if offer == "" && g.rnd.IntN(5) == 0 {
		p.Kind, p.Description = model.PledgeInKind, "Equipment and licences delivered by the donor"
	}
	if donor.IsBusiness() {
		p.Review = model.ReviewApproved
		// A pledge drawn from an offer took the offer's approval with it.
		if p.Status == model.PledgeProposed && offer == "" {
			p.Review = model.ReviewPending
		}
	}
	if p.TLP == model.TLPRed {
		p.NamedUserIDs = []string{p.CreatedBy, g.coordinator}
	}
	val, err := valuer.Value(ctx, p.AmountMinor, p.Currency, p.PledgeDate, "pledge_date")
	if err != nil {
		return model.Pledge{}, "", err
	}
	p.EURMinor, p.Rate, p.RateDate, p.RateProvisional = val.EURMinor, val.Rate, val.RateDate, val.Provisional
	return p, offer, nil
}

// drawn makes about one pledge in ten a part of an offer of its donor
// that covers its need (sector, category and line of effort) and is open
// on its date, as a plan draws it (coordination.Apply): in the offer's
// currency, for a part of what is left of it, labelled for no one who
// could not see both. It returns the offer's id, or "" when p is drawn
// from none.
func (g *generator) drawn(p *model.Pledge, line model.LineOfEffort) string {
	if g.rnd.IntN(10) != 0 {
		return ""
	}
	var fit []*drawable
	for _, o := range g.offered[offerKey{p.DonorOrgID, p.Sector, p.Category}] {
		if o.line == line {
			fit = append(fit, o)
		}
	}
	if len(fit) == 0 {
		return ""
	}
	o := pick(g.rnd, fit)
	least := int64(100)
	if o.currency == "JPY" {
		least = 1
	}
	if p.PledgeDate.Before(o.from) || o.until.Before(p.PledgeDate) || o.left < 10*least {
		return ""
	}
	amount := max(least, o.left*int64(10+g.rnd.IntN(40))/100)
	o.left -= amount
	p.AmountMinor, p.Currency = amount, o.currency
	p.TLP = policy.Stricter(p.TLP, o.tlp)
	p.Description = "Drawn from an offer in the catalogue"
	return o.id
}

func (g *generator) offers(ctx context.Context, n int, progress Progress) error {
	for done := 0; done < n; {
		size := min(batch, n-done)
		err := g.a.Store.InTx(ctx, func(q store.Queries) error {
			valuer := pledges.NewValuer(q)
			changes := make([]audit.Change, 0, size)
			for range size {
				o, err := g.offer(ctx, valuer)
				if err != nil {
					return err
				}
				if err := q.CreateOffer(ctx, &o); err != nil {
					return err
				}
				key := offerKey{o.DonorOrgID, o.Sectors[0], o.Categories[0]}
				g.offered[key] = append(g.offered[key], &drawable{
					id: o.ID, line: o.Lines[0], tlp: o.TLP, currency: o.Currency, left: o.AmountMinor, from: o.OfferDate, until: o.ValidUntil,
				})
				changes = append(changes, audit.Change{Action: "offer.create", ObjectType: "offer", ObjectID: o.ID, After: o})
			}
			_, err := audit.RecordAll(ctx, q, g.now, audit.Actor{UserID: g.coordinator}, changes)
			return err
		})
		if err != nil {
			return fmt.Errorf("generate offers: %w", err)
		}
		done += size
		progress("offers", done, n)
	}
	return nil
}

func (g *generator) offer(ctx context.Context, valuer *pledges.Valuer) (model.Offer, error) {
	donor := pick(g.rnd, g.donors)
	day := g.when()
	cur := pick(g.rnd, currencies)
	amount := (5_000 + g.rnd.Int64N(1_000_000)) * 100
	if cur == "JPY" {
		amount /= 100
	}
	sector := pick(g.rnd, model.Sectors)
	o := model.Offer{
		DonorOrgID: donor.ID, Title: fmt.Sprintf("Offer of %s support", sectorWords[sector]),
		Description: "Generated for a test at scale: a capability a donor puts in the catalogue.",
		Kind:        model.PledgeMoney, AmountMinor: amount, Currency: cur, OfferDate: model.DateOf(day),
		Sectors: []model.Sector{sector}, Categories: []model.Category{pick(g.rnd, model.Categories)},
		Lines: []model.LineOfEffort{pick(g.rnd, model.Lines)}, Regions: []string{},
		ValidUntil: model.DateOf(day.AddDate(1, 0, 0)), Status: model.OfferOpen, Review: model.ReviewNotRequired,
		TLP: weighted(g.rnd, labels[:3], labelWeights[:3]), CreatedBy: g.donorUsers[donor.ID], CreatedAt: day, UpdatedAt: day,
	}
	if donor.IsBusiness() {
		o.Review = model.ReviewApproved
	}
	val, err := valuer.Value(ctx, o.AmountMinor, o.Currency, o.OfferDate, "offer_date")
	if err != nil {
		return model.Offer{}, err
	}
	o.EURMinor, o.Rate, o.RateDate, o.RateProvisional = val.EURMinor, val.Rate, val.RateDate, val.Provisional
	return o, nil
}
