package web

import (
	"net/http"
	"strings"

	"github.com/cyberaid/cyberaid/internal/coordination"
	"github.com/cyberaid/cyberaid/internal/model"
)

func (s *Server) apiSuggestions(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	req, offer := q.Get("requirement"), q.Get("offer")
	cursor, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	var items []coordination.Suggestion
	switch {
	case req != "" && offer != "":
		return model.Invalid("offer", "ask for one of requirement or offer, not both")
	case req != "":
		items, err = s.Coordination.SuggestForRequirement(r.Context(), viewerOf(r), req)
	case offer != "":
		items, err = s.Coordination.SuggestForOffer(r.Context(), viewerOf(r), offer)
	default:
		return model.Invalid("requirement", "is required (or offer): say what to find matches for")
	}
	if err != nil {
		return err
	}
	// Suggestions are ranked whole (at most coordination.MaxSuggestions);
	// each names the record on the other side once.
	page, next, err := model.PageSlice(items, cursor, limit, func(sg coordination.Suggestion) string {
		if req != "" {
			return sg.Offer.ID
		}
		return sg.Requirement.ID
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(page, next))
}

func (s *Server) apiPlan(w http.ResponseWriter, r *http.Request) error {
	var in coordination.PlanInput
	if err := decode(r, &in); err != nil {
		return err
	}
	p, err := s.Coordination.Preview(r.Context(), viewerOf(r), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (s *Server) apiApplyPlan(w http.ResponseWriter, r *http.Request) error {
	var in coordination.ApplyInput
	if err := decode(r, &in); err != nil {
		return err
	}
	res, err := s.Coordination.Apply(r.Context(), viewerOf(r), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, res)
}

func alertFilter(r *http.Request) (coordination.AlertFilter, error) {
	q := r.URL.Query()
	f := coordination.AlertFilter{Kind: model.AlertKind(q.Get("kind"))}
	switch q.Get("open") {
	case "", "false":
	case "true":
		f.Open = true
	default:
		return f, model.Invalid("open", "must be true or false")
	}
	return f, nil
}

func (s *Server) apiDeconfliction(w http.ResponseWriter, r *http.Request) error {
	f, err := alertFilter(r)
	if err != nil {
		return err
	}
	cursor, limit, err := readPage(r, isAlertKey)
	if err != nil {
		return err
	}
	// Alerts are derived from the records as they stand, in their ranked
	// order, so they are paged by key over the whole list.
	page, next, err := s.Coordination.AlertsPage(r.Context(), viewerOf(r), f, cursor, limit)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, newList(page, next))
}

// isAlertKey reports whether s has the form of an alert's key: its kind,
// then one or two ids.
func isAlertKey(s string) bool {
	kind, rest, ok := strings.Cut(s, ":")
	if !ok || !model.AlertKind(kind).Valid() {
		return false
	}
	first, second, two := strings.Cut(rest, ":")
	return isID(first) && (!two || isID(second))
}

type acknowledgeRequest struct {
	Key     string `json:"key"`
	Comment string `json:"comment"`
}

type acknowledgeAllRequest struct {
	Keys    []string `json:"keys"`
	Comment string   `json:"comment"`
}

// apiAcknowledgeAll acknowledges several alerts with one comment, each
// audited on its own; it answers the alerts as a list.
func (s *Server) apiAcknowledgeAll(w http.ResponseWriter, r *http.Request) error {
	var in acknowledgeAllRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	alerts, err := s.Coordination.AcknowledgeAll(r.Context(), viewerOf(r), in.Keys, in.Comment)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": alerts, "next": nil, "total": len(alerts)})
}

func (s *Server) apiAcknowledge(w http.ResponseWriter, r *http.Request) error {
	var in acknowledgeRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	a, err := s.Coordination.Acknowledge(r.Context(), viewerOf(r), in.Key, in.Comment)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a)
}
