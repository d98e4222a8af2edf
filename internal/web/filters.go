package web

import (
	"net/url"
	"strconv"

	"github.com/cyberaid/cyberaid/internal/exchange"
	"github.com/cyberaid/cyberaid/internal/lessons"
	"github.com/cyberaid/cyberaid/internal/model"
)

// The list filters of the API contract (README, "API"): one parser per list, shared by its API
// list, its page and its export, so that the three never drift apart.

func requirementFilter(q url.Values) (model.RequirementFilter, error) {
	f := model.RequirementFilter{
		Status:      model.RequirementStatus(q.Get("status")),
		Sector:      model.Sector(q.Get("sector")),
		Category:    model.Category(q.Get("category")),
		Line:        model.LineOfEffort(q.Get("line")),
		Priority:    model.Priority(q.Get("priority")),
		Beneficiary: q.Get("beneficiary"),
		Query:       q.Get("q"),
		Recipient:   model.RecipientType(q.Get("recipient_type")),
		Review:      model.ReviewState(q.Get("review")),
	}
	return f, f.Check()
}

func pledgeFilter(q url.Values) (model.PledgeFilter, error) {
	f := model.PledgeFilter{
		RequirementID: q.Get("requirement"),
		DonorOrgID:    q.Get("donor"),
		Beneficiary:   q.Get("beneficiary"),
		Status:        model.PledgeStatus(q.Get("status")),
		Channel:       model.Channel(q.Get("channel")),
	}
	return f, f.Check()
}

func offerFilter(q url.Values) (model.OfferFilter, error) {
	f := model.OfferFilter{
		DonorOrgID: q.Get("donor"),
		Status:     model.OfferStatus(q.Get("status")),
		Sector:     model.Sector(q.Get("sector")),
		Category:   model.Category(q.Get("category")),
	}
	return f, f.Check()
}

func lessonFilter(q url.Values) (lessons.Filter, error) {
	f := lessons.Filter{Status: model.LessonStatus(q.Get("status")), LinkID: q.Get("link_id")}
	if d := q.Get("due"); d != "" {
		due, err := strconv.ParseBool(d)
		if err != nil {
			return f, model.Invalid("due", "%q is not true or false", d)
		}
		f.Due = due
	}
	return f, f.Check()
}

// exportFilter reads the filters of the list a dataset exports.
func exportFilter(dataset string, q url.Values) (exchange.Filter, error) {
	var f exchange.Filter
	var err error
	switch dataset {
	case "requirements":
		f.Requirements, err = requirementFilter(q)
	case "pledges", "bilateral":
		f.Pledges, err = pledgeFilter(q)
	case "offers":
		f.Offers, err = offerFilter(q)
	case "lessons":
		f.Lessons, err = lessonFilter(q)
	}
	return f, err
}
