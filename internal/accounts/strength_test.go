package accounts_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/model"
)

func TestPasswordStrength(t *testing.T) {
	ctx := accounts.PasswordContext{Email: "olena.kovalenko@cert.gov.ua", Name: "Olena Kovalenko", OrgName: "Computer Emergency Response Team"}
	cases := []struct {
		password string
		code     string // "" when the password is good
	}{
		{"correct horse battery staple", ""},
		{"harbour lantern mosaic 2026", ""},
		{"short", "invalid_password"},
		{strings.Repeat("x", accounts.MaxPassword+1), "invalid_password"},
		{"aaaaaaaaaaaa", "password_repeats"},
		{"password1234", "password_common"},
		{"1234Password!", "password_common"},
		{"qwertyuiop12", "password_common"},
		{"abcdefghijklmn", "password_sequence"},
		{"zxcvbnm,./asdf", "password_keyboard"},
		{"olena.kovalenko@cert.gov.ua", "password_has_email"},
		{"olenakovalenko", "password_has_name"},
		{"computeremergency", "password_has_organisation"},
		{"cyberaid1234", "password_has_service"},
		{"sunshinemonkey", "password_common"},
		{"19.05.1987", "invalid_password"},
	}
	for _, c := range cases {
		err := accounts.CheckNewPassword(c.password, ctx)
		var fe *model.FieldError
		switch {
		case c.code == "" && err != nil:
			t.Errorf("%q refused: %v", c.password, err)
		case c.code != "" && (!errors.As(err, &fe) || fe.Code != c.code || fe.Field != "password"):
			t.Errorf("%q: got %v, want %s", c.password, err, c.code)
		case c.code != "" && strings.HasPrefix(c.code, "password_") && !strings.HasPrefix(fe.Message, "This password is too easy to guess: ") || (fe != nil && !strings.HasSuffix(fe.Message, ".") && c.code != "invalid_password"):
			t.Errorf("%q: message %q is not a full sentence", c.password, fe.Message)
		}
	}
}

// The passwords the tests and the demonstration use must pass the rules
// they are set under.
func TestKnownPasswordsAreStrong(t *testing.T) {
	for _, pw := range []string{"correct horse battery staple", password} {
		if err := accounts.CheckNewPassword(pw, accounts.PasswordContext{Email: "donor@test.example", Name: "donor", OrgName: "United States"}); err != nil {
			t.Errorf("%q: %v", pw, err)
		}
	}
}
