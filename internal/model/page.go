package model

// MaxPage bounds one page of any list; a list asked for no limit answers
// this many.
const MaxPage = 200

// FillPage reads a keyset-paged list in batches until a page of limit items
// that keep admits is full, and returns it with the cursor of the next page
// ("" at the end). The policy decides per record what a viewer may see, so
// a batch may yield fewer items than it holds. fetch reads up to n records
// after the record whose id is after; idOf names a record.
func FillPage[T, U any](after string, limit int, fetch func(after string, n int) ([]T, error),
	keep func(T) (U, bool, error), idOf func(T) string) ([]U, string, error) {
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	out := []U{}
	last := ""
	cursor := after
	for {
		batch, err := fetch(cursor, limit+1)
		if err != nil {
			return nil, "", err
		}
		for _, rec := range batch {
			u, ok, err := keep(rec)
			if err != nil {
				return nil, "", err
			}
			if !ok {
				continue
			}
			if len(out) == limit {
				// More visible records remain: the page ends at the last one kept.
				return out, last, nil
			}
			out, last = append(out, u), idOf(rec)
		}
		if len(batch) < limit+1 {
			return out, "", nil
		}
		cursor = idOf(batch[len(batch)-1])
	}
}

// PageSlice pages a list computed whole (ranked suggestions, alerts derived
// from the records): the items after the one whose key is after. A cursor
// naming no item is refused, as a page of this list could not have given it.
func PageSlice[T any](items []T, after string, limit int, key func(T) string) ([]T, string, error) {
	if limit <= 0 || limit > MaxPage {
		limit = MaxPage
	}
	start := 0
	if after != "" {
		start = -1
		for i, it := range items {
			if key(it) == after {
				start = i + 1
				break
			}
		}
		if start < 0 {
			return nil, "", BadCursor()
		}
	}
	rest := items[start:]
	if len(rest) <= limit {
		if rest == nil {
			rest = []T{}
		}
		return rest, "", nil
	}
	page := rest[:limit]
	return page, key(page[limit-1]), nil
}
