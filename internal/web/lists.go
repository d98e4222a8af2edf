package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cyberaid/cyberaid/internal/model"
)

// counted is the envelope of a list that counts its records (DESIGN §5):
// total is what the caller may see under the filters, all pages together.
type counted[T any] struct {
	Items []T     `json:"items"`
	Next  *string `json:"next"`
	Total int     `json:"total"`
}

func newCounted[T any](l model.Listing[T]) counted[T] {
	plain := newList(l.Items, l.Next)
	return counted[T]{Items: plain.Items, Next: plain.Next, Total: l.Total}
}

// sortedPageParams reads ?sort=, ?cursor= and ?limit= of a sorted list:
// sort one of fields, the cursor one a page of this list in this order
// could have given. Anything else is 400 naming the parameter.
func sortedPageParams(r *http.Request, fields []string) (model.Sort, string, int, error) {
	return sortedPageParamsOr(r, fields, model.Sort{})
}

// sortedPageParamsOr is sortedPageParams for a list whose order without
// ?sort= is def.
func sortedPageParamsOr(r *http.Request, fields []string, def model.Sort) (model.Sort, string, int, error) {
	order, err := readSort(r, fields, def)
	if err != nil {
		return model.Sort{}, "", 0, err
	}
	cursor, limit, err := readPage(r, func(c string) bool {
		id, err := model.ReadSortCursor(order, c)
		return err == nil && isID(id)
	})
	return order, cursor, limit, err
}

// readSort reads ?sort= against fields; def without one.
func readSort(r *http.Request, fields []string, def model.Sort) (model.Sort, error) {
	q := r.URL.Query()
	if len(q["sort"]) > 1 {
		return model.Sort{}, model.Invalid("sort", "give one sort")
	}
	if q.Get("sort") == "" {
		return def, nil
	}
	return model.ParseSort(q.Get("sort"), fields)
}

// listNav is what a list page shows around its table: which rows of how
// many, the links to the pages before and after, and its column headers.
type listNav struct {
	From, To, Total int
	Prev, Next      string
	Sort            map[string]sortLink
}

// sortLink is a column header: the list ordered by the column (descending
// when it is already ascending), and the header's aria-sort.
type sortLink struct {
	URL, Aria string
}

// The page's own trail: ?from= is the position of its first row, ?back=
// the cursors of the pages before it, so that "previous" works without
// JavaScript and a link to any page is a saved view.
const maxBack = 100

func navFor(r *http.Request, fields []string, order model.Sort, shown int, next string, total int) listNav {
	q := r.URL.Query()
	from, _ := strconv.Atoi(q.Get("from"))
	if from < 1 {
		from = 1
	}
	nav := listNav{From: from, To: from + shown - 1, Total: total, Sort: map[string]sortLink{}}
	if shown == 0 {
		nav.From, nav.To = 0, 0
	}
	var back []string
	if b := q.Get("back"); b != "" {
		back = strings.Split(b, ",")
	}
	link := func(set func(url.Values)) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		set(v)
		for _, k := range []string{"cursor", "from", "back"} {
			if v.Get(k) == "" {
				v.Del(k)
			}
		}
		return r.URL.Path + "?" + v.Encode()
	}
	if next != "" {
		trail := append(append([]string{}, back...), q.Get("cursor"))
		if len(trail) > maxBack {
			trail = trail[len(trail)-maxBack:]
		}
		nav.Next = link(func(v url.Values) {
			v.Set("cursor", next)
			v.Set("from", strconv.Itoa(from+shown))
			v.Set("back", strings.Join(trail, ","))
		})
	}
	if q.Get("cursor") != "" {
		prevFrom := from - listPage
		if prevFrom < 1 {
			prevFrom = 1
		}
		prevCursor, prevBack := "", []string{}
		if len(back) > 0 {
			prevCursor, prevBack = back[len(back)-1], back[:len(back)-1]
		}
		nav.Prev = link(func(v url.Values) {
			v.Set("cursor", prevCursor)
			v.Set("from", strconv.Itoa(prevFrom))
			v.Set("back", strings.Join(prevBack, ","))
		})
	}
	for _, f := range fields {
		sl := sortLink{Aria: "none"}
		want := model.Sort{Field: f}
		if order.Field == f {
			if order.Desc {
				sl.Aria = "descending"
			} else {
				sl.Aria, want.Desc = "ascending", true
			}
		}
		sl.URL = link(func(v url.Values) {
			v.Set("sort", want.String())
			v.Del("cursor")
			v.Del("from")
			v.Del("back")
		})
		nav.Sort[f] = sl
	}
	return nav
}
