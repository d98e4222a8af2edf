package web

import (
	"encoding/json"
	"errors"
	"io"
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
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return model.Invalid("", "send the body as application/json")
	}
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			return errBodyTooLarge
		case errors.Is(err, io.EOF):
			return model.Invalid("", "the request body is empty; send a JSON object")
		case errors.Is(err, io.ErrUnexpectedEOF):
			return model.Invalid("", "the body ends before its JSON does")
		case errors.As(err, &syn):
			return model.Invalid("", "the body is not valid JSON (at byte %d)", syn.Offset)
		case errors.As(err, &typ):
			return model.Invalid(typ.Field, "must be a %s", jsonType(typ.Type.String()))
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
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
		return "date in the form YYYY-MM-DD"
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

// pageParams reads ?cursor= and ?limit=.
func pageParams(r *http.Request) (cursor string, limit int, err error) {
	cursor = r.URL.Query().Get("cursor")
	if s := r.URL.Query().Get("limit"); s != "" {
		limit, err = strconv.Atoi(s)
		if err != nil || limit < 1 || limit > 200 {
			return "", 0, model.Invalid("limit", "must be a whole number from 1 to 200")
		}
	}
	return cursor, limit, nil
}
