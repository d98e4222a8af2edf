package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/cyberaid/cyberaid/internal/accounts"
	"github.com/cyberaid/cyberaid/internal/audit"
	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/money"
	"github.com/cyberaid/cyberaid/internal/organisations"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/rates"
)

// describe turns a domain error into a line an operator can act on.
func describe(err error) error {
	var fe *model.FieldError
	if errors.As(err, &fe) && fe.Field != "" {
		flagName := "--" + strings.ReplaceAll(strings.TrimSuffix(fe.Field, "_id"), "_", "-")
		if strings.HasPrefix(fe.Message, "is ") || strings.HasPrefix(fe.Message, "must ") {
			return fmt.Errorf("%s %s", flagName, fe.Message)
		}
		return fmt.Errorf("%s: %s", flagName, fe.Message)
	}
	return err
}

func (e *env) orgAdd(args []string) error {
	fs, db := newFlagSet("org add", e)
	name := fs.String("name", "", "organisation name")
	kind := fs.String("kind", "", "state, international_org, private_company, ngo or beneficiary_agency")
	part := fs.String("participation", "", "member, observer, applicant, contributor, beneficiary or former")
	country := fs.String("country", "", "ISO 3166-1 alpha-2 country code")
	nameUK := fs.String("name-uk", "", "organisation name in Ukrainian (optional)")
	nameFR := fs.String("name-fr", "", "organisation name in French (optional)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := model.CheckRequired(
		model.Required{Field: "name", Missing: *name == ""},
		model.Required{Field: "kind", Missing: *kind == ""},
		model.Required{Field: "participation", Missing: *part == ""},
	); err != nil {
		return usageError{describe(err).Error()}
	}
	a, done, err := e.openApp(db)
	if err != nil {
		return err
	}
	defer done()
	k, p := model.OrgKind(*kind), model.Participation(*part)
	o, err := a.Organisations.Create(e.ctx, policy.System(), organisations.Input{Name: name, Kind: &k, Participation: &p, Country: country, NameUK: nameUK, NameFR: nameFR})
	if err != nil {
		return describe(err)
	}
	fmt.Fprintln(e.stdout, o.ID)
	return nil
}

func (e *env) userAdd(args []string) error {
	fs, db := newFlagSet("user add", e)
	org := fs.String("org", "", "id of the user's organisation")
	email := fs.String("email", "", "e-mail address, used to sign in")
	name := fs.String("name", "", "full name")
	roles := fs.String("role", "", "comma-separated roles: admin, coordinator, validator, requester, donor, delegate, viewer")
	stdinPW := fs.Bool("password-stdin", false, "read the password from standard input")
	withTOTP := fs.Bool("totp", false, "require a TOTP code at sign-in; prints the enrolment URL")
	group := fs.String("working-group", "", "a validator's working group: technical or interagency")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case *org == "":
		return usageError{"--org is required"}
	case *email == "":
		return usageError{"--email is required"}
	case *roles == "":
		return usageError{"--role is required"}
	case !*stdinPW:
		return usageError{"--password-stdin is required: passwords are never given as arguments, which other users can read"}
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return fmt.Errorf("read the password from standard input: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	var rs []model.Role
	for _, r := range strings.Split(*roles, ",") {
		rs = append(rs, model.Role(strings.TrimSpace(r)))
	}
	a, done, err := e.openApp(db)
	if err != nil {
		return err
	}
	defer done()
	u, err := a.Accounts.Create(e.ctx, policy.System(), accounts.NewUser{
		OrgID: *org, Email: *email, Name: *name, Roles: rs, Password: password, WithTOTP: *withTOTP,
		WorkingGroup: model.WorkingGroup(*group),
	})
	if err != nil {
		return describe(err)
	}
	fmt.Fprintln(e.stdout, u.ID)
	if u.TOTPURL != "" {
		fmt.Fprintf(e.stderr, "add this account to an authenticator app (shown once):\n%s\n", u.TOTPURL)
	}
	return nil
}

func (e *env) ratesImport(args []string) error {
	fs, db := newFlagSet("rates import", e)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"rates import takes one file: the ECB's eurofxref-hist.zip, eurofxref-hist.csv, eurofxref.zip or eurofxref.csv"}
	}
	rs, err := readECBFile(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	s, err := e.open(db)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := rates.Import(e.ctx, s, rs, time.Now(), audit.Actor{})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "imported %d reference rates\n", res.Rates)
	fmt.Fprintf(e.stdout, "revalued %d provisional pledges and %d provisional offers; %d values still provisional", res.Pledges, res.Offers, res.Provisional)
	if res.Tranches > 0 {
		fmt.Fprintf(e.stdout, "; revalued %d provisional disbursed tranches", res.Tranches)
	}
	if res.Reimport > 0 {
		fmt.Fprintf(e.stdout, "; %d imported reports valued at several rates are revalued when their IATI file is imported again", res.Reimport)
	}
	if res.Unpriced > 0 {
		fmt.Fprintf(e.stdout, "; %d provisional values kept: the file quotes no rate for their currency on their date", res.Unpriced)
	}
	fmt.Fprintln(e.stdout)
	return nil
}

// readECBFile reads the ECB's CSV, or the zip the ECB distributes it in.
func readECBFile(name string) ([]model.Rate, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	magic := make([]byte, 4)
	if n, _ := io.ReadFull(f, magic); n == 4 && string(magic) == "PK\x03\x04" {
		st, err := f.Stat()
		if err != nil {
			return nil, err
		}
		return money.ParseECBZip(f, st.Size())
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return money.ParseECB(f)
}
