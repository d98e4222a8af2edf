package web

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/cyberaid/cyberaid/internal/i18n"
	"github.com/cyberaid/cyberaid/internal/model"
)

// apiError is the body of every error the API answers.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// Fields are every field at fault when there are several; the first
	// is the error itself.
	Fields []apiFieldError `json:"-"`
	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter time.Duration `json:"-"`
}

// apiFieldError is one field at fault, in the answer's "errors" list.
type apiFieldError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// localized words e's message, and each field's, in l's language. The
// code and field never change with the language.
func (e apiError) localized(l *i18n.Localizer, err error) apiError {
	e.Message = sentenceOf(l, err)
	if list := model.FieldErrorsOf(err); len(list) > 1 {
		for _, fe := range list {
			e.Fields = append(e.Fields, apiFieldError{Code: fe.Code, Message: fieldSentence(l, fe), Field: fe.Field})
		}
	}
	return e
}

// setRetryAfter tells a refused client how many whole seconds to wait.
func setRetryAfter(w http.ResponseWriter, d time.Duration) {
	if d > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((d+time.Second-1)/time.Second)))
	}
}

// errorFor maps a domain error to what the client is told. The sentinels
// are declared once in package model; anything unknown is a 500 whose
// detail stays in the log.
func errorFor(err error) apiError {
	var fe *model.FieldError
	var se *model.StateError
	var th *model.Throttled
	switch {
	case errors.As(err, &th):
		return apiError{Status: http.StatusTooManyRequests, Code: th.Code, Message: th.Message, RetryAfter: th.RetryAfter}
	case errors.As(err, &fe):
		status := http.StatusBadRequest
		switch {
		case errors.Is(fe.Kind, model.ErrRule):
			status = http.StatusUnprocessableEntity
		case errors.Is(fe.Kind, model.ErrUnauthenticated):
			status = http.StatusUnauthorized
		case errors.Is(fe.Kind, model.ErrForbidden):
			status = http.StatusForbidden
		case errors.Is(fe.Kind, model.ErrNotFound):
			status = http.StatusNotFound
		case errors.Is(fe.Kind, model.ErrConflict), errors.Is(fe.Kind, model.ErrDuplicate):
			status = http.StatusConflict
		}
		return apiError{Status: status, Code: fe.Code, Message: fe.Error(), Field: fe.Field}
	case errors.As(err, &se):
		return apiError{Status: http.StatusConflict, Code: se.Code, Message: se.Message}
	case errors.Is(err, model.ErrNotFound):
		return apiError{Status: http.StatusNotFound, Code: "not_found", Message: "no such record, or you may not see it"}
	case errors.Is(err, model.ErrUnauthenticated):
		return apiError{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: "sign in first"}
	case errors.Is(err, model.ErrForbidden):
		return apiError{Status: http.StatusForbidden, Code: "forbidden", Message: "your role does not allow this"}
	case errors.Is(err, model.ErrRateLimited):
		return apiError{Status: http.StatusTooManyRequests, Code: "rate_limited", Message: "too many failed attempts; wait a quarter of an hour and try again"}
	case errors.Is(err, model.ErrInvalid):
		return apiError{Status: http.StatusBadRequest, Code: "invalid", Message: err.Error()}
	case errors.Is(err, model.ErrRule):
		return apiError{Status: http.StatusUnprocessableEntity, Code: "rule", Message: err.Error()}
	case errors.Is(err, model.ErrDuplicate):
		return apiError{Status: http.StatusConflict, Code: "duplicate", Message: "that record already exists"}
	case errors.Is(err, model.ErrConflict):
		return apiError{Status: http.StatusConflict, Code: "conflict", Message: err.Error()}
	case errors.Is(err, errMethodNotAllowed):
		return apiError{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed", Message: "this path does not take that method"}
	case errors.Is(err, errBodyTooLarge):
		return apiError{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: "the request body is too large"}
	}
	return apiError{Status: http.StatusInternalServerError, Code: "internal", Message: "something went wrong on our side; it has been logged"}
}

// statusClientClosed is the status recorded for a request its client
// abandoned before the answer (nginx's 499): nobody reads it, but the access
// log and the metrics must not count it as a fault of ours.
const statusClientClosed = 499

// abandoned reports whether err is only the echo of the client going away:
// its request's context was cancelled, and the work stopped because of it.
// A deadline of our own, or a failure that merely coincides, stays a 5xx.
func abandoned(r *http.Request, err error) bool {
	return errors.Is(r.Context().Err(), context.Canceled) && errors.Is(err, context.Canceled)
}

// answerAbandoned records a request its client abandoned, at info level.
func (s *Server) answerAbandoned(w http.ResponseWriter, r *http.Request, err error) {
	s.log.InfoContext(r.Context(), "request abandoned by its client", "method", r.Method, "path", r.URL.Path, "err", err)
	w.WriteHeader(statusClientClosed)
}

// logError logs server faults only: client mistakes are not errors of ours.
func (s *Server) logError(r *http.Request, err error, e apiError) {
	switch {
	case errors.Is(err, errPanicked):
		// observe has logged it, with the stack.
	case e.Status >= 500:
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	default:
		s.log.DebugContext(r.Context(), "request refused", "method", r.Method, "path", r.URL.Path, "status", e.Status, "err", err)
	}
}

// sentenceOf words an error for people, always as a full sentence of the
// catalogue in l's language; the English wording the services give stays
// in the logs. A field error is worded, most specific first, by its
// sentence for that field (error.msg.ID.FIELD), the code's own sentence
// (error.code.CODE), the wording's sentence (error.msg.ID), and at last a
// sentence naming the field.
func sentenceOf(l *i18n.Localizer, err error) string {
	var fe *model.FieldError
	var se *model.StateError
	var th *model.Throttled
	switch {
	case errors.As(err, &th):
		if id := "error.code." + th.Code; l.Has(id) {
			return l.T(id)
		}
		return l.T("error.sentinel.rate_limited")
	case errors.As(err, &fe):
		return fieldSentence(l, fe)
	case errors.As(err, &se):
		if id := "error.code." + se.Code; l.Has(id) {
			return l.T(id)
		}
		if id := "error.msg." + se.MessageID; se.MessageID != "" && l.Has(id) {
			return l.T(id, sentenceData(l, "", se.Data))
		}
		return l.T("error.sentinel.conflict")
	}
	return l.T("error.sentinel." + sentinelOf(err))
}

func fieldSentence(l *i18n.Localizer, fe *model.FieldError) string {
	data := sentenceData(l, fe.Field, fe.Data)
	if fe.MessageID != "" {
		_, field := itemField(fe.Field)
		if id := "error.msg." + fe.MessageID + "." + field; l.Has(id) {
			return l.T(id, data)
		}
	}
	if id := "error.code." + fe.Code; l.Has(id) {
		return l.T(id, data)
	}
	if id := "error.msg." + fe.MessageID; fe.MessageID != "" && l.Has(id) {
		return l.T(id, data)
	}
	if errors.Is(fe.Kind, model.ErrRule) {
		return l.T("error.msg.field_rule", data)
	}
	if errors.Is(fe.Kind, model.ErrInvalid) {
		return l.T("error.msg.field_invalid", data)
	}
	return l.T("error.sentinel." + sentinelOf(fe.Kind))
}

// sentenceData fills a sentence: the field in words (error.field.NAME, or
// its name when the catalogue has none, as for a JSON field the request
// made up) and the arguments, an error among them worded in turn.
func sentenceData(l *i18n.Localizer, field string, in map[string]any) map[string]any {
	data := make(map[string]any, len(in)+1)
	for k, v := range in {
		if err, ok := v.(error); ok {
			v = sentenceOf(l, err)
		}
		data[k] = v
	}
	data["Field"] = fieldWords(l, field)
	return data
}

// fieldWords names a field in l's language: error.field.NAME, or its name
// when the catalogue has none, as for a JSON field the request made up. A
// field of an item of a list ("items[3].comment") is named as that field
// of that item.
func fieldWords(l *i18n.Localizer, field string) string {
	if item, inner := itemField(field); item != "" {
		return l.T("error.field.item", map[string]any{"Field": fieldWords(l, inner), "N": item})
	}
	if id := "error.field." + field; l.Has(id) {
		return l.T(id)
	}
	return strings.ReplaceAll(field, "_", " ")
}

// itemField splits "items[3].comment" into the item's place ("3") and the
// field within it; a field of no item has no place.
func itemField(field string) (place, inner string) {
	m := itemFieldPattern.FindStringSubmatch(field)
	if m == nil {
		return "", field
	}
	return m[1], m[2]
}

var itemFieldPattern = regexp.MustCompile(`^[a-z_]+\[(\d+)\]\.(.+)$`)

// sentinelOf names the catalogue sentence (error.sentinel.NAME) of an
// error that carries no wording of its own.
func sentinelOf(err error) string {
	switch {
	case errors.Is(err, model.ErrNotFound):
		return "not_found"
	case errors.Is(err, model.ErrUnauthenticated):
		return "unauthenticated"
	case errors.Is(err, model.ErrForbidden):
		return "forbidden"
	case errors.Is(err, model.ErrRateLimited):
		return "rate_limited"
	case errors.Is(err, model.ErrInvalid):
		return "invalid"
	case errors.Is(err, model.ErrRule):
		return "rule"
	case errors.Is(err, model.ErrDuplicate):
		return "duplicate"
	case errors.Is(err, model.ErrConflict):
		return "conflict"
	case errors.Is(err, errMethodNotAllowed):
		return "method_not_allowed"
	case errors.Is(err, errBodyTooLarge):
		return "too_large"
	}
	return "internal"
}
