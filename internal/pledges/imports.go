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
	queued  map[importKey]bool // the keys of pending
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

// Save saves one activity's report. It comes valued: each of its
// transactions at the ECB rate of its own value date (see Valuer), or with
// NoEURValue. A new report is written by the next Flush or Load; a changed
// one at once. Each write is audited in the transaction.
func (im *Imports) Save(ctx context.Context, p model.Pledge) (ImportOutcome, error) {
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
		im.pending = append(im.pending, p)
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
	if sameImport(old, p) {
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
	if _, err := audit.Record(ctx, im.q, now, im.actor, audit.Change{Action: "pledge.reimport", ObjectType: "pledge", ObjectID: p.ID, Before: &old, After: &p}); err != nil {
		return "", err
	}
	im.known[k] = p
	return ImportUpdated, nil
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
	changes := make([]audit.Change, len(im.pending))
	for i := range im.pending {
		p := &im.pending[i]
		changes[i] = audit.Change{Action: "pledge.import", ObjectType: "pledge", ObjectID: p.ID, After: p}
		if im.loaded[p.IATIIdentifier] {
			im.known[keyOf(*p)] = *p
		}
	}
	if _, err := audit.RecordAll(ctx, im.q, im.pending[0].CreatedAt, im.actor, changes); err != nil {
		return err
	}
	im.pending = im.pending[:0]
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
