package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/cyberaid/cyberaid/internal/model"
	"github.com/cyberaid/cyberaid/internal/policy"
	"github.com/cyberaid/cyberaid/internal/requirements"
)

// importRequirements reads a filled requirements template (XLSX or CSV)
// into draft requirements of one beneficiary organisation.
func (e *env) importRequirements(args []string) error {
	fs, db := newFlagSet("import requirements", e)
	org := fs.String("org", "", "id of the beneficiary organisation the requirements are for")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() != 1:
		return usageError{"import requirements takes one FILE (.xlsx or .csv)"}
	case *org == "":
		return usageError{"--org is required"}
	}
	name := fs.Arg(0)
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	s, err := e.open(db)
	if err != nil {
		return err
	}
	defer s.Close()
	// Only the service an import needs, as for the IATI import.
	svc := requirements.NewService(s, time.Now, nil, nil)
	res, err := svc.Import(e.ctx, policy.System(), *org, filepath.Base(name), f)
	var ie *requirements.ImportError
	if errors.As(err, &ie) {
		fmt.Fprintf(e.stderr, "cyberaid: %s was refused; nothing was imported:\n", name)
		for _, p := range ie.Problems {
			if p.Column != "" {
				fmt.Fprintf(e.stderr, "  row %d, column %s: %s\n", p.Row, p.Column, p.Message)
			} else {
				fmt.Fprintf(e.stderr, "  row %d: %s\n", p.Row, p.Message)
			}
		}
		return errRefused
	}
	if err != nil {
		return describe(err)
	}
	for _, r := range res.Rows {
		fmt.Fprintf(e.stdout, "row %d: %s %s (%s)\n", r.Row, r.Ref, r.Action, r.Title)
	}
	fmt.Fprintf(e.stdout, "%d draft(s) created, %d updated\n", res.Created, res.Updated)
	return nil
}

// reviewsFlag reads --reviews: the working groups whose approval validates
// a requirement.
type reviewsFlag []model.WorkingGroup

func (r *reviewsFlag) String() string {
	if r == nil || len(*r) == 0 {
		return "technical,interagency"
	}
	s := ""
	for i, g := range *r {
		if i > 0 {
			s += ","
		}
		s += string(g)
	}
	return s
}

func (r *reviewsFlag) Set(v string) error {
	groups, err := requirements.ParseReviews(v)
	var fe *model.FieldError
	if errors.As(err, &fe) {
		return errors.New(fe.Message)
	}
	if err != nil {
		return err
	}
	*r = groups
	return nil
}
