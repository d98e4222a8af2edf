package pledges

import (
	"context"
	"errors"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/store"
)

// ImportOutcome says what an import did to one activity's report.
type ImportOutcome string

const (
	ImportCreated   ImportOutcome = "created"
	ImportUpdated   ImportOutcome = "updated"
	ImportUnchanged ImportOutcome = "unchanged"
)

// importFlush bounds the new reports held before they are written.
const importFlush = 500

// Imports saves the bilateral reports read from donors' published IATI
// activities, inside one import's transaction. The report a donor already
// has for an iati-identifier is updated, so that importing a file again
// never duplicates; an identical one is left alone. Reports are looked up a
// batch of activities at a time (Load) and new ones written a batch at a
// time with their audit events (Flush): one round trip per activity was
// most of an import's time on PostgreSQL.
type Imports struct {
	s     *Service
	q     store.Queries
	actor audit.Actor
	// known holds the saved reports of the loaded identifiers, and loaded
	// those identifiers: one batch, so memory stays constant.
	known   map[importKey]model.Pledge
	loaded  map[string]bool
	pending []model.Pledge
	// tranches are the tranches of each pending report, by its place in
	// pending: written once the report has its id.
	tranches [][]model.Disbursement
	queued   map[importKey]bool // the keys of pending
}

type importKey struct{ donor, identifier string }

func keyOf(p model.Pledge) importKey { return importKey{p.DonorOrgID, p.IATIIdentifier} }

// NewImports starts saving reports in the transaction q; call Flush before
// it commits.
func (s *Service) NewImports(q store.Queries, actor audit.Actor) *Imports {
	return &Imports{s: s, q: q, actor: actor, known: map[importKey]model.Pledge{}, loaded: map[string]bool{}, queued: map[importKey]bool{}}
}

// Load writes the new reports still pending, then reads the reports saved
// for the identifiers of the next batch of activities, forgetting earlier
// batches.
func (im *Imports) Load(ctx context.Context, identifiers []string) error {
	if err := im.Flush(ctx); err != nil {
		return err
	}
	ps, err := im.q.PledgesByIATIIdentifiers(ctx, identifiers)
	if err != nil {
		return err
	}
	clear(im.known)
	clear(im.loaded)
	for _, id := range identifiers {
		im.loaded[id] = true
	}
	for _, p := range ps {
		im.known[keyOf(p)] = p
	}
	return nil
}

// Save saves one activity's report with the tranches its file reports
// disbursed on it. Both come valued: each transaction at the ECB rate of
// its own value date (see Valuer), or the report with NoEURValue. A new
// report is written by the next Flush or Load; a changed one at once. A
// tranche the report already has (the same day, amount and currency) is
// not written again, and a tranche recorded on the platform is kept even
// when the file no longer reports it: an import adds what was paid, it
// never unpays. The tranches are the import's, made by its actor. Each
// write is audited in the transaction.
func (im *Imports) Save(ctx context.Context, p model.Pledge, tranches ...model.Disbursement) (ImportOutcome, error) {
	if p.IATIIdentifier == "" || p.DonorOrgID == "" {
		return "", model.Invalid("iati_identifier", "an imported report needs its activity's identifier and donor")
	}
	p.Channel = model.ChannelBilateral
	p.RequirementID = ""
	if p.Review == "" {
		p.Review = model.ReviewNotRequired
	}
	if p.Currency == "" {
		p.Currency = "EUR"
	}
	today := model.DateOf(im.s.now().UTC())
	if p.PledgeDate.IsZero() || today.Before(p.PledgeDate) {
		p.PledgeDate = today
	}
	if p.NoEURValue {
		p.EURMinor, p.Rate, p.RateDate, p.RateProvisional = 0, "", model.Date{}, false
	}
	k := keyOf(p)
	if im.queued[k] {
		// The file names the activity twice: the second is an update.
		if err := im.Flush(ctx); err != nil {
			return "", err
		}
	}
	old, found := im.known[k]
	if !found && !im.loaded[p.IATIIdentifier] {
		var err error
		old, err = im.q.PledgeByIATIIdentifier(ctx, p.DonorOrgID, p.IATIIdentifier)
		switch {
		case err == nil:
			found = true
		case !errors.Is(err, model.ErrNotFound):
			return "", err
		}
	}
	now := im.s.now().UTC()
	if !found {
		p.ID = ""
		p.CreatedAt, p.UpdatedAt = now, now
		p.DisbursedEURMinor = 0
		for _, d := range tranches {
			p.DisbursedEURMinor += d.EURMinor
		}
		im.pending = append(im.pending, p)
		im.tranches = append(im.tranches, tranches)
		im.queued[k] = true
		if len(im.pending) >= importFlush {
			return ImportCreated, im.Flush(ctx)
		}
		return ImportCreated, nil
	}
	p.ID, p.CreatedAt, p.CreatedBy = old.ID, old.CreatedAt, old.CreatedBy
	// What people added on the platform stays: who it is shared with, and
	// a label its donor made stricter. A published file never relaxes a
	// label set on the platform (only the donor itself does, by hand).
	p.SharedOrgIDs, p.NamedUserIDs = old.SharedOrgIDs, old.NamedUserIDs
	p.TLP = policy.Stricter(p.TLP, old.TLP)
	p.UpdatedAt = old.UpdatedAt
	added, err := im.newTranches(ctx, old, tranches)
	if err != nil {
		return "", err
	}
	p.DisbursedEURMinor = old.DisbursedEURMinor
	for _, d := range added {
		p.DisbursedEURMinor += d.EURMinor
	}
	if sameImport(old, p) && len(added) == 0 {
		return ImportUnchanged, nil
	}
	// Written in the order the file gives them, so are their events.
	if err := im.Flush(ctx); err != nil {
		return "", err
	}
	p.UpdatedAt = now
	if err := im.q.UpdatePledge(ctx, &p); err != nil {
		return "", err
	}
	changes := []audit.Change{{Action: "pledge.reimport", ObjectType: "pledge", ObjectID: p.ID, Before: &old, After: &p}}
	tc, err := im.addTranches(ctx, p, added)
	if err != nil {
		return "", err
	}
	if _, err := audit.RecordAll(ctx, im.q, now, im.actor, append(changes, tc...)); err != nil {
		return "", err
	}
	im.known[k] = p
	return ImportUpdated, nil
}

// newTranches are the tranches of the file that old does not have yet,
// each of old's matching one of the file's at most once.
func (im *Imports) newTranches(ctx context.Context, old model.Pledge, tranches []model.Disbursement) ([]model.Disbursement, error) {
	if len(tranches) == 0 {
		return nil, nil
	}
	have, err := im.q.Disbursements(ctx, old.ID)
	if err != nil {
		return nil, err
	}
	type key struct {
		day      model.Date
		minor    int64
		currency string
	}
	count := map[key]int{}
	for _, d := range have {
		count[key{d.Date, d.AmountMinor, d.Currency}]++
	}
	var out []model.Disbursement
	for _, d := range tranches {
		k := key{d.Date, d.AmountMinor, d.Currency}
		if count[k] > 0 {
			count[k]--
			continue
		}
		out = append(out, d)
	}
	return out, nil
}

// addTranches writes tranches on the saved report p, as its import's, and
// returns their audit changes.
func (im *Imports) addTranches(ctx context.Context, p model.Pledge, tranches []model.Disbursement) ([]audit.Change, error) {
	changes := make([]audit.Change, 0, len(tranches))
	for _, d := range tranches {
		d.ID, d.PledgeID, d.CreatedBy, d.CreatedAt = "", p.ID, im.actor.UserID, p.UpdatedAt
		if err := im.q.AddDisbursement(ctx, &d); err != nil {
			return nil, err
		}
		changes = append(changes, audit.Change{Action: "pledge.disburse", ObjectType: "pledge", ObjectID: p.ID, After: d})
	}
	return changes, nil
}

// Flush writes the new reports saved since the last flush, with their
// audit events.
func (im *Imports) Flush(ctx context.Context) error {
	if len(im.pending) == 0 {
		return nil
	}
	if err := im.q.CreatePledges(ctx, im.pending); err != nil {
		return err
	}
	changes := make([]audit.Change, 0, len(im.pending))
	for i := range im.pending {
		p := &im.pending[i]
		changes = append(changes, audit.Change{Action: "pledge.import", ObjectType: "pledge", ObjectID: p.ID, After: p})
		tc, err := im.addTranches(ctx, *p, im.tranches[i])
		if err != nil {
			return err
		}
		changes = append(changes, tc...)
		if im.loaded[p.IATIIdentifier] {
			im.known[keyOf(*p)] = *p
		}
	}
	if _, err := audit.RecordAll(ctx, im.q, im.pending[0].CreatedAt, im.actor, changes); err != nil {
		return err
	}
	im.pending = im.pending[:0]
	clear(im.tranches)
	im.tranches = im.tranches[:0]
	clear(im.queued)
	return nil
}

// sameImport compares what an import writes.
func sameImport(a, b model.Pledge) bool {
	return a.AmountMinor == b.AmountMinor && a.Currency == b.Currency && a.EURMinor == b.EURMinor && a.Rate == b.Rate &&
		a.RateProvisional == b.RateProvisional && a.NoEURValue == b.NoEURValue &&
		a.RateDate.Equal(b.RateDate) && a.PledgeDate.Equal(b.PledgeDate) && a.Kind == b.Kind && a.Description == b.Description &&
		a.Status == b.Status && a.TLP == b.TLP && a.BeneficiaryOrgID == b.BeneficiaryOrgID && a.Sector == b.Sector &&
		a.Category == b.Category && a.PeriodStart.Equal(b.PeriodStart) && a.PeriodEnd.Equal(b.PeriodEnd) && a.Channel == b.Channel &&
		a.FunderOrgID == b.FunderOrgID
}
