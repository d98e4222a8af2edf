package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
)

// apiError is the body of every error the API answers.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter time.Duration `json:"-"`
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
