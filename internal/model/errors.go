// Package model holds the nouns of cyberaid (organisations, users, requirements,
// pledges, audit events), their codes, and the errors every layer speaks.
// It has no dependencies on storage or transport.
package model

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
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
// input (400) or ErrRule for a rule the input breaks (422). Message is the
// English wording for logs; people read the catalogue sentence MessageID
// (error.msg.MessageID) filled with Data, in their own language.
type FieldError struct {
	Kind      error
	Field     string
	Code      string
	Message   string
	MessageID string
	// Data fills the sentence: V1, V2… are the wording's arguments in
	// order, already formatted; an argument that is an error stays one, so
	// that it is worded in the reader's language too.
	Data map[string]any
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

func (e *FieldError) Unwrap() error { return e.Kind }

// Invalid reports malformed input in one field. format is the English
// wording; messageIDs maps it to the catalogue sentence people read.
func Invalid(field, format string, args ...any) error {
	return &FieldError{Kind: ErrInvalid, Field: field, Code: "invalid_" + codeOf(field), Message: fmt.Sprintf(format, args...),
		MessageID: messageIDs[format], Data: dataOf(format, args)}
}

// Broken reports input that is well formed but breaks a domain rule.
func Broken(field, code, format string, args ...any) error {
	return &FieldError{Kind: ErrRule, Field: field, Code: code, Message: fmt.Sprintf(format, args...),
		MessageID: messageIDs[format], Data: dataOf(format, args)}
}

// InvalidMsg reports malformed input with a catalogue sentence of its own
// (error.msg.id), filled with data; the sentence is also the log's text.
func InvalidMsg(field, id string, data map[string]any) error {
	return &FieldError{Kind: ErrInvalid, Field: field, Code: "invalid_" + codeOf(field), Message: id + dataText(data), MessageID: id, Data: data}
}

// BrokenMsg is Broken with a catalogue sentence of its own.
func BrokenMsg(field, code, id string, data map[string]any) error {
	return &FieldError{Kind: ErrRule, Field: field, Code: code, Message: id + dataText(data), MessageID: id, Data: data}
}

func dataText(data map[string]any) string {
	if len(data) == 0 {
		return ""
	}
	return fmt.Sprint(" ", data)
}

// MessageIDOf names the catalogue sentence of an English wording, "" when
// there is none; the catalogue test checks every wording in the sources.
func MessageIDOf(format string) string { return messageIDs[format] }

// dataOf formats each argument as its verb in format would, so that a
// precision ("%.12q") still cuts a long value short; quotes are left to
// the catalogue, whose languages quote differently. Lists are joined with
// commas, and errors are kept to be worded in the reader's language.
func dataOf(format string, args []any) map[string]any {
	if len(args) == 0 {
		return nil
	}
	verbs := verbsOf(format)
	data := make(map[string]any, len(args))
	for i, a := range args {
		key := fmt.Sprintf("V%d", i+1)
		verb := "%v"
		if i < len(verbs) {
			verb = verbs[i]
		}
		if r, ok := a.(rune); ok && strings.HasSuffix(verb, "q") {
			data[key] = string(r)
			continue
		}
		verb = strings.Replace(verb, "q", "s", 1)
		switch v := a.(type) {
		case error:
			data[key] = v
			continue
		case fmt.Stringer:
			data[key] = fmt.Sprintf(verb, v.String())
			continue
		}
		if rv := reflect.ValueOf(a); rv.Kind() == reflect.Slice {
			parts := make([]string, rv.Len())
			for j := range parts {
				parts[j] = fmt.Sprint(rv.Index(j).Interface())
			}
			data[key] = strings.Join(parts, ", ")
			continue
		}
		data[key] = fmt.Sprintf(verb, a)
	}
	return data
}

// verbsOf lists the verbs of a format ("%d", "%.12q"), skipping "%%".
func verbsOf(format string) []string {
	var verbs []string
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		j := i + 1
		for j < len(format) && strings.IndexByte("+-# 0123456789.", format[j]) >= 0 {
			j++
		}
		if j < len(format) && format[j] != '%' {
			verbs = append(verbs, format[i:j+1])
		}
		i = j
	}
	return verbs
}

// FieldErrors are every field at fault in one command, in the order of
// the input, so that a form can list them all at once. errors.As finds the
// first (the one an API answer names as its error), and errors.Is reports
// ErrInvalid or ErrRule when any of them is.
type FieldErrors []*FieldError

func (es FieldErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

func (es FieldErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Collect joins the errors of the checks of one command: nil when none
// failed, a single error as it is, several field errors as FieldErrors
// (one per field, the first kept). An error that is not about a field (a
// hidden record, a fault) wins over field errors, since answering it is
// what the caller needs first.
func Collect(errs ...error) error {
	var fields FieldErrors
	seen := map[string]bool{}
	for _, err := range errs {
		if err == nil {
			continue
		}
		var list FieldErrors
		var fe *FieldError
		switch {
		case errors.As(err, &list):
		case errors.As(err, &fe) && fe == err:
			list = FieldErrors{fe}
		default:
			return err
		}
		for _, fe := range list {
			if !seen[fe.Field] {
				seen[fe.Field] = true
				fields = append(fields, fe)
			}
		}
	}
	switch len(fields) {
	case 0:
		return nil
	case 1:
		return fields[0]
	}
	return fields
}

// FieldErrorsOf lists every field error in err, first to last.
func FieldErrorsOf(err error) []*FieldError {
	var list FieldErrors
	if errors.As(err, &list) {
		return list
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		return []*FieldError{fe}
	}
	return nil
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
// Message is the English wording for logs; people read MessageID.
type StateError struct {
	Code      string
	Message   string
	MessageID string
	Data      map[string]any
}

func (e *StateError) Error() string { return e.Message }
func (e *StateError) Unwrap() error { return ErrConflict }

// Conflict reports a state-machine conflict (409).
func Conflict(code, format string, args ...any) error {
	return &StateError{Code: code, Message: fmt.Sprintf(format, args...), MessageID: messageIDs[format], Data: dataOf(format, args)}
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

// CheckRequired names every missing field, in the order given, so that
// the same request always gets the same answer and a form can mark them
// all at once.
func CheckRequired(fields ...Required) error {
	var errs []error
	for _, f := range fields {
		if f.Missing {
			errs = append(errs, Invalid(f.Field, "is required"))
		}
	}
	return Collect(errs...)
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

// AtField makes err, an error about a record rather than a field (not
// found, forbidden, a state conflict), the fault of field, for a command
// that lists the faults of several records by field. Its kind, code and
// wording stay err's.
func AtField(field string, err error) error {
	var fe *FieldError
	if errors.As(err, &fe) {
		c := *fe
		c.Field = field
		return &c
	}
	var se *StateError
	if errors.As(err, &se) {
		return &FieldError{Kind: ErrConflict, Field: field, Code: se.Code, Message: se.Message, MessageID: se.MessageID, Data: se.Data}
	}
	for _, k := range []struct {
		err  error
		code string
	}{{ErrNotFound, "not_found"}, {ErrForbidden, "forbidden"}, {ErrDuplicate, "duplicate"}, {ErrConflict, "conflict"}, {ErrRule, "rule"}, {ErrInvalid, "invalid"}} {
		if errors.Is(err, k.err) {
			return &FieldError{Kind: k.err, Field: field, Code: k.code, Message: k.err.Error()}
		}
	}
	return err
}
