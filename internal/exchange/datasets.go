package exchange

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

// rowsFunc streams the cells of every row v may see.
type rowsFunc func(ctx context.Context, v policy.Viewer, emit func(cells []string) error) error

// dataset is one exportable list. To add one, write its
// columns and an open function that parses its list filters and iterates
// its visible records, and add it to datasets with newDataset.
type dataset struct {
	name    string
	columns []string
	open    func(s *Service, q url.Values) (rowsFunc, error)
}

// column is one exported field of a record of type T.
type column[T any] struct {
	name string
	cell func(T) string
}

// newDataset binds per-record columns to an iterator of visible records.
func newDataset[T any](name string, cols []column[T], each func(s *Service, q url.Values) (func(ctx context.Context, v policy.Viewer, fn func(T) error) error, error)) dataset {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return dataset{name: name, columns: names, open: func(s *Service, q url.Values) (rowsFunc, error) {
		it, err := each(s, q)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context, v policy.Viewer, emit func([]string) error) error {
			cells := make([]string, len(cols))
			return it(ctx, v, func(rec T) error {
				for i, c := range cols {
					cells[i] = c.cell(rec)
				}
				return emit(cells)
			})
		}, nil
	}}
}

var datasets = []dataset{
	newDataset("requirements", requirementColumns, eachRequirement),
	newDataset("pledges", pledgeColumns, eachPledge(false)),
	newDataset("bilateral", pledgeColumns, eachPledge(true)),
	newDataset("offers", offerColumns, eachOffer),
	newDataset("lessons", lessonColumns, eachLesson),
}

func datasetByName(name string) (dataset, bool) {
	for _, d := range datasets {
		if d.name == name {
			return d, true
		}
	}
	return dataset{}, false
}

// DatasetNames lists what can be exported, for the API description and pages.
func DatasetNames() []string {
	out := make([]string, len(datasets))
	for i, d := range datasets {
		out[i] = d.name
	}
	return out
}

func date(d model.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func instant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// orgNames names organisations in exports; there are few, so they are
// read once per export.
type orgNames map[string]string

func (s *Service) orgNames(ctx context.Context) (orgNames, error) {
	orgs, err := s.store.ListOrganisations(ctx)
	if err != nil {
		return nil, err
	}
	out := make(orgNames, len(orgs))
	for _, o := range orgs {
		out[o.ID] = o.Name
	}
	return out, nil
}

type requirementRow struct {
	model.Requirement
	beneficiary string
	pledgedEUR  int64
	coverage    model.Coverage
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
}

// RequirementFilter reads the requirement list filters, refusing unknown codes.
func RequirementFilter(q url.Values) (model.RequirementFilter, error) {
	f := model.RequirementFilter{
		Status:      model.RequirementStatus(q.Get("status")),
		Sector:      model.Sector(q.Get("sector")),
		Category:    model.Category(q.Get("category")),
		Line:        model.LineOfEffort(q.Get("line")),
		Priority:    model.Priority(q.Get("priority")),
		Beneficiary: q.Get("beneficiary"),
		Query:       q.Get("q"),
	}
	switch {
	case f.Status != "" && !f.Status.Valid():
		return f, model.Invalid("status", "%q is not a requirement status", f.Status)
	case f.Sector != "" && !f.Sector.Valid():
		return f, model.Invalid("sector", "%q is not a sector", f.Sector)
	case f.Category != "" && !f.Category.Valid():
		return f, model.Invalid("category", "%q is not a category", f.Category)
	case f.Line != "" && !f.Line.Valid():
		return f, model.Invalid("line", "%q is not a line of effort", f.Line)
	case f.Priority != "" && !f.Priority.Valid():
		return f, model.Invalid("priority", "%q is not a priority", f.Priority)
	case len([]rune(f.Query)) > model.MaxShort:
		return f, model.Invalid("q", "is longer than %d characters", model.MaxShort)
	}
	return f, nil
}

func eachRequirement(s *Service, q url.Values) (func(ctx context.Context, v policy.Viewer, fn func(requirementRow) error) error, error) {
	f, err := RequirementFilter(q)
	if err != nil {
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
				if p.Channel == model.ChannelMechanism && p.Status.Counts() {
					row.pledgedEUR += p.EURMinor
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

type pledgeRow struct {
	model.Pledge
	donor, beneficiary string
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
	{"amount_eur", func(p pledgeRow) string { return decimal(p.EURMinor, "EUR") }},
	{"rate", func(p pledgeRow) string { return p.Rate }},
	{"rate_date", func(p pledgeRow) string { return date(p.RateDate) }},
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
}

// PledgeFilter reads the pledge list filters, refusing unknown codes.
func PledgeFilter(q url.Values) (model.PledgeFilter, error) {
	f := model.PledgeFilter{
		RequirementID: q.Get("requirement"),
		DonorOrgID:    q.Get("donor"),
		Beneficiary:   q.Get("beneficiary"),
		Status:        model.PledgeStatus(q.Get("status")),
		Channel:       model.Channel(q.Get("channel")),
	}
	if f.Status != "" && !f.Status.Valid() {
		return f, model.Invalid("status", "%q is not a pledge status", f.Status)
	}
	if f.Channel != "" && !f.Channel.Valid() {
		return f, model.Invalid("channel", "%q is not a channel; use mechanism or bilateral", f.Channel)
	}
	return f, nil
}

// eachPledge iterates pledges; bilateral keeps the bilateral reports only.
func eachPledge(bilateral bool) func(s *Service, q url.Values) (func(ctx context.Context, v policy.Viewer, fn func(pledgeRow) error) error, error) {
	return func(s *Service, q url.Values) (func(ctx context.Context, v policy.Viewer, fn func(pledgeRow) error) error, error) {
		f, err := PledgeFilter(q)
		if err != nil {
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
				return fn(pledgeRow{Pledge: p, donor: names[p.DonorOrgID], beneficiary: names[p.BeneficiaryOrgID]})
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

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
