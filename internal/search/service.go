// Package search is one search across every kind of record a viewer may
// see. The index finds and ranks; each hit then goes through the read of its
// own kind, which asks the policy, so a record the viewer may not see is
// never a result, never counted and never a snippet.
package search

import (
	"context"
	"errors"
	"html"
	"strings"
	"sync"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/readings"
)

// Store is the part of the database the service uses.
type Store interface {
	SearchDocuments(ctx context.Context, terms []string, limit int) ([]model.SearchHit, error)
	SearchMarks(ctx context.Context, terms []string, hits []model.SearchHit) ([]model.SearchHit, error)
	SearchVersion(ctx context.Context) (int64, error)
}

// Reader reads one record of a kind as v may see it: ErrNotFound (or
// ErrForbidden, ErrUnauthenticated) when v may not.
type Reader func(ctx context.Context, v policy.Viewer, id string) error

// BatchReader reports which of the records ids of one kind v may see, as
// the Reader of that kind would answer for each, in a few queries. Only the
// records of the page shown are then read one by one.
type BatchReader func(ctx context.Context, v policy.Viewer, ids []string) (map[string]bool, error)

// MaxCandidates bounds the matches one search ranks before checking who may
// see them: a search answers its best matches, not every record holding a
// common word.
const MaxCandidates = 1000

// Result is one record found, ready to show: Title and Snippet are HTML,
// escaped, with the matched words in <mark>.
type Result struct {
	Type    string `json:"type"`
	ID      string `json:"id"`
	Title   string `json:"title"`
	Snippet string `json:"snippet"`
	URL     string `json:"url"`
}

type Service struct {
	store Store
	// ranked keeps the candidates of the latest searched words while the
	// index's words stand: ranking every match of a common word is most of
	// a search at a million records, and the same words are searched again
	// far more often than a record's words change. The candidates are the
	// same for everyone; who may see each is decided at every search.
	ranked  *readings.Kept
	readers map[string]Reader
	batches map[string]together
	urls    map[string]string
}

// together are the reads of one kind's hits as a whole: decide for every
// candidate, check for the page shown.
type together struct{ decide, check BatchReader }

// ReadTogether checks the hits of kind together instead of one read per
// hit: a common word matches hundreds of requirements, and reading each
// with its pledges was most of a search's time. decide tells which of every
// candidate v sees (and so the total); check reads the page shown as the
// kind's own pages read it, so that a fault of decide hides a record rather
// than shows one.
func (s *Service) ReadTogether(kind string, decide, check BatchReader) *Service {
	if s.batches == nil {
		s.batches = map[string]together{}
	}
	s.batches[kind] = together{decide, check}
	return s
}

// NewService needs a reader for every kind of model.SearchKinds, and the
// path of its pages (the record's id is appended).
func NewService(s Store, readers map[string]Reader, urls map[string]string) *Service {
	for _, k := range model.SearchKinds {
		if readers[k] == nil || urls[k] == "" {
			panic("search: no reader or page for " + k)
		}
	}
	return &Service{store: s, ranked: readings.New(keptRankings), readers: readers, urls: urls}
}

// maxQuery bounds the search words, in bytes.
const maxQuery = 200

// Find returns one page of the records v may see whose words match q, best
// first, after cursor (a result's type:id), and how many there are.
func (s *Service) Find(ctx context.Context, v policy.Viewer, q, cursor string, limit int) (model.Listing[Result], error) {
	if len(q) > maxQuery {
		return model.Listing[Result]{}, model.Invalid("q", "is longer than %d characters", maxQuery)
	}
	terms := model.SearchTerms(q)
	if len(terms) == 0 {
		if cursor != "" {
			return model.Listing[Result]{}, model.BadCursor()
		}
		return model.Listing[Result]{Items: []Result{}}, nil
	}
	rk, err := s.ranking(ctx, terms)
	if err != nil {
		return model.Listing[Result]{}, err
	}
	hits := rk.hits
	decided := map[string]map[string]bool{}
	for kind, read := range s.batches {
		var ids []string
		for _, h := range hits {
			if h.Kind == kind {
				ids = append(ids, h.RecordID)
			}
		}
		if len(ids) == 0 {
			continue
		}
		visible, err := read.decide(ctx, v, ids)
		if err != nil {
			return model.Listing[Result]{}, err
		}
		decided[kind] = visible
	}
	var seen []Result
	for _, h := range hits {
		if visible, ok := decided[h.Kind]; ok {
			if !visible[h.RecordID] {
				continue
			}
		} else {
			read, ok := s.readers[h.Kind]
			if !ok {
				continue
			}
			err := read(ctx, v, h.RecordID)
			if hidden(err) {
				continue
			}
			if err != nil {
				return model.Listing[Result]{}, err
			}
		}
		seen = append(seen, Result{Type: h.Kind, ID: h.RecordID, URL: s.urls[h.Kind] + h.RecordID})
	}
	page, next, err := model.PageSlice(seen, cursor, limit, func(r Result) string { return r.Type + ":" + r.ID })
	if err != nil {
		return model.Listing[Result]{}, err
	}
	// What is shown is read as its own page would read it.
	checked := map[string]map[string]bool{}
	for kind, read := range s.batches {
		var ids []string
		for _, r := range page {
			if r.Type == kind {
				ids = append(ids, r.ID)
			}
		}
		if len(ids) == 0 {
			continue
		}
		visible, err := read.check(ctx, v, ids)
		if err != nil {
			return model.Listing[Result]{}, err
		}
		checked[kind] = visible
	}
	var shown []model.SearchHit
	for _, r := range page {
		if visible, ok := checked[r.Type]; ok && !visible[r.ID] {
			continue
		}
		shown = append(shown, model.SearchHit{Kind: r.Type, RecordID: r.ID})
	}
	// Only the page shown is marked: the words of a thousand candidates
	// were half of a search's time.
	marked, err := rk.marked(ctx, s.store, terms, shown)
	if err != nil {
		return model.Listing[Result]{}, err
	}
	items := make([]Result, len(marked))
	for i, h := range marked {
		items[i] = Result{
			Type: h.Kind, ID: h.RecordID, URL: s.urls[h.Kind] + h.RecordID,
			Title: Marked(h.Title), Snippet: Marked(h.Snippet),
		}
	}
	return model.Listing[Result]{Items: items, Next: next, Total: len(seen)}, nil
}

// keptRankings bounds the words whose ranking is kept: up to
// MaxCandidates kinds and ids each (about 100 kB), and the marked title and
// snippet of those shown, over 1 MB should every candidate be paged to.
const keptRankings = 8

// ranking is what one search's words give whoever searches them, at one
// version of the index: the best MaxCandidates records holding them, and
// the marked title and snippet of each shown so far. Shared between
// searches: hits is read only.
type ranking struct {
	hits  []model.SearchHit
	mu    sync.Mutex
	marks map[[2]string]model.SearchHit
}

func (s *Service) ranking(ctx context.Context, terms []string) (*ranking, error) {
	// Kept for no viewer on no day: the index decides nothing by either.
	rk, err := s.ranked.Get(ctx, s.store.SearchVersion, strings.Join(terms, "\x00"), policy.Viewer{}, model.Date{},
		func(ctx context.Context) (any, error) {
			hits, err := s.store.SearchDocuments(ctx, terms, MaxCandidates)
			return &ranking{hits: hits, marks: map[[2]string]model.SearchHit{}}, err
		})
	if err != nil {
		return nil, err
	}
	return rk.(*ranking), nil
}

// marked returns the hits shown with their words marked, in their order,
// leaving out one that has gone or holds the words no more (as
// SearchMarks): those marked before at this version are not asked again.
func (rk *ranking) marked(ctx context.Context, st Store, terms []string, shown []model.SearchHit) ([]model.SearchHit, error) {
	rk.mu.Lock()
	var missing []model.SearchHit
	for _, h := range shown {
		if _, ok := rk.marks[[2]string{h.Kind, h.RecordID}]; !ok {
			missing = append(missing, h)
		}
	}
	rk.mu.Unlock()
	fresh, err := st.SearchMarks(ctx, terms, missing)
	if err != nil {
		return nil, err
	}
	rk.mu.Lock()
	defer rk.mu.Unlock()
	for _, h := range fresh {
		rk.marks[[2]string{h.Kind, h.RecordID}] = h
	}
	out := make([]model.SearchHit, 0, len(shown))
	for _, h := range shown {
		if m, ok := rk.marks[[2]string{h.Kind, h.RecordID}]; ok {
			out = append(out, m)
		}
	}
	return out, nil
}

// hidden tells a read's answer that v may not see the record from a fault.
func hidden(err error) bool {
	return errors.Is(err, model.ErrNotFound) || errors.Is(err, model.ErrForbidden) || errors.Is(err, model.ErrUnauthenticated)
}

// Marked escapes the index's text for HTML and turns its markers into
// <mark> elements, always balanced whatever the stored text held.
func Marked(s string) string {
	var b strings.Builder
	open := false
	for {
		i := strings.IndexAny(s, model.SearchMarkStart+model.SearchMarkEnd)
		if i < 0 {
			b.WriteString(html.EscapeString(s))
			break
		}
		b.WriteString(html.EscapeString(s[:i]))
		switch {
		case s[i:i+1] == model.SearchMarkStart && !open:
			b.WriteString("<mark>")
			open = true
		case s[i:i+1] == model.SearchMarkEnd && open:
			b.WriteString("</mark>")
			open = false
		}
		s = s[i+1:]
	}
	if open {
		b.WriteString("</mark>")
	}
	return strings.TrimSpace(b.String())
}
