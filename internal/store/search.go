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
	// term also matches the words it begins), best ranked first.
	SearchDocuments(ctx context.Context, terms []string, limit int) ([]model.SearchHit, error)
}

func (q *queries) SearchDocuments(ctx context.Context, terms []string, limit int) ([]model.SearchHit, error) {
	if len(terms) == 0 {
		return nil, nil
	}
	var query string
	var args []any
	if q.dialect == dialectPostgres {
		// Terms are letters and digits only (model.SearchTerms), so they
		// need no quoting inside the tsquery.
		parts := make([]string, len(terms))
		for i, t := range terms {
			parts[i] = t + ":*"
		}
		query = `SELECT d.kind, d.record_id,
			ts_headline('simple', d.title, x.q, 'HighlightAll=true, StartSel=' || chr(1) || ', StopSel=' || chr(2)),
			ts_headline('simple', d.body, x.q, 'MaxFragments=2, MaxWords=24, MinWords=8, FragmentDelimiter= … , StartSel=' || chr(1) || ', StopSel=' || chr(2))
			FROM (SELECT to_tsquery('simple', ?) AS q) x
			JOIN search_documents d ON d.words @@ x.q
			ORDER BY ts_rank(d.words, x.q) DESC, d.kind, d.record_id LIMIT ?`
		args = []any{strings.Join(parts, " & "), limit}
	} else {
		parts := make([]string, len(terms))
		for i, t := range terms {
			parts[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"*`
		}
		query = `SELECT d.kind, d.record_id,
			highlight(search_fts, 0, char(1), char(2)),
			snippet(search_fts, 1, char(1), char(2), ' … ', 24)
			FROM search_fts JOIN search_documents d ON d.doc = search_fts.rowid
			WHERE search_fts MATCH ?
			ORDER BY bm25(search_fts, 4.0, 1.0), d.kind, d.record_id LIMIT ?`
		args = []any{strings.Join(parts, " "), limit}
	}
	hits, err := queryAll(ctx, q.rd, func(s scanner) (model.SearchHit, error) {
		var h model.SearchHit
		err := s.Scan(&h.Kind, &h.RecordID, &h.Title, &h.Snippet)
		return h, err
	}, query, args...)
	return hits, dbErr(err, "search")
}
