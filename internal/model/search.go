package model

import (
	"strings"
	"unicode"
)

// SearchKinds are the kinds of record one search looks through.
var SearchKinds = []string{"requirement", "pledge", "offer", "lesson", "proposal", "organisation", "meeting"}

// SearchHit is one record whose words match a search, as the index holds
// it: Title and Snippet carry the matched words between SearchMarkStart and
// SearchMarkEnd, which no stored text contains.
type SearchHit struct {
	Kind, RecordID string
	Title, Snippet string
}

const (
	SearchMarkStart = "\x01"
	SearchMarkEnd   = "\x02"
)

// MaxSearchTerms bounds the words of one search.
const MaxSearchTerms = 8

// SearchTerms splits a search into its words, lower-cased: letters and
// digits of any script, and the Ukrainian apostrophe (ʼ, U+02BC) inside a
// word; everything else separates words. Both backends' indexes split
// text the same way.
func SearchTerms(q string) []string {
	var terms []string
	for _, w := range strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == 'ʼ')
	}) {
		w = strings.Trim(w, "ʼ")
		if w != "" && len(terms) < MaxSearchTerms {
			terms = append(terms, w)
		}
	}
	return terms
}
