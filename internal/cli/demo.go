package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/cyberaid/cyberaid/internal/app"
	"github.com/cyberaid/cyberaid/internal/demo"
)

// demoGenerate fills an empty database with the demo and, beyond it, as
// many records as a test at scale needs; the demo's people sign in to it.
func (e *env) demoGenerate(args []string) error {
	fs, db := newFlagSet("demo generate", e)
	var sc demo.Scale
	fs.IntVar(&sc.Requirements, "requirements", 1_000, "how many requirements to generate")
	fs.IntVar(&sc.Pledges, "pledges", 10_000, "how many pledges to generate, each answering a validated requirement")
	fs.IntVar(&sc.Offers, "offers", 100, "how many offers to generate")
	fs.Uint64Var(&sc.Seed, "seed", 1, "seed of the generator: the same seed and sizes write the same records")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole generation to this file, for go tool pprof")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("demo generate takes no argument, got %q", fs.Arg(0))}
	}
	if err := sc.Check(); err != nil {
		return usageError{describe(err).Error()}
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	s, err := e.open(db)
	if err != nil {
		return err
	}
	defer s.Close()
	// The demo's history is written at its own moments, on a clock the
	// seeding sets; the generated records carry their own dates.
	clock := &demo.Clock{}
	a, err := app.New(s, app.Options{Log: e.log, Now: clock.Now})
	if err != nil {
		return err
	}
	start := time.Now()
	last := map[string]time.Time{}
	accounts, err := demo.Generate(e.ctx, a, clock, DemoPassword, sc, func(what string, n, total int) {
		// A line every few seconds, and the last one, is enough to show it moves.
		if n == total || time.Since(last[what]) > 3*time.Second {
			last[what] = time.Now()
			fmt.Fprintf(e.stderr, "%s: %d of %d (%s)\n", what, n, total, time.Since(start).Round(100*time.Millisecond))
		}
	})
	if errors.Is(err, demo.ErrNotEmpty) {
		return fmt.Errorf("the database already holds data: demo generate fills only an empty one")
	}
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(e.stdout, "Generated %d requirements, %d pledges and %d offers beyond the demo in %s.\n\nDemo accounts (password %q):\n",
		sc.Requirements, sc.Pledges, sc.Offers, time.Since(start).Round(100*time.Millisecond), DemoPassword)
	for _, acc := range accounts {
		fmt.Fprintf(e.stdout, "  %-12s %-40s %s\n", acc.Role, acc.Email, acc.Org)
	}
	return nil
}
