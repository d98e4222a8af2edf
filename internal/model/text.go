package model

import (
	"strings"
	"unicode/utf8"
)

// Text limits shared by every form and API field.
const (
	MaxTitle       = 200
	MaxDescription = 10000
	MaxComment     = 4000
	MaxShort       = 80
)

// CleanText trims s and checks it against the field's limits; min 0 makes
// the field optional.
func CleanText(field, s string, min, max int) (string, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		return "", Invalid(field, "is not valid UTF-8 text")
	}
	n := utf8.RuneCountInString(s)
	if n < min {
		if min == 1 {
			return "", Invalid(field, "is required")
		}
		return "", Invalid(field, "needs at least %d characters", min)
	}
	if n > max {
		return "", Invalid(field, "is %d characters long; the limit is %d", n, max)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\r' && r != '\t' }) {
		return "", Invalid(field, "contains control characters")
	}
	return s, nil
}
