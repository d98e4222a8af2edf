package pledges

import (
	"context"
	"errors"

	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/store"
)

// ImportOutcome says what an import did to one activity's report.
type ImportOutcome string

const (
	ImportCreated   ImportOutcome = "created"
	ImportUpdated   ImportOutcome = "updated"
	ImportUnchanged ImportOutcome = "unchanged"
)

// UpsertImported saves a bilateral report read from a donor's published
// IATI activity, inside the caller's transaction q: the report the donor
// already has for that iati-identifier is updated, so that importing a file
// again never duplicates; an identical one is left alone. The amount is
// valued in euros at the ECB rate of its date, as every pledge is. Each
// write is audited in q.
func (s *Service) UpsertImported(ctx context.Context, q store.Queries, actor audit.Actor, p model.Pledge) (model.Pledge, ImportOutcome, error) {
	if p.IATIIdentifier == "" || p.DonorOrgID == "" {
		return model.Pledge{}, "", model.Invalid("iati_identifier", "an imported report needs its activity's identifier and donor")
	}
	p.Channel = model.ChannelBilateral
	p.RequirementID = ""
	if p.Review == "" {
		p.Review = model.ReviewNotRequired
	}
	if p.Currency == "" {
		p.Currency = "EUR"
	}
	today := model.DateOf(s.now().UTC())
	if p.PledgeDate.IsZero() || today.Before(p.PledgeDate) {
		p.PledgeDate = today
	}
	if err := value(ctx, q, &p); err != nil {
		return model.Pledge{}, "", err
	}
	old, err := q.PledgeByIATIIdentifier(ctx, p.DonorOrgID, p.IATIIdentifier)
	now := s.now().UTC()
	switch {
	case errors.Is(err, model.ErrNotFound):
		p.ID = ""
		p.CreatedAt, p.UpdatedAt = now, now
		if err := q.CreatePledge(ctx, &p); err != nil {
			return model.Pledge{}, "", err
		}
		_, err := audit.Record(ctx, q, now, actor, audit.Change{Action: "pledge.import", ObjectType: "pledge", ObjectID: p.ID, After: &p})
		return p, ImportCreated, err
	case err != nil:
		return model.Pledge{}, "", err
	}
	p.ID, p.CreatedAt, p.CreatedBy = old.ID, old.CreatedAt, old.CreatedBy
	// What people added on the platform stays: who it is shared with.
	p.SharedOrgIDs, p.NamedUserIDs = old.SharedOrgIDs, old.NamedUserIDs
	p.UpdatedAt = old.UpdatedAt
	if sameImport(old, p) {
		return old, ImportUnchanged, nil
	}
	p.UpdatedAt = now
	if err := q.UpdatePledge(ctx, &p); err != nil {
		return model.Pledge{}, "", err
	}
	_, err = audit.Record(ctx, q, now, actor, audit.Change{Action: "pledge.reimport", ObjectType: "pledge", ObjectID: p.ID, Before: &old, After: &p})
	return p, ImportUpdated, err
}

// sameImport compares what an import writes.
func sameImport(a, b model.Pledge) bool {
	return a.AmountMinor == b.AmountMinor && a.Currency == b.Currency && a.EURMinor == b.EURMinor && a.Rate == b.Rate &&
		a.RateDate.Equal(b.RateDate) && a.PledgeDate.Equal(b.PledgeDate) && a.Kind == b.Kind && a.Description == b.Description &&
		a.Status == b.Status && a.TLP == b.TLP && a.BeneficiaryOrgID == b.BeneficiaryOrgID && a.Sector == b.Sector &&
		a.Category == b.Category && a.PeriodStart.Equal(b.PeriodStart) && a.PeriodEnd.Equal(b.PeriodEnd) && a.Channel == b.Channel
}
