package exchange

import (
	"context"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

type requirementRow struct {
	model.Requirement
	beneficiary string
	pledgedEUR  int64
	coverage    model.Coverage
	// The pledged euros by the stage they reached, over the same pledges.
	committedEUR, disbursedEUR, deliveredEUR int64
}

var requirementColumns = []column[requirementRow]{
	{"id", func(r requirementRow) string { return r.ID }},
	{"ref", func(r requirementRow) string { return r.Ref }},
	{"title", func(r requirementRow) string { return r.Title }},
	{"beneficiary_org_id", func(r requirementRow) string { return r.BeneficiaryOrgID }},
	{"beneficiary", func(r requirementRow) string { return r.beneficiary }},
	{"sector", func(r requirementRow) string { return string(r.Sector) }},
	{"category", func(r requirementRow) string { return string(r.Category) }},
	{"line_of_effort", func(r requirementRow) string { return string(r.LineOfEffort) }},
	{"priority", func(r requirementRow) string { return string(r.Priority) }},
	{"status", func(r requirementRow) string { return string(r.Status) }},
	{"estimated", func(r requirementRow) string { return decimal(r.EstimatedEURMinor, "EUR") }},
	{"pledged", func(r requirementRow) string { return decimal(r.pledgedEUR, "EUR") }},
	{"currency", func(requirementRow) string { return "EUR" }},
	{"coverage", func(r requirementRow) string { return string(r.coverage) }},
	{"quantity", func(r requirementRow) string { return itoa(r.Quantity) }},
	{"unit", func(r requirementRow) string { return r.Unit }},
	{"needed_by", func(r requirementRow) string { return date(r.NeededBy) }},
	{"region", func(r requirementRow) string { return r.Region }},
	{"tlp", func(r requirementRow) string { return string(r.TLP) }},
	{"description", func(r requirementRow) string { return r.Description }},
	{"created_at", func(r requirementRow) string { return instant(r.CreatedAt) }},
	{"updated_at", func(r requirementRow) string { return instant(r.UpdatedAt) }},
	// Appended after the columns clients already read by position.
	{"committed", func(r requirementRow) string { return decimal(r.committedEUR, "EUR") }},
	{"disbursed", func(r requirementRow) string { return decimal(r.disbursedEUR, "EUR") }},
	{"delivered", func(r requirementRow) string { return decimal(r.deliveredEUR, "EUR") }},
	{"recipient_type", func(r requirementRow) string { return string(r.RecipientType) }},
}

func eachRequirement(s *Service, filter Filter) (func(ctx context.Context, v policy.Viewer, fn func(requirementRow) error) error, error) {
	f := filter.Requirements
	if err := f.Check(); err != nil {
		return nil, err
	}
	return func(ctx context.Context, v policy.Viewer, fn func(requirementRow) error) error {
		names, err := s.orgNames(ctx)
		if err != nil {
			return err
		}
		return s.visibleRequirements(ctx, v, f, func(r model.Requirement, visible []model.Pledge) error {
			row := requirementRow{Requirement: r, beneficiary: names[r.BeneficiaryOrgID]}
			for _, p := range visible {
				if p.Channel != model.ChannelMechanism {
					continue
				}
				if p.Status.Counts() {
					row.pledgedEUR += p.EURMinor
				}
				if p.Status.Committed() {
					row.committedEUR += p.EURMinor
				}
				if p.Status.Delivered() {
					row.deliveredEUR += p.EURMinor
				}
				// Money paid out before a suspension or withdrawal was paid.
				if p.Status != model.PledgeRejected {
					row.disbursedEUR += p.DisbursedEURMinor
				}
			}
			row.coverage = model.CoverageOf(row.pledgedEUR, r.EstimatedEURMinor)
			return fn(row)
		})
	}, nil
}

// visibleRequirements calls fn with each requirement v may see and the
// pledges on it v may see: figures count visible pledges only.
func (s *Service) visibleRequirements(ctx context.Context, v policy.Viewer, f model.RequirementFilter, fn func(model.Requirement, []model.Pledge) error) error {
	f, stage := requirements.SplitStage(f)
	return s.store.EachRequirement(ctx, f, func(r model.Requirement) error {
		pledges, err := s.store.PledgesForRequirements(ctx, []string{r.ID})
		if err != nil {
			return err
		}
		view, ok := requirements.SeenBy(v, r, pledges)
		if !ok || (stage != "" && view.Status != stage) {
			return nil
		}
		return fn(view.Requirement, view.Pledges)
	})
}
