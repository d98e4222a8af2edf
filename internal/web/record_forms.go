package web

import (
	"context"
	"net/http"

	"github.com/cyberaid/cyberaid/internal/model"
)

// refusedForm is a form of a record page's extras (a document upload, a
// new indicator, a value of one) that was refused: the record's page is
// shown again, its summary of faults at the top, the form as it was sent.
type refusedForm struct {
	status    int
	summary   summary
	document  *documentForm
	indicator *indicatorForm
	value     *valueForm
}

type refusedFormKey struct{}

// documentForm is an upload as sent; a browser never fills a file input
// again, so only the label is kept.
type documentForm struct {
	TLP    string
	Errors map[string]string
}

// indicatorForm is a new indicator as typed.
type indicatorForm struct {
	Title, Measure, Unit                                 string
	BaselineValue, BaselineDate, TargetValue, TargetDate string
	Errors                                               map[string]string
}

// valueForm is a value as typed on one indicator.
type valueForm struct {
	IndicatorID, Value, Date, Comment string
	Errors                            map[string]string
}

// The inputs of these forms sit on a page among others: their ids carry a
// prefix, and a value's the indicator's id.
var (
	documentFields   = []string{"document-file", "document-tlp"}
	documentAliases  = map[string]string{"file": "document-file", "tlp": "document-tlp"}
	indicatorFields  = []string{"ind-title", "ind-measure", "ind-unit", "ind-bv", "ind-bd", "ind-tv", "ind-td"}
	indicatorAliases = map[string]string{
		"title": "ind-title", "measure": "ind-measure", "unit": "ind-unit",
		"baseline": "ind-bv", "baseline.value": "ind-bv", "baseline.date": "ind-bd",
		"target": "ind-tv", "target.value": "ind-tv", "target.date": "ind-td",
	}
)

func valueAliases(indicatorID string) ([]string, map[string]string) {
	fields := []string{"value-" + indicatorID, "date-" + indicatorID, "comment-" + indicatorID}
	return fields, map[string]string{"value": fields[0], "date": fields[1], "comment": fields[2]}
}

// recordPage is the page of a record that carries documents.
func (s *Server) recordPage(kind model.DocumentRecord) handler {
	switch kind {
	case model.DocOnPledge:
		return s.pledgePage
	case model.DocOnOffer:
		return s.offerPage
	case model.DocOnLesson:
		return s.lessonPage
	case model.DocOnProposal:
		return s.proposalPage
	case model.DocOnMeeting:
		return s.meetingPage
	}
	return s.requirementPage
}

// showRefused shows the page of the record again with the refused form;
// an error no field of it can take (a hidden record, a refused role) is
// answered as any page would.
func (s *Server) showRefused(w http.ResponseWriter, r *http.Request, kind model.DocumentRecord, fields []string, aliases map[string]string, rf *refusedForm, err error) error {
	errs, text, rest := s.formErrors(s.localizer(r), err, fields, aliases)
	if rest != nil {
		return rest
	}
	rf.status, rf.summary = statusOf(err), problemsIn(fields, errs, text)
	switch {
	case rf.document != nil:
		rf.document.Errors = errs
	case rf.indicator != nil:
		rf.indicator.Errors = errs
	case rf.value != nil:
		rf.value.Errors = errs
	}
	return s.recordPage(kind)(w, r.WithContext(context.WithValue(r.Context(), refusedFormKey{}, rf)))
}

// refusedOf is the refused form the request shows again, if any.
func refusedOf(r *http.Request) *refusedForm {
	rf, _ := r.Context().Value(refusedFormKey{}).(*refusedForm)
	return rf
}

// ValueOf is the value form of indicator id as it was sent, if it was the
// one refused.
func (res *requirementResults) ValueOf(id string) valueForm {
	if res.Value.IndicatorID == id {
		return res.Value
	}
	return valueForm{}
}
