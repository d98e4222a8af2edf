package exchange

import (
	"context"
	"strconv"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

type pledgeRow struct {
	model.Pledge
	donor, beneficiary, funder string
}

var pledgeColumns = []column[pledgeRow]{
	{"id", func(p pledgeRow) string { return p.ID }},
	{"donor_org_id", func(p pledgeRow) string { return p.DonorOrgID }},
	{"donor", func(p pledgeRow) string { return p.donor }},
	{"requirement_id", func(p pledgeRow) string { return p.RequirementID }},
	{"channel", func(p pledgeRow) string { return string(p.Channel) }},
	{"kind", func(p pledgeRow) string { return string(p.Kind) }},
	{"status", func(p pledgeRow) string { return string(p.Status) }},
	{"review", func(p pledgeRow) string { return string(p.Review) }},
	{"amount", func(p pledgeRow) string { return decimal(p.AmountMinor, p.Currency) }},
	{"currency", func(p pledgeRow) string { return p.Currency }},
	// A report in a currency the ECB gives no rate for has no euro value:
	// the cell is empty, never 0.00.
	{"amount_eur", func(p pledgeRow) string {
		if p.NoEURValue {
			return ""
		}
		return decimal(p.EURMinor, "EUR")
	}},
	{"rate", func(p pledgeRow) string { return p.Rate }},
	{"rate_date", func(p pledgeRow) string { return date(p.RateDate) }},
	{"rate_provisional", func(p pledgeRow) string { return strconv.FormatBool(p.RateProvisional) }},
	{"pledge_date", func(p pledgeRow) string { return date(p.PledgeDate) }},
	{"beneficiary_org_id", func(p pledgeRow) string { return p.BeneficiaryOrgID }},
	{"beneficiary", func(p pledgeRow) string { return p.beneficiary }},
	{"sector", func(p pledgeRow) string { return string(p.Sector) }},
	{"category", func(p pledgeRow) string { return string(p.Category) }},
	{"period_start", func(p pledgeRow) string { return date(p.PeriodStart) }},
	{"period_end", func(p pledgeRow) string { return date(p.PeriodEnd) }},
	{"iati_identifier", func(p pledgeRow) string { return p.IATIIdentifier }},
	{"tlp", func(p pledgeRow) string { return string(p.TLP) }},
	{"description", func(p pledgeRow) string { return p.Description }},
	{"created_at", func(p pledgeRow) string { return instant(p.CreatedAt) }},
	{"updated_at", func(p pledgeRow) string { return instant(p.UpdatedAt) }},
	// Appended after the columns clients already read by position.
	{"funder_org_id", func(p pledgeRow) string { return p.FunderOrgID }},
	{"funder", func(p pledgeRow) string { return p.funder }},
	{"disbursed_eur_minor", func(p pledgeRow) string { return itoa(p.DisbursedEURMinor) }},
	{"suspended_on", func(p pledgeRow) string { return date(p.SuspendedOn) }},
	{"suspend_reason", func(p pledgeRow) string { return p.SuspendReason }},
}

// eachPledge iterates pledges; bilateral keeps the bilateral reports only.
func eachPledge(bilateral bool) func(s *Service, filter Filter) (func(ctx context.Context, v policy.Viewer, fn func(pledgeRow) error) error, error) {
	return func(s *Service, filter Filter) (func(ctx context.Context, v policy.Viewer, fn func(pledgeRow) error) error, error) {
		f := filter.Pledges
		if err := f.Check(); err != nil {
			return nil, err
		}
		if bilateral {
			if f.Channel == model.ChannelMechanism {
				return nil, model.Invalid("channel", "bilateral reports are all of the bilateral channel")
			}
			f.Channel = model.ChannelBilateral
		}
		return func(ctx context.Context, v policy.Viewer, fn func(pledgeRow) error) error {
			names, err := s.orgNames(ctx)
			if err != nil {
				return err
			}
			return s.visiblePledges(ctx, v, f, func(p model.Pledge) error {
				return fn(pledgeRow{Pledge: p, donor: names[p.DonorOrgID], beneficiary: names[p.BeneficiaryOrgID], funder: names[p.FunderOrgID]})
			})
		}, nil
	}
}

// parentCacheSize bounds the requirements kept while iterating pledges, so
// that memory stays constant however many pledges are exported.
const parentCacheSize = 4096

// visiblePledges calls fn with each pledge matching f that v may see. The
// requirement a pledge serves, with the pledges that decide who is engaged
// on it, is read once and kept in a bounded cache.
func (s *Service) visiblePledges(ctx context.Context, v policy.Viewer, f model.PledgeFilter, fn func(model.Pledge) error) error {
	parents := map[string]*policy.Resource{}
	return s.store.EachPledge(ctx, f, func(p model.Pledge) error {
		var parent *policy.Resource
		if p.RequirementID != "" {
			parent = parents[p.RequirementID]
			if parent == nil {
				r, err := s.store.RequirementByID(ctx, p.RequirementID)
				if err != nil {
					return err
				}
				pledges, err := s.store.PledgesForRequirements(ctx, []string{r.ID})
				if err != nil {
					return err
				}
				res := policy.RequirementResource(r, pledges)
				parent = &res
				if len(parents) >= parentCacheSize {
					clear(parents)
				}
				parents[p.RequirementID] = parent
			}
		}
		res := policy.PledgeResource(p, parent)
		if !policy.Visible(v, res) {
			return nil
		}
		p = policy.PledgeSeenBy(v, p, res)
		// A filter on a requirement or beneficiary v may not see matches
		// nothing, exactly as one on a requirement that does not exist.
		if (f.RequirementID != "" && p.RequirementID != f.RequirementID) || (f.Beneficiary != "" && p.BeneficiaryOrgID != f.Beneficiary) {
			return nil
		}
		return fn(p)
	})
}
