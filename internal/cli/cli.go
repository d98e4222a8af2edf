// Package cli is cyberaid's command line: flags, subcommands and start-up.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/store"
)

const usage = `cyberaid coordinates civilian cyber capacity-building assistance.

Usage:
  cyberaid serve [--addr :8080] [--demo] [--metrics-addr ADDR] [--shutdown-grace 30s]
      [--reviews technical,interagency]      run the web UI and the JSON API; --reviews names the
                                             working groups whose approval validates a requirement
  cyberaid migrate                           bring the database schema up to date
  cyberaid org add --name N --kind K --participation P [--country CC]
  cyberaid org sso --org ID --issuer URL --client-id ID [--client-secret-file FILE]
      [--name N] [--email-domains D,D] [--no-passwords]
      (the secret else from CYBERAID_SSO_CLIENT_SECRET; prints the provider's id)
  cyberaid user add --org ID --email E --role R[,R…] --password-stdin [--name N] [--totp]
      [--working-group technical|interagency]  (a validator's working group)
  cyberaid rates import FILE                 load the ECB's euro reference rates (CSV or zip) and
                                             revalue provisional pledges and offers
  cyberaid audit verify [--checkpoint FILE [--key VERIFIERKEY]] [--log FILE]
                                             check the audit log's hash chain; with a checkpoint
                                             kept earlier, prove that today's log extends it
  cyberaid audit checkpoint                  print the audit log's signed checkpoint
  cyberaid audit export                      print every audit event, one JSON object a line
  cyberaid audit key [--new NAME]            print the checkpoints' verifier key
  cyberaid import iati [--strict] FILE|URL   read donors' published IATI activities as bilateral reports
  cyberaid demo generate [--requirements N] [--pledges M] [--offers K] [--seed S]
                                             fill an empty database with the demo and as many
                                             records beyond it as a test at scale needs
  cyberaid import requirements FILE --org ID read a filled requirements template (.xlsx or .csv) into
                                             draft requirements of the beneficiary organisation ID
  cyberaid backup FILE                       write a consistent copy of the SQLite database while serving
  cyberaid restore FILE                      restore a backup into an empty data directory, once its
                                             audit log verifies

Every subcommand takes --data-dir DIR (SQLite, default ./data) or
--database-url postgres://… (also CYBERAID_DATABASE_URL, CYBERAID_DATA_DIR).
serve and the audit commands take --audit-key-file FILE (or CYBERAID_AUDIT_KEY);
by default the signing key is audit.key in the data directory.
`

// env is what a subcommand works with.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	log    *slog.Logger
}

// Run executes one command line and returns the process exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr,
		log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	err := e.dispatch(args)
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "cyberaid: %v\n\n%s", err, usage)
		return 2
	case errors.Is(err, errVerifyFailed), errors.Is(err, errRefused):
		return 1
	default:
		fmt.Fprintf(stderr, "cyberaid: %v\n", err)
		return 1
	}
}

type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func (e *env) dispatch(args []string) error {
	if len(args) == 0 {
		fmt.Fprint(e.stdout, usage)
		return nil
	}
	cmd, rest := args[0], args[1:]
	sub := ""
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		sub = rest[0]
	}
	switch {
	case cmd == "serve":
		return e.serve(rest)
	case cmd == "migrate":
		return e.migrate(rest)
	case cmd == "org" && sub == "add":
		return e.orgAdd(rest[1:])
	case cmd == "org" && sub == "sso":
		return e.orgSSO(rest[1:])
	case cmd == "user" && sub == "add":
		return e.userAdd(rest[1:])
	case cmd == "rates" && sub == "import":
		return e.ratesImport(rest[1:])
	case cmd == "audit" && sub == "verify":
		return e.auditVerify(rest[1:])
	case cmd == "audit" && sub == "checkpoint":
		return e.auditCheckpoint(rest[1:])
	case cmd == "audit" && sub == "export":
		return e.auditExport(rest[1:])
	case cmd == "audit" && sub == "key":
		return e.auditKey(rest[1:])
	case cmd == "import" && sub == "iati":
		return e.importIATI(rest[1:])
	case cmd == "demo" && sub == "generate":
		return e.demoGenerate(rest[1:])
	case cmd == "import" && sub == "requirements":
		return e.importRequirements(rest[1:])
	case cmd == "backup":
		return e.backup(rest)
	case cmd == "restore":
		return e.restore(rest)
	case cmd == "help" || cmd == "-h" || cmd == "--help":
		fmt.Fprint(e.stdout, usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q", strings.Join(args[:min(2, len(args))], " "))}
}

// dbFlags are the flags every subcommand shares.
type dbFlags struct {
	dataDir     string
	databaseURL string
}

func newFlagSet(name string, e *env) (*flag.FlagSet, *dbFlags) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	db := &dbFlags{}
	fs.StringVar(&db.dataDir, "data-dir", envOr("CYBERAID_DATA_DIR", "./data"), "directory of the SQLite database")
	fs.StringVar(&db.databaseURL, "database-url", os.Getenv("CYBERAID_DATABASE_URL"), "PostgreSQL URL (postgres://…); overrides --data-dir")
	return fs, db
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// parse reads flags wherever they stand, so that "rates import FILE
// --data-dir DIR" works as well as the flags-first order the flag package
// expects; the positional arguments are left in positionals.
func parse(fs *flag.FlagSet, args []string) error {
	var positionals []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		positionals = append(positionals, args[0])
		args = args[1:]
	}
	// Parse once more with only the positionals, so that fs.Args and
	// fs.NArg report them.
	return fs.Parse(append([]string{"--"}, positionals...))
}

// open connects to the database and brings its schema up to date, so that
// every subcommand works on a fresh data directory. A subcommand runs and
// exits: its writes are in bulk (store.Config.Bulk).
func (e *env) open(db *dbFlags) (*store.DB, error) {
	return e.openWith(db, true)
}

func (e *env) openWith(db *dbFlags, bulk bool) (*store.DB, error) {
	s, err := store.Open(e.ctx, store.Config{DataDir: db.dataDir, DatabaseURL: db.databaseURL, Bulk: bulk})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := s.Migrate(e.ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("migrate database: %w", err)
	}
	return s, nil
}

// openApp is open plus the services, for subcommands that change records.
func (e *env) openApp(db *dbFlags) (*app.App, func(), error) {
	s, err := e.open(db)
	if err != nil {
		return nil, nil, err
	}
	a, err := app.New(s, app.Options{Log: e.log})
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return a, func() { s.Close() }, nil
}

func (e *env) migrate(args []string) error {
	fs, db := newFlagSet("migrate", e)
	if err := parse(fs, args); err != nil {
		return err
	}
	s, err := e.open(db)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(e.stdout, "database schema is up to date (%s)\n", s.Dialect())
	return nil
}
