package store

import (
	"context"
	"strings"

	"github.com/cyberaid/cyberaid/internal/model"
)

// Search finds records by their words in the full-text index that
// migration 00017 keeps (FTS5 on SQLite, a GIN-indexed tsvector on
// PostgreSQL). It decides no visibility: the caller checks every hit.
type Search interface {
	// SearchDocuments returns up to limit records holding every term (a
	// term also matches the words it begins), best ranked first, as their
	// kind and id only.
	SearchDocuments(ctx context.Context, terms []string, limit int) ([]model.SearchHit, error)
	// SearchMarks returns hits with their title and a snippet of their
	// text, the words matching terms marked (model.SearchMarkStart and
	// End), in the order given, leaving out a record that has gone or no
	// longer holds the words.
	SearchMarks(ctx context.Context, terms []string, hits []model.SearchHit) ([]model.SearchHit, error)
	// SearchVersion is the version of the index's words (migration 00044):
	// it advances in the transaction of every change to them, so that two
	// SearchDocuments of the same terms at one version return the same.
	SearchVersion(ctx context.Context) (int64, error)
}

func (q *queries) SearchVersion(ctx context.Context) (int64, error) {
	return q.version(ctx, "search_version")
}

func (q *queries) SearchDocuments(ctx context.Context, terms []string, limit int) ([]model.SearchHit, error) {
	if len(terms) == 0 {
		return nil, nil
	}
	var query string
	if q.dialect == dialectPostgres {
		query = `SELECT d.kind, d.record_id FROM (SELECT to_tsquery('simple', ?) AS q) x
			JOIN search_documents d ON d.words @@ x.q
			ORDER BY ts_rank(d.words, x.q) DESC, d.kind, d.record_id LIMIT ?`
	} else {
		query = `SELECT d.kind, d.record_id FROM search_fts JOIN search_documents d ON d.doc = search_fts.rowid
			WHERE search_fts MATCH ?
			ORDER BY bm25(search_fts, 4.0, 1.0), d.kind, d.record_id LIMIT ?`
	}
	hits, err := queryAll(ctx, q.rd, func(s scanner) (model.SearchHit, error) {
		var h model.SearchHit
		err := s.Scan(&h.Kind, &h.RecordID)
		return h, err
	}, query, q.searchQuery(terms), limit)
	return hits, dbErr(err, "search")
}

// SearchMarks marks the words of a page of hits only: a search ranks up
// to a thousand candidates, and marking them all (ts_headline parses each
// document again) took half of its time.
func (q *queries) SearchMarks(ctx context.Context, terms []string, hits []model.SearchHit) ([]model.SearchHit, error) {
	if len(terms) == 0 || len(hits) == 0 {
		return nil, nil
	}
	args := []any{q.searchQuery(terms)}
	keys := make([]string, len(hits))
	for i, h := range hits {
		keys[i] = "(?, ?)"
		args = append(args, h.Kind, h.RecordID)
	}
	in := `(d.kind, d.record_id) IN (VALUES ` + strings.Join(keys, ", ") + `)`
	var query string
	if q.dialect == dialectPostgres {
		query = `SELECT d.kind, d.record_id,
			ts_headline('simple', d.title, x.q, 'HighlightAll=true, StartSel=' || chr(1) || ', StopSel=' || chr(2)),
			ts_headline('simple', d.body, x.q, 'MaxFragments=2, MaxWords=24, MinWords=8, FragmentDelimiter= … , StartSel=' || chr(1) || ', StopSel=' || chr(2))
			FROM (SELECT to_tsquery('simple', ?) AS q) x
			JOIN search_documents d ON d.words @@ x.q WHERE ` + in
	} else {
		query = `SELECT d.kind, d.record_id,
			highlight(search_fts, 0, char(1), char(2)),
			snippet(search_fts, 1, char(1), char(2), ' … ', 24)
			FROM search_fts JOIN search_documents d ON d.doc = search_fts.rowid
			WHERE search_fts MATCH ? AND ` + in
	}
	marked, err := queryAll(ctx, q.rd, func(s scanner) (model.SearchHit, error) {
		var h model.SearchHit
		err := s.Scan(&h.Kind, &h.RecordID, &h.Title, &h.Snippet)
		return h, err
	}, query, args...)
	if err != nil {
		return nil, dbErr(err, "search")
	}
	byKey := make(map[[2]string]model.SearchHit, len(marked))
	for _, h := range marked {
		byKey[[2]string{h.Kind, h.RecordID}] = h
	}
	out := make([]model.SearchHit, 0, len(hits))
	for _, h := range hits {
		if m, ok := byKey[[2]string{h.Kind, h.RecordID}]; ok {
			out = append(out, m)
		}
	}
	return out, nil
}

// searchQuery is terms as each database's full-text query: every term, as
// a word or the beginning of one. Terms are letters and digits only
// (model.SearchTerms); SQLite's are quoted all the same.
func (q *queries) searchQuery(terms []string) string {
	parts := make([]string, len(terms))
	if q.dialect == dialectPostgres {
		for i, t := range terms {
			parts[i] = t + ":*"
		}
		return strings.Join(parts, " & ")
	}
	for i, t := range terms {
		parts[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"*`
	}
	return strings.Join(parts, " ")
}
