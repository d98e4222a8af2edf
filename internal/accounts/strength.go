package accounts

import (
	"strings"
	"sync"
	"unicode"

	"github.com/trustelem/zxcvbn"
	"github.com/trustelem/zxcvbn/frequency"

	"github.com/cyberaid/cyberaid/internal/model"
)

// PasswordContext is what a guesser may know about an account: a password
// made of these words is easier to guess than its length suggests.
type PasswordContext struct {
	Email   string
	Name    string
	OrgName string
}

// MinPasswordScore is zxcvbn's score (0–4) a new password must reach: 3 is
// "safely unguessable" against an online attack and well beyond it, about
// 10^8 guesses or more.
const MinPasswordScore = 3

// zxcvbnLimit is how much of a password the estimator reads: its cost grows
// faster than the length, and a passphrase this long is strong on its own
// unless its start is weak, which the estimate of the start still shows.
const zxcvbnLimit = 100

// serviceWords are the names of this service: a password built on them is
// among the first an attacker tries here.
var serviceWords = []string{"cyberaid", "tallinn mechanism", "tallinnmechanism"}

// commonPasswords is the blocklist: the passwords most often found in
// breaches (zxcvbn's list, itself drawn from leaked password sets).
var commonPasswords = sync.OnceValue(func() map[string]bool {
	list := frequency.FrequencyLists["passwords"]
	m := make(map[string]bool, len(list))
	for _, p := range list {
		m[p] = true
	}
	return m
})

func weak(code, reason string) error {
	return model.Broken("password", code, "This password is too easy to guess: %s", reason)
}

// CheckNewPassword applies NIST SP 800-63B to a password being set: a
// length of MinPassword to MaxPassword characters, not a common password
// (also with digits or symbols added around it), and an estimated strength
// of at least MinPasswordScore, counting the account's e-mail address,
// name and organisation as words a guesser knows.
func CheckNewPassword(password string, c PasswordContext) error {
	if n := len([]rune(password)); n < MinPassword || n > MaxPassword {
		return model.Invalid("password", "must be between %d and %d characters", MinPassword, MaxPassword)
	}
	lower := strings.ToLower(strings.TrimSpace(password))
	core := strings.TrimFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) })
	if commonPasswords()[lower] || (len(core) >= 4 && commonPasswords()[core]) {
		return weak("password_common", "it is a common password.")
	}
	words, kinds := contextWords(c)
	estimated := password
	if r := []rune(password); len(r) > zxcvbnLimit {
		estimated = string(r[:zxcvbnLimit])
	}
	res := zxcvbn.PasswordStrength(estimated, words)
	if res.Score >= MinPasswordScore {
		return nil
	}
	// The reason is the weakest part zxcvbn found, most telling first.
	has := map[string]bool{}
	for _, m := range res.Sequence {
		switch m.Pattern {
		case "dictionary":
			if m.DictionaryName == "user_inputs" {
				has[kinds[m.MatchedWord]] = true
			} else if m.DictionaryName == "passwords" {
				has["common"] = true
			}
		default:
			has[m.Pattern] = true
		}
	}
	switch {
	case has["email"]:
		return weak("password_has_email", "it contains your e-mail address.")
	case has["name"]:
		return weak("password_has_name", "it contains your name.")
	case has["organisation"]:
		return weak("password_has_organisation", "it contains your organisation's name.")
	case has["service"]:
		return weak("password_has_service", "it contains the name of this service.")
	case has["repeat"]:
		return weak("password_repeats", "it repeats characters or words, such as aaaa or abcabc.")
	case has["sequence"]:
		return weak("password_sequence", "it is a sequence, such as abcd or 4321.")
	case has["spatial"]:
		return weak("password_keyboard", "it is a pattern of neighbouring keys, such as qwerty.")
	case has["common"]:
		return weak("password_common", "it is made of common passwords.")
	case has["date"]:
		return weak("password_date", "it is mostly a date or a year.")
	}
	return weak("password_guessable", "it is made of common words or names. Use a longer passphrase of several unrelated words.")
}

// contextWords returns the words a guesser knows of the account, for
// zxcvbn, and which part of the account each one comes from.
func contextWords(c PasswordContext) ([]string, map[string]string) {
	var words []string
	kinds := map[string]string{}
	add := func(kind, w string) {
		w = strings.ToLower(strings.TrimSpace(w))
		if len([]rune(w)) < 3 || kinds[w] != "" {
			return
		}
		kinds[w] = kind
		words = append(words, w)
	}
	split := func(s string) []string {
		return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	}
	// A word of the name found in the address too is reported as the name.
	local, domain, _ := strings.Cut(c.Email, "@")
	add("email", c.Email)
	add("email", local)
	add("email", domain)
	add("name", c.Name)
	for _, w := range split(c.Name) {
		add("name", w)
	}
	add("organisation", c.OrgName)
	add("organisation", strings.Join(split(c.OrgName), ""))
	for _, w := range split(c.OrgName) {
		add("organisation", w)
	}
	for _, w := range split(c.Email) {
		add("email", w)
	}
	for _, w := range serviceWords {
		add("service", w)
	}
	return words, kinds
}
