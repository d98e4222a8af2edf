package web

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/search"
)

// searchCursor is a result's "type:id", as search.Find pages them.
func searchCursor(c string) bool {
	kind, id, ok := strings.Cut(c, ":")
	return ok && isID(id) && kindIn(kind, model.SearchKinds)
}

func kindIn(k string, kinds []string) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := readPage(r, searchCursor)
	if err != nil {
		return err
	}
	l, err := s.Search.Find(r.Context(), viewerOf(r), r.URL.Query().Get("q"), cursor, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newCounted(l))
}

// searchItem is a result on the page: search.Marked has escaped its text
// and written only <mark> elements into it.
type searchItem struct {
	search.Result
	TitleHTML, SnippetHTML template.HTML
}

type searchData struct {
	Query string
	Items []searchItem
	Nav   listNav
}

func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) error {
	cursor, _, err := readPage(r, searchCursor)
	if err != nil {
		return err
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	l, err := s.Search.Find(r.Context(), viewerOf(r), q, cursor, listPage)
	if err != nil {
		return err
	}
	data := searchData{Query: q, Nav: navFor(r, nil, model.Sort{}, len(l.Items), l.Next, l.Total)}
	for _, it := range l.Items {
		data.Items = append(data.Items, searchItem{Result: it, TitleHTML: template.HTML(it.Title), SnippetHTML: template.HTML(it.Snippet)})
	}
	return s.show(w, r, http.StatusOK, "search", "search", "search.title", data)
}
