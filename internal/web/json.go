package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/cyberaid/cyberaid/internal/model"
)

const maxBody = 1 << 20

var (
	errBodyTooLarge     = errors.New("body too large")
	errMethodNotAllowed = errors.New("method not allowed")
)

// decode reads one JSON object into dst, refusing unknown fields so that a
// misspelt field is an error rather than silently ignored.
func decode(r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		// A prefix test would take application/jsonx; parameters such as
		// charset are allowed, JSON being UTF-8 anyway.
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return model.Invalid("", "send the body as application/json (the Content-Type was %q)", ct)
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return errBodyTooLarge
	}
	if err != nil {
		return model.Invalid("", "the body could not be read")
	}
	if err := checkJSONText(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return model.Invalid("", "the request body is empty; send a JSON object")
		case errors.Is(err, io.ErrUnexpectedEOF):
			return model.Invalid("", "the body ends before its JSON does")
		case errors.As(err, &syn):
			return model.Invalid("", "the body is not valid JSON (at byte %d)", syn.Offset)
		case errors.As(err, &typ):
			return model.Invalid(typ.Field, "must be a %s", jsonType(typ.Type.String()))
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			// encoding/json quotes the name as Go does; the field is the
			// name the body wrote, not its escaped spelling.
			quoted := strings.TrimPrefix(err.Error(), "json: unknown field ")
			field, uerr := strconv.Unquote(quoted)
			if uerr != nil {
				field = strings.Trim(quoted, `"`)
			}
			return model.Invalid(field, "is not a field of this request")
		default:
			// Text fields that fail their own parsing (dates) say why.
			return model.Invalid("", "%s", strings.TrimPrefix(err.Error(), "json: "))
		}
	}
	if dec.More() {
		return model.Invalid("", "send one JSON object, not several")
	}
	return nil
}

func jsonType(goType string) string {
	switch {
	case strings.HasSuffix(goType, "model.Date"):
		return "date in the form YYYY-MM-DD, from " + model.MinDate.String() + " to " + model.MaxDate.String()
	case strings.Contains(goType, "int"):
		return "whole number"
	case strings.Contains(goType, "string"), strings.Contains(goType, "model."):
		return "string"
	case strings.HasPrefix(goType, "[]"), strings.HasPrefix(goType, "*[]"):
		return "list"
	case strings.Contains(goType, "bool"):
		return "true or false"
	}
	return "value of another type"
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	return enc.Encode(v)
}

// list is the envelope of every list: items and the cursor of the next page.
type list[T any] struct {
	Items []T     `json:"items"`
	Next  *string `json:"next"`
}

func newList[T any](items []T, next string) list[T] {
	if items == nil {
		items = []T{}
	}
	l := list[T]{Items: items}
	if next != "" {
		l.Next = &next
	}
	return l
}

// pageParams reads ?cursor= and ?limit= of a list whose cursor is a record
// id, as every keyset-paged list's is.
func pageParams(r *http.Request) (cursor string, limit int, err error) {
	return readPage(r, isID)
}

// readPage is the one reader of ?cursor= and ?limit=: limit a whole number
// from 1 to model.MaxPage (absent: model.MaxPage), cursor one the list
// could have given, as valid says (absent: the first page). Anything else
// is 400 naming the parameter, before any database sees it.
func readPage(r *http.Request, valid func(string) bool) (cursor string, limit int, err error) {
	q := r.URL.Query()
	if s, ok := q["limit"]; ok {
		limit, err = strconv.Atoi(s[0])
		if err != nil || limit < 1 || limit > model.MaxPage || len(s) > 1 {
			return "", 0, model.Invalid("limit", "must be one whole number from 1 to %d", model.MaxPage)
		}
	}
	if c, ok := q["cursor"]; ok {
		if len(c) > 1 || !valid(c[0]) {
			return "", 0, model.BadCursor()
		}
		cursor = c[0]
	}
	return cursor, limit, nil
}

// isID reports whether s has the form of the ids the store gives, a UUID
// in lower-case canonical text.
func isID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return false
			}
		}
	}
	return true
}
