package exchange

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// rowsFunc streams the cells of every row v may see.
type rowsFunc func(ctx context.Context, v policy.Viewer, emit func(cells []string) error) error

// dataset is one exportable list. To add one, write its
// columns and an open function that checks its list filter and iterates
// its visible records, and add it to datasets with newDataset.
type dataset struct {
	name    string
	columns []string
	open    func(s *Service, f Filter) (rowsFunc, error)
}

// Filter narrows an export: the filter of its dataset's list applies, the
// others are ignored.
type Filter struct {
	Requirements model.RequirementFilter
	Pledges      model.PledgeFilter
	Offers       model.OfferFilter
	Lessons      lessons.Filter
}

// column is one exported field of a record of type T.
type column[T any] struct {
	name string
	cell func(T) string
}

// newDataset binds per-record columns to an iterator of visible records.
func newDataset[T any](name string, cols []column[T], each func(s *Service, f Filter) (func(ctx context.Context, v policy.Viewer, fn func(T) error) error, error)) dataset {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return dataset{name: name, columns: names, open: func(s *Service, f Filter) (rowsFunc, error) {
		it, err := each(s, f)
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

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// codes writes a constraint set in one cell; an empty cell is an open set.
func codes[T ~string](set []T) string {
	s := make([]string, len(set))
	for i, c := range set {
		s[i] = string(c)
	}
	return strings.Join(s, ";")
}
