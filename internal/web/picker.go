package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/cyberaid/cyberaid/internal/i18n"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/policy"
)

// pickLimit bounds the records a picker offers: more than a screenful
// means the words should be narrowed, not scrolled through.
const pickLimit = 20

// pickItem is a record a picker offers, worded for the reader.
type pickItem struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Ref    string `json:"ref"`
	Status string `json:"status"`
}

// picker is what a form's record picker shows: the words searched, the
// records found and the one chosen.
type picker struct {
	Find   string
	Kind   string
	Items  []pickItem
	Chosen string
	Count  string
}

// pickKind is the kind of record a lesson's link names: a delivery is
// about a pledge.
func pickKind(link string) string {
	switch model.LessonLink(link) {
	case model.LinkRequirement:
		return "requirement"
	case model.LinkPledge, model.LinkDelivery:
		return "pledge"
	}
	return ""
}

// maxFind bounds the words a picker searches, in characters.
const maxFind = 200

// pickable lists the records of kind whose reference or words match find,
// as the services let v see them: a record v may not see is never offered.
// A pledge is found by its requirement's reference or words, or by its
// own description.
func (s *Server) pickable(ctx context.Context, v policy.Viewer, l *i18n.Localizer, kind, find string) ([]pickItem, error) {
	find = strings.TrimSpace(find)
	if find == "" || kind == "" {
		return nil, nil
	}
	if utf8.RuneCountInString(find) > maxFind {
		find = string([]rune(find)[:maxFind])
	}
	reqs, _, err := s.Requirements.List(ctx, v, model.RequirementFilter{Query: find}, "", pickLimit)
	if err != nil {
		return nil, err
	}
	if kind == "requirement" {
		items := make([]pickItem, 0, len(reqs))
		for _, r := range reqs {
			items = append(items, pickItem{ID: r.ID, Title: r.Title, Ref: r.Ref, Status: l.T("status." + string(r.Status))})
		}
		return items, nil
	}
	names, err := s.Organisations.NamesIn(ctx, l.Lang())
	if err != nil {
		return nil, err
	}
	var items []pickItem
	seen := map[string]bool{}
	add := func(p model.Pledge, reqTitle string) {
		if seen[p.ID] || len(items) == pickLimit {
			return
		}
		seen[p.ID] = true
		items = append(items, s.pledgeItem(l, names, p, reqTitle))
	}
	for _, r := range reqs {
		ps, _, err := s.Pledges.List(ctx, v, model.PledgeFilter{RequirementID: r.ID}, "", pickLimit)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			add(p, r.Ref+" "+r.Title)
		}
	}
	found, err := s.Search.Find(ctx, v, find, "", pickLimit)
	if err != nil {
		return nil, err
	}
	for _, hit := range found.Items {
		if hit.Type != "pledge" {
			continue
		}
		p, err := s.Pledges.Get(ctx, v, hit.ID)
		if errors.Is(err, model.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		add(p, "")
	}
	return items, nil
}

// pledgeItem words a pledge: what it is for, who gives how much, and its
// status.
func (s *Server) pledgeItem(l *i18n.Localizer, names map[string]string, p model.Pledge, reqTitle string) pickItem {
	title := reqTitle
	if p.Description != "" {
		if title != "" {
			title += " — "
		}
		title += p.Description
	}
	if title == "" {
		title = l.T("channel." + string(p.Channel))
	}
	ref := money.Format(p.AmountMinor, p.Currency, l.Lang())
	if name := names[p.DonorOrgID]; name != "" {
		ref = name + " · " + ref
	}
	return pickItem{ID: p.ID, Title: title, Ref: ref, Status: l.T("pledge_status." + string(p.Status))}
}

// picked is the record of kind with id as v may see it; false when there
// is none, or v may not see it: the form then shows nothing of it, and
// saving answers as for an unknown id.
func (s *Server) picked(ctx context.Context, v policy.Viewer, l *i18n.Localizer, kind, id string) (pickItem, bool, error) {
	if id == "" || !isID(id) {
		return pickItem{}, false, nil
	}
	switch kind {
	case "requirement":
		r, err := s.Requirements.Get(ctx, v, id)
		if errors.Is(err, model.ErrNotFound) {
			return pickItem{}, false, nil
		}
		if err != nil {
			return pickItem{}, false, err
		}
		return pickItem{ID: r.ID, Title: r.Title, Ref: r.Ref, Status: l.T("status." + string(r.Status))}, true, nil
	case "pledge":
		p, err := s.Pledges.Get(ctx, v, id)
		if errors.Is(err, model.ErrNotFound) {
			return pickItem{}, false, nil
		}
		if err != nil {
			return pickItem{}, false, err
		}
		names, err := s.Organisations.NamesIn(ctx, l.Lang())
		if err != nil {
			return pickItem{}, false, err
		}
		var reqTitle string
		if p.RequirementID != "" {
			if r, err := s.Requirements.Get(ctx, v, p.RequirementID); err == nil {
				reqTitle = r.Ref + " " + r.Title
			}
		}
		return s.pledgeItem(l, names, p, reqTitle), true, nil
	}
	return pickItem{}, false, nil
}

// pickerFor fills a form's picker: the records matching find, the chosen
// one first (kept, as the reader sees it, whether or not the words still
// match it).
func (s *Server) pickerFor(r *http.Request, link, find, chosen string) (picker, error) {
	l := s.localizer(r)
	v := viewerOf(r)
	kind := pickKind(link)
	pk := picker{Find: find, Kind: kind}
	items, err := s.pickable(r.Context(), v, l, kind, find)
	if err != nil {
		return pk, err
	}
	if it, ok, err := s.picked(r.Context(), v, l, kind, chosen); err != nil {
		return pk, err
	} else if ok {
		pk.Chosen = it.ID
		rest := []pickItem{it}
		for _, x := range items {
			if x.ID != it.ID {
				rest = append(rest, x)
			}
		}
		items = rest
	}
	pk.Items = items
	if strings.TrimSpace(find) != "" {
		pk.Count = pickCount(l, len(items))
	}
	return pk, nil
}

// pickCount says how many records were found; the number stands apart
// from the words so that one sentence fits every count in every language.
func pickCount(l *i18n.Localizer, n int) string {
	if n == 0 {
		return l.T("picker.none")
	}
	return l.T("picker.found", map[string]any{"N": n})
}

// pickRecords answers a picker's search as JSON for the page's script,
// in the reader's language, with the records the page itself would list.
func (s *Server) pickRecords(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	kind := pickKind(q.Get("kind"))
	if q.Get("kind") != "" && kind == "" && q.Get("kind") != string(model.LinkNone) {
		return model.Invalid("kind", "%q is not a link; use none, requirement, pledge or delivery", q.Get("kind"))
	}
	l := s.localizer(r)
	items, err := s.pickable(r.Context(), viewerOf(r), l, kind, q.Get("q"))
	if err != nil {
		return err
	}
	if items == nil {
		items = []pickItem{}
	}
	return writeJSON(w, http.StatusOK, struct {
		Items []pickItem `json:"items"`
		Count string     `json:"count"`
	}{items, pickCount(l, len(items))})
}
