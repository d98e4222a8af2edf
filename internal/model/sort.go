package model

import (
	"slices"
	"strings"
)

// Sort is the order a list is asked for (?sort=field or ?sort=-field): one
// of the list's sortable fields, ascending or descending. The zero Sort is
// the list's own order.
type Sort struct {
	Field string
	Desc  bool
}

// ParseSort reads ?sort= against the fields a list may be sorted on; ""
// is the list's own order. Anything else is refused naming "sort".
func ParseSort(s string, fields []string) (Sort, error) {
	if s == "" {
		return Sort{}, nil
	}
	out := Sort{Field: strings.TrimPrefix(s, "-"), Desc: strings.HasPrefix(s, "-")}
	if !slices.Contains(fields, out.Field) {
		return Sort{}, Invalid("sort", "%q is not a column of this list; use one of %s, with a leading - for descending order",
			s, strings.Join(fields, ", "))
	}
	return out, nil
}

// String is the sort as ?sort= writes it; "" for the list's own order.
func (s Sort) String() string {
	if s.Field == "" {
		return ""
	}
	if s.Desc {
		return "-" + s.Field
	}
	return s.Field
}

// The fields each list may be sorted on (DESIGN §5): the columns it shows.
var (
	RequirementSorts = []string{"created", "ref", "title", "sector", "priority", "estimated", "needed_by", "status", "tlp"}
	PledgeSorts      = []string{"created", "date", "eur", "status", "channel", "tlp"}
	OfferSorts       = []string{"created", "title", "kind", "eur", "valid_until", "status", "tlp"}
	LessonSorts      = []string{"created", "title", "status", "review"}
	ProposalSorts    = []string{"created", "title", "status", "decided"}
	// NotificationSorts: newest first is the list's own order, ?sort=created
	// the oldest first.
	NotificationSorts = []string{"created"}
	OrganisationSorts = []string{"name", "kind", "participation", "country"}
	UserSorts         = []string{"name", "email", "role", "organisation"}
	// AuditSorts: the log's events in the order they were written, which
	// is time order.
	AuditSorts = []string{"at"}
)

// SortCursor is the cursor of the next page of a list in order s: the id
// of the last record of the page, preceded by the order when it is not the
// list's own, so that a cursor is never read in another order than the one
// that gave it.
func SortCursor(s Sort, id string) string {
	if id == "" || s.Field == "" {
		return id
	}
	return s.String() + "~" + id
}

// ReadSortCursor returns the record id of a cursor given for order s, or
// refuses it naming "cursor".
func ReadSortCursor(s Sort, cursor string) (string, error) {
	if cursor == "" {
		return "", nil
	}
	order, id, found := strings.Cut(cursor, "~")
	if !found {
		order, id = "", cursor
	}
	if order != s.String() || id == "" {
		return "", BadCursor()
	}
	return id, nil
}

// Listing is one page of a list: its items, the cursor of the next page
// ("" at the end) and how many records the viewer may see under the
// filters, all pages together.
type Listing[T any] struct {
	Items []T
	Next  string
	Total int
}
