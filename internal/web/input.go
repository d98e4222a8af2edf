package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/cyberaid/cyberaid/internal/model"
)

// checkText refuses what neither database stores as text: PostgreSQL
// rejects a NUL byte and invalid UTF-8 outright (a 500 if it got that far),
// while SQLite would keep them. Refusing them while decoding answers both
// the same way, naming the field.
func checkText(field, s string) error {
	if !utf8.ValidString(s) {
		return model.Invalid(field, "is not valid UTF-8 text")
	}
	if strings.IndexByte(s, 0) >= 0 {
		return model.Invalid(field, "contains a NUL character, which no text may hold")
	}
	return nil
}

// checkRequestText checks every path value and query parameter of a routed
// request. The route wrappers call it, so that no handler can forget it.
func checkRequestText(r *http.Request) error {
	for _, name := range wildcards(r.Pattern) {
		if err := checkText(name, r.PathValue(name)); err != nil {
			return err
		}
	}
	return checkValues(r.URL.Query())
}

// checkValues checks query parameters or form fields, in a stable order so
// that the same request always names the same field.
func checkValues(vs url.Values) error {
	names := make([]string, 0, len(vs))
	for name := range vs {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := checkText("parameter", name); err != nil {
			return err
		}
		for _, v := range vs[name] {
			if err := checkText(name, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// wildcards are the names of a route pattern's path wildcards, "{id}" or
// "{rest...}"; "{$}" names none.
func wildcards(pattern string) []string {
	var names []string
	for {
		i := strings.IndexByte(pattern, '{')
		if i < 0 {
			return names
		}
		j := strings.IndexByte(pattern[i:], '}')
		if j < 0 {
			return names
		}
		name := strings.TrimSuffix(pattern[i+1:i+j], "...")
		if name != "$" && name != "" {
			names = append(names, name)
		}
		pattern = pattern[i+j+1:]
	}
}

// checkJSONText names the field of the first string in a JSON body (key or
// value) that is not valid UTF-8 or holds a NUL. encoding/json would
// silently replace invalid bytes and pass "\u0000" on, so the raw body is
// read token by token. A body that is not JSON at all is left to the
// decoder, which says where it breaks.
func checkJSONText(body []byte) error {
	bad := -1
	if !utf8.Valid(body) {
		for i := 0; i < len(body); {
			r, n := utf8.DecodeRune(body[i:])
			if r == utf8.RuneError && n <= 1 {
				bad = i
				break
			}
			i += n
		}
	}
	if bad < 0 && !bytes.Contains(body, []byte(`\u0000`)) {
		return nil
	}
	type frame struct {
		object    bool
		expectKey bool
		key       string
	}
	var stack []frame
	path := func(extra string) string {
		var parts []string
		for _, f := range stack {
			if f.object && f.key != "" {
				parts = append(parts, f.key)
			}
		}
		if extra != "" {
			parts = append(parts, extra)
		}
		return strings.Join(parts, ".")
	}
	// afterValue marks the enclosing object as waiting for its next key.
	afterValue := func() {
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].expectKey = true
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			if bad >= 0 && bad >= int(start) {
				return model.Invalid(path(""), "is not valid UTF-8 text")
			}
			return nil
		}
		end := dec.InputOffset()
		hit := bad >= int(start) && bad < int(end)
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, frame{object: true, expectKey: true})
			case '[':
				stack = append(stack, frame{})
			default:
				stack = stack[:len(stack)-1]
				afterValue()
			}
		case string:
			top := len(stack) - 1
			if top >= 0 && stack[top].object && stack[top].expectKey {
				if hit || strings.IndexByte(t, 0) >= 0 {
					return checkTextOr(path(""), t, hit)
				}
				stack[top].key, stack[top].expectKey = t, false
				continue
			}
			if hit || strings.IndexByte(t, 0) >= 0 {
				return checkTextOr(path(""), t, hit)
			}
			afterValue()
		default:
			afterValue()
		}
	}
}

// checkTextOr reports the fault of a decoded string, or invalid UTF-8 when
// the raw bytes held it (the decoder has already replaced them).
func checkTextOr(field, s string, badBytes bool) error {
	if badBytes {
		return model.Invalid(field, "is not valid UTF-8 text")
	}
	return checkText(field, s)
}
