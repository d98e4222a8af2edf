// Package model holds the nouns of cyberaid (organisations, users, requirements,
// pledges, audit events), their codes, and the errors every layer speaks.
// It has no dependencies on storage or transport.
package model

import (
	"errors"
	"fmt"
	"time"
)

// The sentinels are declared once here; the web layer maps each to an HTTP
// status and a safe message, and every other layer wraps them.
var (
	ErrNotFound        = errors.New("not found")
	ErrUnauthenticated = errors.New("sign-in required")
	ErrForbidden       = errors.New("not allowed")
	ErrConflict        = errors.New("conflicts with the current state")
	ErrInvalid         = errors.New("invalid input")
	ErrRule            = errors.New("breaks a rule")
	ErrRateLimited     = errors.New("too many attempts")
)

// FieldError names the field at fault. Kind is ErrInvalid for malformed
// input (400) or ErrRule for a rule the input breaks (422).
type FieldError struct {
	Kind    error
	Field   string
	Code    string
	Message string
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

func (e *FieldError) Unwrap() error { return e.Kind }

// Invalid reports malformed input in one field.
func Invalid(field, format string, args ...any) error {
	return &FieldError{Kind: ErrInvalid, Field: field, Code: "invalid_" + codeOf(field), Message: fmt.Sprintf(format, args...)}
}

// Broken reports input that is well formed but breaks a domain rule.
func Broken(field, code, format string, args ...any) error {
	return &FieldError{Kind: ErrRule, Field: field, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Throttled is ErrRateLimited with how long the client should wait before
// trying again (sent as Retry-After).
type Throttled struct {
	Code       string
	Message    string
	RetryAfter time.Duration
}

func (e *Throttled) Error() string { return e.Message }
func (e *Throttled) Unwrap() error { return ErrRateLimited }

// StateError reports an action the state machine does not allow now.
type StateError struct {
	Code    string
	Message string
}

func (e *StateError) Error() string { return e.Message }
func (e *StateError) Unwrap() error { return ErrConflict }

// Conflict reports a state-machine conflict (409).
func Conflict(code, format string, args ...any) error {
	return &StateError{Code: code, Message: fmt.Sprintf(format, args...)}
}

func codeOf(field string) string {
	if field == "" {
		return "input"
	}
	return field
}

// ErrDuplicate is returned by the store when a unique key is taken; services
// turn it into a FieldError when they know which field the user must change.
var ErrDuplicate = errors.New("already exists")

// Required is one field a request must carry.
type Required struct {
	Field   string
	Missing bool
}

// CheckRequired names the first missing field, in the order given, so that
// the same request always gets the same answer.
func CheckRequired(fields ...Required) error {
	for _, f := range fields {
		if f.Missing {
			return Invalid(f.Field, "is required")
		}
	}
	return nil
}

// BadCursor refuses a page cursor that no page of the list could have given.
func BadCursor() error {
	return Invalid("cursor", "is not the next of a page of this list; start again without a cursor")
}

// Unexpected names the use case of an error that is not a domain error (a
// failed database statement, say), for the log that records it; a domain
// error is returned as it is, since its message is what the caller is
// shown. Either way errors.Is and errors.As find what they found before.
// The message must not hold facts of a record the caller may not see.
func Unexpected(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	for _, domain := range []error{ErrNotFound, ErrUnauthenticated, ErrForbidden, ErrConflict, ErrInvalid, ErrRule, ErrRateLimited, ErrDuplicate} {
		if errors.Is(err, domain) {
			return err
		}
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}
